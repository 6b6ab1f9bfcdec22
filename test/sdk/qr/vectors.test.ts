import { expect } from "chai";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { inflateSync } from "node:zlib";
import { decode as base45Decode } from "base45";
import { bytesToHex, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  decodeQrPayload,
  encodeQrPayload,
  encodeQrPayloadCbor,
  extractQrPayload,
  MalformedQrPayloadError,
  qrVersionFor,
  recoverPermitSigner,
  toVerifyUrl,
  type JsonObject,
  type QrPayload,
} from "../../../src/sdk/qr";
import { CHAIN_ID, loadSamples, OFFICER_KEY, permitIdOfDocument, REGISTRY, SALT, signedFullPayload, testDocumentHash } from "./fixtures";

/**
 * docs/test-vectors/qr-vectors.json pins the format for other implementations (a browser
 * verifier, another country's system). Regenerate deliberately with
 * `UPDATE_QR_VECTORS=1 hardhat test test/sdk/qr/vectors.test.ts`, and bump the prefix version
 * when old payloads would no longer decode.
 */
const VECTORS_FILE = path.resolve(__dirname, "../../../docs/test-vectors/qr-vectors.json");

type Vector = {
  description: string;
  input: { privateKey: Hex; signer: Address; chainId: number; registry: Address; salt: Hex; permitId: Hex; documentHash: Hex; document?: JsonObject };
  output: { signature: Hex; cborHex: Hex; payload: string; verifyUrl: string; qrVersionM: number; decoded: QrPayload };
};
type NegativeVector = { description: string; text: string; reason: string };
type VectorsFile = { format: string; note: string; vectors: Vector[]; malformed: NegativeVector[] };

async function buildVectors(): Promise<VectorsFile> {
  const [sample] = loadSamples();
  const full = await signedFullPayload(sample.document);
  const documentHash = testDocumentHash(sample.document, SALT);
  const { document: _document, ...anchor } = full;
  const reference: QrPayload = { ...anchor, mode: "reference", documentHash };
  const input = { privateKey: OFFICER_KEY, signer: privateKeyToAccount(OFFICER_KEY).address, chainId: CHAIN_ID, registry: REGISTRY, salt: SALT, permitId: permitIdOfDocument(sample.document), documentHash };
  const vector = (description: string, payload: QrPayload, withDocument: boolean): Vector => {
    const text = encodeQrPayload(payload);
    return {
      description,
      input: withDocument ? { ...input, document: sample.document } : input,
      output: { signature: payload.signature, cborHex: bytesToHex(encodeQrPayloadCbor(payload)), payload: text, verifyUrl: toVerifyUrl(text), qrVersionM: qrVersionFor(toVerifyUrl(text), "M"), decoded: payload },
    };
  };
  return {
    format: "PR1",
    note: "Test key is Hardhat account #0 (public, never for real use). documentHash = keccak256(salt ‖ utf8(RFC 8785 JSON of document)). See docs/qr-format.md.",
    vectors: [
      vector(`FULL mode, sample ${sample.file}`, full, true),
      vector(`REFERENCE mode, same permit`, reference, true),
    ],
    malformed: [
      { description: "no prefix", text: "HC1:6BFOXN", reason: "bad-prefix" },
      { description: "future version", text: "PR2:6BFOXN", reason: "unsupported-version" },
      { description: "lower-case is not base45", text: "PR1:6bfoxn", reason: "bad-base45" },
      { description: "base45 group above 0xFFFF", text: "PR1:GGW", reason: "bad-base45" },
      { description: "base45 of 'hello', not zlib", text: "PR1:+8D VDL2", reason: "bad-deflate" },
    ],
  };
}

describe("qr test vectors (docs/test-vectors/qr-vectors.json)", () => {
  let committed: VectorsFile;
  before(async function () {
    if (process.env.UPDATE_QR_VECTORS) {
      writeFileSync(VECTORS_FILE, JSON.stringify(await buildVectors(), null, 2) + "\n");
    }
    committed = JSON.parse(readFileSync(VECTORS_FILE, "utf8")) as VectorsFile;
  });

  it("the committed payloads still decode to the committed fields", () => {
    for (const { description, output } of committed.vectors) {
      expect(decodeQrPayload(output.payload), description).to.deep.equal(output.decoded);
      expect(decodeQrPayload(extractQrPayload(output.verifyUrl)), description).to.deep.equal(output.decoded);
    }
  });

  it("the committed payloads are zlib(CBOR) with exactly the committed CBOR bytes", () => {
    for (const { description, output } of committed.vectors) {
      const cbor = inflateSync(base45Decode(output.payload.slice("PR1:".length)));
      expect(bytesToHex(cbor), description).to.equal(output.cborHex);
      expect(bytesToHex(encodeQrPayloadCbor(output.decoded)), description).to.equal(output.cborHex);
    }
  });

  it("the committed signatures recover the committed signer, and the hashes recompute", async () => {
    for (const { description, input, output } of committed.vectors) {
      expect(privateKeyToAccount(input.privateKey).address).to.equal(input.signer);
      if (input.document) expect(testDocumentHash(input.document, input.salt), description).to.equal(input.documentHash);
      const signer = await recoverPermitSigner({ ...input, signature: output.signature });
      expect(signer, description).to.equal(input.signer);
    }
  });

  it("today's encoder reproduces the committed vectors", async () => {
    const fresh = await buildVectors();
    for (const [i, vector] of fresh.vectors.entries()) {
      expect(vector.output.cborHex).to.equal(committed.vectors[i].output.cborHex);
      expect(vector.output.signature).to.equal(committed.vectors[i].output.signature);
      // Deflate output may differ between zlib builds; equal CBOR is what matters for interop.
      expect(decodeQrPayload(vector.output.payload)).to.deep.equal(committed.vectors[i].output.decoded);
    }
  });

  it("the committed malformed texts are rejected with the committed reason", () => {
    for (const { description, text, reason } of committed.malformed) {
      expect(() => decodeQrPayload(text), description).to.throw(MalformedQrPayloadError).with.property("reason", reason);
    }
  });
});
