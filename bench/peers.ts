/**
 * Our registry side by side with the OpenAttestation document store and the Ethereum Attestation
 * Service, on one Hardhat in-process chain in one run (issue #7): gas per document by operation
 * and batch size, documents anchored per second through each client library, and verification
 * reads per second with p50/p99 latency. Writes bench/results/peers.json, the SVG charts beside
 * it and docs/benchmarks.md (together with bench/results/verify.json when present).
 * Run: `npm run bench:peers` (part of `npm run bench`); RESULTS_DIR=/tmp/mine NO_DOCS=1 to leave the
 * recorded results and docs/benchmarks.md as they are.
 *
 * The chain is Hardhat's default network, hardfork london (our production target). Every peer's
 * bytecode is PUSH0-free, so all three run on it unchanged. Each transaction is kept under
 * Osaka's 16,777,216 gas cap (EIP-7825), so EAS batches are split.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ethers, network } from "hardhat";
import type { NonceManager } from "ethers";
import { createPublicClient, createWalletClient, http, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { createRegistryClient } from "../src/sdk/chain";
import { loadOrCreateMnemonic, mnemonicKey, startAnvil } from "../src/service/chain/anvil";
import { bootstrapEmbedded } from "../src/service/chain/bootstrap";
import { EAS, SchemaEncoder } from "@ethereum-attestation-service/eas-sdk";
import { deployRegistryFixture } from "../scripts/lib/fixture";
import { CancelReason, makeInput, permitIdOf as permitIdOfScript, recordFromChain, type PermitInputStruct } from "../scripts/lib/permits";
import { exportTrustList, verify, type PermitInput } from "../src/sdk";
import { barChartSvg } from "./lib/chart";
import { issueWithQr, publicClient, registryClients, samplePermit } from "./lib/chain";
import { machine, round, underLoad, rate, type LoadResult } from "./lib/measure";
import { EAS_SCHEMAS, deployDocumentStore, deployEas } from "./lib/peers";
import { renderBenchmarksDoc, type PeersResult } from "./lib/report";

const BATCH_SIZES = [1, 10, 50, 200] as const;
const TX_GAS_CAP = 16_777_216;
const SLOT = 22_100;
const TX_BASE = 21_000;
const DAY = 86_400n;
const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";
const ZERO_UID = "0x" + "00".repeat(32);
/** Seconds each throughput cell and each verification load runs for. */
const THROUGHPUT_SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const LOAD_SECONDS = Number(process.env.BENCH_SECONDS ?? 2.5);
/** Where the results go (RESULTS_DIR; default the recorded ones), and whether docs/benchmarks.md is rewritten (NO_DOCS=1: not). */
const RESULTS_DIR = process.env.RESULTS_DIR ?? "bench/results";
const WRITE_DOCS = process.env.NO_DOCS !== "1";
/** Permits in the larger registry for online verification (small: verify's cost grows with it, see docs/benchmarks.md). */
const POPULATED_PERMITS = 1_000;

type GasRow = {
  system: "ours" | "documentStore" | "documentStoreMerkle" | "eas";
  operation: "issue" | "revoke/cancel" | "endorse export" | "accept import";
  batch: number;
  transactions: number;
  gasTotal: number;
  perDocument: number;
  /** 22,100 per new slot (or 5,000 per changed slot) plus the 21,000 transaction base shared by the batch. */
  floor: number;
};

