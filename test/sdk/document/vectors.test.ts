/**
 * The published test vectors (docs/test-vectors/document-hash.json) must match the code, so they
 * cannot drift. After an intended change to the hash, regenerate them with
 *   UPDATE_TEST_VECTORS=1 ./node_modules/.bin/hardhat test test/sdk/document/vectors.test.ts
 * and say so in the commit: every party that verifies hashes must change with them.
 */
import { expect } from "chai";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { concat, keccak256, toUtf8Bytes } from "ethers";
import { bytesToHex, type Hex } from "viem";
import { canonicalBytes, canonicalJson, documentHash, validatePermitDocument, type PermitDocument } from "../../../src/sdk/document";
import { sample } from "./samples";

const VECTORS_FILE = join(__dirname, "../../../docs/test-vectors/document-hash.json");
const SALT = `0x${"01".repeat(32)}` as Hex;
/** Samples chosen for coverage: ü ō é ø, decimals, null, a re-export chain, an ePhyto. */
const VECTOR_SAMPLES = ["01-ch-export-python-skins", "03-fr-import-macaw", "05-sg-reexport-leather", "06-no-export-timber", "07-ephyto-certificate"];

type Vector = { name: string; document: PermitDocument; salt: Hex; canonicalJson: string; canonicalBytesHex: Hex; documentHash: Hex };
type VectorFile = { description: string; formula: string; vectors: Vector[] };

function vectorOf(name: string, document: PermitDocument): Vector {
  return {
    name,
    document,
    salt: SALT,
    canonicalJson: canonicalJson(document),
    canonicalBytesHex: bytesToHex(canonicalBytes(document)),
    documentHash: documentHash(document, SALT),
  };
}

function generate(): VectorFile {
  return {
    description:
      "Permit document hash test vectors. canonicalJson is RFC 8785 (JCS); canonicalBytesHex is its UTF-8 encoding; see docs/document-hashing.md.",
    formula: "documentHash = keccak256(salt ‖ utf8(JCS(document)))",
    vectors: VECTOR_SAMPLES.map((name) => vectorOf(name, sample(name))),
  };
}

describe("published document-hash test vectors", () => {
  // Regenerate before reading, so an update run also checks what it wrote.
  if (process.env.UPDATE_TEST_VECTORS === "1") writeFileSync(VECTORS_FILE, `${JSON.stringify(generate(), null, 2)}\n`);
  const published = JSON.parse(readFileSync(VECTORS_FILE, "utf8")) as VectorFile;

  it("covers the chosen samples, with their documents unchanged", () => {
    expect(published.vectors.map((v) => v.name)).to.deep.equal(VECTOR_SAMPLES);
    for (const vector of published.vectors) expect(vector.document, vector.name).to.deep.equal(sample(vector.name));
  });

  for (const vector of published.vectors) {
    describe(vector.name, () => {
      it("is a valid permit document", () => {
        expect(validatePermitDocument(vector.document).ok).to.equal(true);
      });

      it("matches the code: canonical JSON, canonical bytes and hash", () => {
        expect(vectorOf(vector.name, vector.document)).to.deep.equal(vector);
      });

      it("matches an independent computation (ethers keccak256 over the published bytes)", () => {
        expect(Buffer.from(vector.canonicalBytesHex.slice(2), "hex").toString("utf8")).to.equal(vector.canonicalJson);
        expect(keccak256(concat([vector.salt, toUtf8Bytes(vector.canonicalJson)]))).to.equal(vector.documentHash);
      });
    });
  }
});
