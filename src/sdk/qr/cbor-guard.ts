/**
 * A well-formedness pre-check (RFC 8949 §5.3.1, Appendix C) run before cbor-x sees untrusted
 * bytes. It decodes no values: it walks the item headers and checks that every declared length
 * fits in the bytes that remain. cbor-x only notices an over-read after the whole item, so
 * without this a 30-byte QR payload of nested array headers ("99 FFFF" × 8,000) keeps it busy for
 * a minute. Internal to `qr/`.
 */

/** Nesting deeper than this is refused; a payload with a permit document nests about 6 levels. */
export const MAX_CBOR_DEPTH = 48;

/** Why the bytes are not one well-formed CBOR item, or `undefined` when they are. */
export function cborWellFormedError(bytes: Uint8Array): string | undefined {
  const reader = { bytes, position: 0 };
  try {
    if (readItem(reader, 0) === BREAK) return "a break code outside a container";
  } catch (err) {
    if (err instanceof NotWellFormed) return err.message;
    throw err;
  }
  return reader.position === bytes.length ? undefined : "trailing bytes after the item";
}

class NotWellFormed {
  constructor(readonly message: string) {}
}

type Reader = { bytes: Uint8Array; position: number };
const BREAK = Symbol("break");

function take(reader: Reader, count: number): number {
  if (count > reader.bytes.length - reader.position) throw new NotWellFormed("length beyond the end of the data");
  const start = reader.position;
  reader.position += count;
  return start;
}

/** Reads one item header and skips its content; returns BREAK for the 0xFF stop code. */
function readItem(reader: Reader, depth: number): typeof BREAK | void {
  if (depth > MAX_CBOR_DEPTH) throw new NotWellFormed("nested too deeply");
  const initial = reader.bytes[take(reader, 1)];
  const major = initial >> 5;
  const info = initial & 0x1f;
  if (info === 31) {
    if (major === 7) return BREAK;
    if (major !== 4 && major !== 5) throw new NotWellFormed("indefinite length for a non-container");
    for (let count = 0; ; count++) {
      if (readItem(reader, depth + 1) === BREAK) {
        if (major === 5 && count % 2 === 1) throw new NotWellFormed("map with a key but no value");
        return;
      }
    }
  }
  const argument = readArgument(reader, info);
  switch (major) {
    case 2: // byte string
    case 3: // text string
      take(reader, argument);
      return;
    case 4: // array: each element is at least one byte, so the count must fit in what is left
    case 5: {
      const items = major === 5 ? argument * 2 : argument;
      if (items > reader.bytes.length - reader.position) throw new NotWellFormed("more elements than bytes left");
      for (let i = 0; i < items; i++) if (readItem(reader, depth + 1) === BREAK) throw new NotWellFormed("unexpected break");
      return;
    }
    case 6: // tag: one item follows
      if (readItem(reader, depth + 1) === BREAK) throw new NotWellFormed("tag without content");
      return;
    default: // 0, 1 integers; 7 simple values and floats (argument bytes already skipped)
      return;
  }
}

function readArgument(reader: Reader, info: number): number {
  if (info < 24) return info;
  if (info > 27) throw new NotWellFormed("reserved additional information");
  const size = 1 << (info - 24);
  const start = take(reader, size);
  let value = 0;
  for (let i = 0; i < size; i++) value = value * 256 + reader.bytes[start + i];
  return value; // beyond 2^53 only loses precision, and is then far beyond any remaining length anyway
}