const randomHash = () => ethers.hexlify(ethers.randomBytes(32));
const gasOf = async (tx: Promise<{ wait(): Promise<{ gasUsed: bigint } | null> }>) => Number((await (await tx).wait())!.gasUsed);
/** Installed version (some packages do not export their package.json). */
const packageVersion = (name: string): string => JSON.parse(readFileSync(`node_modules/${name}/package.json`, "utf8")).version;
const chunks = <T>(items: T[], size: number) => Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/** The embedded chain as the service starts it: Anvil (london) with the registry bootstrapped. */
async function startEmbeddedChain() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "permit-bench-anvil-"));
  const quiet = () => undefined;
  const mnemonic = loadOrCreateMnemonic(dataDir, quiet);
  const anvil = await startAnvil({ dataDir, mnemonic, log: quiet });
  try {
    const boot = await bootstrapEmbedded({ rpcUrl: anvil.rpcUrl, dataDir, mnemonic, countries: ["CH", "JP"], log: quiet });
    if (boot.status !== "deployed") throw new Error(`unexpected bootstrap status ${boot.status}`);
    const chain = { id: anvil.chainId, name: "embedded", nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 }, rpcUrls: { default: { http: [anvil.rpcUrl] } } };
    const publicClient = createPublicClient({ chain, transport: http(anvil.rpcUrl), pollingInterval: 50 });
    const walletClient = createWalletClient({ chain, account: privateKeyToAccount(boot.countries.CH.issuer.privateKey), transport: http(anvil.rpcUrl) });
    const sdkIssuer = createRegistryClient({ publicClient, walletClient, address: boot.deployment.registry.address });
    // No request cache (a cached "pending" nonce goes stale between back-to-back sends), and one
    // NonceManager per account (two managers of one account hand out the same nonces).
    const provider = new ethers.JsonRpcProvider(anvil.rpcUrl, undefined, { staticNetwork: true, pollingInterval: 50, cacheTimeout: -1 });
    const wallets = new Map<number, NonceManager>();
    return {
      sdkIssuer,
      wallet: (index: number) => {
        if (!wallets.has(index)) wallets.set(index, new ethers.NonceManager(new ethers.Wallet(mnemonicKey(mnemonic, index).privateKey, provider)));
        return wallets.get(index)!;
      },
      stop: async () => {
        provider.destroy();
        await anvil.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await anvil.stop();
    throw err;
  }
}

