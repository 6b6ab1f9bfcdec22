/**
 * CPU time of a process and of its Node children, read from Linux's /proc (no dependency): how a
 * benchmark splits the work between the service's thread and its helper processes. Elsewhere
 * (no /proc) every figure is undefined and the benchmark says "not measured".
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";

const TICKS_PER_SECOND = existsSync("/proc") ? Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100 : 100;

/** User + system CPU seconds the process has used so far, or undefined when it cannot be read. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the command name (which may hold spaces) in parentheses: utime is the 14th field, stime the 15th.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** The direct child processes of `pid` that run Node (the service's helpers, not its chain node). */
export function nodeChildren(pid: number): number[] {
  try {
    const children = readdirSync(`/proc/${pid}/task`).flatMap((task) => readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number));
    return children.filter((child) => /(^|\/)node$/.test(readFileSync(`/proc/${child}/cmdline`, "utf8").split("\0")[0] ?? ""));
  } catch {
    return [];
  }
}

export type CpuSnapshot = Map<number, number>;

/** CPU seconds of the process and of each of its Node children, now. */
export function snapshot(pid: number): CpuSnapshot {
  const out = new Map<number, number>();
  for (const p of [pid, ...nodeChildren(pid)]) {
    const s = cpuSeconds(p);
    if (s !== undefined) out.set(p, s);
  }
  return out;
}

/** CPU seconds used between two snapshots by the process itself and by its Node children together. */
export function used(pid: number, before: CpuSnapshot, after: CpuSnapshot): { main?: number; helpers?: number; helperProcesses: number } {
  const delta = (p: number) => (after.has(p) && before.has(p) ? after.get(p)! - before.get(p)! : undefined);
  const helpers = [...after.keys()].filter((p) => p !== pid && before.has(p));
  return {
    main: delta(pid),
    helpers: helpers.length > 0 ? helpers.reduce((s, p) => s + delta(p)!, 0) : undefined,
    helperProcesses: helpers.length,
  };
}
