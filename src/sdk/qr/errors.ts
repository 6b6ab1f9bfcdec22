import { PermitRegistryError } from "../errors";

/** Why a QR text was rejected; callers can show a specific message per reason. */
export type MalformedQrPayloadReason =
  /** The text does not start with `PR<version>:` (after removing any verifier URL). */
  | "bad-prefix"
  /** A well-formed prefix of a version this SDK does not read (e.g. `PR2:`). */
  | "unsupported-version"
  /** A URL without a `#` fragment, or a fragment that is not valid percent-encoding. */
  | "bad-url"
  /** Characters outside the base45 alphabet, a dangling character, or a group out of range. */
  | "bad-base45"
  /** The bytes are not a zlib (RFC 1950) stream. */
  | "bad-deflate"
  /** The text or the inflated payload is larger than the documented limits. */
  | "too-large"
  /** The inflated bytes are not exactly one CBOR item. */
  | "bad-cbor"
  /** Valid CBOR, but not the payload structure (missing key, wrong type or length, bad mode). */
  | "bad-structure";

/** A scanned QR text that is not a readable permit payload. The only error `decodeQrPayload` throws. */
export class MalformedQrPayloadError extends PermitRegistryError {
  override readonly name = "MalformedQrPayloadError" as const;
  readonly reason: MalformedQrPayloadReason;

  constructor(reason: MalformedQrPayloadReason, shortMessage: string, options: { cause?: unknown; field?: string } = {}) {
    super(`Malformed QR payload (${reason}): ${shortMessage}`, {
      cause: options.cause,
      details: "The code is not a permit QR code of this registry, or it is damaged; scan again or check the permit online.",
      meta: { reason, ...(options.field === undefined ? {} : { field: options.field }) },
    });
    this.reason = reason;
  }
}

/** The caller passed a payload, anchor or option that cannot be encoded or signed (a programming error upstream). */
export class InvalidQrPayloadError extends PermitRegistryError {
  override readonly name = "InvalidQrPayloadError" as const;
  readonly field: string;

  constructor(field: string, shortMessage: string, options: { cause?: unknown } = {}) {
    super(`Invalid ${field}: ${shortMessage}`, { cause: options.cause, meta: { field } });
    this.field = field;
  }
}

/** The payload is too large: over the inflated-size limit, or over the capacity of a QR code at the chosen level. */
export class QrPayloadTooLargeError extends PermitRegistryError {
  override readonly name = "QrPayloadTooLargeError" as const;

  constructor(shortMessage: string, options: { cause?: unknown; size?: number; limit?: number } = {}) {
    super(shortMessage, {
      cause: options.cause,
      details: "Use the REFERENCE mode for large permits: the verifier then fetches the document online.",
      meta: { size: options.size, limit: options.limit },
    });
  }
}

/** An EIP-712 signature that is not 65 bytes or from which no signer can be recovered. */
export class InvalidPermitSignatureError extends PermitRegistryError {
  override readonly name = "InvalidPermitSignatureError" as const;

  constructor(options: { cause?: unknown; signature?: string } = {}) {
    super("The permit signature is malformed: no signer can be recovered from it.", {
      cause: options.cause,
      meta: { signature: options.signature },
    });
  }
}

/** The image bytes are not a PNG or JPEG this SDK can decode. */
export class UnsupportedImageError extends PermitRegistryError {
  override readonly name = "UnsupportedImageError" as const;

  constructor(shortMessage: string, options: { cause?: unknown } = {}) {
    super(shortMessage, { cause: options.cause, details: "Send a PNG or JPEG photo or scan of the QR code." });
  }
}

/** A valid image in which no QR code could be found or read. */
export class QrImageUnreadableError extends PermitRegistryError {
  override readonly name = "QrImageUnreadableError" as const;

  constructor(options: { cause?: unknown; width?: number; height?: number } = {}) {
    super("No readable QR code was found in the image.", {
      cause: options.cause,
      details: "Take a sharper, closer photo with the whole code in the frame and the quiet zone around it.",
      meta: { width: options.width, height: options.height },
    });
  }
}
