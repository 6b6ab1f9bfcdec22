import { Decoder, Encoder } from "cbor-x";
import { bytesToHex, getAddress, hexToBytes, type Address, type Hex } from "viem";
import { assertAddress, assertChainId, assertHexBytes } from "./anchor";
import { InvalidQrPayloadError, MalformedQrPayloadError, QrPayloadTooLargeError } from "./errors";
import { cborWellFormedError } from "./cbor-guard";
import { cborToJson, findNonJson, NotJsonError, type JsonObject } from "./json";
import { deflate, fromBase45, inflate, isOutputTooLarge, MAX_INFLATED_BYTES, toBase45 } from "./transport";

/** Format version carried in the prefix; a new incompatible layout gets `PR2:`. */
export const QR_PAYLOAD_VERSION = 1;
/** Every payload text starts with this (all QR alphanumeric-mode characters). */
export const QR_PAYLOAD_PREFIX = `PR${QR_PAYLOAD_VERSION}:` as const;
/** Longer texts are refused before any decoding (a version-40 QR code holds 4,296 characters). */
export const MAX_QR_TEXT_LENGTH = 16 * 1024;
/** Bytes of the document-hash salt. */
export const SALT_BYTES = 32;
/** Bytes of an EIP-712 signature `r ‖ s ‖ v`. */
export const SIGNATURE_BYTES = 65;

/** Integer keys of the CBOR map; see docs/qr-format.md. */
export const QR_PAYLOAD_KEYS = {
  mode: 0,
  chainId: 1,
  registry: 2,
  permitId: 3,
  salt: 4,
  signature: 5,
  document: 6,
  documentHash: 7,
} as const;

/** CBOR values of key 0. */
export const QR_PAYLOAD_MODES = { full: 1, reference: 2 } as const;
export type QrPayloadMode = keyof typeof QR_PAYLOAD_MODES;

type QrPayloadCommon = {
  chainId: number;
  /** Registry contract; decoding returns it EIP-55 checksummed. */
  registry: Address;
  permitId: Hex;
  /** 32-byte salt of the document hash. */
  salt: Hex;
  /** Issuing officer's EIP-712 signature over `PermitAnchor(permitId, documentHash)`. */
  signature: Hex;
};

/** Offline-verifiable: carries the whole document; the verifier recomputes `documentHash(document, salt)`. */
export type FullQrPayload = QrPayloadCommon & { mode: "full"; document: JsonObject };
/** For documents too large for a QR code: carries only the hash; the document is fetched online. */
export type ReferenceQrPayload = QrPayloadCommon & { mode: "reference"; documentHash: Hex };
export type QrPayload = FullQrPayload | ReferenceQrPayload;

const encoder = new Encoder({
  useRecords: false,
  mapsAsObjects: false,
  variableMapSize: true,
  tagUint8Array: false,
  useTag259ForMaps: false,
} as ConstructorParameters<typeof Encoder>[0]);
const decoder = new Decoder({ useRecords: false, mapsAsObjects: false });

export type EncodeQrPayloadErrorType = InvalidQrPayloadError | QrPayloadTooLargeError;

/**
 * Encodes a payload as QR text: `PR1:` + base45(zlib(CBOR map)). Deterministic for a given
 * payload (document keys keep their order).
 *
 * @example
 * const text = encodeQrPayload({ mode: "full", chainId, registry, permitId, salt, signature, document });
 * const png = await renderQrPng(toVerifyUrl(text));
 */
export function encodeQrPayload(payload: QrPayload): string {
  return QR_PAYLOAD_PREFIX + toBase45(deflate(encodeQrPayloadCbor(payload)));
}

/** The CBOR bytes inside the payload (before deflate); exposed for test vectors and other implementations. */
export function encodeQrPayloadCbor(payload: QrPayload): Uint8Array {
  assertChainId(payload.chainId);
  assertAddress(payload.registry, "registry");
  assertHexBytes(payload.permitId, 32, "permitId");
  assertHexBytes(payload.salt, SALT_BYTES, "salt");
  assertHexBytes(payload.signature, SIGNATURE_BYTES, "signature");
  const K = QR_PAYLOAD_KEYS;
  const map = new Map<number, unknown>([
    [K.mode, QR_PAYLOAD_MODES[payload.mode]],
    [K.chainId, payload.chainId],
    [K.registry, hexToBytes(payload.registry)],
    [K.permitId, hexToBytes(payload.permitId)],
    [K.salt, hexToBytes(payload.salt)],
    [K.signature, hexToBytes(payload.signature)],
  ]);
  if (payload.mode === "full") {
    const doc: unknown = payload.document;
    if (doc === null || typeof doc !== "object" || Array.isArray(doc))
      throw new InvalidQrPayloadError("document", "expected a JSON object.");
    const bad = findNonJson(doc, "document");
    if (bad) throw new InvalidQrPayloadError(bad, "not a JSON value (or nested too deeply).");
    map.set(K.document, doc);
  } else if (payload.mode === "reference") {
    assertHexBytes(payload.documentHash, 32, "documentHash");
    map.set(K.documentHash, hexToBytes(payload.documentHash));
  } else {
    throw new InvalidQrPayloadError("mode", `expected "full" or "reference", got ${String((payload as { mode: unknown }).mode)}.`);
  }
  const cbor = encoder.encode(map);
  if (cbor.length > MAX_INFLATED_BYTES)
    throw new QrPayloadTooLargeError(`The payload is ${cbor.length} bytes of CBOR; the limit is ${MAX_INFLATED_BYTES}.`, {
      size: cbor.length,
      limit: MAX_INFLATED_BYTES,
    });
  return cbor;
}

export type DecodeQrPayloadErrorType = MalformedQrPayloadError;

