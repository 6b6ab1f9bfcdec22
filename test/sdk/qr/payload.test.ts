import { expect } from "chai";
import { deflateSync } from "node:zlib";
import { encode as base45Encode } from "base45";
import { Encoder } from "cbor-x";
import { keccak256, stringToBytes, type Hex } from "viem";
import {
  decodeQrPayload,
  encodeQrPayload,
  encodeQrPayloadCbor,
  InvalidQrPayloadError,
  MalformedQrPayloadError,
  MAX_INFLATED_BYTES,
  qrVersionFor,
  QrPayloadTooLargeError,
  recoverPermitSigner,
  toVerifyUrl,
  type MalformedQrPayloadReason,
  type ReferenceQrPayload,
} from "../../../src/sdk/qr";
import { CHAIN_ID, loadSamples, officer, REGISTRY, SALT, signedFullPayload, testDocumentHash } from "./fixtures";

/**
 * QR versions at ECC M of each sample's FULL payload, signed with the fixture key and salt. Update
 * deliberately (and docs/qr-format.md) when the format or a sample changes; the limit is 25.
 */
const VERSION_TABLE: Record<string, { raw: number; url: number }> = {
  "01-ch-export-python-skins.json": { raw: 23, url: 25 },
  "02-lk-export-orchids.json": { raw: 22, url: 23 },
  "03-fr-import-macaw.json": { raw: 21, url: 22 },
  "04-ch-export-macaw-needs-import-permit.json": { raw: 22, url: 23 },
  "05-sg-reexport-leather.json": { raw: 22, url: 23 },
  "06-no-export-timber.json": { raw: 22, url: 23 },
  "07-ephyto-certificate.json": { raw: 23, url: 24 },
};
const MAX_VERSION = 25;
const REFERENCE_VERSION = { raw: 11, url: 12 };

const cbor = new Encoder({ useRecords: false, mapsAsObjects: false, variableMapSize: true, tagUint8Array: false } as never);
/** Wraps arbitrary CBOR the way the encoder does, to craft payloads the encoder would refuse to make. */
const wrap = (item: unknown) => "PR1:" + base45Encode(deflateSync(cbor.encode(item), { level: 9 }));

function expectMalformed(text: string, reason: MalformedQrPayloadReason, field?: string) {
  let caught: unknown;
  try {
    decodeQrPayload(text);
  } catch (err) {
    caught = err;
  }
  expect(caught, `decoding ${JSON.stringify(text.slice(0, 40))}`).to.be.instanceOf(MalformedQrPayloadError);
  const err = caught as MalformedQrPayloadError;
  expect(err.name).to.equal("MalformedQrPayloadError");
  expect(err.reason).to.equal(reason);
  if (field) expect(err.meta.field).to.equal(field);
}

const referencePayload = (): ReferenceQrPayload => ({
  mode: "reference",
  chainId: CHAIN_ID,
  registry: REGISTRY,
  permitId: keccak256(stringToBytes("permit")),
  documentHash: keccak256(stringToBytes("document")),
  salt: SALT,
  signature: ("0x" + "11".repeat(65)) as Hex,
});

