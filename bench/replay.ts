/**
 * Workload replay (issue #6): a synthetic year of trade replayed against a chain, with every
 * lifecycle step signed by the officer who takes it. Reports throughput, gas per step, block
 * fullness, time to inclusion and the projected time for a full year; writes
 * bench/results/replay-<target>.json and .svg and the results table of docs/replay.md.
 * Not a test. See docs/replay.md.
 *
 *   npm run bench:replay -- --target poa --validators 3        (a local Clique network, started and stopped here)
 *   npm run bench:replay -- --target embedded                  (the service's Anvil chain)
 *   npm run bench:replay -- --rpc-url URL --deployment NAME --keys keys.json
 *   REPLAY_TARGET=poa npx hardhat run bench/replay.ts          (flags as REPLAY_* variables)
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createPublicClient, http, type Hex } from "viem";
import { createRegistryClient } from "../src/sdk/chain";
import { machine } from "./lib/measure";
import { readConfig, type ReplayConfig } from "./replay/config";
import { DocumentFactory } from "./replay/documents";
import { DAY, generateYear, yearSummary, type SyntheticDocument } from "./replay/model";
import { replay } from "./replay/replayer";
import { chartOf, measure, renderResultsSection } from "./replay/report";
import { Submitter } from "./replay/submitter";
import { startTarget, type ChainTarget } from "./replay/targets";
import { stepsOf } from "./replay/workload";

const log = (line: string) => console.error(`  ${line}`);

/** Documents that fill `minutes` at the gas limit (from the gas of docs/gas.md), or at the rate measured on automine. */
function defaultSliceSize(config: ReplayConfig, periodSeconds?: number): number {
  if (!periodSeconds) return Math.round(200 * config.minutes * 60 * 0.9); // ~200 permits/s measured on automine
  const { mix } = config;
  const exports = mix.export + mix.reexport;
  const gasPerPermit = 31_000 + exports * config.endorsedShare * 45_000 + (exports * config.usedShare + mix.ephyto * config.usedShare) * 36_000 + (1 - mix.import) * config.cancelledShare * 36_000;
  return Math.round((Number(config.gasLimit) / periodSeconds / gasPerPermit) * config.minutes * 60 * 0.9);
}

/** What the chain should say about a document once its replayed steps are mined. */
function expectedStatus(doc: SyntheticDocument, completed: Set<number>, slice: SyntheticDocument[]): string | undefined {
  if (doc.kind === "import") {
    const exportDoc = slice.find((d) => d.importPermit === doc);
    if (!exportDoc || !completed.has(exportDoc.index)) return undefined;
    return exportDoc.useAt !== undefined ? "USED" : "ISSUED";
  }
  if (doc.cancelAt !== undefined) return "CANCELLED";
  if (doc.useAt !== undefined) return "USED";
  if (doc.endorseAt !== undefined) return "ENDORSED";
  return "ISSUED";
}

