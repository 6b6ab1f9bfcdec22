/**
 * The real service as a child process (`permit-registry start` through ts-node), the way `npm start`
 * runs it: for tests that kill it (-9) and start it again on the same DATA_DIR.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";

export const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");

export type ServiceProcess = {
  child: ChildProcess;
  pid: number;
  /** The API's base URL, as the service printed it. */
  url: string;
  /** The embedded chain's JSON-RPC URL and Anvil's pid, as the service logged them. */
  rpcUrl: string;
  anvilPid: number;
  output: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export async function waitUntilDead(pid: number, timeoutMs = 15_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  return !isAlive(pid);
}

/** Starts `permit-registry start` on `dataDir` with PORT=0 and resolves once it prints its URL. */
export async function startServiceProcess(dataDir: string, env: Record<string, string> = {}, timeoutMs = 90_000): Promise<ServiceProcess> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PORT: "0", ...env };
  for (const name of ["DATABASE_URL", "RPC_URL", "DEPLOYMENT", "PUBLIC_BASE_URL"]) if (!(name in env)) delete childEnv[name];
  const tsNode = require.resolve("ts-node/dist/bin.js");
  const child = spawn(process.execPath, [tsNode, "--transpile-only", path.join(REPO_ROOT, "src", "cli", "main.ts"), "start"], {
    cwd: REPO_ROOT,
    env: childEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  let rpcUrl = "";
  let anvilPid = 0;
  const ready = new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString("utf8").split("\n")) {
        if (!line) continue;
        output.push(line);
        const anvil = /Anvil pid (\d+) answering at (http:\/\/\S+)/.exec(line);
        if (anvil) {
          anvilPid = Number(anvil[1]);
          rpcUrl = anvil[2]!;
        }
        const running = /permit-registry is running at (http:\/\/\S+)/.exec(line);
        if (running) resolve(running[1]!);
      }
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    void exited.then((e) => reject(new Error(`the service exited during start (${e.code ?? e.signal}):\n${output.slice(-30).join("\n")}`)));
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    const url = await Promise.race([
      ready,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`the service did not start within ${timeoutMs} ms:\n${output.slice(-30).join("\n")}`)), timeoutMs))),
    ]);
    return { child, pid: child.pid!, url, rpcUrl, anvilPid, output, exited };
  } catch (err) {
    child.kill("SIGKILL");
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** SIGTERM (the service stops its outbox and Anvil, which saves its state); SIGKILL if it hangs. */
export async function stopServiceProcess(service: ServiceProcess | undefined, timeoutMs = 20_000): Promise<{ code: number | null; signal: NodeJS.Signals | null } | undefined> {
  if (!service || service.child.exitCode !== null || service.child.signalCode !== null) return undefined;
  service.child.kill("SIGTERM");
  let timer: NodeJS.Timeout | undefined;
  const result = await Promise.race([service.exited, new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), timeoutMs)))]);
  clearTimeout(timer);
  if (!result) {
    service.child.kill("SIGKILL");
    return service.exited;
  }
  return result;
}

/** The Anvil pid the data directory's pid file names (the chain a service started), if any. */
export function anvilPidOf(dataDir: string): number | undefined {
  try {
    return (JSON.parse(readFileSync(path.join(dataDir, "chain", "anvil.pid"), "utf8")) as { pid: number }).pid;
  } catch {
    return undefined;
  }
}
