import { expect } from "chai";
import fc from "fast-check";
import { bytesToHex, getAddress, hashTypedData, keccak256 as viemKeccak256, type Hex } from "viem";
import { keccak256, keccak256Bytes, nativeCrypto } from "../../src/sdk/crypto";
import { permitAnchorDigest, permitAnchorTypedData } from "../../src/sdk/qr";

describe("sdk/crypto: native keccak-256 and the EIP-712 anchor digest", function () {
  it("loads the native bindings under Node (the fast path the benchmark measures)", function () {
    expect(nativeCrypto()).to.deep.equal({ keccak: true, secp256k1: true });
  });

  it("hashes exactly as viem does, for random inputs of any length, given as bytes, hex or a view into a larger buffer", function () {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), fc.nat(16), (bytes, offset) => {
        const expected = viemKeccak256(bytes);
        expect(keccak256(bytes)).to.equal(expected);
        expect(keccak256(bytesToHex(bytes))).to.equal(expected);
        const larger = new Uint8Array(offset + bytes.length + 7);
        larger.set(bytes, offset);
        expect(bytesToHex(keccak256Bytes(larger.subarray(offset, offset + bytes.length)))).to.equal(expected);
      }),
      { numRuns: 300 },
    );
  });

  it("the hand-built anchor digest equals viem's hashTypedData for random chains, registries, ids and hashes", function () {
    const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => bytesToHex(b));
    const address = fc.uint8Array({ minLength: 20, maxLength: 20 }).map((b) => getAddress(bytesToHex(b)));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), address, bytes32, bytes32, (chainId, registry, permitId, documentHash) => {
        const anchor = { chainId, registry, permitId: permitId as Hex, documentHash: documentHash as Hex };
        expect(permitAnchorDigest(anchor)).to.equal(hashTypedData(permitAnchorTypedData(anchor)));
      }),
      { numRuns: 200 },
    );
  });

  it("keeps domains apart when more deployments are seen than the separator cache holds", function () {
    const anchor = { permitId: viemKeccak256("0x01"), documentHash: viemKeccak256("0x02") };
    for (let round = 0; round < 2; round++) {
      for (let chainId = 1; chainId <= 150; chainId++) {
        const registry = getAddress(`0x${chainId.toString(16).padStart(40, "0")}`);
        expect(permitAnchorDigest({ ...anchor, chainId, registry })).to.equal(hashTypedData(permitAnchorTypedData({ ...anchor, chainId, registry })));
      }
    }
  });
});