async function main() {
  const started = Date.now();
  const log = (s: string) => console.error(`[${((Date.now() - started) / 1000).toFixed(0)}s] ${s}`);
  const hardfork = "hardfork" in network.config ? String(network.config.hardfork) : "unknown";
  const signers = await ethers.getSigners();

  // ---- Deploy all three on the same chain ----
  const f = await deployRegistryFixture();
  const registry = f.registry;
  const registryAddress = (await registry.getAddress()) as Hex;
  const storeOwner = signers[20], attester = signers[21];
  const store = await deployDocumentStore(storeOwner);
  const { eas, schemas } = await deployEas(attester);
  log(`deployed: registry ${registryAddress}, document store ${await store.getAddress()}, EAS ${await eas.getAddress()}`);

  const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
  let serial = 0;
  const permitInput = (): PermitInputStruct =>
    makeInput({
      permitNumber: `CH-B-${String(++serial).padStart(7, "0")}`,
      documentHash: randomHash(),
      exporting: "CH",
      importing: "JP",
      validUntil: now + 150n * DAY,
      quantities: [120_000n, 14_500n],
    });
  const permitIdOfSerial = (n: number) => permitIdOfScript("CH", `CH-B-${String(n).padStart(7, "0")}`);

  const permitEncoder = new SchemaEncoder(EAS_SCHEMAS.permit);
  const endorsementEncoder = new SchemaEncoder(EAS_SCHEMAS.endorsement);
  const acceptanceEncoder = new SchemaEncoder(EAS_SCHEMAS.acceptance);
  /** The same facts as our PermitInput, as EAS attestation data. */
  const permitAttestationData = (input: PermitInputStruct) => {
    const terms = BigInt(input.terms);
    return permitEncoder.encodeData([
      { name: "permitId", type: "bytes32", value: randomHash() },
      { name: "documentHash", type: "bytes32", value: input.documentHash },
      { name: "docType", type: "uint8", value: Number(terms & 0xffn) },
      { name: "exportingCountry", type: "bytes2", value: ethers.toBeHex((terms >> 8n) & 0xffffn, 2) },
      { name: "importingCountry", type: "bytes2", value: ethers.toBeHex((terms >> 24n) & 0xffffn, 2) },
      { name: "validUntil", type: "uint40", value: terms >> 40n },
      { name: "importPermitId", type: "bytes32", value: ZERO_UID },
      { name: "originPermitId", type: "bytes32", value: ZERO_UID },
      { name: "replacesPermitId", type: "bytes32", value: ZERO_UID },
      { name: "authorised", type: "uint256[]", value: [...input.quantities].map(BigInt) },
    ]);
  };
  const attestation = (data: string, refUID = ZERO_UID) => ({ recipient: ZERO_ADDRESS, expirationTime: 0n, revocable: true, refUID, data, value: 0n });
  const uidsOf = async (tx: Promise<{ wait(): Promise<{ logs: readonly unknown[] } | null> }>) => {
    const receipt = (await (await tx).wait()) as unknown as { gasUsed: bigint; logs: { topics: string[]; data: string }[] };
    const uids = receipt.logs.map((l) => eas.interface.parseLog(l)).filter((l) => l?.name === "Attested").map((l) => l!.args.uid as string);
    return { uids, gas: Number(receipt.gasUsed) };
  };

  // ---- 1. Gas per document ----
  const gasRows: GasRow[] = [];
  const addGas = (row: Omit<GasRow, "perDocument">) => {
    gasRows.push({ ...row, perDocument: Math.round(row.gasTotal / row.batch) });
    log(`gas ${row.system} ${row.operation} ×${row.batch}: ${Math.round(row.gasTotal / row.batch)} per document (${row.transactions} tx)`);
  };
  const newSlotFloor = (batch: number, transactions: number) => Math.round(SLOT + (TX_BASE * transactions) / batch);
  const changedSlotFloor = (batch: number, transactions: number) => Math.round(5_000 + (TX_BASE * transactions) / batch);

  // Ours: issue and issueBatch (two-line permits, as in bench/gas.ts).
  const CH = f.CH;
  for (const batch of BATCH_SIZES) {
    const inputs = Array.from({ length: batch }, permitInput);
    const gas = batch === 1 ? await gasOf(registry.connect(CH.issuer).issue(inputs[0])) : await gasOf(registry.connect(CH.issuer).issueBatch(inputs));
    if (gas >= TX_GAS_CAP) throw new Error(`issueBatch of ${batch} exceeds the per-transaction cap`);
    addGas({ system: "ours", operation: "issue", batch, transactions: 1, gasTotal: gas, floor: newSlotFloor(batch, 1) });
  }
  // Lifecycle: endorse, accept import, cancel (our contract has no batch form of these).
  const endorseId = permitIdOfSerial(1);
  addGas({ system: "ours", operation: "endorse export", batch: 1, transactions: 1, gasTotal: await gasOf(registry.connect(CH.customs).endorseExport(await recordFromChain(registry, endorseId), [100_000n, 14_500n])), floor: changedSlotFloor(1, 1) });
  addGas({ system: "ours", operation: "accept import", batch: 1, transactions: 1, gasTotal: await gasOf(registry.connect(f.JP.customs).use(endorseId)), floor: changedSlotFloor(1, 1) });
  addGas({ system: "ours", operation: "revoke/cancel", batch: 1, transactions: 1, gasTotal: await gasOf(registry.connect(CH.issuer).cancel(permitIdOfSerial(2), CancelReason.LOST)), floor: changedSlotFloor(1, 1) });
  const verifyReadGas = Number(await registry.verify.estimateGas(await recordFromChain(registry, permitIdOfSerial(3)))) - TX_BASE;

  // Document store: issue / bulkIssue one hash per document, a merkle root per batch, revoke / bulkRevoke.
  const storeAs = store.connect(storeOwner);
  const storeRevocable: string[] = [];
  for (const batch of BATCH_SIZES) {
    const hashes = Array.from({ length: batch }, randomHash);
    storeRevocable.push(...hashes);
    const gas = batch === 1 ? await gasOf(storeAs.issue(hashes[0])) : await gasOf(storeAs.bulkIssue(hashes));
    addGas({ system: "documentStore", operation: "issue", batch, transactions: 1, gasTotal: gas, floor: newSlotFloor(batch, 1) });
    // OpenAttestation's usual batching: the documents are leaves of a merkle tree; only the root is issued.
    const rootGas = await gasOf(storeAs.issue(randomHash()));
    addGas({ system: "documentStoreMerkle", operation: "issue", batch, transactions: 1, gasTotal: rootGas, floor: Math.round((SLOT + TX_BASE) / batch) });
  }
  for (const batch of BATCH_SIZES) {
    const hashes = storeRevocable.splice(0, batch);
    const gas = batch === 1 ? await gasOf(storeAs.revoke(hashes[0])) : await gasOf(storeAs.bulkRevoke(hashes));
    addGas({ system: "documentStore", operation: "revoke/cancel", batch, transactions: 1, gasTotal: gas, floor: newSlotFloor(batch, 1) });
  }
  const storeReadGas = Number(await storeAs.isIssued.estimateGas(randomHash())) - TX_BASE + Number(await storeAs.isRevoked.estimateGas(randomHash())) - TX_BASE;

  // EAS: attest / multiAttest (split to stay under the cap), lifecycle as referencing attestations, revoke / multiRevoke.
  const easAs = eas.connect(attester);
  const single = await uidsOf(easAs.attest({ schema: schemas.permit, data: attestation(permitAttestationData(permitInput())) }));
  addGas({ system: "eas", operation: "issue", batch: 1, transactions: 1, gasTotal: single.gas, floor: newSlotFloor(1, 1) });
  const easChunk = Math.floor((TX_GAS_CAP * 0.95) / single.gas);
  const easRevocable: string[] = [...single.uids];
  for (const batch of BATCH_SIZES.filter((b) => b > 1)) {
    let total = 0, txs = 0;
    for (const part of chunks(Array.from({ length: batch }, () => attestation(permitAttestationData(permitInput()))), easChunk)) {
      const r = await uidsOf(easAs.multiAttest([{ schema: schemas.permit, data: part }]));
      if (r.gas >= TX_GAS_CAP) throw new Error("multiAttest chunk exceeds the per-transaction cap");
      total += r.gas; txs++;
      easRevocable.push(...r.uids);
    }
    addGas({ system: "eas", operation: "issue", batch, transactions: txs, gasTotal: total, floor: newSlotFloor(batch, txs) });
  }
  const permitUid = easRevocable.shift()!;
  const exported = endorsementEncoder.encodeData([{ name: "exported", type: "uint256[]", value: [100_000n, 14_500n] }]);
  addGas({ system: "eas", operation: "endorse export", batch: 1, transactions: 1, gasTotal: (await uidsOf(easAs.attest({ schema: schemas.endorsement, data: attestation(exported, permitUid) }))).gas, floor: changedSlotFloor(1, 1) });
  const accepted = acceptanceEncoder.encodeData([{ name: "accepted", type: "bool", value: true }]);
  addGas({ system: "eas", operation: "accept import", batch: 1, transactions: 1, gasTotal: (await uidsOf(easAs.attest({ schema: schemas.acceptance, data: attestation(accepted, permitUid) }))).gas, floor: changedSlotFloor(1, 1) });
  for (const batch of BATCH_SIZES) {
    const uids = easRevocable.splice(0, batch);
    let total = 0, txs = 0;
    for (const part of chunks(uids, 200)) {
      total += batch === 1
        ? await gasOf(easAs.revoke({ schema: schemas.permit, data: { uid: part[0], value: 0n } }))
        : await gasOf(easAs.multiRevoke([{ schema: schemas.permit, data: part.map((uid) => ({ uid, value: 0n })) }]));
      txs++;
    }
    addGas({ system: "eas", operation: "revoke/cancel", batch, transactions: txs, gasTotal: total, floor: changedSlotFloor(batch, txs) });
  }
  const easReadUid = (await uidsOf(easAs.attest({ schema: schemas.permit, data: attestation(permitAttestationData(permitInput())) }))).uids[0];
  const easReadGas = Number(await easAs.getAttestation.estimateGas(easReadUid)) - TX_BASE;

  // ---- 2. Documents anchored per second through each client library ----
  type ThroughputRow = { system: "ours" | "documentStore" | "eas"; client: string; batch: number; documents: number; transactions: number; seconds: number; perSecond: number };
  const throughput: ThroughputRow[] = [];
  const timed = async (system: ThroughputRow["system"], client: string, batch: number, anchorBatch: () => Promise<number>) => {
    await anchorBatch(); // warm-up (JIT, caches)
    let documents = 0, transactions = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < THROUGHPUT_SECONDS * 1000 || transactions < 2) {
      transactions += await anchorBatch();
      documents += batch;
    }
    const seconds = (performance.now() - t0) / 1000;
    throughput.push({ system, client, batch, documents, transactions, seconds: round(seconds, 2), perSecond: round(documents / seconds) });
    log(`throughput ${system} ×${batch}: ${round(documents / seconds)} documents/s`);
  };
  // Throughput runs on the product's embedded chain (Anvil from npm, as `npm start` runs it),
  // over HTTP JSON-RPC, with every system deployed there fresh.
  const embedded = await startEmbeddedChain();
  const sdkIssuer = embedded.sdkIssuer;
  const sdkInput = (): PermitInput => {
    const i = permitInput();
    return { permitNumber: i.permitNumber as Hex, documentHash: i.documentHash as Hex, terms: BigInt(i.terms), importPermitId: i.importPermitId as Hex, originPermitId: i.originPermitId as Hex, quantities: i.quantities.map(BigInt) };
  };
  const storeClient = await deployDocumentStore(embedded.wallet(2));
  const embeddedEas = await deployEas(embedded.wallet(3));
  const easClient = new EAS(await embeddedEas.eas.getAddress());
  easClient.connect(embedded.wallet(3));
  const embeddedSchemas = embeddedEas.schemas;
  for (const batch of BATCH_SIZES) {
    await timed("ours", "permit-registry SDK (viem)", batch, async () => {
      if (batch === 1) await sdkIssuer.issue(sdkInput());
      else await sdkIssuer.issueBatch(Array.from({ length: batch }, sdkInput), { chunkSize: batch });
      return 1;
    });
    await timed("documentStore", "@govtechsg/document-store factory (ethers 6)", batch, async () => {
      const hashes = Array.from({ length: batch }, randomHash);
      await (await (batch === 1 ? storeClient.issue(hashes[0]) : storeClient.bulkIssue(hashes))).wait();
      return 1;
    });
    await timed("eas", "@ethereum-attestation-service/eas-sdk (ethers 6)", batch, async () => {
      if (batch === 1) {
        await (await easClient.attest({ schema: embeddedSchemas.permit, data: attestation(permitAttestationData(permitInput())) })).wait();
        return 1;
      }
      const parts = chunks(Array.from({ length: batch }, () => attestation(permitAttestationData(permitInput()))), easChunk);
      for (const part of parts) await (await easClient.multiAttest([{ schema: embeddedSchemas.permit, data: part }])).wait();
      return parts.length;
    });
  }
  await embedded.stop();

  // ---- 3. Verification: our online verify vs reading an EAS attestation and its status ----
  const chainNow = new Date(Number((await ethers.provider.getBlock("latest"))!.timestamp) * 1000);
  // Two registries of fixed size, so the run time does not depend on how much the throughput cells anchored.
  const sized = async (permits: number, permitNumber: string) => {
    const fx = await deployRegistryFixture();
    for (let left = permits - 1; left > 0; left -= 200) await (await fx.registry.connect(fx.CH.issuer).issueBatch(Array.from({ length: Math.min(200, left) }, permitInput))).wait();
    const address = (await fx.registry.getAddress()) as Hex;
    return { address, permits, qr: (await issueWithQr(address, samplePermit(chainNow, permitNumber))).qr };
  };
  const fresh = await sized(1, "CH-2026-B00002");
  const populated = await sized(POPULATED_PERMITS, "CH-2026-B00001");
  const registryAddressPopulated = populated.address;
  const freshAddress = fresh.address;
  const freshQr = fresh.qr;
  const populatedReader = registryClients(registryAddressPopulated).reader;
  const freshReader = registryClients(freshAddress).reader;
  const trustList = await exportTrustList(populatedReader, await publicClient.getChainId());
  for (const [qr, reader] of [[populated.qr, populatedReader], [freshQr, freshReader]] as const) {
    const r = await verify(qr, { registry: reader });
    if (r.verdict !== "VALID") throw new Error(`benchmark permit verifies ${r.verdict}, not VALID: ${JSON.stringify(r.checks)}`);
  }
  const easReader = new EAS(await eas.getAddress());
  easReader.connect(ethers.provider as never);
  const easRead = async () => {
    const a = await easReader.getAttestation(easReadUid);
    permitEncoder.decodeData(a.data);
    const now = BigInt(Math.floor(Date.now() / 1000));
    if (a.revocationTime !== 0n || (a.expirationTime !== 0n && a.expirationTime < now)) throw new Error("attestation not valid");
  };
  type VerifyRow = LoadResult & { system: string; variant: string };
  const verification: VerifyRow[] = [];
  const load = async (system: string, variant: string, op: () => Promise<unknown>) => {
    for (const concurrency of [1, 64]) {
      const r = await underLoad(op, { concurrency, seconds: LOAD_SECONDS, warmup: 10 });
      verification.push({ system, variant, ...r });
      log(`verify ${system} (${variant}) c=${concurrency}: ${r.perSecond}/s p50 ${r.p50Ms} ms p99 ${r.p99Ms} ms${r.failures ? ` ${r.failures} failures` : ""}`);
    }
  };
  await load("ours", "online verify(), registry holding 1 permit", () => verify(freshQr, { registry: freshReader }));
  await load("ours", `online verify(), registry holding ${populated.permits.toLocaleString("en")} permits`, () => verify(populated.qr, { registry: populatedReader }));
  await load("ours", `online verify() with a cached trust list, ${populated.permits.toLocaleString("en")} permits`, () => verify(populated.qr, { registry: populatedReader, trustList }));
  await load("eas", "getAttestation + decode + revocation/expiry check (eas-sdk)", easRead);
  const offlineNow = BigInt(Math.floor(chainNow.getTime() / 1000));
  const offline = await rate(() => verify(populated.qr, { trustList, now: offlineNow }), LOAD_SECONDS, 50);
  log(`offline verify: ${offline.perSecond}/s`);

  // ---- Results ----
  const result = {
    date: new Date().toISOString(),
    machine: { ...machine(), hardfork, chain: "gas and verification on Hardhat's in-process network (EDR), throughput on the embedded Anvil chain; automine" },
    peers: {
      documentStore: { package: "@govtechsg/document-store", version: packageVersion("@govtechsg/document-store"), contract: "DocumentStore" },
      eas: {
        package: "@ethereum-attestation-service/eas-contracts", version: packageVersion("@ethereum-attestation-service/eas-contracts"),
        sdk: packageVersion("@ethereum-attestation-service/eas-sdk"), schemas: EAS_SCHEMAS, multiAttestChunk: easChunk,
      },
    },
    floor: { newStorageSlot: SLOT, changedStorageSlot: 5_000, transactionBase: TX_BASE },
    gas: gasRows,
    readGas: { ours: verifyReadGas, documentStore: storeReadGas, eas: easReadGas, note: "eth_estimateGas of the view call less the 21,000 base; free for callers, shown as the work a node does" },
    throughput,
    verification,
    offlineVerify: { ...offline, note: "one core (one Node.js thread), sample permit 01 in a full-mode QR, trust list of 12 officers" },
  };
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(path.join(RESULTS_DIR, "peers.json"), JSON.stringify(result, null, 2) + "\n");
  writeCharts(result);
  if (WRITE_DOCS) {
    const verifyResults = existsSync("bench/results/verify.json") ? JSON.parse(readFileSync("bench/results/verify.json", "utf8")) : undefined;
    writeFileSync("docs/benchmarks.md", renderBenchmarksDoc(result, verifyResults));
  }
  log(`wrote ${path.join(RESULTS_DIR, "peers.json")}, ${path.join(RESULTS_DIR, "peers-*.svg")}${WRITE_DOCS ? ", docs/benchmarks.md" : ""}`);
}

