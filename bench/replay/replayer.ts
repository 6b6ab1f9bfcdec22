/**
 * Replays the steps against the chain. Pace: with a speed-up S, a step at simulated time t is due
 * at wall time (t − slice start) / S; with "max", every step is due at once and the in-flight
 * window (gas and transaction count) is the only brake, so the chain, not the client, sets the
 * rate. A due step goes out as soon as the steps it needs are mined; a failed step drops the
 * steps that needed it. Submission stops at the wall-clock bound; what is in flight is awaited.
 */
import { decodeErrorResult, parseTransaction, type Address, type Hex } from "viem";
import { CANCEL_REASON, permitGasBound, permitRegistryAbi } from "../../src/sdk/chain";
import { recordOf, type AnchoredDocument, type DocumentFactory } from "./documents";
import type { SyntheticDocument } from "./model";
import { BlockObserver, type MinedTx } from "./observer";
import { rpc } from "./rpc";
import type { CallOf, SentTx, Submitter } from "./submitter";
import { condition, stepsPerDocument, type Condition, type Step } from "./workload";

/** Gas limits per step: above the measured gas (docs/gas.md) with room for five line items. */
const GAS = { endorseBase: 50_000n, endorsePerLine: 6_000n, use: 70_000n, cancel: 60_000n, batchBase: 120_000n, singleExtra: 60_000n };
const CANCEL_REASONS = (["LOST", "DAMAGED", "WRONGLY_ISSUED", "WITHDRAWN"] as const).map((r) => CANCEL_REASON.indexOf(r));

type StepState = { step: Step; unmet: number; due: boolean; state: "waiting" | "ready" | "sent" | "done" | "failed" | "dropped"; dueAt?: number };
type DocState = { anchored?: AnchoredDocument; issuedAt?: bigint; issuer?: Address; stepsLeft: number };

export type ReplayOutcome = {
  txs: SentTx[];
  startedAt: number;
  endedAt: number;
  steps: { total: number; done: number; failed: number; dropped: number; notReplayed: number; late: number };
  documents: { total: number; completed: number };
  /** Indexes of the documents whose every replayed step was mined. */
  completed: number[];
  deadlineHit: boolean;
  failures: { kind: string; hash: Hex; reason: string }[];
  observer: BlockObserver;
};

