import { expect } from "chai";
import fc from "fast-check";
import { decode as referenceDecode, encode as referenceEncode } from "base45";
import { BASE45_ALPHABET } from "../../../src/sdk/qr";
import { fromBase45, toBase45 } from "../../../src/sdk/qr/transport";

describe("qr/transport: base45 (RFC 9285)", function () {
  it("round-trips random bytes, including views into a larger buffer, and agrees with an independent codec", function () {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.nat(9), (bytes, offset) => {
        const larger = new Uint8Array(offset + bytes.length + 3).fill(0xaa);
        larger.set(bytes, offset);
        const view = larger.subarray(offset, offset + bytes.length);
        const text = toBase45(view);
        expect(text).to.equal(referenceEncode(Buffer.from(bytes)));
        expect([...fromBase45(text)!]).to.deep.equal([...bytes]);
        expect([...referenceDecode(text)]).to.deep.equal([...bytes]);
      }),
      { numRuns: 300 },
    );
  });

  it("the RFC 9285 examples", function () {
    const enc = (s: string) => toBase45(new TextEncoder().encode(s));
    expect(enc("AB")).to.equal("BB8");
    expect(enc("Hello!!")).to.equal("%69 VD92EX0");
    expect(enc("base-45")).to.equal("UJCLQE7W581");
    expect(new TextDecoder().decode(fromBase45("QED8WEX0"))).to.equal("ietf!");
  });

  it("refuses foreign characters, a length ≡ 1 (mod 3), and groups out of range (final pair above 0xFF included)", function () {
    for (const text of ["abc", "A", "ABCD", "GGW", ":::", "6BF#", "GG", "::"]) expect(fromBase45(text), text).to.equal(undefined);
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(...BASE45_ALPHABET.split("")), maxLength: 60 }), (text) => {
        const bytes = fromBase45(text);
        // Whatever it accepts is canonical: it re-encodes to exactly the same text.
        if (bytes) expect(toBase45(bytes)).to.equal(text);
      }),
      { numRuns: 500 },
    );
  });
});
