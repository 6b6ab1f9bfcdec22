/**
 * End-to-end service benchmark (issue #4 goals): issuance throughput from POST to anchored on the
 * embedded chain, and POST /verify throughput and latency at 64 concurrent connections on
 * loopback. The service runs as its own process (as a user runs it); load comes from this one.
 * Results: bench/results/service.json and docs/service-benchmark.md. Not a test.
 *
 *   npx hardhat run bench/service.ts            (PERMITS=2000 VERIFY_SECONDS=10 to change)
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";

const PERMITS = Number(process.env.PERMITS ?? 2000);
const VERIFY_SECONDS = Number(process.env.VERIFY_SECONDS ?? 10);
const sample = JSON.parse(readFileSync("test/sdk/document/fixtures/02-lk-export-orchids.json", "utf8"));

async function main() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "permit-bench-"));
  const port = 18000 + Math.floor(Math.random() * 1000);
  const child = spawn("node_modules/.bin/ts-node", ["--transpile-only", "src/cli/main.ts", "start"], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), OUTBOX_BATCH_SIZE: "400", OUTBOX_INTERVAL_MS: "20", LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      if (i > 240) throw new Error("the service did not start in 120 s");
      if (await fetch(`${base}/api/v1/health`).then((r) => r.ok, () => false)) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const creds = JSON.parse(readFileSync(path.join(dataDir, "demo-credentials.json"), "utf8"));
    const auth = { authorization: `Bearer ${creds.LK.issuer}`, "content-type": "application/json" };

    // Issuance: POST in batches of 100, 4 requests in flight, then wait until all are anchored.
    const docs = Array.from({ length: PERMITS }, (_, i) => ({ ...sample, permitNumber: `LK/BENCH/${i}` }));
    const t0 = performance.now();
    const batches = [];
    for (let i = 0; i < docs.length; i += 100) batches.push(docs.slice(i, i + 100));
    let accepted = 0;
    for (let i = 0; i < batches.length; i += 4) {
      const answers = await Promise.all(batches.slice(i, i + 4).map((b) => fetch(`${base}/api/v1/permits`, { method: "POST", headers: auth, body: JSON.stringify({ permits: b }) }).then((r) => r.json())));
      accepted += answers.reduce((n, a: { accepted: number }) => n + a.accepted, 0);
      process.stderr.write(`\r  accepted ${accepted}/${PERMITS}`);
    }
    const tAccepted = performance.now();
    for (;;) {
      const health = (await (await fetch(`${base}/api/v1/health`)).json()) as { outboxDepth: number };
      process.stderr.write(`\r  accepted ${accepted}/${PERMITS}, still to anchor ${health.outboxDepth}   `);
      if (health.outboxDepth === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const tAnchored = performance.now();
    process.stderr.write("\n");
    const list = (await (await fetch(`${base}/api/v1/permits?status=ISSUED&limit=500`, { headers: auth })).json()) as { items: { permitId: string }[] };

    // Verification: distinct QR codes, 64 connections.
    const qrs: string[] = [];
    for (const p of list.items.slice(0, 50)) {
      const view = (await (await fetch(`${base}/api/v1/permits/${p.permitId}`, { headers: auth })).json()) as { permitId: string };
      const png = new Uint8Array(await (await fetch(`${base}/api/v1/permits/${view.permitId}/qr.png`, { headers: auth })).arrayBuffer());
      const { decodeQrImage } = await import("../src/sdk/qr");
      qrs.push(await decodeQrImage(png));
    }
    const bodies = qrs.map((qr) => JSON.stringify({ qr }));
    const verifyRun = (connections: number) =>
      autocannon({
        url: `${base}/api/v1/verify`,
        connections,
        duration: VERIFY_SECONDS,
        requests: bodies.map((body) => ({ method: "POST", headers: { "content-type": "application/json" }, body })),
      });
    const single = await verifyRun(1);
    const many = await verifyRun(64);
    const issuance = {
      permits: PERMITS,
      acceptedPerSecond: Math.round(PERMITS / ((tAccepted - t0) / 1000)),
      anchoredPerSecond: Math.round(PERMITS / ((tAnchored - t0) / 1000)),
      secondsToAnchorAll: +((tAnchored - t0) / 1000).toFixed(2),
      goalAnchoredPerSecond: 1000,
    };
    const v = (r: autocannon.Result) => ({ requestsPerSecond: Math.round(r.requests.average), p50ms: r.latency.p50, p99ms: r.latency.p99, errors: r.errors, non2xx: r.non2xx });
    const result = {
      date: new Date().toISOString(),
      machine: { cores: os.cpus().length, cpu: os.cpus()[0]?.model, node: process.version, loadAverage: os.loadavg() },
      issuance,
      verify: { concurrency1: v(single), concurrency64: v(many), goal: { requestsPerSecond: 2000, p99ms: 25, concurrency: 64 } },
    };
    mkdirSync("bench/results", { recursive: true });
    writeFileSync("bench/results/service.json", JSON.stringify(result, null, 2) + "\n");
    const ok = (b: boolean) => (b ? "met" : "**missed**");
    writeFileSync(
      "docs/service-benchmark.md",
      `# Service benchmark (end to end)

\`npx hardhat run bench/service.ts\` — the service runs as its own process (embedded Anvil, SQLite),
load comes from a second process on loopback. ${result.machine.cores} cores, ${result.machine.cpu}, Node ${process.version},
load average at the end ${result.machine.loadAverage.map((l) => l.toFixed(1)).join(" / ")}, ${result.date.slice(0, 10)}. Raw: \`bench/results/service.json\`.

| measure | result | goal | |
| --- | ---: | ---: | --- |
| permits accepted per second (POST, batches of 100, 4 in flight) | ${issuance.acceptedPerSecond} | | |
| permits anchored per second, POST to ISSUED on chain (${PERMITS} permits) | ${issuance.anchoredPerSecond} | ≥ 1,000 | ${ok(issuance.anchoredPerSecond >= 1000)} |
| POST /verify per second, 1 connection | ${result.verify.concurrency1.requestsPerSecond} (p50 ${result.verify.concurrency1.p50ms} ms, p99 ${result.verify.concurrency1.p99ms} ms) | | |
| POST /verify per second, 64 connections | ${result.verify.concurrency64.requestsPerSecond} (p50 ${result.verify.concurrency64.p50ms} ms, p99 ${result.verify.concurrency64.p99ms} ms) | ≥ 2,000, p99 ≤ 25 ms | ${ok(result.verify.concurrency64.requestsPerSecond >= 2000 && result.verify.concurrency64.p99ms <= 25)} |

Online verification reads the chain on every request (the permit's events, its signer's membership
events, the \`verify\` view): several JSON-RPC round trips to the node per answer. Where the goals are
missed, that is where the time goes; serving verification from the indexer's copy of the chain is the
next step (see the notes in the issue).
`,
    );
    console.log(JSON.stringify(result, null, 2));
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });
