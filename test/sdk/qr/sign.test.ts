import { expect } from "chai";
import { hashTypedData, keccak256, recoverAddress, stringToBytes, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import {
  InvalidPermitSignatureError,
  InvalidQrPayloadError,
  PERMIT_ANCHOR_TYPES,
  permitAnchorTypedData,
  recoverPermitSigner,
  signPermitAnchor,
} from "../../../src/sdk/qr";
import { CHAIN_ID, officer, REGISTRY } from "./fixtures";

const anchor = {
  chainId: CHAIN_ID,
  registry: REGISTRY,
  permitId: keccak256(stringToBytes("permit")),
  documentHash: keccak256(stringToBytes("document")),
};

describe("qr/sign: EIP-712 permit anchors", () => {
  it("uses the PermitRegistry v1 domain and PermitAnchor(bytes32 permitId,bytes32 documentHash)", () => {
    const typed = permitAnchorTypedData(anchor);
    expect(typed.domain).to.deep.equal({ name: "PermitRegistry", version: "1", chainId: CHAIN_ID, verifyingContract: REGISTRY });
    expect(typed.primaryType).to.equal("PermitAnchor");
    expect(PERMIT_ANCHOR_TYPES.PermitAnchor.map((f) => `${f.type} ${f.name}`)).to.deep.equal(["bytes32 permitId", "bytes32 documentHash"]);
  });

  it("recovers the officer who signed", async () => {
    const signature = await signPermitAnchor({ account: officer, ...anchor });
    expect(signature).to.match(/^0x[0-9a-f]{130}$/);
    expect(await recoverPermitSigner({ ...anchor, signature })).to.equal(officer.address);
  });

  it("recovers a different officer for another key", async () => {
    const other = privateKeyToAccount(generatePrivateKey());
    const signature = await signPermitAnchor({ account: other, ...anchor });
    expect(await recoverPermitSigner({ ...anchor, signature })).to.equal(other.address);
  });

  const tamperings: [string, Partial<typeof anchor>][] = [
    ["the chain id", { chainId: CHAIN_ID + 1 }],
    ["the registry", { registry: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512" }],
    ["the permit id", { permitId: keccak256(stringToBytes("another permit")) }],
    ["the document hash", { documentHash: keccak256(stringToBytes("another document")) }],
  ];
  for (const [what, change] of tamperings) {
    it(`recovers someone else when ${what} is changed`, async () => {
      const signature = await signPermitAnchor({ account: officer, ...anchor });
      const signer = await recoverPermitSigner({ ...anchor, ...change, signature });
      expect(signer).to.not.equal(officer.address);
    });
  }

  it("signs the standard EIP-712 digest (any EIP-712 wallet or contract agrees)", async () => {
    const signature = await signPermitAnchor({ account: officer, ...anchor });
    const digest = hashTypedData(permitAnchorTypedData(anchor));
    expect(await recoverAddress({ hash: digest, signature })).to.equal(officer.address);
  });

  it("rejects malformed anchors with InvalidQrPayloadError naming the field", async () => {
    const bad: [string, Record<string, unknown>][] = [
      ["chainId", { chainId: 0 }],
      ["registry", { registry: "0x1234" }],
      ["permitId", { permitId: "0x1234" }],
      ["documentHash", { documentHash: "not hex" }],
    ];
    for (const [field, change] of bad) {
      const err = await signPermitAnchor({ account: officer, ...anchor, ...change } as never).catch((e: unknown) => e);
      expect(err).to.be.instanceOf(InvalidQrPayloadError);
      expect((err as InvalidQrPayloadError).field).to.equal(field);
    }
  });

  it("rejects a signature of the wrong length, and one that recovers no key", async () => {
    const short = await recoverPermitSigner({ ...anchor, signature: "0x1234" }).catch((e: unknown) => e);
    expect(short).to.be.instanceOf(InvalidQrPayloadError);
    const zero = ("0x" + "00".repeat(64) + "1b") as Hex;
    const err = await recoverPermitSigner({ ...anchor, signature: zero }).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(InvalidPermitSignatureError);
    expect((err as InvalidPermitSignatureError).name).to.equal("InvalidPermitSignatureError");
  });
});
