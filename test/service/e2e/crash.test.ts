/**
 * Durability end to end, with the real service as a child process: a batch of 300 permits accepted
 * with 201, the service killed (-9) while the outbox anchors it, started again on the same
 * DATA_DIR — every permit ends ISSUED and is anchored on chain exactly once (counted from the
 * chain's own PermitIssued events). A restart keeps state (a permit issued before it still verifies
 * VALID), and a burst of 500 concurrent issue requests all end ISSUED.
 */
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createPublicClient, http, parseEventLogs, toEventSelector, getAbiItem, type Hex, type Log } from "viem";
import { createRegistryClient, permitRegistryAbi } from "../../../src/sdk/chain";
import { decodeQrImage } from "../../../src/sdk/qr";
import { Api, expectHonestStatuses, sample, sleep, type Credentials, type Doc } from "../http/harness";
import { anvilPidOf, isAlive, startServiceProcess, stopServiceProcess, waitUntilDead, type ServiceProcess } from "./serviceProcess";

const BATCH = 300;
const BURST = 500;

describe("service crash and restart (real process, kill -9)", function () {
  this.timeout(120_000);
  let dataDir: string;
  let service: ServiceProcess | undefined;
  let api: Api;
  let creds: Credentials;
  const apis: Api[] = [];
  let beforeCrash: { permitId: Hex; qr: string };
  let batchIds: Hex[] = [];

  async function start(): Promise<ServiceProcess> {
    // A short pause between outbox runs: the worker is nearly always inside a batch, so the kill lands in one.
    service = await startServiceProcess(dataDir, { OUTBOX_INTERVAL_MS: "10", OUTBOX_BATCH_SIZE: "50" });
    api = new Api(service.url);
    apis.push(api);
    creds ??= JSON.parse(readFileSync(path.join(dataDir, "demo-credentials.json"), "utf8")) as Credentials;
    return service;
  }

  /** Polls until none of `ids` is PENDING; fails on FAILED. */
  async function waitAllIssued(ids: readonly Hex[], timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const pending = new Set(ids);
    while (pending.size > 0) {
      if (Date.now() > deadline) expect.fail(`${pending.size} of ${ids.length} permits still not ISSUED after ${timeoutMs} ms`);
      const page = await api.get("/api/v1/permits?status=ISSUED&limit=500", { token: creds.CH.issuer });
      let cursor: string | null = page.body.nextCursor;
      for (const p of page.body.items) pending.delete(p.permitId);
      while (cursor && pending.size > 0) {
        const next = await api.get(`/api/v1/permits?status=ISSUED&limit=500&cursor=${encodeURIComponent(cursor)}`, { token: creds.CH.issuer });
        for (const p of next.body.items) pending.delete(p.permitId);
        cursor = next.body.nextCursor;
      }
      const failed = await api.get("/api/v1/permits?status=FAILED&limit=10", { token: creds.CH.issuer });
      expect(failed.body.items, JSON.stringify(failed.body.items[0] ?? {})).to.deep.equal([]);
      if (pending.size > 0) await sleep(200);
    }
  }

  /** How many PermitIssued events the chain holds per permit id (its own log, not the service's store). */
  async function issuedEventsOnChain(rpcUrl: string): Promise<Map<string, number>> {
    const deployment = JSON.parse(readFileSync(path.join(dataDir, "deployments", "embedded", "deployment.json"), "utf8"));
    const publicClient = createPublicClient({ transport: http(rpcUrl) });
    const topic = toEventSelector(getAbiItem({ abi: permitRegistryAbi, name: "PermitIssued" }) as never);
    const logs = (await publicClient.request({
      method: "eth_getLogs",
      params: [{ address: deployment.registry.address, fromBlock: `0x${BigInt(deployment.registry.blockNumber).toString(16)}`, toBlock: "latest", topics: [topic] }],
    } as never)) as unknown as Log[];
    const counts = new Map<string, number>();
    for (const log of parseEventLogs({ abi: permitRegistryAbi, logs, eventName: "PermitIssued" })) {
      const id = (log.args as { permitId: Hex }).permitId.toLowerCase();
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    return counts;
  }

  function registryAt(rpcUrl: string) {
    const deployment = JSON.parse(readFileSync(path.join(dataDir, "deployments", "embedded", "deployment.json"), "utf8"));
    return createRegistryClient({ publicClient: createPublicClient({ transport: http(rpcUrl, { batch: true }) }) as never, address: deployment.registry.address, fromBlock: BigInt(deployment.registry.blockNumber) });
  }

  async function verifyQr(qr: string): Promise<string> {
    const res = await api.post("/api/v1/verify", { json: { qr } });
    expect(res.status, res.text).to.equal(200);
    return res.body.verdict;
  }

  before(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), "permit-registry-crash-"));
  });
  after(async function () {
    this.timeout(30_000);
    if (!dataDir) return;
    const anvil = anvilPidOf(dataDir);
    await stopServiceProcess(service);
    // A service killed by a failing test leaves its Anvil: stop exactly that one (by the pid file).
    if (anvil && isAlive(anvil)) {
      process.kill(anvil, "SIGTERM");
      await waitUntilDead(anvil, 10_000);
    }
    rmSync(dataDir, { recursive: true, force: true });
  });
  afterEach(function () {
    if (this.currentTest?.state === "failed") console.log(`--- service output (last 60 lines) ---\n${service?.output.slice(-60).join("\n")}`);
  });

  it("starts as a child process on a free port (PORT=0)", async () => {
    await start();
    expect(service!.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/).and.not.match(/:0$/);
    expect(isAlive(service!.anvilPid)).to.equal(true);
    const permit = await api.post("/api/v1/permits", { token: creds.CH.issuer, json: sample("chExportPythonSkins") });
    expect(permit.status, permit.text).to.equal(201);
    for (let i = 0; i < 100; i++) {
      if ((await api.get(`/api/v1/permits/${permit.body.permitId}`, { token: creds.CH.issuer })).body.status === "ISSUED") break;
      await sleep(50);
    }
    const png = await api.get(`/api/v1/permits/${permit.body.permitId}/qr.png`, { token: creds.CH.issuer });
    beforeCrash = { permitId: permit.body.permitId, qr: await decodeQrImage(png.bytes) };
    expect(await verifyQr(beforeCrash.qr)).to.equal("VALID");
  });

  it(`accepts a batch of ${BATCH} permits, and is killed (-9) while anchoring it`, async () => {
    const docs: Doc[] = Array.from({ length: BATCH }, () => sample("chExportPythonSkins"));
    const res = await api.post("/api/v1/permits", { token: creds.CH.issuer, json: { permits: docs } });
    expect(res.status, res.text.slice(0, 300)).to.equal(201);
    expect(res.body.accepted).to.equal(BATCH);
    batchIds = res.body.results.map((r: { permit: { permitId: Hex } }) => r.permit.permitId);
    // Kill once the outbox has started on the batch but not finished it.
    let depth = BATCH;
    for (let i = 0; i < 400 && depth >= BATCH; i++) {
      depth = (await api.get("/api/v1/health")).body.outboxDepth;
      if (depth >= BATCH) await sleep(5);
    }
    await sleep(40); // into the next batch (each waits ≥ 100 ms for its receipt)
    service!.child.kill("SIGKILL");
    const exit = await service!.exited;
    expect(exit.signal).to.equal("SIGKILL");
    console.log(`      (killed with ${depth} of ${BATCH} permits still in the outbox)`);
    expect(depth, "the outbox finished before the kill: nothing was interrupted").to.be.above(0);
    expect(isAlive(service!.anvilPid), "Anvil outlives a kill -9 of its service").to.equal(true);
  });

  it("starts again on the same DATA_DIR: the orphaned Anvil is stopped gracefully (it saves its state) and replaced", async () => {
    const orphan = service!.anvilPid;
    await start();
    expect(service!.output.join("\n")).to.contain(`stopping Anvil pid ${orphan} left running by a previous run`);
    expect(isAlive(orphan)).to.equal(false);
    expect(service!.anvilPid).to.not.equal(orphan);
    for (const line of service!.output.filter((l) => l.startsWith("reconcile:"))) console.log(`      (${line})`);
    expect((await api.get("/api/v1/health")).status).to.equal(200);
  });

  it(`anchors every one of the ${BATCH} permits: all ISSUED, each in exactly one PermitIssued event on chain`, async () => {
    await waitAllIssued(batchIds);
    const counts = await issuedEventsOnChain(service!.rpcUrl);
    const twice = batchIds.filter((id) => (counts.get(id.toLowerCase()) ?? 0) > 1);
    const lost = batchIds.filter((id) => (counts.get(id.toLowerCase()) ?? 0) === 0);
    expect({ lost: lost.length, twice: twice.length }).to.deep.equal({ lost: 0, twice: 0 });
    expect(counts.size).to.equal(BATCH + 1); // and nothing else was anchored
    const registry = registryAt(service!.rpcUrl);
    const states = await Promise.all(batchIds.map((id) => registry.permitState(id)));
    expect(states.filter((s) => s.status !== "ISSUED")).to.deep.equal([]);
    expect((await api.get("/api/v1/health")).body.outboxDepth).to.equal(0);
  });

  it("keeps state across the restart: the permit issued before the crash still verifies VALID", async () => {
    expect(await verifyQr(beforeCrash.qr)).to.equal("VALID");
    const permit = await api.get(`/api/v1/permits/${beforeCrash.permitId}`, { token: creds.CH.issuer });
    expect(permit.body.status).to.equal("ISSUED");
  });

  it("stops gracefully on SIGTERM (Anvil saves its state and exits) and keeps state across that restart too", async () => {
    const anvil = service!.anvilPid;
    const exit = await stopServiceProcess(service);
    expect(exit?.code).to.equal(0);
    expect(await waitUntilDead(anvil, 5_000)).to.equal(true);
    await start();
    expect(service!.output.join("\n")).to.not.contain("left running by a previous run");
    expect(await verifyQr(beforeCrash.qr)).to.equal("VALID");
    const counts = await issuedEventsOnChain(service!.rpcUrl);
    expect(counts.size).to.equal(BATCH + 1);
  });

  it(`a burst of ${BURST} concurrent issue requests all end ISSUED, each anchored once`, async () => {
    const docs = Array.from({ length: BURST }, () => sample("chExportPythonSkins"));
    const t0 = Date.now();
    const replies = await Promise.all(docs.map((json) => api.post("/api/v1/permits", { token: creds.CH.issuer, json })));
    const accepted = Date.now() - t0;
    const statuses = new Map<number, number>();
    for (const r of replies) statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    expect([...statuses]).to.deep.equal([[201, BURST]]);
    const ids = replies.map((r) => r.body.permitId as Hex);
    await waitAllIssued(ids);
    console.log(`      (${BURST} accepted in ${accepted} ms, all ISSUED after ${Date.now() - t0} ms)`);
    const counts = await issuedEventsOnChain(service!.rpcUrl);
    expect(ids.filter((id) => counts.get(id.toLowerCase()) !== 1)).to.deep.equal([]);
    expect(counts.size).to.equal(BATCH + 1 + BURST);
  });

  it("answered every request with an honest status", () => {
    for (const a of apis) expectHonestStatuses(a.replies);
  });
});
