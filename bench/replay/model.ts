/**
 * The synthetic year of trade. Trade cases arrive as a Poisson process over the year; each case is
 * one document (export permit, re-export certificate, ePhyto certificate) or an Appendix-I pair
 * (the importing country's import permit, then the exporting country's export permit naming it).
 * Each document then draws its lifecycle: cancelled before shipment, endorsed by customs when the
 * goods leave, used by the importing country's officer when they arrive — or none of these (the
 * permit expires unused). Everything is drawn from one seeded generator, so a seed is a year.
 *
 * The whole year is generated (to count its events); only the replayed slice is kept.
 */
import type { DocumentKind, ReplayConfig } from "./config";

export const DAY = 86_400;
export const YEAR = 365 * DAY;

/** sfc32: small, fast, good enough for workloads, and the same on every platform. */
export function seededRandom(seed: number): () => number {
  let a = 0x9e3779b9, b = 0x243f6a88, c = 0xb7e15162, d = seed >>> 0;
  const next = () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    const t = (a + b + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 16; i++) next();
  return next;
}

export type SyntheticDocument = {
  /** Position in the year, from 0. */
  index: number;
  kind: DocumentKind;
  /** An export permit that names an Appendix-I import permit (`importPermit`). */
  appendixI: boolean;
  exporter: string;
  importer: string;
  /** The country whose issuer anchors (and may cancel) it: the importer for import permits. */
  issuingCountry: string;
  lines: number;
  /** Simulated seconds since the start of the year. */
  issueAt: number;
  endorseAt?: number;
  useAt?: number;
  cancelAt?: number;
  importPermit?: SyntheticDocument;
  /** Which line templates (species) the document carries, and its private salt's seed. */
  variant: number;
};

export type YearCounts = {
  documents: number;
  byKind: Record<DocumentKind, number>;
  /** Lifecycle steps that are transactions (issues are batched: counted per permit). */
  issued: number;
  endorsed: number;
  used: number;
  /** Import permits used together with the Appendix-I export that names them (no transaction of their own). */
  importPermitsUsed: number;
  cancelled: number;
  expiredUnused: number;
  lines: number;
};

export type Year = { counts: YearCounts; slice: SyntheticDocument[]; sliceStart: number };

const LINE_WEIGHTS = [0.55, 0.25, 0.1, 0.06, 0.04]; // 1..5 line items
const EPHYTO_LINE_WEIGHTS = [0.6, 0.3, 0.1];

function pick<T>(random: () => number, items: readonly T[], weights: readonly number[]): T {
  const total = weights.reduce((a, b) => a + b, 0);
  let r = random() * total;
  for (let i = 0; i < items.length; i++) if ((r -= weights[i]) < 0) return items[i];
  return items[items.length - 1];
}

/** Lognormal with the given median, clamped: shipping delays have a long right tail. */
function lognormal(random: () => number, median: number, sigma: number, min: number, max: number): number {
  const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return Math.min(max, Math.max(min, median * Math.exp(sigma * z)));
}

const uniform = (random: () => number, min: number, max: number) => min + (max - min) * random();

/**
 * Generates the year and keeps `sliceSize` documents of the cases starting at `startDay` (an
 * Appendix-I pair is kept whole, so the slice may hold one document more).
 */
