/**
 * `permit-registry issue <file.json...>`: sends permit documents in batches (≤ 500 a request, the
 * API's limit), optionally waits until each is anchored, and prints one row per document.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import type { ApiClient } from "../lib/api";
import { apiClientFrom, withConnection, type ConnectionOptions } from "../lib/connection";
import { ApiProblemError, EXIT, ServiceUnreachableError, UsageError, type Problem } from "../lib/errors";
import { integer } from "../lib/options";
import { describeProblem, printJson, table } from "../lib/output";
import { createProgress } from "../lib/progress";
import { action } from "../lib/run";

/** The API's batch limit (POST /permits with `{ permits: [...] }`). */
export const MAX_BATCH = 500;

export type IssueRow = {
  /** File (and index, for a file holding several documents). */
  source: string;
  number: string | null;
  permitId: string | null;
  /** The permit's status, or REJECTED (the service refused it) / NOT_SENT (an earlier batch failed). */
  status: string;
  failureReason?: string | null;
  problem?: Problem;
};

type Options = ConnectionOptions & { batchSize: number; wait?: boolean; timeout: number; json?: boolean; progress: boolean };
type BatchAnswer = { accepted: number; rejected: number; results: { index: number; status: number; permit?: { permitId: string; permitNumber: string; status: string }; problem?: Problem }[] };

/** Final for `--wait`: anything but PENDING. */
const SETTLED = (status: string) => status !== "PENDING";

export function registerIssueCommand(program: Command): void {
  withConnection(
    program
      .command("issue")
      .description("issue permits from JSON files (one document, an array, or { permits: [...] } per file), in batches")
      .argument("<files...>", "permit documents in the samples' shape"),
  )
    .option("--batch-size <n>", `documents per request (1–${MAX_BATCH})`, integer("--batch-size", 1, MAX_BATCH), MAX_BATCH)
    .option("--wait", "poll until each accepted permit is anchored (ISSUED) or FAILED")
    .option("--timeout <seconds>", "with --wait: give up after this many seconds", integer("--timeout", 1), 300)
    .option("--json", "machine-readable output")
    .option("--no-progress", "no progress bar or progress lines on stderr")
    .action(
      action(async (files: string[], opts: Options) => {
        const documents = loadDocuments(files);
        const api = apiClientFrom(opts);
        const rows = await sendBatches(api, documents, opts);
        if (opts.wait) await waitUntilSettled(api, rows, opts);
        report(rows, opts);
        const failed = rows.filter((r) => r.status === "REJECTED" || r.status === "NOT_SENT" || r.status === "FAILED" || (opts.wait && r.status === "PENDING"));
        return failed.length ? EXIT.REFUSED : EXIT.OK;
      }),
    );
}

type Loaded = { source: string; document: unknown };

export function loadDocuments(files: string[]): Loaded[] {
  const out: Loaded[] = [];
  for (const file of files) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, "utf8"));
    } catch (cause) {
      const reason = (cause as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (cause as Error).message;
      throw new UsageError(`Cannot read ${file}: ${reason}`, { cause });
    }
    const list = Array.isArray(parsed) ? parsed : parsed && typeof parsed === "object" && Array.isArray((parsed as { permits?: unknown }).permits) ? (parsed as { permits: unknown[] }).permits : undefined;
    if (list) list.forEach((document, i) => out.push({ source: `${file}#${i}`, document }));
    else out.push({ source: file, document: parsed });
  }
  if (out.length === 0) throw new UsageError("The files hold no documents.");
  return out;
}

const numberOf = (doc: unknown) => (doc && typeof doc === "object" && typeof (doc as { permitNumber?: unknown }).permitNumber === "string" ? (doc as { permitNumber: string }).permitNumber : null);

