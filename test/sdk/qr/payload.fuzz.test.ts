import { expect } from "chai";
import fc from "fast-check";
import { deflateSync } from "node:zlib";
import { encode } from "base45";
import { decodeQrPayload, extractQrPayload, MalformedQrPayloadError, type QrPayload } from "../../../src/sdk/qr";
import { BASE45_ALPHABET } from "../../../src/sdk/qr/transport";
import { sampleTexts } from "./fixtures";

/** The contract under test: a payload, or MalformedQrPayloadError — never any other throw. */
function decodeOrMalformed(text: string): QrPayload | MalformedQrPayloadError {
  try {
    return decodeQrPayload(text);
  } catch (err) {
    if (err instanceof MalformedQrPayloadError) return err;
    throw new Error(`decodeQrPayload threw ${String(err)} for ${JSON.stringify(text.slice(0, 80))}`);
  }
}

const base45Char = fc.constantFrom(...BASE45_ALPHABET.split(""));
const base45Text = fc.array(base45Char, { maxLength: 400 }).map((chars) => chars.join(""));

describe("qr/payload fuzzing: decode returns a payload or MalformedQrPayloadError, nothing else", function () {
  this.timeout(300_000);
  let valid: string[] = [];
  before(async () => {
    valid = (await sampleTexts()).map((s) => s.text);
  });

  it("random strings (any Unicode)", () => {
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 300 }), (text) => void decodeOrMalformed(text)), { numRuns: 2000 });
  });

  it("random base45 after the PR1: prefix", () => {
    fc.assert(fc.property(base45Text, (body) => void decodeOrMalformed("PR1:" + body)), { numRuns: 3000 });
  });

  it("valid payloads with characters replaced, inserted, deleted or truncated", () => {
    const mutation = fc.record({
      sample: fc.nat(),
      edits: fc.array(
        fc.record({ kind: fc.constantFrom("replace", "insert", "delete", "truncate"), at: fc.nat(), char: base45Char }),
        { minLength: 1, maxLength: 4 },
      ),
    });
    fc.assert(
      fc.property(mutation, ({ sample, edits }) => {
        let text = valid[sample % valid.length];
        for (const { kind, at, char } of edits) {
          const i = at % (text.length + 1);
          if (kind === "replace") text = text.slice(0, i) + char + text.slice(i + 1);
          else if (kind === "insert") text = text.slice(0, i) + char + text.slice(i);
          else if (kind === "delete") text = text.slice(0, i) + text.slice(i + 1);
          else text = text.slice(0, i);
        }
        const result = decodeOrMalformed(text);
        // Replacing a character with itself leaves a valid payload; anything else must be caught.
        if (!(result instanceof MalformedQrPayloadError)) expect(result.permitId).to.match(/^0x[0-9a-f]{64}$/);
      }),
      { numRuns: 2000 },
    );
  });

  it("random bytes deflated and base45-encoded (exercises the CBOR and structure checks)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => void decodeOrMalformed("PR1:" + encode(deflateSync(bytes)))),
      { numRuns: 3000 },
    );
  });

  it("extractQrPayload accepts or rejects any string with MalformedQrPayloadError only", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary", maxLength: 200 }), fc.string().map((s) => "https://x/verify#" + s)), (text) => {
        try {
          extractQrPayload(text);
        } catch (err) {
          expect(err).to.be.instanceOf(MalformedQrPayloadError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
