/**
 * Offered-rate load for bench/service.ts: vegeta (github.com/tsenart/vegeta) sends requests at a
 * constant rate whether or not earlier answers have come back (an open loop), over at most N
 * connections, and times each from when it was sent. autocannon cannot: its `overallRate` lets each
 * connection send as fast as it can until it has made its share of the second, then waits for the
 * next second, so the service sees bursts at full speed, not a rate.
 *
 * Built once per checkout with `go install` into the git-ignored .tools/ (about 30 s; Go and the Go
 * module proxy are needed), or taken from $VEGETA_BIN.
 */
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { cpuSeconds } from "./processCpu";

const VEGETA_MODULE = "github.com/tsenart/vegeta/v12@v12.13.0";
const TOOLS_DIR = path.join(__dirname, "..", "..", ".tools", "vegeta-v12.13.0");

/** The vegeta binary: $VEGETA_BIN, or the one built into .tools/ (built now if missing). */
export function ensureVegeta(log: (line: string) => void): string {
  if (process.env.VEGETA_BIN) return process.env.VEGETA_BIN;
  const binary = path.join(TOOLS_DIR, "vegeta");
  if (existsSync(binary)) return binary;
  log(`building vegeta (${VEGETA_MODULE}) with go install, once per checkout...`);
  mkdirSync(TOOLS_DIR, { recursive: true });
  try {
    execFileSync("go", ["install", VEGETA_MODULE], { env: { ...process.env, GOBIN: TOOLS_DIR }, stdio: ["ignore", "inherit", "inherit"] });
  } catch (err) {
    throw new Error(
      `could not build vegeta, the constant-rate load generator (${(err as Error).message}). Install Go (https://go.dev/doc/install) and make the Go module proxy reachable, or set VEGETA_BIN to a vegeta binary.`,
    );
  }
  return binary;
}

export type OfferedRateResult = {
  requests: number;
  /** Successful answers per second. */
  requestsPerSecond: number;
  p50ms: number;
  p90ms: number;
  p99ms: number;
  maxMs: number;
  errors: number;
  non2xx: number;
  loadGeneratorCpuSeconds: number;
};

/** POSTs `bodies` round-robin to `url` at `rate` per second for `seconds`, over at most `connections` connections. */
export async function offeredRate(binary: string, o: { url: string; bodies: string[]; rate: number; seconds: number; connections: number; workDir: string }): Promise<OfferedRateResult> {
  const targets = path.join(o.workDir, "vegeta-targets.jsonl");
  const results = path.join(o.workDir, "vegeta-results.bin");
  writeFileSync(
    targets,
    o.bodies.map((body) => JSON.stringify({ method: "POST", url: o.url, header: { "Content-Type": ["application/json"] }, body: Buffer.from(body).toString("base64") })).join("\n") + "\n",
  );
  const args = ["attack", "-format=json", `-targets=${targets}`, `-rate=${o.rate}/s`, `-duration=${o.seconds}s`, `-max-connections=${o.connections}`, "-keepalive=true", `-output=${results}`];
  const attack = spawn(binary, args, { stdio: ["ignore", "ignore", "inherit"] });
  // Its CPU, read while it runs (a process that has exited has no /proc entry left).
  let cpu = 0;
  const poll = setInterval(() => (cpu = cpuSeconds(attack.pid!) ?? cpu), 200);
  const code = await new Promise<number | null>((resolve, reject) => {
    attack.on("error", reject);
    attack.on("exit", resolve);
  }).finally(() => clearInterval(poll));
  if (code !== 0) throw new Error(`vegeta attack failed (exit ${code})`);
  const report = JSON.parse(execFileSync(binary, ["report", "-type=json", results], { encoding: "utf8" })) as {
    requests: number; throughput: number; latencies: Record<"50th" | "90th" | "99th" | "max", number>; status_codes: Record<string, number>; errors: string[] | null;
  };
  const ms = (ns: number) => +(ns / 1e6).toFixed(1);
  const ok = Object.entries(report.status_codes).filter(([status]) => status.startsWith("2")).reduce((n, [, count]) => n + count, 0);
  const failed = report.status_codes["0"] ?? 0; // no answer at all (connection errors, timeouts)
  return {
    requests: report.requests,
    requestsPerSecond: Math.round(report.throughput),
    p50ms: ms(report.latencies["50th"]),
    p90ms: ms(report.latencies["90th"]),
    p99ms: ms(report.latencies["99th"]),
    maxMs: ms(report.latencies.max),
    errors: failed,
    non2xx: report.requests - ok - failed,
    loadGeneratorCpuSeconds: cpu,
  };
}
