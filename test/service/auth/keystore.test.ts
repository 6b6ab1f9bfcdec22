import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { keccak256, recoverMessageAddress } from "viem";
import { permitAnchorTypedData } from "../../../src/sdk/qr";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { OfficerKeystore } from "../../../src/service/auth/keystore";
import { resolveKeystorePassphrase } from "../../../src/service/auth/passphrase";
import { rejectionOf } from "../helpers";

// Cheap scrypt so the suite stays fast; the default cost is exercised once below.
const FAST = { N: 2 ** 10, r: 8, p: 1 };

describe("officer keystore", () => {
  const keystore = new OfficerKeystore({ passphrase: "correct horse battery staple", scrypt: FAST });

  it("creates a key, seals it, and opens it as a signing viem account", async () => {
    const created = await keystore.create();
    expect(created.encryptedKey).to.not.match(/[0-9a-f]{64}/);
    const account = await keystore.unlock(created.encryptedKey);
    expect(account.address).to.equal(created.address);
    const signature = await account.signMessage({ message: "permit 26CH000123" });
    expect(await recoverMessageAddress({ message: "permit 26CH000123", signature })).to.equal(created.address);
  });

  it("signs transactions and typed data to exactly viem's bytes (its native fast paths change nothing)", async () => {
    const privateKey = generatePrivateKey();
    const ours = await keystore.unlock(await keystore.encrypt(privateKey));
    const viemAccount = privateKeyToAccount(privateKey);
    const data = `0x${"ab".repeat(20_000)}` as const; // a batch's calldata
    const to = "0x5FbDB2315678afecb367f032d93F642f64180aa3" as const;
    const transactions = [
      { type: "eip1559", chainId: 31337, nonce: 7, to, data, gas: 6_000_000n, maxFeePerGas: 2_000_000_000n, maxPriorityFeePerGas: 1n },
      { type: "legacy", chainId: 31337, nonce: 0, to, data: "0x" as const, gas: 21_000n, gasPrice: 1_000_000_000n, value: 5n },
      { type: "eip2930", chainId: 1337, nonce: 3, to, data, gas: 100_000n, gasPrice: 1n, accessList: [] },
    ] as const;
    for (const tx of transactions) expect(await ours.signTransaction(tx as never)).to.equal(await viemAccount.signTransaction(tx as never));
    const typed = permitAnchorTypedData({ chainId: 31337, registry: to, permitId: keccak256("0x01"), documentHash: keccak256("0x02") });
    expect(await ours.signTypedData(typed)).to.equal(await viemAccount.signTypedData(typed));
    const other = { domain: { name: "Other", chainId: 1 }, types: { Mail: [{ name: "body", type: "string" }] }, primaryType: "Mail", message: { body: "hi" } } as const;
    expect(await ours.signTypedData(other)).to.equal(await viemAccount.signTypedData(other));
  });

  it("round-trips an existing private key with the default scrypt cost", async () => {
    const privateKey = generatePrivateKey();
    const strong = new OfficerKeystore({ passphrase: "correct horse battery staple" });
    const sealed = await strong.encrypt(privateKey);
    expect(JSON.parse(sealed).kdf).to.include({ name: "scrypt", N: 32768, r: 8, p: 1 });
    expect((await strong.unlock(sealed)).address).to.equal(privateKeyToAccount(privateKey).address);
  });

  it("refuses the wrong passphrase with a typed error", async () => {
    const { encryptedKey, address } = await keystore.create();
    const err = await rejectionOf(new OfficerKeystore({ passphrase: "another passphrase", scrypt: FAST }).unlock(encryptedKey));
    expect(err.name).to.equal("WrongPassphraseError");
    expect(err.message).to.contain(address);
  });

  it("refuses an envelope moved to another address, or tampered with", async () => {
    const a = await keystore.create();
    const b = await keystore.create();
    const moved = JSON.stringify({ ...JSON.parse(a.encryptedKey), address: b.address });
    expect((await rejectionOf(keystore.unlock(moved))).name).to.equal("WrongPassphraseError");
    const envelope = JSON.parse(a.encryptedKey);
    envelope.ciphertext = Buffer.from(Buffer.from(envelope.ciphertext, "base64").map((byte: number, i: number) => (i === 0 ? byte ^ 1 : byte))).toString("base64");
    expect((await rejectionOf(keystore.unlock(JSON.stringify(envelope)))).name).to.equal("WrongPassphraseError");
    expect((await rejectionOf(keystore.unlock("{not json"))).name).to.equal("MalformedKeystoreEntryError");
    expect((await rejectionOf(keystore.unlock(JSON.stringify({ version: 2 })))).name).to.equal("MalformedKeystoreEntryError");
  });

  describe("passphrase in embedded mode", () => {
    let dir: string;
    before(() => (dir = mkdtempSync(path.join(tmpdir(), "permit-registry-keystore-"))));
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("is generated once into DATA_DIR (owner-only) and read back on the next start", async () => {
      const file = path.join(dir, "data", "keystore-passphrase");
      const first = await resolveKeystorePassphrase({ kind: "generated", file });
      expect(first).to.have.length.greaterThan(30);
      expect(statSync(file).mode & 0o777).to.equal(0o600);
      expect(readFileSync(file, "utf8").trim()).to.equal(first);
      expect(await resolveKeystorePassphrase({ kind: "generated", file })).to.equal(first);
    });

    it("is the configured one when KEYSTORE_PASSPHRASE is set", async () => {
      expect(await resolveKeystorePassphrase({ kind: "passphrase", passphrase: "given" })).to.equal("given");
    });
  });
});
