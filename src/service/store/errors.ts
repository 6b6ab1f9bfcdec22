/**
 * The store's typed failures. They carry a `kind` the HTTP error middleware understands
 * (`conflict` → 409, `notFound` → 404), so the store need not know about HTTP.
 */
import type { Hex } from "viem";
import { PermitRegistryError } from "../../sdk/errors";
import { permitIdOf } from "../../sdk/ids";

/** Another permit already has this number in this country, or this id. */
export class DuplicatePermitError extends PermitRegistryError {
  override readonly name = "DuplicatePermitError" as const;
  readonly kind = "conflict" as const;
  /** The permit that has the number (its id follows from the country and number). */
  readonly permitId: Hex;

  constructor(issuingCountry: string, permitNumber: string, cause?: unknown) {
    const permitId = permitIdOf(issuingCountry, permitNumber);
    super(`A permit numbered ${permitNumber} already exists for ${issuingCountry} (${permitId}).`, {
      cause,
      details: "Permit numbers are unique per issuing country; use a new number, or replace the existing permit.",
      meta: { issuingCountry, permitNumber },
    });
    this.permitId = permitId;
  }
}

/** A record the caller names does not exist. */
export class RecordNotFoundError extends PermitRegistryError {
  override readonly name = "RecordNotFoundError" as const;
  readonly kind = "notFound" as const;

  constructor(table: string, id: string) {
    super(`No ${table} record ${id}.`, { meta: { table, id } });
  }
}

/** An officer with this address or token already exists. */
export class DuplicateOfficerError extends PermitRegistryError {
  override readonly name = "DuplicateOfficerError" as const;
  readonly kind = "conflict" as const;

  constructor(address: string, cause?: unknown) {
    super(`An officer with address ${address} (or the same token) already exists.`, { cause, meta: { address } });
  }
}

/** A cursor that this store did not hand out. */
export class InvalidCursorError extends PermitRegistryError {
  override readonly name = "InvalidCursorError" as const;
  readonly kind = "invalid" as const;

  constructor(cursor: string) {
    super("The pagination cursor is not valid; start again without one.", { meta: { cursor } });
  }
}

/** A migration failed; nothing of it was applied. */
export class MigrationFailedError extends PermitRegistryError {
  override readonly name = "MigrationFailedError" as const;

  constructor(version: number, migrationName: string, cause: unknown) {
    super(`Database migration ${version} (${migrationName}) failed and was rolled back.`, {
      cause,
      details: cause instanceof Error ? cause.message : undefined,
      meta: { version, migrationName },
    });
  }
}
