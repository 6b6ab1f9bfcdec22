/** `endorse`, `use`, `cancel`, `replace` and `non-compliance`: the lifecycle steps after issue, each one signed on chain by the calling officer. */
import { Option, type Command } from "commander";
import type { CancelReason, NonComplianceReason } from "../../sdk/chain/client";
import { apiClientFrom, withConnection, type ConnectionOptions } from "../lib/connection";
import { UsageError } from "../lib/errors";
import { collectLine } from "../lib/options";
import { printJson } from "../lib/output";
import { resolvePermitRef } from "../lib/permitRef";
import { action } from "../lib/run";
import { loadDocuments } from "./issue";
import { formatPermit, type PermitView } from "./permitView";

type Json = { json?: boolean };

const PERMIT_ARGUMENT = ["<permit>", "permit id (0x…) or permit number"] as const;

/** Sends a step to `/permits/{id}/<step>` for the permit named by id or number. */
async function step(opts: ConnectionOptions, permit: string, path: string, body?: unknown): Promise<PermitView> {
  const api = apiClientFrom(opts);
  const permitId = await resolvePermitRef(api, permit);
  return (await api.post<PermitView>(`/permits/${encodeURIComponent(permitId)}/${path}`, body)).body;
}

/** The contract's cancel reasons (kept literal so the CLI starts without loading viem; the types keep it complete). */
const CANCEL_REASONS = ["LOST", "STOLEN", "DAMAGED", "WRONGLY_ISSUED", "WITHDRAWN", "OTHER"] as const satisfies readonly CancelReason[];
const complete: Exclude<CancelReason, (typeof CANCEL_REASONS)[number]> extends never ? true : never = true;
void complete;
const NON_COMPLIANCE_REASONS = ["QUANTITY_MISMATCH", "SPECIES_MISMATCH", "DOCUMENT_IRREGULARITY", "PEST_OR_DISEASE", "ILLEGAL_SPECIMENS", "OTHER"] as const satisfies readonly NonComplianceReason[];
const completeNonCompliance: Exclude<NonComplianceReason, (typeof NON_COMPLIANCE_REASONS)[number]> extends never ? true : never = true;
void completeNonCompliance;

/** The replacement document: the one permit document in `file` (read as `issue` reads its files). */
function readDocument(file: string): unknown {
  const documents = loadDocuments([file]);
  if (documents.length !== 1) throw new UsageError(`${file} holds ${documents.length} documents; a permit is replaced by one.`);
  return documents[0]!.document;
}

function answer(view: PermitView, opts: Json, what: string): void {
  if (opts.json) return printJson(view);
  process.stderr.write(`${what}: ${view.permitNumber} is now ${view.status}\n`);
  console.log(formatPermit(view));
}

export function registerLifecycleCommands(program: Command): void {
  withConnection(
    program
      .command("endorse")
      .description("customs of the exporting country: endorse the export with the quantities that left")
      .argument(...PERMIT_ARGUMENT),
  )
    .option("--line <line=quantity>", "quantity exported on a line, e.g. --line 1=100 --line 2=14.5 (repeat; lines not given export 0)", collectLine)
    .option("--transport-document <ref>", "bill of lading / air waybill number")
    .option("--port <port>", "port of export")
    .option("--json", "the updated record as JSON")
    .action(
      action(async (permit: string, opts: ConnectionOptions & Json & { line?: { line: number; quantity: number }[]; transportDocument?: string; port?: string }) => {
        if (!opts.line?.length) throw new UsageError("Give the exported quantities: --line 1=100 [--line 2=14.5 ...].");
        const body = { items: opts.line, transportDocument: opts.transportDocument, port: opts.port };
        answer(await step(opts, permit, "endorsements", body), opts, "endorsed");
      }),
    );

  withConnection(program.command("use").description("an officer of the importing country accepts the import: the permit is used").argument(...PERMIT_ARGUMENT))
    .option("--json", "the updated record as JSON")
    .action(
      action(async (permit: string, opts: ConnectionOptions & Json) => {
        answer(await step(opts, permit, "use"), opts, "used");
      }),
    );

  withConnection(program.command("cancel").description("an issuer of the issuing country cancels the permit").argument(...PERMIT_ARGUMENT))
    .addOption(new Option("--reason <reason>", "why").choices(CANCEL_REASONS).makeOptionMandatory())
    .option("--json", "the updated record as JSON")
    .action(
      action(async (permit: string, opts: ConnectionOptions & Json & { reason: string }) => {
        answer(await step(opts, permit, "cancel", { reason: opts.reason }), opts, "cancelled");
      }),
    );

  withConnection(
    program
      .command("replace")
      .description("an issuer of the issuing country replaces the permit with a new document (the old one becomes REPLACED)")
      .argument(...PERMIT_ARGUMENT)
      .argument("<file.json>", "the replacement permit document (a new permit number)"),
  )
    .option("--json", "the replacement's record as JSON")
    .action(
      action(async (permit: string, file: string, opts: ConnectionOptions & Json) => {
        const replacement = await step(opts, permit, "replace", readDocument(file));
        if (opts.json) return printJson(replacement);
        process.stderr.write(`replaced: ${replacement.permitNumber} replaces ${permit}\n`);
        console.log(formatPermit(replacement));
      }),
    );

  withConnection(
    program
      .command("non-compliance")
      .description("an officer of the importing country records a notice of non-compliance (after the export endorsement)")
      .argument(...PERMIT_ARGUMENT),
  )
    .addOption(new Option("--reason <reason>", "what was wrong").choices(NON_COMPLIANCE_REASONS).makeOptionMandatory())
    .option("--note <text>", "a note for the audit log (not on chain), at most 2000 characters")
    .option("--json", "the updated record as JSON")
    .action(
      action(async (permit: string, opts: ConnectionOptions & Json & { reason: string; note?: string }) => {
        answer(await step(opts, permit, "non-compliance", { reason: opts.reason, note: opts.note }), opts, "non-compliance recorded");
      }),
    );
}
