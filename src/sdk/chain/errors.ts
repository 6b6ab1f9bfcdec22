import { BaseError, ContractFunctionRevertedError, HttpRequestError, TimeoutError, WebSocketRequestError, hexToString, type Hex } from "viem";
import { PermitRegistryError } from "../errors";

/**
 * How a contract revert should be treated by callers (the service maps it to an HTTP status):
 * `forbidden` 403, `notFound` 404, `conflict` 409 (lifecycle), `invalid` 422.
 */
export type RevertKind = "forbidden" | "notFound" | "conflict" | "invalid";

/** A custom error the registry contract reverted with, decoded. */
export abstract class RegistryRevertError extends PermitRegistryError {
  abstract override readonly name: string;
  abstract readonly kind: RevertKind;
  /** The Solidity error name, e.g. "QuantityExceeded". */
  readonly errorName: string;
  /** The error's arguments by parameter name (bigints and hex strings). */
  readonly args: Record<string, unknown>;
  constructor(errorName: string, args: Record<string, unknown>, message: string, cause?: unknown) {
    super(message, { cause, meta: { errorName, args } });
    this.errorName = errorName;
    this.args = args;
  }
}

type Args = Record<string, unknown>;
const fmt = (v: unknown) => (typeof v === "bigint" ? v.toString() : String(v));
const country = (v: unknown) => (typeof v === "string" && /^0x[0-9a-f]{4}$/i.test(v) ? hexToString(v as Hex) : fmt(v));
const qty = (v: unknown) => (typeof v === "bigint" ? (Number(v) / 1000).toString() : fmt(v));

function revertClass<N extends string>(
  name: N,
  kind: RevertKind,
  describe: (a: Args) => string,
  errorName = name.replace(/Error$/, ""), // the Solidity error's name
) {
  return class extends RegistryRevertError {
    static readonly errorName = errorName;
    override readonly name = name;
    readonly kind = kind;
    constructor(args: Args = {}, cause?: unknown) {
      super(errorName, args, describe(args), cause);
    }
  };
}

// Membership
export const ZeroAddressError = revertClass("ZeroAddressError", "invalid", () => "An account address was zero.");
export const CountryCodeRejectedError = revertClass("CountryCodeRejectedError", "invalid", (a) => `"${country(a.country)}" is not an ISO 3166-1 alpha-2 code.`, "InvalidCountryCode");
export const CountryAlreadyAdmittedError = revertClass("CountryAlreadyAdmittedError", "conflict", (a) => `${country(a.country)} is already a member.`);
export const CountryNotAdmittedError = revertClass("CountryNotAdmittedError", "notFound", (a) => `${country(a.country)} has not been admitted.`);
export const CountrySuspendedError = revertClass("CountrySuspendedError", "forbidden", (a) => `${country(a.country)} is suspended and can do nothing.`, "CountrySuspendedError");
export const CountryNotSuspendedError = revertClass("CountryNotSuspendedError", "conflict", (a) => `${country(a.country)} is not suspended.`);
export const AccountAlreadyRegisteredError = revertClass("AccountAlreadyRegisteredError", "conflict", (a) => `Account ${fmt(a.account)} is already registered in ${country(a.country)}.`);
export const InvalidOfficerRoleError = revertClass("InvalidOfficerRoleError", "invalid", () => "Only issuer and customs officers can be registered.");
export const OfficerNotFoundError = revertClass("OfficerNotFoundError", "notFound", (a) => `${fmt(a.account)} is not an active officer of ${country(a.country)}.`);
export const UnauthorizedError = revertClass("UnauthorizedError", "forbidden", (a) => `${fmt(a.account)} is not an active ${["none", "authority admin", "issuer", "customs officer"][Number(a.role)] ?? "officer"} of ${country(a.country)} (or the country is suspended).`);
export const NotOfficerOfError = revertClass("NotOfficerOfError", "forbidden", (a) => `${fmt(a.account)} is not an active officer of ${country(a.country)} (or the country is suspended).`);
export const AccessControlUnauthorizedAccountError = revertClass("AccessControlUnauthorizedAccountError", "forbidden", (a) => `${fmt(a.account)} is not the governance account.`);
// Permits
export const PermitNotFoundError = revertClass("PermitNotFoundError", "notFound", (a) => `No permit is anchored under ${fmt(a.permitId)}.`);
export const PermitAlreadyExistsError = revertClass("PermitAlreadyExistsError", "conflict", (a) => `A permit with this number was already anchored (${fmt(a.permitId)}).`);
export const EmptyBatchError = revertClass("EmptyBatchError", "invalid", () => "The batch is empty.");
export const NoLineItemsError = revertClass("NoLineItemsError", "invalid", () => "The permit has no line items.");
export const ZeroQuantityError = revertClass("ZeroQuantityError", "invalid", (a) => `Line ${fmt(a.line)} has a zero quantity.`);
export const InvalidCountriesError = revertClass("InvalidCountriesError", "invalid", (a) => `Exporting country ${country(a.exportingCountry)} and importing country ${country(a.importingCountry)} must be two different ISO codes.`);
export const ValidityInPastError = revertClass("ValidityInPastError", "invalid", () => "The last day of validity is already over.");
export const ValidityTooLongError = revertClass("ValidityTooLongError", "invalid", () => "The validity is longer than the document type allows (6 months export / re-export, 12 months import).");
export const PermitExpiredError = revertClass("PermitExpiredError", "conflict", (a) => `The permit expired at ${new Date(Number(a.validUntil) * 1000).toISOString()}.`);
export const PermitNotActiveError = revertClass("PermitNotActiveError", "conflict", (a) => `The permit is ${["unknown", "issued", "endorsed", "used", "cancelled", "replaced"][Number(a.status)] ?? "not active"} and can't take this step.`);
export const AlreadyEndorsedError = revertClass("AlreadyEndorsedError", "conflict", () => "The export was already endorsed; a permit covers one shipment.");
export const NotEndorsableError = revertClass("NotEndorsableError", "invalid", () => "Import permits are not endorsed at export.");
export const ExportNotEndorsedError = revertClass("ExportNotEndorsedError", "conflict", () => "The export has not been endorsed by customs of the exporting country yet.");
export const AlreadyUsedError = revertClass("AlreadyUsedError", "conflict", () => "The permit was already used at import.");
export const NotYetShippedError = revertClass("NotYetShippedError", "conflict", () => "Non-compliance can be recorded only after the export endorsement.");
export const RecordMismatchError = revertClass("RecordMismatchError", "conflict", () => "The presented record does not match the anchored one; reload it from the chain.");
export const LineCountMismatchError = revertClass("LineCountMismatchError", "invalid", (a) => `The permit has ${fmt(a.expected)} lines; ${fmt(a.actual)} quantities were given.`);
export const NothingExportedError = revertClass("NothingExportedError", "invalid", () => "The endorsement gives zero on every line: nothing left the country.");
export const QuantityExceededError = revertClass("QuantityExceededError", "conflict", (a) => `Line ${fmt(a.line)}: ${qty(a.requested)} exported but only ${qty(a.authorised)} authorised.`);
export const ImportPermitMismatchError = revertClass("ImportPermitMismatchError", "invalid", (a) => `The named import permit ${fmt(a.importPermitId)} is not anchored, not an import permit, or names other countries.`);
export const ImportPermitNotUsableError = revertClass("ImportPermitNotUsableError", "conflict", (a) => `The named import permit ${fmt(a.importPermitId)} is expired, used, cancelled or replaced.`);
export const ReasonRequiredError = revertClass("ReasonRequiredError", "invalid", () => "A reason code is required.");
export const InvalidTermsError = revertClass("InvalidTermsError", "invalid", () => "The packed terms word is malformed.");