describe("qr/payload: the PR1 codec", () => {
  describe("FULL mode, every sample permit", () => {
    for (const { file, document } of loadSamples()) {
      it(`${file} round-trips, verifies offline and fits QR version ${VERSION_TABLE[file]?.url} (URL form, ECC M)`, async () => {
        const payload = await signedFullPayload(document);
        const text = encodeQrPayload(payload);
        expect(text).to.match(/^PR1:[0-9A-Z $%*+\-./:]+$/);

        const decoded = decodeQrPayload(text);
        expect(decoded).to.deep.equal(payload);
        if (decoded.mode !== "full") throw new Error("expected full mode");
        // What an offline verifier does: recompute the hash from the carried document and salt.
        const documentHash = testDocumentHash(decoded.document, decoded.salt);
        expect(documentHash).to.equal(testDocumentHash(document, SALT));
        const signer = await recoverPermitSigner({ ...decoded, documentHash });
        expect(signer).to.equal(officer.address);

        const versions = { raw: qrVersionFor(text, "M"), url: qrVersionFor(toVerifyUrl(text), "M") };
        expect(versions, "update VERSION_TABLE and docs/qr-format.md").to.deep.equal(VERSION_TABLE[file]);
        expect(versions.url).to.be.at.most(MAX_VERSION);
      });
    }

    it("keeps non-ASCII text, nulls, decimals and key order exactly", () => {
      const document = { name: "Kōbe Ålesund Élise 🦜", lastReexport: null, quantity: 14.5, big: 2 ** 40, tiny: -1e-7, ok: true, nested: { a: [1, "2", { b: [] }] } };
      const { documentHash: _hash, ...anchor } = referencePayload();
      const payload = { ...anchor, mode: "full" as const, document };
      const decoded = decodeQrPayload(encodeQrPayload(payload));
      expect(decoded).to.deep.equal(payload);
      if (decoded.mode === "full") expect(Object.keys(decoded.document)).to.deep.equal(Object.keys(document));
    });

    it("keeps a __proto__ key as data without touching the prototype", () => {
      const document = JSON.parse('{"__proto__":{"polluted":true},"a":1}') as Record<string, unknown>;
      const decoded = decodeQrPayload(encodeQrPayload({ ...referencePayload(), mode: "full", document } as never));
      if (decoded.mode !== "full") throw new Error("expected full mode");
      expect(Object.keys(decoded.document)).to.deep.equal(["__proto__", "a"]);
      expect(Object.getPrototypeOf(decoded.document)).to.equal(Object.prototype);
      expect(({} as Record<string, unknown>).polluted).to.equal(undefined);
    });
  });

  describe("REFERENCE mode", () => {
    it(`round-trips and fits QR version ${REFERENCE_VERSION.url} as a URL`, async () => {
      const { document, ...signed } = await signedFullPayload(loadSamples()[0].document);
      const payload: ReferenceQrPayload = { ...signed, mode: "reference", documentHash: testDocumentHash(document, signed.salt) };
      const text = encodeQrPayload(payload);
      expect(decodeQrPayload(text)).to.deep.equal(payload);
      expect({ raw: qrVersionFor(text), url: qrVersionFor(toVerifyUrl(text)) }).to.deep.equal(REFERENCE_VERSION);
    });

    it("returns the registry checksummed and hashes in lower case", () => {
      const payload = { ...referencePayload(), registry: REGISTRY.toLowerCase() as Hex };
      const decoded = decodeQrPayload(encodeQrPayload(payload));
      expect(decoded.registry).to.equal(REGISTRY);
    });
  });

  describe("encoding refuses what it cannot encode", () => {
    const cases: [string, Record<string, unknown>][] = [
      ["chainId", { chainId: -1 }],
      ["registry", { registry: "0xdead" }],
      ["permitId", { permitId: "0x00" }],
      ["salt", { salt: "0x" + "00".repeat(16) }],
      ["signature", { signature: "0x" + "00".repeat(64) }],
      ["documentHash", { documentHash: undefined }],
      ["mode", { mode: "summary" }],
    ];
    for (const [field, change] of cases) {
      it(`a bad ${field}`, () => {
        expect(() => encodeQrPayload({ ...referencePayload(), ...change } as never))
          .to.throw(InvalidQrPayloadError)
          .with.property("field", field);
      });
    }

    it("a document that is not plain JSON, naming the path", () => {
      for (const [value, path] of [
        [{ a: new Date(0) }, "document.a"],
        [{ items: [1, Number.NaN] }, "document.items[1]"],
        [{ a: undefined }, "document.a"],
        [{ a: 1n }, "document.a"],
      ] as const) {
        const payload = { ...referencePayload(), mode: "full", document: value } as never;
        expect(() => encodeQrPayload(payload)).to.throw(InvalidQrPayloadError).with.property("field", path);
      }
    });

    it(`a payload over ${MAX_INFLATED_BYTES} bytes with QrPayloadTooLargeError`, () => {
      const document = { text: "x".repeat(MAX_INFLATED_BYTES) };
      expect(() => encodeQrPayload({ ...referencePayload(), mode: "full", document } as never)).to.throw(QrPayloadTooLargeError);
    });
  });

  describe("decoding says what is wrong", () => {
    it("bad-prefix: not a PR payload", () => {
      for (const text of ["", "HC1:NCFOXN%TS3DH", "pr1:6BF", "PR:6BF", "https://example.org/verify#PR1:"]) expectMalformed(text, "bad-prefix");
    });
    it("unsupported-version: PR2 and friends", () => {
      for (const text of ["PR2:6BF", "PR0:", "PR01:6BF", "PR10:ABC"]) expectMalformed(text, "unsupported-version");
    });
    it("bad-base45: foreign characters, dangling characters, groups over 0xFFFF", () => {
      for (const body of ["abc", "A", "ABCD", "GGW", "::::", "6BF#"]) expectMalformed(`PR1:${body}`, "bad-base45");
    });
    it("bad-deflate: base45 of bytes that are not zlib", () => {
      expectMalformed("PR1:" + base45Encode(Buffer.from("not deflated")), "bad-deflate");
      const text = encodeQrPayload(referencePayload());
      expectMalformed(text.slice(0, -3), "bad-deflate"); // truncated stream
    });
    it(`too-large: a zip bomb inflating past ${MAX_INFLATED_BYTES} bytes, and over-long text`, () => {
      expectMalformed("PR1:" + base45Encode(deflateSync(Buffer.alloc(10 * MAX_INFLATED_BYTES))), "too-large");
      expectMalformed("PR1:" + "0".repeat(20_000), "too-large");
    });
    it("bad-cbor: truncated CBOR and trailing bytes", () => {
      const bytes = encodeQrPayloadCbor(referencePayload());
      expectMalformed("PR1:" + base45Encode(deflateSync(bytes.subarray(0, bytes.length - 1))), "bad-cbor");
      expectMalformed("PR1:" + base45Encode(deflateSync(Buffer.concat([bytes, Buffer.from([0])]))), "bad-cbor");
    });
    it("bad-cbor, quickly: over-long headers that would make cbor-x spin (denial of service)", () => {
      for (const hex of ["99ffff".repeat(8000), "9f5ae54dde1b", "9a05f5e100", "bf5ae54dde1b", "9f".repeat(40_000), "ff", "1c"]) {
        const started = Date.now();
        expectMalformed("PR1:" + base45Encode(deflateSync(Buffer.from(hex, "hex"))), "bad-cbor");
        expect(Date.now() - started, hex.slice(0, 12)).to.be.below(500);
      }
    });
    it("bad-structure: wrong types, lengths, modes and keys, naming the field", () => {
      const valid = () =>
        new Map<number, unknown>([
          [0, 2], [1, 31337], [2, Buffer.alloc(20, 1)], [3, Buffer.alloc(32, 2)], [4, Buffer.alloc(32, 3)], [5, Buffer.alloc(65, 4)], [7, Buffer.alloc(32, 5)],
        ]);
      expect(decodeQrPayload(wrap(valid())).mode).to.equal("reference");
      const change = (key: number, value: unknown) => {
        const map = valid();
        if (value === undefined) map.delete(key);
        else map.set(key, value);
        return wrap(map);
      };
      expectMalformed(wrap([1, 2, 3]), "bad-structure", "payload");
      expectMalformed(change(0, 3), "bad-structure", "mode");
      expectMalformed(change(0, "reference"), "bad-structure", "mode");
      expectMalformed(change(1, 0), "bad-structure", "chainId");
      expectMalformed(change(1, 2n ** 64n), "bad-structure", "chainId");
      expectMalformed(change(2, Buffer.alloc(19)), "bad-structure", "registry");
      expectMalformed(change(2, "0x5FbDB2315678afecb367f032d93F642f64180aa3"), "bad-structure", "registry");
      expectMalformed(change(3, undefined), "bad-structure", "permitId");
      expectMalformed(change(5, Buffer.alloc(64)), "bad-structure", "signature");
      expectMalformed(change(7, Buffer.alloc(33)), "bad-structure", "documentHash");
      expectMalformed(change(6, new Map([["a", 1]])), "bad-structure", "6");
      expectMalformed(change(99, 1), "bad-structure", "99");
      const full = (document: unknown) => {
        const map = valid();
        map.delete(7);
        map.set(0, 1).set(6, document);
        return wrap(map);
      };
      expect(decodeQrPayload(full(new Map([["a", 1]]))).mode).to.equal("full");
      expectMalformed(full([1]), "bad-structure", "document");
      expectMalformed(full(new Map([["a", Buffer.alloc(1)]])), "bad-structure", "document.a");
      expectMalformed(full(new Map([[1, "x"]])), "bad-structure", "document{key}");
      expectMalformed(full(new Map([["a", Number.POSITIVE_INFINITY]])), "bad-structure", "document.a");
      expectMalformed(full(new Map([["when", new Date(0)]])), "bad-structure", "document.when");
      const nest = (levels: number) => {
        let deep: unknown = 1;
        for (let i = 0; i < levels; i++) deep = [deep];
        return new Map([["deep", deep]]);
      };
      expectMalformed(full(nest(40)), "bad-structure"); // deeper than a document may be
      expectMalformed(full(nest(100)), "bad-cbor"); // deeper than the CBOR guard reads
    });
  });
});
