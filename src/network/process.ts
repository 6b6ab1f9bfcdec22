import { execFileSync, spawn } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import net from "node:net";
import { ForeignProcessError } from "./errors";

/**
 * Process handling for the nodes the tool starts: detached children whose PIDs are recorded, and
 * a kill that first proves the PID still is *our* geth (its command line names the binary and
 * the node's datadir) so a recycled PID is never signalled.
 */

/** Starts `bin args` detached (survives the CLI), output appended to `logFile`; returns the PID. */
export function spawnDetached(bin: string, args: readonly string[], logFile: string): number {
  const fd = openSync(logFile, "a");
  try {
    const child = spawn(bin, [...args], { detached: true, stdio: ["ignore", fd, fd] });
    if (child.pid === undefined) throw new Error(`could not start ${bin}`);
    child.unref();
    return child.pid;
  } finally {
    closeSync(fd);
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
  // A zombie (exited, not yet reaped by its parent) still answers signal 0.
  return processState(pid) !== "Z";
}

function processState(pid: number): string | undefined {
  try {
    return /^\d+ \(.*\) (\S)/.exec(readFileSync(`/proc/${pid}/stat`, "utf8"))?.[1];
  } catch {
    return undefined;
  }
}

/** The process's command line, from /proc on Linux or `ps` elsewhere; "" when unreadable. */
export function commandLineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
  } catch {
    try {
      return execFileSync("ps", ["-p", String(pid), "-o", "command="], { encoding: "utf8" }).trim();
    } catch {
      return "";
    }
  }
}

/** True when `pid` runs geth on `dataDir` (the way the tool started it). */
export function isOurGeth(pid: number, dataDir: string): boolean {
  const cmd = commandLineOf(pid);
  return /(^|\/)geth(\s|$)/.test(cmd.split(" --")[0]) && cmd.includes(`--datadir ${dataDir}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Stops our geth `pid`: `signal` (SIGTERM lets geth flush and close its database; SIGKILL is a
 * crash), then SIGKILL if it is still alive after `graceMs`. A PID that no longer runs is fine;
 * one that runs something else throws ForeignProcessError and is left alone.
 */
export async function stopProcess(pid: number, dataDir: string, { signal = "SIGTERM" as NodeJS.Signals, graceMs = 15_000 } = {}): Promise<"stopped" | "not-running"> {
  if (!isAlive(pid)) return "not-running";
  if (!isOurGeth(pid, dataDir)) throw new ForeignProcessError(pid, commandLineOf(pid));
  process.kill(pid, signal);
  const deadline = Date.now() + graceMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      if (isOurGeth(pid, dataDir)) process.kill(pid, "SIGKILL");
      await sleep(200);
      break;
    }
    await sleep(100);
  }
  return "stopped";
}

/** Whether nothing listens on 127.0.0.1:`port` (TCP). */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}
