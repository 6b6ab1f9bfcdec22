import type { z } from "zod";
import { InvalidPermitDocumentError } from "./errors";
import { permitDocumentSchema, type PermitDocument } from "./schema";
import type { RuleCode } from "./rules";

/** One broken rule: where (`"items[1].quantity"`, `""` for the document itself), which rule, why. */
export type ValidationIssue = { path: string; rule: RuleCode; message: string };

export type ValidatePermitDocumentReturnType =
  | { ok: true; document: PermitDocument }
  | { ok: false; issues: ValidationIssue[] };

/** Which rule an out-of-list value breaks, by the field it sits in. */
const ENUM_RULES: Record<string, RuleCode> = {
  documentType: "documentType.enum",
  appendix: "appendix.code",
  source: "source.code",
  purpose: "purpose.code",
};

/** `["items", 1, "quantity"]` → `"items[1].quantity"`. */
export function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === "number") return `${out}[${key}]`;
    return out ? `${out}.${String(key)}` : String(key);
  }, "");
}

function toValidationIssues(issue: z.core.$ZodIssue): ValidationIssue[] {
  const path = formatPath(issue.path);
  switch (issue.code) {
    case "custom":
      return [{ path, rule: (issue.params?.rule as RuleCode | undefined) ?? "type.invalid", message: issue.message }];
    case "invalid_type":
      return issue.input === undefined
        ? [{ path, rule: "field.required", message: "is required" }]
        : [{ path, rule: "type.invalid", message: `must be ${issue.expected === "object" ? "an" : "a"} ${issue.expected}` }];
    case "unrecognized_keys":
      return issue.keys.map((key) => ({
        path: formatPath([...issue.path, key]),
        rule: "object.unknownKey" as const,
        message: "is not a field of a permit document",
      }));
    case "invalid_value": {
      const field = String(issue.path.at(-1));
      const rule = ENUM_RULES[field] ?? "type.invalid";
      return [{ path, rule, message: `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}` }];
    }
    default:
      return [{ path, rule: "type.invalid", message: issue.message }];
  }
}

/**
 * Validates a permit document against the schema and every rule in `RULES`.
 *
 * @example
 * const result = validatePermitDocument(JSON.parse(body));
 * if (!result.ok) return problem(422, result.issues); // [{ path: "items[1].quantity", rule: "quantity.maxDecimals3", ... }]
 * anchor(result.document);
 */
export function validatePermitDocument(input: unknown): ValidatePermitDocumentReturnType {
  const result = permitDocumentSchema.safeParse(input, { reportInput: true }); // tells "missing" from "wrong type"
  if (result.success) return { ok: true, document: result.data };
  return { ok: false, issues: result.error.issues.flatMap(toValidationIssues) };
}

/**
 * Like `validatePermitDocument`, but returns the document or throws.
 *
 * @throws {InvalidPermitDocumentError} with every issue in `issues`
 */
export function parsePermitDocument(input: unknown): PermitDocument {
  const result = validatePermitDocument(input);
  if (!result.ok) throw new InvalidPermitDocumentError(result.issues);
  return result.document;
}
