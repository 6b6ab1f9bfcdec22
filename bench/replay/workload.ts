/**
 * The slice of the year as lifecycle steps, each one transaction signed by the officer who takes
 * that step: issuers anchor their permits in batches (all permits one authority issued in the same
 * window, at most `batchMax`), customs of the exporting country endorse, customs of the importing
 * country accept (use), issuers cancel. A step waits for the steps it needs: an endorsement for
 * the issue, a use for the endorsement (or the issue, for ePhyto), an Appendix-I export's issue
 * for its import permit's.
 */
import type { TxKind } from "./submitter";
import type { SyntheticDocument } from "./model";

export type Stage = "issued" | "endorsed";
/** A condition a step waits for: document `index` reached `stage` on chain. */
export type Condition = `${number}:${Stage}`;

export type Step = {
  id: number;
  kind: TxKind;
  /** Simulated seconds since the start of the year. */
  simTime: number;
  docs: SyntheticDocument[];
  country: string;
  role: "issuer" | "customs";
  needs: Condition[];
};

export const condition = (doc: SyntheticDocument, stage: Stage): Condition => `${doc.index}:${stage}`;

/** Lifecycle steps of the slice, ordered by simulated time. */
export function stepsOf(slice: readonly SyntheticDocument[], p: { batchWindowSeconds: number; batchMax: number }): Step[] {
  const steps: Step[] = [];
  let id = 0;
  const add = (s: Omit<Step, "id">) => steps.push({ ...s, id: id++ });

  // Issues: by authority and window, in chunks of at most batchMax; anchored at the window's end.
  const windows = new Map<string, SyntheticDocument[]>();
  for (const doc of [...slice].sort((a, b) => a.issueAt - b.issueAt)) {
    const key = `${doc.issuingCountry}:${Math.floor(doc.issueAt / p.batchWindowSeconds)}`;
    const list = windows.get(key) ?? [];
    list.push(doc);
    windows.set(key, list);
  }
  for (const [key, docs] of windows) {
    const [country, window] = key.split(":");
    for (let i = 0; i < docs.length; i += p.batchMax) {
      const chunk = docs.slice(i, i + p.batchMax);
      // The slice keeps Appendix-I pairs whole, so the import permit is always replayed first.
      const needs = chunk.flatMap((d) => (d.importPermit ? [condition(d.importPermit, "issued")] : []));
      add({ kind: "issue", simTime: (Number(window) + 1) * p.batchWindowSeconds, docs: chunk, country, role: "issuer", needs });
    }
  }

  for (const doc of slice) {
    if (doc.cancelAt !== undefined) add({ kind: "cancel", simTime: doc.cancelAt, docs: [doc], country: doc.issuingCountry, role: "issuer", needs: [condition(doc, "issued")] });
    if (doc.endorseAt !== undefined) add({ kind: "endorse", simTime: doc.endorseAt, docs: [doc], country: doc.exporter, role: "customs", needs: [condition(doc, "issued")] });
    if (doc.useAt !== undefined) {
      add({ kind: "use", simTime: doc.useAt, docs: [doc], country: doc.importer, role: "customs", needs: [condition(doc, doc.endorseAt !== undefined ? "endorsed" : "issued")] });
    }
  }
  return steps.sort((a, b) => a.simTime - b.simTime || a.id - b.id);
}

/** Transactions each document's lifecycle takes in this slice (to know when a lifecycle is complete). */
export function stepsPerDocument(steps: readonly Step[]): Map<number, number> {
  const n = new Map<number, number>();
  for (const s of steps) for (const d of s.docs) n.set(d.index, (n.get(d.index) ?? 0) + 1);
  return n;
}