/**
 * Decodes QR text (the raw `PR1:` payload, not a URL — see `extractQrPayload`). Checks structure
 * only: the caller still verifies the signature, the signer, the permit id and the chain.
 * Throws `MalformedQrPayloadError` — and nothing else — for any input.
 *
 * @example
 * const payload = decodeQrPayload(extractQrPayload(scannedText));
 * if (payload.mode === "full") documentHash(payload.document, payload.salt);
 */
export function decodeQrPayload(text: string): QrPayload {
  try {
    return decodeCbor(inflatePayload(unwrapText(text)));
  } catch (err) {
    if (err instanceof MalformedQrPayloadError) throw err;
    // Unreachable by design; kept so the "only MalformedQrPayloadError" contract holds regardless.
    throw new MalformedQrPayloadError("bad-structure", "unexpected decoder failure.", { cause: err });
  }
}

function unwrapText(text: string): string {
  if (typeof text !== "string") throw new MalformedQrPayloadError("bad-prefix", "expected a string.");
  if (text.length > MAX_QR_TEXT_LENGTH)
    throw new MalformedQrPayloadError("too-large", `${text.length} characters; the limit is ${MAX_QR_TEXT_LENGTH}.`);
  if (text.startsWith(QR_PAYLOAD_PREFIX)) return text.slice(QR_PAYLOAD_PREFIX.length);
  const other = /^PR(\d{1,6}):/.exec(text);
  if (other) throw new MalformedQrPayloadError("unsupported-version", `version ${other[1]} is not supported; this SDK reads ${QR_PAYLOAD_PREFIX}.`);
  throw new MalformedQrPayloadError("bad-prefix", `expected the text to start with "${QR_PAYLOAD_PREFIX}".`);
}

function inflatePayload(body: string): Buffer {
  const compressed = fromBase45(body);
  if (!compressed) throw new MalformedQrPayloadError("bad-base45", "not valid base45 (RFC 9285).");
  try {
    return inflate(compressed);
  } catch (cause) {
    if (isOutputTooLarge(cause))
      throw new MalformedQrPayloadError("too-large", `inflates to more than ${MAX_INFLATED_BYTES} bytes.`, { cause });
    throw new MalformedQrPayloadError("bad-deflate", "not a zlib stream.", { cause });
  }
}

const COMMON_KEYS = [QR_PAYLOAD_KEYS.mode, QR_PAYLOAD_KEYS.chainId, QR_PAYLOAD_KEYS.registry, QR_PAYLOAD_KEYS.permitId, QR_PAYLOAD_KEYS.salt, QR_PAYLOAD_KEYS.signature];
const ALLOWED_KEYS: Record<QrPayloadMode, ReadonlySet<unknown>> = {
  full: new Set([...COMMON_KEYS, QR_PAYLOAD_KEYS.document]),
  reference: new Set([...COMMON_KEYS, QR_PAYLOAD_KEYS.documentHash]),
};

function decodeCbor(bytes: Buffer): QrPayload {
  const notWellFormed = cborWellFormedError(bytes);
  if (notWellFormed) throw new MalformedQrPayloadError("bad-cbor", `not a single well-formed CBOR item: ${notWellFormed}.`);
  let item: unknown;
  try {
    item = decoder.decode(bytes);
  } catch (cause) {
    throw new MalformedQrPayloadError("bad-cbor", "not a single well-formed CBOR item.", { cause });
  }
  if (!(item instanceof Map)) throw structureError("payload", "expected a CBOR map.");
  const K = QR_PAYLOAD_KEYS;
  const mode = item.get(K.mode);
  const modeName = mode === QR_PAYLOAD_MODES.full ? "full" : mode === QR_PAYLOAD_MODES.reference ? "reference" : undefined;
  if (!modeName) throw structureError("mode", `expected ${QR_PAYLOAD_MODES.full} (full) or ${QR_PAYLOAD_MODES.reference} (reference).`);
  const allowed = ALLOWED_KEYS[modeName];
  for (const key of item.keys()) if (!allowed.has(key)) throw structureError(String(key), `key not allowed in ${modeName} mode.`);

  const chainId = item.get(K.chainId);
  if (typeof chainId !== "number" || !Number.isSafeInteger(chainId) || chainId <= 0)
    throw structureError("chainId", "expected a positive integer.");
  const common = {
    chainId,
    registry: getAddress(bytesField(item, K.registry, 20, "registry")),
    permitId: bytesField(item, K.permitId, 32, "permitId"),
    salt: bytesField(item, K.salt, SALT_BYTES, "salt"),
    signature: bytesField(item, K.signature, SIGNATURE_BYTES, "signature"),
  };
  if (modeName === "reference") return { mode: "reference", ...common, documentHash: bytesField(item, K.documentHash, 32, "documentHash") };

  const raw = item.get(K.document);
  if (!(raw instanceof Map)) throw structureError("document", "expected a map.");
  try {
    // Each CBOR value costs at least one byte, so a real document never exceeds this budget.
    return { mode: "full", ...common, document: cborToJson(raw, "document", { nodes: bytes.length }) as JsonObject };
  } catch (err) {
    if (err instanceof NotJsonError) throw structureError(err.path, "not a JSON value (or nested too deeply).");
    throw err;
  }
}

function bytesField(item: Map<unknown, unknown>, key: number, length: number, field: string): Hex {
  const value = item.get(key);
  if (!(value instanceof Uint8Array) || value.length !== length)
    throw structureError(field, `expected a ${length}-byte byte string.`);
  return bytesToHex(value);
}

function structureError(field: string, message: string): MalformedQrPayloadError {
  return new MalformedQrPayloadError("bad-structure", `${field}: ${message}`, { field });
}