async function sendBatches(api: ApiClient, documents: Loaded[], opts: Options): Promise<IssueRow[]> {
  const rows: IssueRow[] = documents.map((d) => ({ source: d.source, number: numberOf(d.document), permitId: null, status: "NOT_SENT" }));
  const progress = createProgress({ label: "sending", total: documents.length, enabled: opts.progress && !opts.json });
  let done = 0;
  try {
    for (let start = 0; start < documents.length; start += opts.batchSize) {
      const batch = documents.slice(start, start + opts.batchSize);
      let answer: BatchAnswer;
      try {
        answer = await postBatch(api, batch.map((d) => d.document), done > 0);
      } catch (err) {
        // Nothing accepted yet: a plain error (401, unreachable, ...). Otherwise report what went through.
        if (done === 0 || !(err instanceof ApiProblemError)) throw err;
        for (let i = start; i < start + batch.length; i++) Object.assign(rows[i]!, { status: "REJECTED", problem: err.problem });
        break;
      }
      for (const r of answer.results) {
        const row = rows[start + r.index]!;
        if (r.permit) Object.assign(row, { permitId: r.permit.permitId, number: r.permit.permitNumber, status: r.permit.status });
        else Object.assign(row, { status: "REJECTED", problem: r.problem ?? { status: r.status } });
      }
      done += batch.length;
      progress.update(done);
    }
  } finally {
    progress.stop();
  }
  return rows;
}

/** One batch; a dropped connection after earlier batches went through is retried with the same Idempotency-Key. */
async function postBatch(api: ApiClient, permits: unknown[], retry: boolean): Promise<BatchAnswer> {
  const key = randomUUID();
  for (let attempt = 0; ; attempt++) {
    try {
      return (await api.post<BatchAnswer>("/permits", { permits }, { headers: { "idempotency-key": key } })).body;
    } catch (err) {
      const transient = err instanceof ServiceUnreachableError || (err instanceof ApiProblemError && (err.problem.status === 503 || err.problem.status === 429));
      if (!retry || !transient || attempt >= 3) throw err;
      await sleep(1000 * 2 ** attempt);
    }
  }
}

async function waitUntilSettled(api: ApiClient, rows: IssueRow[], opts: Options): Promise<void> {
  const waiting = rows.filter((r) => r.permitId && !SETTLED(r.status));
  if (waiting.length === 0) return;
  const progress = createProgress({ label: "anchoring", total: waiting.length, enabled: opts.progress && !opts.json });
  const deadline = Date.now() + opts.timeout * 1000;
  try {
    for (;;) {
      const pending = waiting.filter((r) => !SETTLED(r.status));
      progress.update(waiting.length - pending.length);
      if (pending.length === 0) return;
      if (Date.now() > deadline) {
        process.stderr.write(`gave up waiting after ${opts.timeout} s: ${pending.length} permit(s) still PENDING\n`);
        return;
      }
      await sleep(500);
      await forEachLimited(pending, 8, async (row) => {
        const { body } = await api.get<{ status: string; failureReason: string | null }>(`/permits/${row.permitId}`);
        row.status = body.status;
        row.failureReason = body.failureReason;
      });
    }
  } finally {
    progress.stop();
  }
}

function report(rows: IssueRow[], opts: Options): void {
  const count = (s: string) => rows.filter((r) => r.status === s).length;
  const accepted = rows.filter((r) => r.permitId).length;
  if (opts.json) {
    printJson({ accepted, rejected: count("REJECTED"), notSent: count("NOT_SENT"), permits: rows });
    return;
  }
  const detail = (r: IssueRow) => r.failureReason ?? (r.problem ? (existingPermitId(r.problem) ? "already exists" : firstReason(r.problem)) : undefined);
  console.log(table(["source", "number", "permitId", "status", "detail"], rows.map((r) => [r.source, r.number, r.permitId ?? (r.problem && existingPermitId(r.problem)), r.status, detail(r)])));
  const rejected = rows.filter((r) => r.problem);
  if (rejected.length) {
    console.log("\nrejected:");
    for (const r of rejected) console.log(`  ${r.source}: ${describeProblem(r.problem!).join("\n    ")}`);
  }
  const byStatus = [...new Set(rows.map((r) => r.status))].map((s) => `${count(s)} ${s}`).join(", ");
  const existing = rows.filter((r) => r.problem && existingPermitId(r.problem)).length;
  process.stderr.write(`${rows.length} document(s): ${byStatus}${existing ? ` (${existing} already existed; their ids are in the permitId column)` : ""}\n`);
}

/**
 * The permit that already has the number, for a rejected duplicate: the service's 409 names it
 * (`problem.permitId`), so a re-run after a crash still shows where each permit is.
 */
const existingPermitId = (p: Problem): string | undefined => (p.status === 409 && typeof p.permitId === "string" ? p.permitId : undefined);

const firstReason = (p: Problem) => (p.errors?.[0] ? `${p.errors[0].path}: ${p.errors[0].message}` : p.detail ?? p.title);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function forEachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
