import { PermitRegistryError } from "../../sdk/errors";

/** A bearer token that is not of the form `prt_<43 base64url characters>`. */
export class MalformedTokenError extends PermitRegistryError {
  override readonly name = "MalformedTokenError" as const;

  constructor() {
    super("The bearer token is malformed.", { details: "Tokens look like prt_ followed by 43 base64url characters." });
  }
}

/** The passphrase does not open this encrypted key (or the envelope was tampered with). */
export class WrongPassphraseError extends PermitRegistryError {
  override readonly name = "WrongPassphraseError" as const;

  constructor(address: string, cause?: unknown) {
    super(`The keystore passphrase does not decrypt the key of ${address}.`, {
      cause,
      details: "Check KEYSTORE_PASSPHRASE: it must be the one the keys were created under.",
      meta: { address },
    });
  }
}

/** The stored encrypted key is not a keystore envelope this version understands. */
export class MalformedKeystoreEntryError extends PermitRegistryError {
  override readonly name = "MalformedKeystoreEntryError" as const;

  constructor(reason: string, cause?: unknown) {
    super(`The encrypted officer key is unreadable: ${reason}.`, { cause, meta: { reason } });
  }
}