async function main() {
  const config = readConfig();
  const started = new Date();
  let target: ChainTarget | undefined;
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= target ? target.stop() : Promise.resolve());
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      console.error(`\n  ${signal}: stopping the chain first`);
      void stop().finally(() => process.exit(130));
    });
  }

  try {
    log(`starting the ${config.target} chain`);
    target = await startTarget(config);
    log(`chain: ${target.description}; registry ${target.registry}`);
    const countries = config.countries.filter((c) => target!.officers[c]);
    if (countries.length < 2) throw new Error(`the chain has officer keys for ${Object.keys(target.officers).join(", ") || "no country"}; need two of ${config.countries.join(", ")}`);
    config.countries = countries;

    const headBlock = await createPublicClient({ transport: http(target.rpcUrls[0]) }).getBlock();
    const gasLimit = Number(headBlock.gasLimit);
    const sliceSize = config.permits ?? defaultSliceSize({ ...config, gasLimit: BigInt(gasLimit) }, target.periodSeconds);
    const t0 = performance.now();
    const year = generateYear(config, sliceSize);
    // Span of the cases' first documents (an Appendix-I export follows its import permit by up to 30 days).
    const simulatedDays = (Math.max(...year.slice.filter((d) => !d.appendixI).map((d) => d.issueAt)) - year.sliceStart) / DAY;
    log(`year: ${year.counts.documents.toLocaleString("en")} documents generated in ${Math.round(performance.now() - t0)} ms; slice: ${year.slice.length.toLocaleString("en")} documents issued over ${simulatedDays.toFixed(1)} simulated days from day ${config.startDay}, with their whole lifecycles`);

    const runTag = `${config.seed.toString(36)}${Date.now().toString(36).slice(-5)}`.toUpperCase();
    const factory = new DocumentFactory(runTag);
    factory.selfCheck(new Date());
    const tipWei = BigInt(Math.round(config.tipGwei * 1e9));
    const feeCapWei = BigInt(Math.round(config.feeCapEth * 1e6)) * 10n ** 12n;
    const submitter = new Submitter({ chainId: target.chainId, registry: target.registry, feeCapWei, tipWei });
    for (const [i, country] of countries.entries()) {
      // Each country sends to "its" node, as each would run its own.
      const url = target.rpcUrls[i % target.rpcUrls.length];
      await submitter.addOfficer(country, "issuer", target.officers[country].issuer.privateKey, url);
      await submitter.addOfficer(country, "customs", target.officers[country].customs.privateKey, url);
    }

    // Clique can fork for a block or two (an out-of-turn signer seals too): read blocks only 2 deep.
    const confirmations = target.periodSeconds ? 2 : 0;
    const steps = stepsOf(year.slice, { batchWindowSeconds: config.batchWindowMinutes * 60, batchMax: config.batchMax });
    log(`replaying ${steps.length.toLocaleString("en")} steps at speed-up ${config.speedup} (bound ${config.minutes} min)`);
    const outcome = await replay({
      steps,
      sliceStart: year.sliceStart,
      factory,
      submitter,
      observerUrl: target.rpcUrls[0],
      pollMs: config.pollMs,
      confirmations,
      speedup: config.speedup,
      minutes: config.minutes,
      maxPendingTxs: config.maxPendingTxs,
      // Mined transactions count as in flight until read `confirmations` deep: the window covers those blocks too.
      maxPendingGas: BigInt(Math.round((config.maxPendingBlocks + confirmations) * gasLimit)),
      tipWei,
      log,
    });

    // Read back a sample through the SDK: the chain holds what the model says.
    const reader = createRegistryClient({ publicClient: createPublicClient({ transport: http(target.rpcUrls[0]) }), address: target.registry, fromBlock: target.fromBlock });
    const completed = new Set(outcome.completed);
    const sample = year.slice.filter((d) => completed.has(d.index) || d.kind === "import").filter((_, i) => i % 37 === 0).slice(0, 40);
    const mismatches: { permitId: Hex; expected: string; actual: string }[] = [];
    let checked = 0;
    for (const doc of sample) {
      const expected = expectedStatus(doc, completed, year.slice);
      if (!expected) continue;
      const { status } = await reader.permitState(factory.permitId(doc));
      checked++;
      if (status !== expected) mismatches.push({ permitId: factory.permitId(doc), expected, actual: status });
    }

    const measured = measure(outcome, { year: year.counts, gasLimit, periodSeconds: target.periodSeconds });
    const result = {
      date: started.toISOString(),
      target: config.target,
      machine: machine(),
      chain: { description: target.description, chainId: target.chainId, periodSeconds: target.periodSeconds ?? null, gasLimit, validators: config.target === "poa" ? config.validators : undefined },
      config: {
        seed: config.seed, permitsPerYear: config.permitsPerYear, countries, mix: config.mix,
        endorsedShare: config.endorsedShare, usedShare: config.usedShare, cancelledShare: config.cancelledShare,
        startDay: config.startDay, speedup: config.speedup, minutes: config.minutes, batchWindowMinutes: config.batchWindowMinutes, batchMax: config.batchMax,
        maxPendingBlocks: config.maxPendingBlocks, maxPendingTxs: config.maxPendingTxs, feeCapEth: config.feeCapEth, tipGwei: config.tipGwei, pollMs: config.pollMs,
      },
      year: { ...yearSummary(year.counts), counts: year.counts },
      slice: { documents: year.slice.length, simulatedDays: +simulatedDays.toFixed(2), steps: outcome.steps, documentsCompleted: outcome.documents.completed, deadlineHit: outcome.deadlineHit },
      measured,
      verification: { checked, mismatches, reorgsDeeperThanConfirmations: outcome.observer.deepReorgs, confirmations },
      failures: outcome.failures.slice(0, 20),
    };

    mkdirSync(config.resultsDir, { recursive: true });
    const base = path.join(config.resultsDir, `replay-${config.target}`);
    writeFileSync(`${base}.json`, JSON.stringify(result, null, 2) + "\n");
    writeFileSync(`${base}.svg`, chartOf(measured, `Replay on ${config.target === "poa" ? `${config.validators}-validator Clique` : config.target}`, target.periodSeconds));
    if (config.updateDocs) renderResultsSection(config.resultsDir, "docs/replay.md");

    const m = measured;
    const cap = m.capacity as { permitsPerSecond?: number; sustainedRatio?: number; meetsGoal?: boolean; notJudged?: string };
    console.log(`\nreplay on ${target.description}`);
    console.log(`  slice: ${year.slice.length} documents (${outcome.documents.completed} lifecycles complete), ${outcome.steps.done}/${outcome.steps.total} steps mined, ${outcome.steps.failed} failed, ${outcome.steps.dropped} dropped, in ${m.seconds} s`);
    console.log(`  throughput: ${m.throughput.lifecyclesPerSecond} permits/s overall, ${m.throughput.sustained.permitsPerSecond} sustained; ${m.throughput.txPerSecond} tx/s`);
    console.log(`  gas: issue ${m.gas.byKind.issue.perPermit}/permit (batches of ${(m.gas.byKind.issue.permits / Math.max(1, m.gas.byKind.issue.transactions)).toFixed(1)}), endorse ${m.gas.byKind.endorse.perTransaction}, use ${m.gas.byKind.use.perTransaction}, cancel ${m.gas.byKind.cancel.perTransaction}; ${m.gas.perPermitLifecycle} per permit lifecycle`);
    console.log(`  blocks: ${m.blocks.count}, fullness mean ${(m.blocks.meanFullness * 100).toFixed(1)} %, sustained ${(m.blocks.sustainedFullness * 100).toFixed(1)} %; base fee ${m.blocks.baseFeeGwei.first?.toPrecision(3)} → ${m.blocks.baseFeeGwei.last?.toPrecision(3)} gwei`);
    console.log(`  inclusion: p50 ${m.inclusion.all.p50Ms} ms, p99 ${m.inclusion.all.p99Ms} ms`);
    if (cap.permitsPerSecond !== undefined) console.log(`  capacity at the gas limit: ${cap.permitsPerSecond} permits/s; sustained ratio ${(cap.sustainedRatio! * 100).toFixed(1)} % (goal ≥ 80 %: ${cap.notJudged ?? (cap.meetsGoal ? "met" : "NOT met")})`);
    console.log(`  a full year (${year.counts.documents.toLocaleString("en")} documents): ${(m.projection.atSustainedRate ?? m.projection.atMeasuredRate).hours} h at the ${m.projection.atSustainedRate ? "sustained" : "workload's"} rate`);
    console.log(`  SDK read-back: ${checked - mismatches.length}/${checked} permits in the expected status`);
    console.log(`  wrote ${base}.json and ${base}.svg`);
    if (outcome.steps.failed || mismatches.length) process.exitCode = 1;
  } finally {
    await stop();
  }
}

main()
  .catch((err) => {
    console.error(err);
    process.exitCode = 1;
  })
  // Keep-alive sockets to a stopped node would hold the event loop for a few seconds more.
  .finally(() => process.exit());
