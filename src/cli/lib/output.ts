/** Printing: tables, JSON (bigints as strings), and errors with their field paths. */
import { ApiProblemError, type Problem } from "./errors";

export const toJson = (value: unknown) => JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v), 2);

export function printJson(value: unknown): void {
  process.stdout.write(`${toJson(value)}\n`);
}

/** Left-aligned columns separated by two spaces; `undefined`/`null` cells print as "-". */
export function table(header: string[], rows: unknown[][]): string {
  const cells = [header, ...rows.map((r) => r.map((c) => (c === undefined || c === null || c === "" ? "-" : String(c))))];
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  return cells.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ").trimEnd()).join("\n");
}

/** ANSI colour, only on a terminal and without NO_COLOR. */
export function paint(stream: NodeJS.WriteStream, code: "green" | "red" | "yellow" | "bold" | "dim", text: string): string {
  if (!stream.isTTY || process.env.NO_COLOR) return text;
  const codes = { green: [32, 39], red: [31, 39], yellow: [33, 39], bold: [1, 22], dim: [2, 22] }[code];
  return `\u001b[${codes[0]}m${text}\u001b[${codes[1]}m`;
}

/** The lines describing a problem: detail, then one line per field error. */
export function describeProblem(problem: Problem): string[] {
  const lines = [`${problem.title ?? "Error"} (${problem.status}): ${problem.detail ?? ""}`.trimEnd()];
  for (const e of problem.errors ?? []) lines.push(`  - ${e.path || "(body)"}: ${e.message}${e.rule ? ` [${e.rule}]` : ""}`);
  if (problem.requestId) lines.push(`  request id: ${problem.requestId}`);
  return lines;
}

/** Prints an error to stderr (and, with --json, a machine-readable `{ error }` to stdout). */
export function printError(err: unknown, json: boolean): void {
  const problem: Problem | undefined = err instanceof ApiProblemError ? err.problem : undefined;
  const text = problem ? describeProblem(problem).join("\n") : err instanceof Error ? err.message : String(err);
  if (problem?.status === 401) {
    process.stderr.write(`error: ${text}\n  (pass --token, --token-file or --as CH:issuer, or set PERMIT_REGISTRY_TOKEN)\n`);
  } else process.stderr.write(`error: ${text}\n`);
  if (json) {
    const name = err instanceof Error ? err.name : "Error";
    printJson({ error: problem ?? { name, message: err instanceof Error ? (err as { shortMessage?: string }).shortMessage ?? err.message : String(err) } });
  }
}
