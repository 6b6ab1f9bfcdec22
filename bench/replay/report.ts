/**
 * Figures of a replay run: throughput, gas per step from the receipts, block fullness, time to
 * inclusion, capacity at the block gas limit and the projection to a full year; the JSON record,
 * the SVG chart and the results table of docs/replay.md.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { barChartSvg } from "../lib/chart";
import { percentile, round } from "../lib/measure";
import type { YearCounts } from "./model";
import type { ReplayOutcome } from "./replayer";
import type { TxKind } from "./submitter";

export const GOAL = 0.8;
const KINDS: TxKind[] = ["issue", "endorse", "use", "cancel"];

export type GasByKind = Record<TxKind, { transactions: number; permits: number; gasTotal: number; perTransaction: number; perPermit: number }>;

export function measure(outcome: ReplayOutcome, p: { year: YearCounts; gasLimit: number; periodSeconds?: number }) {
  const mined = outcome.txs.filter((t) => t.minedAt !== undefined);
  const ok = mined.filter((t) => t.ok);
  const seconds = (outcome.endedAt - outcome.startedAt) / 1000;

  const gas = Object.fromEntries(
    KINDS.map((kind) => {
      const txs = ok.filter((t) => t.kind === kind);
      const gasTotal = txs.reduce((g, t) => g + t.gasUsed!, 0);
      const permits = txs.reduce((n, t) => n + t.permits, 0);
      return [kind, { transactions: txs.length, permits, gasTotal, perTransaction: txs.length ? Math.round(gasTotal / txs.length) : 0, perPermit: permits ? Math.round(gasTotal / permits) : 0 }];
    }),
  ) as GasByKind;
  // One document of the year's mix: its share of a batch issue, and its endorsement, use, cancellation as often as the year has them.
  const y = p.year;
  const gasPerPermit = Math.round(
    gas.issue.perPermit + (y.endorsed / y.documents) * gas.endorse.perTransaction + (y.used / y.documents) * gas.use.perTransaction + (y.cancelled / y.documents) * gas.cancel.perTransaction,
  );
  const txPerPermit = 1 / (gas.issue.transactions ? gas.issue.permits / gas.issue.transactions : 1) + (y.endorsed + y.used + y.cancelled) / y.documents;

  const latencies = (kind?: TxKind) => mined.filter((t) => !kind || t.kind === kind).map((t) => t.minedAt! - t.submittedAt!).sort((a, b) => a - b);
  const latency = (kind?: TxKind) => {
    const l = latencies(kind);
    return { transactions: l.length, p50Ms: Math.round(percentile(l, 50)), p99Ms: Math.round(percentile(l, 99)), maxMs: l.length ? Math.round(l[l.length - 1]) : NaN };
  };

  // Blocks of the run: from the first holding one of ours to the last.
  const all = outcome.observer.blocks;
  const first = all.findIndex((b) => b.ours > 0);
  const last = all.length - 1 - [...all].reverse().findIndex((b) => b.ours > 0);
  const blocks = first < 0 ? [] : all.slice(first, last + 1);
  const fullness = (b: { gasUsed: number; gasLimit: number }) => b.gasUsed / b.gasLimit;
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
  // Sustained: the blocks mined while ready work was waiting for room (the chain, not the workload, was the limit).
  const backlogged = blocks.filter((b) => b.backlogged);
  // Fewer than 3 such blocks: the workload never kept the chain busy, so the chain's limit was not measured.
  const judged = backlogged.length >= 3;
  const sustainedBlocks = judged ? backlogged : blocks;
  // With a block period, rates come from block timestamps; without one (automine), from the wall clock up to the last such block.
  const span = p.periodSeconds
    ? sustainedBlocks.reduce((s, b) => s + b.interval, 0)
    : sustainedBlocks.length ? (sustainedBlocks[sustainedBlocks.length - 1].seenAt - outcome.startedAt) / 1000 : NaN;
  const counted = p.periodSeconds ? sustainedBlocks : blocks.filter((b) => sustainedBlocks.length && b.seenAt <= sustainedBlocks[sustainedBlocks.length - 1].seenAt);
  const sustainedGasPerSecond = counted.length && span > 0 ? counted.reduce((g, b) => g + b.gasUsed, 0) / span : NaN;
  const sustainedTxPerSecond = counted.length && span > 0 ? counted.reduce((n, b) => n + b.ours, 0) / span : NaN;

  const capacity = p.periodSeconds
    ? {
        gasPerSecond: Math.round(p.gasLimit / p.periodSeconds),
        permitsPerSecond: round(p.gasLimit / p.periodSeconds / gasPerPermit, 1),
        note: "gas limit / block period / gas per permit of the year's mix",
      }
    : undefined;
  const sustainedPermitsPerSecond = round(sustainedGasPerSecond / gasPerPermit, 1);
  const ratio = capacity ? round(sustainedGasPerSecond / capacity.gasPerSecond, 3) : undefined;

  const yearGas = y.documents * gasPerPermit;
  // The sustained rate only when the chain was the limit; otherwise the rate the workload reached.
  const overallPermitsPerSecond = round(outcome.documents.completed / seconds, 1);
  const projection = {
    yearGas,
    yearTransactions: Math.round(y.documents * txPerPermit),
    atSustainedRate: judged && Number.isFinite(sustainedGasPerSecond) ? hours(yearGas / sustainedGasPerSecond) : undefined,
    atMeasuredRate: hours(y.documents / overallPermitsPerSecond),
    atGasLimit: capacity ? hours(yearGas / capacity.gasPerSecond) : undefined,
    /** Share of the chain a real year uses when replayed in real time. */
    realTimeUtilisation: capacity ? yearGas / (365 * 86_400 * capacity.gasPerSecond) : undefined,
  };

  return {
    seconds: round(seconds, 1),
    throughput: {
      txPerSecond: round(ok.length / seconds, 1),
      permitsIssuedPerSecond: round(gas.issue.permits / seconds, 1),
      lifecyclesPerSecond: overallPermitsPerSecond,
      stepsPerSecond: Object.fromEntries(KINDS.map((k) => [k, round(gas[k].transactions / seconds, 1)])),
      sustained: {
        blocks: sustainedBlocks.length,
        gasPerSecond: Math.round(sustainedGasPerSecond),
        txPerSecond: round(sustainedTxPerSecond, 1),
        permitsPerSecond: sustainedPermitsPerSecond,
      },
    },
    gas: { byKind: gas, perPermitLifecycle: gasPerPermit, transactionsPerPermit: round(txPerPermit, 3) },
    blocks: {
      count: blocks.length,
      meanFullness: round(mean(blocks.map(fullness)), 3),
      sustainedFullness: round(mean(sustainedBlocks.map(fullness)), 3),
      meanIntervalSeconds: round(mean(blocks.map((b) => b.interval)), 2),
      gasLimit: p.gasLimit,
      baseFeeGwei: { first: blocks[0]?.baseFeeGwei, last: blocks[blocks.length - 1]?.baseFeeGwei },
      series: blocks.map((b) => ({ number: b.number, t: round((b.seenAt - outcome.startedAt) / 1000, 1), gasUsed: b.gasUsed, fullness: round(fullness(b), 3), ours: b.ours, backlogged: b.backlogged })),
    },
    inclusion: { all: latency(), ...Object.fromEntries(KINDS.map((k) => [k, latency(k)])) },
    capacity: capacity
      ? judged
        ? { ...capacity, sustainedRatio: ratio, goal: GOAL, meetsGoal: ratio! >= GOAL }
        : { ...capacity, sustainedRatio: ratio, goal: GOAL, meetsGoal: undefined, notJudged: NOT_JUDGED }
      : { note: "no block period (automine): every transaction gets its own block at once, so the gas limit sets no rate" },
    projection,
  };
}

