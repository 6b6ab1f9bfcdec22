import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
const sample = JSON.parse(readFileSync("test/sdk/document/fixtures/02-lk-export-orchids.json", "utf8"));
async function main() {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "permit-prof-"));
  const port = 19000 + Math.floor(Math.random() * 1000);
  const prof = process.env.PROF === "1";
  const child = spawn(process.execPath, [...(prof ? ["--cpu-prof", "--cpu-prof-dir=/tmp/sprof", "--cpu-prof-interval", "100"] : []), ...(process.env.HOOK ? ["-r", process.env.HOOK] : ["--import", "tsx"]), "src/cli/main.ts", "start"], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), OUTBOX_BATCH_SIZE: "400", OUTBOX_INTERVAL_MS: "20", LOG_LEVEL: "warn", ...(process.env.WORKERS ? { VERIFY_WORKERS: process.env.WORKERS } : {}) },
    stdio: ["ignore", "inherit", "inherit"],
  });
  const base = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) { if (i > 240) throw new Error("no start"); if (await fetch(`${base}/api/v1/health`).then((r) => r.ok, () => false)) break; await new Promise((r) => setTimeout(r, 500)); }
    const creds = JSON.parse(readFileSync(path.join(dataDir, "demo-credentials.json"), "utf8"));
    const auth = { authorization: `Bearer ${creds.LK.issuer}`, "content-type": "application/json" };
    if (process.env.MODE === "issue") {
      const N = Number(process.env.N ?? 2000);
      const all = Array.from({ length: N }, (_, i) => ({ ...sample, permitNumber: `LK/ISS/${i}` }));
      const t0 = performance.now();
      const batches = []; for (let i = 0; i < N; i += 100) batches.push(all.slice(i, i + 100));
      for (let i = 0; i < batches.length; i += 4) await Promise.all(batches.slice(i, i + 4).map((b) => fetch(`${base}/api/v1/permits`, { method: "POST", headers: auth, body: JSON.stringify({ permits: b }) }).then((r) => r.json())));
      const t1 = performance.now();
      for (;;) { const h = (await (await fetch(`${base}/api/v1/health`)).json()) as { outboxDepth: number }; if (h.outboxDepth === 0) break; await new Promise((r) => setTimeout(r, 50)); }
      const t2 = performance.now();
      console.log("accepted/s", Math.round(N / ((t1 - t0) / 1000)), "anchored/s", Math.round(N / ((t2 - t0) / 1000)), "accept s", ((t1 - t0) / 1000).toFixed(2), "total s", ((t2 - t0) / 1000).toFixed(2));
      return;
    }
    const docs = Array.from({ length: 100 }, (_, i) => ({ ...sample, permitNumber: `LK/PROF/${i}` }));
    await fetch(`${base}/api/v1/permits`, { method: "POST", headers: auth, body: JSON.stringify({ permits: docs }) });
    for (;;) { const h = (await (await fetch(`${base}/api/v1/health`)).json()) as { outboxDepth: number }; if (h.outboxDepth === 0) break; await new Promise((r) => setTimeout(r, 100)); }
    await new Promise((r) => setTimeout(r, 1500));
    const list = (await (await fetch(`${base}/api/v1/permits?status=ISSUED&limit=50`, { headers: auth })).json()) as { items: { permitId: string }[] };
    const { decodeQrImage } = await import("../src/sdk/qr");
    const bodies: string[] = [];
    for (const p of list.items) bodies.push(JSON.stringify({ qr: await decodeQrImage(new Uint8Array(await (await fetch(`${base}/api/v1/permits/${p.permitId}/qr.png`, { headers: auth })).arrayBuffer())) }));
    const first = await (await fetch(`${base}/api/v1/verify`, { method: "POST", headers: { "content-type": "application/json" }, body: bodies[0] })).json();
    console.log("verdict", first.verdict);
    const r = await autocannon({ url: `${base}/api/v1/verify`, connections: Number(process.env.CONN ?? 64), ...(process.env.RATE ? { overallRate: Number(process.env.RATE) } : {}), duration: Number(process.env.SECS ?? 8), requests: bodies.map((body) => ({ method: "POST", headers: { "content-type": "application/json" }, body })) });
    console.log("rps", Math.round(r.requests.average), "p50", r.latency.p50, "p90", r.latency.p90, "p97.5", r.latency.p97_5, "p99", r.latency.p99, "max", r.latency.max, "non2xx", r.non2xx, "errors", r.errors);
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => child.once("exit", r));
    rmSync(dataDir, { recursive: true, force: true });
  }
}
main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
