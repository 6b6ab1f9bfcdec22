/**
 * Our SDK wired to Hardhat's in-process network through viem (as test/sdk/verify/harness.ts
 * does), and a permit issued with its signed QR code, for the throughput and verification
 * benchmarks. Accounts sign locally (viem, ethers `Wallet`) so every client library pays for its
 * own signing, as it would against a remote node.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type Hex } from "viem";
import {
  createRegistryClient, documentHash, encodeQrPayload, newSalt, parsePermitDocument, permitIdOf, permitInputOf, signPermitAnchor, type PermitDocument,
} from "../../src/sdk";

export { HARDHAT_MNEMONIC as MNEMONIC } from "../../scripts/lib/hardhatViem";
import { hardhatAccount, hardhatPublicClient, hardhatWalletClient } from "../../scripts/lib/hardhatViem";
/** Account index of each actor in scripts/lib/fixture.ts. */
export const ACCOUNT = { governance: 0, CH: { issuer: 3, customs: 4 }, JP: { customs: 10 } } as const;

export const publicClient = hardhatPublicClient;
export const viemAccount = hardhatAccount;

export function registryClients(address: Hex, fromBlock = 0n) {
  return {
    writer: (index: number) =>
      createRegistryClient({ publicClient, walletClient: hardhatWalletClient(index), address, fromBlock }),
    reader: createRegistryClient({ publicClient, address, fromBlock }),
  };
}

/**
 * Sample permit 01 (a Swiss export, two lines), re-dated to the chain's current day so the
 * officers registered by the fixture were already active on its issue date (offline check).
 */
export function samplePermit(issuedOn: Date, permitNumber: string): PermitDocument {
  const raw = JSON.parse(readFileSync(join(__dirname, "../../test/sdk/document/fixtures/01-ch-export-python-skins.json"), "utf8"));
  const day = (d: Date) => d.toISOString().slice(0, 10);
  raw.issuedOn = day(issuedOn);
  raw.validUntil = day(new Date(issuedOn.getTime() + 150 * 86_400_000));
  raw.permitNumber = permitNumber;
  return parsePermitDocument(raw);
}

/** Issues `document` through the SDK as the CH issuer and returns its signed QR text. */
export async function issueWithQr(address: Hex, document: PermitDocument) {
  const { writer } = registryClients(address);
  const salt = newSalt();
  const hash = documentHash(document, salt);
  const permitId = permitIdOf(document.issuingCountry, document.permitNumber);
  await writer(ACCOUNT.CH.issuer).issue(permitInputOf(document, hash));
  const chainId = await publicClient.getChainId();
  const signature = await signPermitAnchor({ account: viemAccount(ACCOUNT.CH.issuer), chainId, registry: address, permitId, documentHash: hash });
  const qr = encodeQrPayload({ mode: "full", chainId, registry: address, permitId, salt, signature, document: document as never });
  return { qr, permitId, hash, salt, signature, chainId };
}