/** Why a run's sustained ratio is not held against the goal. */
export const NOT_JUDGED = "not judged: fewer than 3 blocks were mined while ready work waited, so the workload, not the chain, set the rate; replay more permits (--permits) in the same --minutes";

const hours = (s: number) => ({ seconds: Math.round(s), hours: round(s / 3600, 2) });

export type Measured = ReturnType<typeof measure>;

/** Block fullness over the run (interval mining) or transactions per second (automine), as SVG bars. */
export function chartOf(m: Measured, title: string, periodSeconds?: number): string {
  const series = m.blocks.series;
  if (periodSeconds && series.length) {
    const per = Math.ceil(series.length / 40);
    const groups: string[] = [];
    const values: number[] = [];
    for (let i = 0; i < series.length; i += per) {
      const chunk = series.slice(i, i + per);
      groups.push(groups.length % 5 === 0 ? `${chunk[0].t} s` : "");
      values.push(round((100 * chunk.reduce((s, b) => s + b.fullness, 0)) / chunk.length, 0));
    }
    return barChartSvg({
      title: `${title}: block fullness over the run${per > 1 ? ` (mean of ${per} blocks per bar)` : ""}`,
      yLabel: "gas used, % of the block gas limit",
      groups,
      series: [{ name: "gas used / limit", values }],
      reference: { value: GOAL * 100, label: `goal ${GOAL * 100} %` },
    });
  }
  const end = series.length ? series[series.length - 1].t : 0;
  const bucket = Math.max(1, Math.ceil(end / 30));
  const groups: string[] = [];
  const values: number[] = [];
  for (let t = 0; t <= end; t += bucket) {
    const txs = series.filter((b) => b.t >= t && b.t < t + bucket).reduce((n, b) => n + b.ours, 0);
    groups.push(groups.length % 5 === 0 ? `${t} s` : "");
    values.push(round(txs / bucket, 0));
  }
  return barChartSvg({ title: `${title}: transactions mined per second`, yLabel: "transactions / s", groups, series: [{ name: "replay transactions", values }] });
}