const BY_ERROR_NAME: Record<string, new (args?: Args, cause?: unknown) => RegistryRevertError> = Object.fromEntries(
  [
    ZeroAddressError, CountryCodeRejectedError, CountryAlreadyAdmittedError, CountryNotAdmittedError, CountrySuspendedError,
    CountryNotSuspendedError, AccountAlreadyRegisteredError, InvalidOfficerRoleError, OfficerNotFoundError, UnauthorizedError,
    NotOfficerOfError, AccessControlUnauthorizedAccountError, PermitNotFoundError, PermitAlreadyExistsError, EmptyBatchError,
    NoLineItemsError, ZeroQuantityError, InvalidCountriesError, ValidityInPastError, ValidityTooLongError, PermitExpiredError,
    PermitNotActiveError, AlreadyEndorsedError, NotEndorsableError, ExportNotEndorsedError, AlreadyUsedError, NotYetShippedError,
    RecordMismatchError, LineCountMismatchError, NothingExportedError, QuantityExceededError, ImportPermitMismatchError, ImportPermitNotUsableError,
    ReasonRequiredError, InvalidTermsError,
  ].map((C) => [C.errorName, C]),
);

/** The chain could not be reached (network error, timeout, node down). Never a verdict on a permit. */
export class ChainUnreachableError extends PermitRegistryError {
  override readonly name = "ChainUnreachableError" as const;
  constructor(cause: unknown) {
    super("The chain could not be reached.", { cause, details: "Check that the RPC endpoint is running and reachable, then retry." });
  }
}

/** A contract call failed for a reason the SDK does not know (e.g. a revert without data). */
export class RegistryCallError extends PermitRegistryError {
  override readonly name = "RegistryCallError" as const;
  constructor(cause: unknown) {
    super(cause instanceof BaseError ? cause.shortMessage : "The registry call failed.", { cause });
  }
}

export type RegistryErrorType = RegistryRevertError | ChainUnreachableError | RegistryCallError;

/** True for errors that mean "could not talk to the node", as opposed to an answer from it. */
export function isNetworkError(err: unknown): boolean {
  if (err instanceof BaseError) {
    return Boolean(err.walk((e) => e instanceof HttpRequestError || e instanceof TimeoutError || e instanceof WebSocketRequestError));
  }
  const code = (err as { code?: string; cause?: { code?: string } })?.cause?.code ?? (err as { code?: string })?.code;
  return ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "UND_ERR_SOCKET"].includes(code ?? "");
}

/** Turns whatever viem threw into a typed SDK error. */
export function decodeRegistryError(err: unknown): RegistryErrorType {
  if (err instanceof RegistryRevertError || err instanceof ChainUnreachableError || err instanceof RegistryCallError) return err;
  if (isNetworkError(err)) return new ChainUnreachableError(err);
  if (err instanceof BaseError) {
    const revert = err.walk((e) => e instanceof ContractFunctionRevertedError) as ContractFunctionRevertedError | undefined;
    const name = revert?.data?.errorName;
    const Known = name ? BY_ERROR_NAME[name] : undefined;
    if (revert && Known) {
      const inputs = revert.data?.abiItem && "inputs" in revert.data.abiItem ? revert.data.abiItem.inputs : [];
      const args = Object.fromEntries(inputs.map((input, i) => [input.name ?? String(i), revert.data?.args?.[i]]));
      return new Known(args, err);
    }
  }
  return new RegistryCallError(err);
}