class MinHeap<T> {
  private items: T[] = [];
  constructor(private readonly less: (a: T, b: T) => boolean) {}
  get size() {
    return this.items.length;
  }
  push(item: T) {
    const a = this.items;
    a.push(item);
    for (let i = a.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (!this.less(a[i], a[parent])) break;
      [a[i], a[parent]] = [a[parent], a[i]];
      i = parent;
    }
  }
  pop(): T | undefined {
    const a = this.items;
    const top = a[0];
    const last = a.pop();
    if (a.length && last !== undefined) {
      a[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1, r = l + 1;
        let m = i;
        if (l < a.length && this.less(a[l], a[m])) m = l;
        if (r < a.length && this.less(a[r], a[m])) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
    }
    return top;
  }
}

export async function replay(p: {
  steps: Step[];
  sliceStart: number;
  factory: DocumentFactory;
  submitter: Submitter;
  observerUrl: string;
  pollMs: number;
  confirmations: number;
  speedup: number | "max";
  minutes: number;
  maxPendingTxs: number;
  /** In-flight gas bound (by gas limit) in "max" mode. */
  maxPendingGas: bigint;
  tipWei: bigint;
  log: (line: string) => void;
}): Promise<ReplayOutcome> {
  const { submitter, factory } = p;
  const today = new Date();
  const states: StepState[] = p.steps.map((step) => ({ step, unmet: step.needs.length, due: false, state: "waiting" }));
  const waiters = new Map<Condition, StepState[]>();
  for (const s of states) for (const c of s.step.needs) waiters.set(c, [...(waiters.get(c) ?? []), s]);
  const perDoc = stepsPerDocument(p.steps);
  const docs = new Map<number, DocState>([...perDoc].map(([index, n]) => [index, { stepsLeft: n }]));
  const ready = new MinHeap<StepState>((a, b) => a.step.simTime < b.step.simTime);
  const stepOf = new Map<Hex, StepState>();
  const sent: SentTx[] = [];
  const completed: number[] = [];
  const failures: ReplayOutcome["failures"] = [];
  const counts = { total: states.length, settled: 0, done: 0, failed: 0, dropped: 0, late: 0, completed: 0 };
  let wake: (() => void) | undefined;
  const wakeUp = () => wake?.();

  const makeReady = (s: StepState) => {
    s.state = "ready";
    ready.push(s);
  };
  const resolve = (c: Condition) => {
    for (const w of waiters.get(c) ?? []) if (--w.unmet === 0 && w.due && w.state === "waiting") makeReady(w);
    waiters.delete(c);
  };
  const settle = (s: StepState, state: "done" | "failed" | "dropped") => {
    s.state = state;
    counts.settled++;
    counts[state]++;
  };
  const dropAfter = (doc: SyntheticDocument) => {
    for (const c of [condition(doc, "issued"), condition(doc, "endorsed")]) {
      for (const w of waiters.get(c) ?? []) {
        if (w.state !== "waiting") continue;
        settle(w, "dropped");
        for (const d of w.step.docs) dropAfter(d);
      }
      waiters.delete(c);
    }
  };

  const observer = new BlockObserver({
    url: p.observerUrl,
    pollMs: p.pollMs,
    confirmations: p.confirmations,
    isOurs: (hash) => stepOf.has(hash),
    backlogged: () => ready.size > 0,
    onBlock: wakeUp,
    onMined: (m: MinedTx) => {
      const s = stepOf.get(m.hash);
      const tx = submitter.inFlight.get(m.hash);
      if (!s || !tx) return;
      submitter.settle(tx);
      Object.assign(tx, { minedAt: m.seenAt, blockNumber: m.blockNumber, gasUsed: m.gasUsed, ok: m.ok });
      if (!m.ok) {
        settle(s, "failed");
        void explainFailure(p.observerUrl, tx).then((reason) => {
          failures.push({ kind: tx.kind, hash: tx.hash, reason });
          if (failures.length <= 5) p.log(`! ${tx.kind} ${tx.hash} reverted: ${reason}`);
        });
        for (const d of s.step.docs) dropAfter(d);
        return;
      }
      settle(s, "done");
      for (const doc of s.step.docs) {
        const d = docs.get(doc.index)!;
        if (s.step.kind === "issue") {
          d.issuedAt = BigInt(m.blockTimestamp);
          d.issuer = tx.officer.address;
          resolve(condition(doc, "issued"));
        } else if (s.step.kind === "endorse") resolve(condition(doc, "endorsed"));
        if (--d.stepsLeft === 0) {
          counts.completed++;
          completed.push(doc.index);
        }
      }
    },
  });

  const submit = async (s: StepState) => {
    const { step } = s;
    const officer = submitter.officer(step.country, step.role);
    let call: CallOf;
    let gas: bigint;
    if (step.kind === "issue") {
      const anchored = step.docs.map((doc) => {
        const d = docs.get(doc.index)!;
        return (d.anchored ??= factory.anchor(doc, today));
      });
      const inputs = anchored.map((a) => a.input);
      const bound = inputs.reduce((g, input) => g + permitGasBound(input), 0n);
      gas = inputs.length === 1 ? bound + GAS.singleExtra : bound + GAS.batchBase;
      // The fee cap per transaction is fixed, so a batch too large for the current base fee is split.
      if (inputs.length > 1 && submitter.maxFeeFor(gas) < 2n * observer.baseFeeWei + p.tipWei) {
        const half = Math.ceil(step.docs.length / 2);
        counts.total++;
        for (const part of [step.docs.slice(0, half), step.docs.slice(half)]) {
          makeReady({ step: { ...step, docs: part }, unmet: 0, due: true, state: "ready" });
        }
        return;
      }
      call = { kind: "issue", inputs };
    } else {
      const doc = step.docs[0];
      const d = docs.get(doc.index)!;
      d.anchored ??= factory.anchor(doc, today);
      if (step.kind === "endorse") {
        const record = recordOf(d.anchored, doc, d.issuedAt!, d.issuer!);
        call = { kind: "endorse", record, exported: record.authorised };
        gas = GAS.endorseBase + GAS.endorsePerLine * BigInt(record.authorised.length);
      } else if (step.kind === "use") {
        call = { kind: "use", permitId: d.anchored.permitId };
        gas = GAS.use;
      } else {
        call = { kind: "cancel", permitId: d.anchored.permitId, reason: CANCEL_REASONS[doc.variant % CANCEL_REASONS.length] };
        gas = GAS.cancel;
      }
    }
    s.state = "sent";
    const tx = await submitter.send(officer, step.kind, call, gas, step.docs.length);
    stepOf.set(tx.hash, s);
    sent.push(tx);
  };

  const room = () =>
    submitter.inFlight.size < p.maxPendingTxs && (p.speedup !== "max" || submitter.inFlightGas < p.maxPendingGas);

  await observer.start();
  const startedAt = Date.now();
  const deadline = startedAt + p.minutes * 60_000;
  let pointer = 0;
  let stopped = false;
  let lastLog = startedAt;
  let drainDeadline = Infinity;
  try {
    for (;;) {
      const now = Date.now();
      if (submitter.error) throw submitter.error;
      if (!stopped && now > deadline) {
        stopped = true;
        drainDeadline = now + 120_000;
        p.log(`wall-clock bound of ${p.minutes} min reached: no new steps; waiting for ${submitter.inFlight.size} in flight`);
      }
      const simNow = p.speedup === "max" ? Infinity : p.sliceStart + ((now - startedAt) / 1000) * p.speedup;
      while (pointer < states.length && states[pointer].step.simTime <= simNow) {
        const s = states[pointer++];
        s.due = true;
        s.dueAt = now;
        if (s.unmet === 0 && s.state === "waiting") makeReady(s);
      }
      while (!stopped && ready.size > 0 && room()) {
        const s = ready.pop()!;
        if (p.speedup !== "max" && s.dueAt !== undefined && now - s.dueAt > 5_000) counts.late++;
        await submit(s);
      }
      if (counts.settled >= counts.total || (stopped && submitter.inFlight.size === 0)) break;
      if (now > drainDeadline) {
        p.log(`! ${submitter.inFlight.size} transaction(s) still not mined 120 s after the bound; giving up on them`);
        break;
      }
      if (now - lastLog > 10_000) {
        lastLog = now;
        const fee = observer.baseFeeWei;
        p.log(
          `${Math.round((now - startedAt) / 1000)} s: ${counts.done}/${counts.total} steps mined, ${submitter.inFlight.size} in flight, ${ready.size} ready, ` +
            `${counts.completed}/${docs.size} lifecycles complete, base fee ${(Number(fee) / 1e9).toPrecision(3)} gwei`,
        );
      }
      await new Promise<void>((r) => {
        wake = r;
        setTimeout(r, 20);
      });
    }
  } finally {
    await observer.stop();
  }
  const mined = sent.filter((t) => t.minedAt !== undefined);
  const endedAt = mined.length ? Math.max(...mined.map((t) => t.minedAt!)) : Date.now();
  return {
    txs: sent,
    startedAt,
    endedAt,
    steps: { total: counts.total, done: counts.done, failed: counts.failed, dropped: counts.dropped, notReplayed: counts.total - counts.settled, late: counts.late },
    documents: { total: docs.size, completed: counts.completed },
    completed,
    deadlineHit: stopped,
    failures,
    observer,
  };
}

/** Re-executes a reverted transaction on the state before its block to name the contract's custom error. */
async function explainFailure(url: string, tx: SentTx): Promise<string> {
  try {
    const parsed = parseTransaction(tx.raw);
    await rpc(url, "eth_call", [{ from: tx.officer.address, to: parsed.to, data: parsed.data, gas: `0x${tx.gas.toString(16)}` }, `0x${(tx.blockNumber! - 1).toString(16)}`]);
    return tx.gasUsed !== undefined && BigInt(tx.gasUsed) >= tx.gas ? "out of gas" : "no revert on replay (ordering within the block?)";
  } catch (err) {
    const data = (err as { data?: Hex }).data;
    const message = (err as Error).message;
    const hex = data ?? (message.match(/0x[0-9a-f]{8,}/i)?.[0] as Hex | undefined);
    if (hex) {
      try {
        const decoded = decodeErrorResult({ abi: permitRegistryAbi, data: hex });
        return `${decoded.errorName}(${(decoded.args ?? []).map(String).join(", ")})`;
      } catch {
        /* not one of ours */
      }
    }
    return message;
  }
}
