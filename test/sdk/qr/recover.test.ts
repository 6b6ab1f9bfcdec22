import { expect } from "chai";
import fc from "fast-check";
import { keccak256, recoverAddress, toHex, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { recoverSigner } from "../../../src/sdk/qr/recover";

describe("signer recovery (native libsecp256k1 with the pure-JavaScript fallback)", function () {
  it("gives the signer's address, the same as viem's pure-JavaScript recovery, for random keys and digests", async function () {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 64 }), async (bytes) => {
        const account = privateKeyToAccount(generatePrivateKey());
        const digest = keccak256(bytes);
        const signature = await account.sign({ hash: digest });
        expect(await recoverSigner(digest, signature)).to.equal(account.address);
        expect(await recoverSigner(digest, signature)).to.equal(await recoverAddress({ hash: digest, signature }));
      }),
      { numRuns: 50 },
    );
  });

  it("agrees with viem on tampered and random signatures (same address, or both throw)", async function () {
    const account = privateKeyToAccount(generatePrivateKey());
    const digest = keccak256("0x01");
    const good = await account.sign({ hash: digest });
    const outcome = async (f: () => Promise<string>) => f().then((a) => a, () => "throws");
    await fc.assert(
      fc.asyncProperty(fc.nat(64), fc.integer({ min: 0, max: 255 }), async (i, b) => {
        const bytes = Buffer.from(good.slice(2), "hex");
        bytes[i] = b;
        const sig = toHex(bytes) as Hex;
        expect(await outcome(() => recoverSigner(digest, sig))).to.equal(await outcome(() => recoverAddress({ hash: digest, signature: sig })));
      }),
      { numRuns: 200 },
    );
  });
});

describe("native digest signing", function () {
  it("gives exactly viem's signature bytes (RFC 6979, low-s), for random keys and digests", async function () {
    const { signDigestNative } = await import("../../../src/sdk/qr/recover");
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 64 }), async (bytes) => {
        const key = generatePrivateKey();
        const digest = keccak256(bytes);
        const native = signDigestNative(digest, key);
        expect(native, "libsecp256k1 is available in Node").to.be.a("string");
        expect(native).to.equal(await privateKeyToAccount(key).sign({ hash: digest }));
      }),
      { numRuns: 50 },
    );
  });
});

describe("native recovery on bytes (the verifier's synchronous path)", function () {
  it("gives the same signer as the checked path, and undefined for what it cannot decide", async function () {
    const { recoverSignerNative } = await import("../../../src/sdk/qr/recover");
    const { hexToBytes } = await import("viem");
    const account = privateKeyToAccount(generatePrivateKey());
    const digest = keccak256("0x0102");
    const signature = await account.sign({ hash: digest });
    expect(recoverSignerNative(hexToBytes(digest), hexToBytes(signature))).to.equal(account.address);
    const badV = hexToBytes(signature);
    badV[64] = 29;
    expect(recoverSignerNative(hexToBytes(digest), badV)).to.equal(undefined);
    expect(recoverSignerNative(hexToBytes(digest), hexToBytes(signature).subarray(0, 64))).to.equal(undefined);
    expect(recoverSignerNative(new Uint8Array(65), new Uint8Array(65))).to.equal(undefined); // r = s = 0: no key
  });
});
