/**
 * Our SDK wired to Hardhat's in-process network through viem (as test/sdk/verify/harness.ts
 * does), and a permit issued with its signed QR code, for the throughput and verification
 * benchmarks. Accounts sign locally (viem, ethers `Wallet`) so every client library pays for its
 * own signing, as it would against a remote node.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { network } from "hardhat";
import { createPublicClient, createWalletClient, custom, type Hex } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";
import {
  createRegistryClient, documentHash, encodeQrPayload, newSalt, parsePermitDocument, permitIdOf, permitInputOf, signPermitAnchor, type PermitDocument,
} from "../../src/sdk";

export const MNEMONIC = "test test test test test test test test test test test junk";
/** Account index of each actor in scripts/lib/fixture.ts. */
export const ACCOUNT = { governance: 0, CH: { issuer: 3, customs: 4 }, JP: { customs: 10 } } as const;

/** Hardhat's in-process provider puts revert data in `error.data` without the JSON-RPC code viem expects. */
const provider = {
  async request(args: { method: string; params?: unknown[] }) {
    try {
      return await network.provider.request(args);
    } catch (e) {
      const data = (e as { data?: unknown }).data;
      if (typeof data === "string") throw Object.assign(new Error((e as Error).message), { code: 3, data });
      throw e;
    }
  },
};

export const publicClient = createPublicClient({ chain: hardhat, transport: custom(provider) });
export const viemAccount = (index: number) => mnemonicToAccount(MNEMONIC, { addressIndex: index });

export function registryClients(address: Hex, fromBlock = 0n) {
  return {
    writer: (index: number) =>
      createRegistryClient({ publicClient, walletClient: createWalletClient({ chain: hardhat, account: viemAccount(index), transport: custom(provider) }), address, fromBlock }),
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
