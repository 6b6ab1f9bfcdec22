/**
 * The bodies of the lifecycle steps (POST /permits/{id}/endorsements, /cancel, /non-compliance):
 * strict (an unknown key is named in a 400), parsed by the routes, and described in the OpenAPI
 * document from these same schemas.
 */
import { z } from "zod";
import { CANCEL_REASON, NON_COMPLIANCE_REASON, type CancelReason, type NonComplianceReason } from "../../sdk/chain";

export const endorsementBody = z.strictObject({
  items: z
    .array(z.strictObject({
      line: z.number({ error: "a line number of the permit, e.g. 1" }).int().positive(),
      quantity: z.number({ error: "a finite number, e.g. 14.5" }).nonnegative({ error: "must be zero or more (what left the country)" }),
    }))
    .min(1),
  transportDocument: z.string().max(200).optional(),
  port: z.string().max(200).optional(),
});
export const cancelBody = z.strictObject({ reason: z.enum(CANCEL_REASON.filter((r) => r !== "NONE") as [CancelReason, ...CancelReason[]]) });
export const nonComplianceBody = z.strictObject({
  reason: z.enum(NON_COMPLIANCE_REASON.filter((r) => r !== "NONE") as [NonComplianceReason, ...NonComplianceReason[]]),
  note: z.string().max(2000).optional(),
});

/** A body's JSON Schema (2020-12, the dialect of OpenAPI 3.1), for the OpenAPI document. */
export function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: "input" });
  return rest;
}
