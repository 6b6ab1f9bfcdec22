/**
 * The SDK against the real contracts on Hardhat's in-process network, through viem. A tiny
 * HTTP JSON-RPC endpoint in front of the network lets a test stop "the node" and see
 * CHAIN_UNREACHABLE.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { network } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { createPublicClient, custom, http as httpTransport, type Hex } from "viem";
import { hardhat } from "viem/chains";
import { deployRegistryFixture } from "../../../scripts/lib/fixture";
import { hardhatAccount, hardhatProvider, hardhatWalletClient } from "../../../scripts/lib/hardhatViem";
import {
  createRegistryClient, documentHash, encodeQrPayload, newSalt, permitIdOf, permitInputOf, signPermitAnchor, type PermitDocument,
} from "../../../src/sdk";

/** Account index of each actor in scripts/lib/fixture.ts. */
export const ACCOUNT = { governance: 0, stranger: 1, CH: { admin: 2, issuer: 3, customs: 4 }, FR: { admin: 5, issuer: 6, customs: 7 }, JP: { admin: 8, issuer: 9, customs: 10 }, SG: { admin: 11, issuer: 12, customs: 13 } } as const;

/**
 * Without viem's block-number cache: each test reverts the chain to the fixture's snapshot, so a
 * block number cached from the previous test may not exist any more.
 */
export const publicClient = createPublicClient({ chain: hardhat, transport: custom(hardhatProvider), cacheTime: 0 });
export const account = hardhatAccount;

export async function setup() {
  const fixture = await deployRegistryFixture();
  const address = (await fixture.registry.getAddress()) as Hex;
  const clientFor = (index: number) =>
    createRegistryClient({ publicClient, walletClient: hardhatWalletClient(index), address });
  return { fixture, address, clientFor, reader: createRegistryClient({ publicClient, address }) };
}

/**
 * `document` dated by the chain's clock: issued today (chain time), valid 150 days. Other test
 * files move Hardhat's clock, so fixed sample dates would depend on which files ran first.
 */
export async function datedToday(document: PermitDocument): Promise<PermitDocument> {
  const now = await time.latest();
  const day = (t: number) => new Date(t * 1000).toISOString().slice(0, 10);
  return { ...document, issuedOn: day(now), validUntil: day(now + 150 * 86_400) };
}

/** The first second after the document's last day of validity. */
export const firstSecondAfter = (document: PermitDocument) => Date.parse(`${document.validUntil}T00:00:00Z`) / 1000 + 86_400;

/** Moves chain time to the morning of the document's issue date (so validity limits hold). */
export async function atIssueDate(document: PermitDocument) {
  const [y, m, d] = document.issuedOn.split("-").map(Number);
  const t = Date.UTC(y, m - 1, d) / 1000 + 8 * 3600;
  const now = await time.latest();
  if (t > now) await time.increaseTo(t);
}

/** Issues `document` on chain as `issuerIndex` and returns its QR text signed by `signerIndex`. */
export async function issueWithQr(registryAddress: Hex, clientFor: (i: number) => ReturnType<typeof createRegistryClient>, document: PermitDocument, issuerIndex: number, signerIndex = issuerIndex, anchor = true) {
  const salt = newSalt();
  const hash = documentHash(document, salt);
  const permitId = permitIdOf(document.issuingCountry, document.permitNumber);
  if (anchor) await clientFor(issuerIndex).issue(permitInputOf(document, hash));
  const chainId = await publicClient.getChainId();
  const signature = await signPermitAnchor({ account: account(signerIndex), chainId, registry: registryAddress, permitId, documentHash: hash });
  const qr = encodeQrPayload({ mode: "full", chainId, registry: registryAddress, permitId, salt, signature, document: document as never });
  return { qr, salt, hash, permitId, signature, chainId };
}

/** An HTTP JSON-RPC endpoint forwarding to the in-process network; `stop()` takes it down. */
export async function startRpcEndpoint() {
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", async () => {
      const request = JSON.parse(body);
      const one = async (r: { id: unknown; method: string; params?: unknown[] }) => {
        try {
          return { jsonrpc: "2.0", id: r.id, result: await network.provider.send(r.method, r.params ?? []) };
        } catch (e) {
          const data = (e as { data?: unknown }).data;
          return { jsonrpc: "2.0", id: r.id, error: { code: typeof data === "string" ? 3 : -32000, message: (e as Error).message, data } };
        }
      };
      const response = Array.isArray(request) ? await Promise.all(request.map(one)) : await one(request);
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify(response, (_k, v) => (typeof v === "bigint" ? `0x${v.toString(16)}` : v)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    client: createPublicClient({ chain: hardhat, transport: httpTransport(url, { retryCount: 0, timeout: 15_000 }) }),
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
