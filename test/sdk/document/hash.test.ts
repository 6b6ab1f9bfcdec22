import { expect } from "chai";
import fc from "fast-check";
import { concat, keccak256, toUtf8Bytes } from "ethers";
import type { Hex } from "viem";
import {
  DocumentNotCanonicalizableError,
  InvalidSaltError,
  canonicalBytes,
  canonicalJson,
  documentHash,
  newSalt,
  type PermitDocument,
} from "../../../src/sdk/document";
import { SAMPLE_NAMES, looseSample, sample } from "./samples";

const SALT = `0x${"01".repeat(32)}` as Hex;
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A copy of `value` with the keys of every object, at every depth, in an order drawn from `random`. */
function reorderKeysDeep(value: Json, random: () => number): Json {
  if (Array.isArray(value)) return value.map((v) => reorderKeysDeep(v, random));
  if (value === null || typeof value !== "object") return value;
  const keys = Object.keys(value);
  for (let i = keys.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [keys[i], keys[j]] = [keys[j]!, keys[i]!];
  }
  return Object.fromEntries(keys.map((k) => [k, reorderKeysDeep(value[k]!, random)]));
}

/** mulberry32: a tiny seeded PRNG, so fast-check controls (and can replay) the shuffles. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every leaf (string, number, boolean, null) of every sample, as `[sample, path]`. */
function leavesOf(value: Json, path: (string | number)[] = []): (string | number)[][] {
  if (value !== null && typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => leavesOf(v, [...path, Array.isArray(value) ? Number(k) : k]));
  }
  return [path];
}
const LEAVES = SAMPLE_NAMES.flatMap((name) => leavesOf(sample(name) as unknown as Json).map((path) => ({ name, path })));

function setAt(root: Json, path: (string | number)[], leaf: Json): void {
  const parent = path.slice(0, -1).reduce<any>((node, key) => node[key], root);
  parent[path.at(-1)!] = leaf;
}
function getAt(root: Json, path: (string | number)[]): Json {
  return path.reduce<any>((node, key) => node[key], root);
}

const anyLeaf: fc.Arbitrary<Json> = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary" }),
  fc.constantFrom("", " ", "I", "II", "kg", "CH", "2026-11-20", "Zürich", "Zu\u0308rich"),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
);

describe("document hash", () => {
  it("is keccak256(salt ‖ utf8(JCS(document)))", () => {
    const doc = sample("01");
    expect(documentHash(doc, SALT)).to.equal(keccak256(concat([SALT, toUtf8Bytes(canonicalJson(doc))])));
  });

  it("never changes when keys are reordered, at any depth", () => {
    fc.assert(
      fc.property(fc.constantFrom(...SAMPLE_NAMES), fc.integer(), (name, seed) => {
        const doc = sample(name);
        const shuffled = reorderKeysDeep(doc as unknown as Json, seeded(seed)) as unknown as PermitDocument;
        expect(documentHash(shuffled, SALT)).to.equal(documentHash(doc, SALT));
      }),
      { numRuns: 300 },
    );
  });

  it("always changes when any single leaf value changes", () => {
    fc.assert(
      fc.property(fc.constantFrom(...LEAVES), anyLeaf, ({ name, path }, leaf) => {
        const doc = sample(name) as unknown as Json;
        const before = getAt(doc, path);
        // -0 and 0 (or 1 and 1.0) are one JSON value: that is no change.
        fc.pre(JSON.stringify(leaf) !== JSON.stringify(before));
        const original = documentHash(doc as unknown as PermitDocument, SALT);
        setAt(doc, path, leaf);
        expect(documentHash(doc as unknown as PermitDocument, SALT)).to.not.equal(original);
      }),
      { numRuns: 1000 },
    );
  });

  it("changes when the order of line items changes (arrays are ordered)", () => {
    const doc = sample("02");
    const swapped = { ...doc, items: [doc.items[1]!, doc.items[0]!, doc.items[2]!] };
    expect(documentHash(swapped, SALT)).to.not.equal(documentHash(doc, SALT));
  });

  it("changes with the salt", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ minLength: 32, maxLength: 32 }), (a, b) => {
        const hexA = `0x${Buffer.from(a).toString("hex")}` as Hex;
        const hexB = `0x${Buffer.from(b).toString("hex")}` as Hex;
        fc.pre(hexA !== hexB);
        expect(documentHash(sample("03"), hexA)).to.not.equal(documentHash(sample("03"), hexB));
      }),
    );
  });

  it("hashes non-ASCII names as literal UTF-8, not \\u escapes (RFC 8785 §3.2.2.2)", () => {
    const text = canonicalJson(sample("01"));
    expect(text).to.contain('"Lederwerk Zürich AG"').and.contain('"Kōbe Leather Crafts K.K."');
    expect(text).to.not.contain("\\u");
    const bytes = Buffer.from(canonicalBytes(sample("01")));
    expect(bytes.includes(Buffer.from([0x5a, 0xc3, 0xbc, 0x72]))).to.equal(true); // "Zür"
    expect(bytes.includes(Buffer.from([0x4b, 0xc5, 0x8d, 0x62]))).to.equal(true); // "Kōb"
    expect(Buffer.from(canonicalBytes(sample("06"))).includes(Buffer.from("Miljødirektoratet", "utf8"))).to.equal(true);
    expect(Buffer.from(canonicalBytes(sample("03"))).includes(Buffer.from("Ministère", "utf8"))).to.equal(true);
  });

  it("canonicalises as RFC 8785 does (its numbers/strings/literals example, Appendix B-style)", () => {
    const input = JSON.parse(
      '{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],"string":"\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/","literals":[null,true,false]}',
    );
    expect(canonicalJson(input)).to.equal(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it("sorts keys by UTF-16 code units, as RFC 8785 requires (not by code points)", () => {
    // U+1F600 is the surrogate pair D83D DE00, so it sorts before U+FB33 although its code point is higher.
    const input = { "\ufb33": 1, "\ud83d\ude00": 2, "\u00f6": 3, "\r": 4, "1": 5 } as unknown as PermitDocument;
    expect(canonicalJson(input)).to.equal('{"\\r":4,"1":5,"ö":3,"😀":2,"\ufb33":1}');
  });

  describe("salt", () => {
    it("newSalt draws 32 random bytes", () => {
      const salts = new Set(Array.from({ length: 50 }, () => newSalt()));
      expect(salts.size).to.equal(50);
      for (const salt of salts) expect(salt).to.match(/^0x[0-9a-f]{64}$/);
    });

    for (const bad of ["0x01", `0x${"01".repeat(33)}`, "01".repeat(32), `0x${"zz".repeat(32)}`, "", `0x${"0".repeat(63)}`]) {
      it(`rejects salt ${JSON.stringify(bad.length > 20 ? `${bad.slice(0, 12)}…(${bad.length})` : bad)} with InvalidSaltError`, () => {
        expect(() => documentHash(sample("01"), bad as Hex))
          .to.throw(InvalidSaltError)
          .with.property("name", "InvalidSaltError");
      });
    }
  });

  it("rejects values JSON cannot hold with DocumentNotCanonicalizableError", () => {
    const doc = looseSample("01");
    doc.items[0].quantity = Number.NaN;
    expect(() => documentHash(doc, SALT)).to.throw(DocumentNotCanonicalizableError);
    doc.items[0].quantity = 10n;
    expect(() => canonicalBytes(doc)).to.throw(DocumentNotCanonicalizableError);
    expect(() => canonicalJson(undefined as unknown as PermitDocument)).to.throw(DocumentNotCanonicalizableError);
  });
});
