/** Timing helpers shared by the benchmarks: machine record, percentiles, timed loops. */
import os from "node:os";

export function machine() {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpu: cpus[0]?.model ?? "unknown",
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
  };
}

export function percentile(sortedMs: number[], p: number): number {
  if (sortedMs.length === 0) return NaN;
  const i = Math.min(sortedMs.length - 1, Math.max(0, Math.ceil((p / 100) * sortedMs.length) - 1));
  return sortedMs[i];
}

export const round = (v: number, digits = 0) => Math.round(v * 10 ** digits) / 10 ** digits;

export type LoadResult = { concurrency: number; operations: number; seconds: number; perSecond: number; p50Ms: number; p99Ms: number; failures: number };

/**
 * Runs `op` from `concurrency` workers until `seconds` have passed (each worker finishes its
 * current call), after `warmup` untimed calls. Latency is per call, from start to settle.
 */
export async function underLoad(op: () => Promise<unknown>, opts: { concurrency: number; seconds: number; warmup?: number }): Promise<LoadResult> {
  for (let i = 0; i < (opts.warmup ?? 20); i++) await op();
  const latencies: number[] = [];
  let failures = 0;
  const start = performance.now();
  const deadline = start + opts.seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const t = performance.now();
      try {
        await op();
      } catch {
        failures++;
      }
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    concurrency: opts.concurrency,
    operations: latencies.length,
    seconds: round(seconds, 2),
    perSecond: round(latencies.length / seconds),
    p50Ms: round(percentile(latencies, 50), 2),
    p99Ms: round(percentile(latencies, 99), 2),
    failures,
  };
}

/** Calls a synchronous or asynchronous `op` back to back for `seconds`; returns calls per second and mean µs. */
export async function rate(op: () => unknown, seconds: number, warmup = 200): Promise<{ operations: number; perSecond: number; meanMicros: number }> {
  for (let i = 0; i < warmup; i++) await op();
  let n = 0;
  const start = performance.now();
  const deadline = start + seconds * 1000;
  while (performance.now() < deadline) {
    // Batches of 16 keep the clock reads out of the figure for sub-microsecond work.
    for (let i = 0; i < 16; i++) await op();
    n += 16;
  }
  const elapsed = (performance.now() - start) / 1000;
  return { operations: n, perSecond: round(n / elapsed), meanMicros: round((elapsed * 1e6) / n, 1) };
}