export function generateYear(config: Pick<ReplayConfig, "permitsPerYear" | "countries" | "mix" | "endorsedShare" | "usedShare" | "cancelledShare" | "seed" | "startDay">, sliceSize: number): Year {
  const random = seededRandom(config.seed);
  const { mix, countries } = config;
  // Trading volume falls off with rank (Zipf): the first countries trade most.
  const countryWeights = countries.map((_, i) => 1 / (i + 1));
  const caseKinds = ["pair", "export", "reexport", "ephyto"] as const;
  const caseWeights = [mix.import, mix.export - mix.import, mix.reexport, mix.ephyto];
  const casesPerYear = config.permitsPerYear * (1 - mix.import); // a pair is two documents
  const meanGap = YEAR / casesPerYear;

  const counts: YearCounts = {
    documents: 0, byKind: { export: 0, reexport: 0, import: 0, ephyto: 0 },
    issued: 0, endorsed: 0, used: 0, importPermitsUsed: 0, cancelled: 0, expiredUnused: 0, lines: 0,
  };
  const slice: SyntheticDocument[] = [];
  const sliceStart = config.startDay * DAY;
  let index = 0;

  const lifecycle = (doc: SyntheticDocument) => {
    const r = random();
    if (doc.kind === "ephyto") {
      // Issued at inspection, just before shipment: used on arrival or cancelled (withdrawn consignment).
      if (r < config.cancelledShare) doc.cancelAt = doc.issueAt + uniform(random, 0.2, 5) * DAY;
      else if (r < config.cancelledShare + config.usedShare) doc.useAt = doc.issueAt + uniform(random, 1, 14) * DAY;
    } else if (doc.kind !== "import") {
      if (r < config.cancelledShare) doc.cancelAt = doc.issueAt + uniform(random, 1, 20) * DAY;
      else if (r < config.cancelledShare + config.endorsedShare) {
        doc.endorseAt = doc.issueAt + lognormal(random, 10, 0.8, 0.5, 140) * DAY;
        if (random() < config.usedShare / config.endorsedShare) doc.useAt = doc.endorseAt + uniform(random, 1, 10) * DAY;
      }
    }
  };

  const newDocument = (kind: DocumentKind, exporter: string, importer: string, issueAt: number): SyntheticDocument => {
    const lines = kind === "ephyto" ? pick(random, [1, 2, 3], EPHYTO_LINE_WEIGHTS) : kind === "import" ? 1 : pick(random, [1, 2, 3, 4, 5], LINE_WEIGHTS);
    const doc: SyntheticDocument = {
      index: index++, kind, appendixI: false, exporter, importer, issuingCountry: kind === "import" ? importer : exporter,
      lines, issueAt, variant: Math.floor(random() * 2 ** 31),
    };
    lifecycle(doc);
    return doc;
  };

  const count = (doc: SyntheticDocument) => {
    counts.documents++;
    counts.byKind[doc.kind]++;
    counts.issued++;
    counts.lines += doc.lines;
    if (doc.endorseAt !== undefined) counts.endorsed++;
    if (doc.useAt !== undefined) counts.used++;
    if (doc.cancelAt !== undefined) counts.cancelled++;
    if (doc.useAt === undefined && doc.cancelAt === undefined && doc.kind !== "import") counts.expiredUnused++;
  };

  for (let t = -Math.log(1 - random()) * meanGap; t < YEAR; t += -Math.log(1 - random()) * meanGap) {
    const kind = pick(random, caseKinds, caseWeights);
    const exporter = pick(random, countries, countryWeights);
    const importer = pick(random, countries.filter((c) => c !== exporter), countryWeights.filter((_, i) => countries[i] !== exporter));
    const docs: SyntheticDocument[] = [];
    if (kind === "pair") {
      const importPermit = newDocument("import", exporter, importer, t);
      const exportPermit = newDocument("export", exporter, importer, t + uniform(random, 3, 30) * DAY);
      exportPermit.appendixI = true;
      exportPermit.importPermit = importPermit;
      if (exportPermit.useAt !== undefined) counts.importPermitsUsed++;
      docs.push(importPermit, exportPermit);
    } else docs.push(newDocument(kind, exporter, importer, t));
    for (const d of docs) count(d);
    if (t >= sliceStart && slice.length < sliceSize) slice.push(...docs);
  }
  return { counts, slice, sliceStart };
}

/** Mean lifecycle transactions of one document of the year (issues counted as a share of a batch elsewhere). */
export function yearSummary(counts: YearCounts) {
  const per = (n: number) => n / counts.documents;
  return {
    documents: counts.documents,
    byKind: counts.byKind,
    endorsedPerDocument: per(counts.endorsed),
    usedPerDocument: per(counts.used),
    cancelledPerDocument: per(counts.cancelled),
    expiredUnusedShare: per(counts.expiredUnused),
    linesPerDocument: per(counts.lines),
  };
}