const fmt = (v: number | undefined, digits = 0) => (v === undefined || !Number.isFinite(v) ? "—" : v.toLocaleString("en", { maximumFractionDigits: digits }));

/** Re-renders the results section of docs/replay.md (between its markers) from every bench/results/replay-*.json. */
export function renderResultsSection(resultsDir: string, docFile: string): void {
  if (!existsSync(docFile)) return;
  const results = readdirSync(resultsDir)
    .filter((f) => /^replay-.+\.json$/.test(f))
    .map((f) => ({ file: f, r: JSON.parse(readFileSync(path.join(resultsDir, f), "utf8")) }));
  const rows = results.map(({ file, r }) => {
    const m = r.measured as Measured;
    const cap = m.capacity as { permitsPerSecond?: number; sustainedRatio?: number; meetsGoal?: boolean; notJudged?: string };
    return (
      `| [${r.target}](../${resultsDir}/${file}) | ${r.chain.description} | ${fmt(r.slice.documents)} docs, ${fmt(m.seconds, 1)} s | ` +
      `${fmt(m.throughput.lifecyclesPerSecond, 1)} / ${fmt(m.throughput.sustained.permitsPerSecond, 1)} | ${fmt(m.throughput.txPerSecond, 1)} | ` +
      `${fmt(m.gas.byKind.issue.perPermit)} / ${fmt(m.gas.byKind.endorse.perTransaction)} / ${fmt(m.gas.byKind.use.perTransaction)} / ${fmt(m.gas.byKind.cancel.perTransaction)} | ` +
      `${fmt(m.blocks.meanFullness * 100, 1)} % / ${fmt(m.blocks.sustainedFullness * 100, 1)} % | ${fmt(m.inclusion.all.p50Ms)} / ${fmt(m.inclusion.all.p99Ms)} | ` +
      `${cap.permitsPerSecond !== undefined ? `${fmt(cap.permitsPerSecond, 1)} permits/s; **${fmt((cap.sustainedRatio ?? NaN) * 100, 1)} %** ${cap.notJudged ? "(not judged: the workload set the rate)" : cap.meetsGoal ? "(≥ 80 %)" : "(< 80 %)"}` : "n/a (automine)"} | ` +
      `${fmt(m.projection.atSustainedRate?.hours ?? m.projection.atMeasuredRate.hours, 1)} h |`
    );
  });
  const table = [
    "| target | chain | slice | permits/s overall / sustained | tx/s | gas: issue per permit / endorse / use / cancel | block fullness mean / sustained | inclusion p50 / p99 (ms) | capacity at gas limit; sustained ratio | a full year takes |",
    "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |",
    ...rows,
  ].join("\n");
  const dated = results.map(({ r }) => `${r.target}: ${r.date.slice(0, 16).replace("T", " ")} UTC`).join("; ");
  const section = `<!-- results:start (generated by bench/replay.ts) -->\n${table}\n\nRuns: ${dated}. Machine: ${results[0]?.r.machine.cores} cores (${results[0]?.r.machine.cpu}), Node ${results[0]?.r.machine.node}.\n<!-- results:end -->`;
  const doc = readFileSync(docFile, "utf8");
  const next = doc.replace(/<!-- results:start[\s\S]*?<!-- results:end -->/, section);
  writeFileSync(docFile, next);
}