function writeCharts(r: PeersResult) {
  const groups = BATCH_SIZES.map((b) => (b === 1 ? "single" : `batch of ${b}`));
  const issue = (system: GasRow["system"]) => BATCH_SIZES.map((b) => r.gas.find((g) => g.system === system && g.operation === "issue" && g.batch === b)?.perDocument);
  writeFileSync(
    path.join(RESULTS_DIR, "peers-gas.svg"),
    barChartSvg({
      title: "Gas per document anchored (receipt gasUsed / documents)",
      yLabel: "gas per document",
      groups,
      log: true,
      series: [
        { name: "ours (permit + state)", values: issue("ours") },
        { name: "document store, hash", values: issue("documentStore") },
        { name: "document store, root", values: issue("documentStoreMerkle") },
        { name: "EAS attestation", values: issue("eas") },
      ],
      reference: { value: SLOT, label: "22,100: one new slot" },
    }),
  );
  const tp = (system: string) => BATCH_SIZES.map((b) => r.throughput.find((t) => t.system === system && t.batch === b)?.perSecond);
  writeFileSync(
    path.join(RESULTS_DIR, "peers-throughput.svg"),
    barChartSvg({
      title: "Documents anchored per second through each client library",
      yLabel: "documents / s",
      groups,
      series: [
        { name: "ours (SDK, viem)", values: tp("ours") },
        { name: "document store (ethers)", values: tp("documentStore") },
        { name: "EAS (eas-sdk)", values: tp("eas") },
      ],
      reference: { value: 1_000, label: "goal: 1,000/s" },
    }),
  );
  const variants = [...new Set(r.verification.map((v) => v.variant))];
  writeFileSync(
    path.join(RESULTS_DIR, "peers-verify.svg"),
    barChartSvg({
      title: "Verification reads per second",
      yLabel: "reads / s",
      groups: ["concurrency 1", "concurrency 64"],
      log: true,
      series: variants.map((variant) => ({
        name: variant.length > 24 ? variant.replace(/^online verify\(\)/, "ours").replace(/^getAttestation.*/, "EAS read").slice(0, 26) : variant,
        values: [1, 64].map((c) => r.verification.find((v) => v.variant === variant && v.concurrency === c)?.perSecond),
      })),
      reference: { value: 2_000, label: "goal: 2,000/s" },
    }),
  );
}

main().then(
  () => process.exit(0),
  (err) => { console.error(err); process.exit(1); },
);
