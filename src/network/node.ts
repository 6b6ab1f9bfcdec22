import { execFile } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { randomBytes } from "node:crypto";
import { NetworkTimeoutError, NodeCommandFailedError, PortInUseError } from "./errors";
import { isAlive, isPortFree, spawnDetached, stopProcess } from "./process";
import { nodeClient } from "./rpc";
import type { KeyRecord, NetworkState, NodeState } from "./state";

const run = promisify(execFile);

/** Node i listens on base+i (HTTP JSON-RPC), base+1000+i (p2p) and base+2000+i (engine API). */
export function portsOf(basePort: number, index: number) {
  return { httpPort: basePort + index, p2pPort: basePort + 1000 + index, authRpcPort: basePort + 2000 + index };
}

export async function assertPortsFree(ports: { httpPort: number; p2pPort: number; authRpcPort: number }): Promise<void> {
  for (const [what, port] of [["HTTP JSON-RPC", ports.httpPort], ["p2p", ports.p2pPort], ["engine API", ports.authRpcPort]] as const) {
    if (!(await isPortFree(port))) throw new PortInUseError(port, what);
  }
}

async function geth(bin: string, args: string[], what: string): Promise<string> {
  try {
    const { stdout, stderr } = await run(bin, args, { maxBuffer: 16 * 1024 * 1024 });
    return stdout + stderr;
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; message: string };
    throw new NodeCommandFailedError(what, `${e.stdout ?? ""}${e.stderr ?? e.message}`, { bin, args });
  }
}

/**
 * Prepares a datadir: `geth init` with the network's genesis, the signer key imported into the
 * keystore (password in `password.txt` beside it — a local demo network, not a vault), and the
 * devp2p node key written where geth looks for it so the enode is known in advance.
 */
export async function initNode(p: { gethBin: string; dataDir: string; genesisFile: string; signer: KeyRecord; nodeKey: `0x${string}` }): Promise<void> {
  mkdirSync(p.dataDir, { recursive: true });
  await geth(p.gethBin, ["--datadir", p.dataDir, "--verbosity", "2", "init", p.genesisFile], `geth init ${p.dataDir}`);
  const passwordFile = path.join(p.dataDir, "password.txt");
  writeFileSync(passwordFile, randomBytes(16).toString("hex") + "\n", { mode: 0o600 });
  const keyFile = path.join(p.dataDir, `.import-${process.pid}.key`);
  writeFileSync(keyFile, p.signer.privateKey.slice(2), { mode: 0o600 });
  try {
    await geth(p.gethBin, ["--datadir", p.dataDir, "--lightkdf", "account", "import", "--password", passwordFile, keyFile], `geth account import (${p.signer.address})`);
  } finally {
    rmSync(keyFile, { force: true });
  }
  mkdirSync(path.join(p.dataDir, "geth"), { recursive: true });
  writeFileSync(path.join(p.dataDir, "geth", "nodekey"), p.nodeKey.slice(2), { mode: 0o600 });
}

/** The command line of a sealer: bound to 127.0.0.1, no discovery (peers are added explicitly). */
export function gethArgs(state: Pick<NetworkState, "chainId" | "gasLimit">, node: NodeState): string[] {
  return [
    "--datadir", node.dataDir,
    "--networkid", String(state.chainId),
    "--syncmode", "full",
    // Every block's state is written to disk, so even a SIGKILLed node restarts with all state.
    "--gcmode", "archive",
    "--port", String(node.p2pPort),
    "--nodiscover",
    "--nat", "none",
    "--ipcdisable",
    "--http", "--http.addr", "127.0.0.1", "--http.port", String(node.httpPort),
    "--http.api", "eth,net,web3,clique,admin,txpool",
    "--authrpc.addr", "127.0.0.1", "--authrpc.port", String(node.authRpcPort),
    "--mine", "--miner.etherbase", node.signer, "--miner.gaslimit", state.gasLimit,
    "--unlock", node.signer, "--password", path.join(node.dataDir, "password.txt"), "--allow-insecure-unlock",
    "--cache", "256",
    "--verbosity", "2",
  ];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function logTail(file: string, lines = 20): string {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

/**
 * Starts a node from its datadir and waits until its JSON-RPC answers. `onPid` is called as soon
 * as the process exists, so the caller can record it before anything else can fail.
 */
export async function startNode(state: NetworkState, node: NodeState, onPid: (pid: number) => void, { timeoutMs = 60_000 } = {}): Promise<number> {
  await assertPortsFree(node);
  mkdirSync(path.dirname(node.logFile), { recursive: true });
  const pid = spawnDetached(state.gethBin, gethArgs(state, node), node.logFile);
  onPid(pid);
  const client = nodeClient(state, node, { timeoutMs: 2_000 });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!isAlive(pid)) throw new NodeCommandFailedError(`geth node ${node.index} (pid ${pid})`, logTail(node.logFile), { logFile: node.logFile });
    try {
      await client.getChainId();
      return pid;
    } catch {
      if (Date.now() > deadline) throw new NetworkTimeoutError(`node ${node.index}'s JSON-RPC on port ${node.httpPort}`, timeoutMs, logTail(node.logFile, 5));
      await sleep(200);
    }
  }
}

export async function stopNode(node: NodeState, signal: NodeJS.Signals = "SIGTERM"): Promise<"stopped" | "not-running"> {
  if (node.pid === null) return "not-running";
  return stopProcess(node.pid, node.dataDir, { signal });
}

export function hasDatadir(node: NodeState): boolean {
  return existsSync(path.join(node.dataDir, "geth", "chaindata"));
}
