/**
 * The embedded chain: an Anvil node (from the npm package `@foundry-rs/anvil`, whose binary ships
 * in a per-platform optional dependency) run as a child process, bound to loopback, with its state
 * persisted under `DATA_DIR/chain/` so permits issued before a restart still verify after it.
 *
 * Persistence: `--state <file>` loads the file at start and dumps it on exit (Anvil dumps on
 * SIGTERM and SIGINT), and `--state-interval` dumps it periodically so a crash (kill -9 of Anvil
 * itself) loses at most that many seconds; the service reconciles lost transactions at start.
 *
 * Keys: the accounts that pay for deployment and fund officers are derived from a random BIP-39
 * mnemonic created on first start and kept in `DATA_DIR/chain/mnemonic` (mode 0600). The mnemonic
 * is never passed on Anvil's command line (other local users can read a process's arguments);
 * the launcher funds its accounts with `anvil_setBalance` instead.
 */
import { spawn, execFileSync } from "node:child_process";
import { chmodSync, closeSync, copyFileSync, existsSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { english, generateMnemonic, mnemonicToAccount } from "viem/accounts";
import { toHex, type Address, type Hex } from "viem";

export const DEFAULT_HARDFORK = "london";
export const DEFAULT_CHAIN_ID = 31337;
/** Seconds between periodic state dumps. */
export const DEFAULT_STATE_INTERVAL = 5;
/** How many accounts of the mnemonic the launcher keeps funded (0 = governance, 1 = funder, ...). */
export const DEFAULT_FUNDED_ACCOUNTS = 4;
export const DEFAULT_ACCOUNT_BALANCE_ETH = 1_000_000n;

export type ChainLog = (line: string) => void;

export type AnvilOptions = {
  /** The registry's data directory; the chain lives in `<dataDir>/chain/`. */
  dataDir: string;
  /** TCP port; omitted or 0 lets Anvil bind a free one (the URL is read from its output). */
  port?: number;
  /** Interface to bind; loopback unless told otherwise. */
  host?: string;
  /** EVM hardfork; london matches the proof-of-authority network's EVM (no PUSH0/MCOPY/TSTORE). */
  hardfork?: string;
  chainId?: number;
  /** BIP-39 phrase whose first accounts are kept funded; defaults to the one stored in dataDir. */
  mnemonic?: string;
  /** Seconds between state dumps (besides the dump on a graceful stop). */
  stateInterval?: number;
  /** Interval mining in seconds; omitted = automine (a block per transaction, at once). */
  blockTime?: number;
  /** Accounts of the mnemonic kept funded, and with how much (ETH). */
  fundedAccounts?: number;
  accountBalanceEth?: bigint;
  /** How long to wait for JSON-RPC to answer. */
  startTimeoutMs?: number;
  /** Path of the anvil executable; default: ANVIL_BINARY, else the npm package's binary. */
  binaryPath?: string;
  /** Where launcher and Anvil lines go (prefixed `[chain]` / `[anvil]`); default console.log. */
  log?: ChainLog;
  /** Forward every line Anvil prints (transactions, blocks); default: only warnings and errors. */
  verbose?: boolean;
};

export type AnvilHandle = {
  rpcUrl: string;
  host: string;
  port: number;
  pid: number;
  chainId: number;
  /** `<dataDir>/chain/state.json` */
  statePath: string;
  /** Addresses of the funded mnemonic accounts, index 0 first. */
  accounts: Address[];
  /** Resolves when the process has exited, with its exit code or signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM (Anvil dumps its state), wait, SIGKILL after `timeoutMs`. Idempotent. */
  stop(opts?: { timeoutMs?: number }): Promise<void>;
};

export class EmbeddedChainError extends Error {
  override readonly name = "EmbeddedChainError";
  constructor(message: string, readonly hint?: string) {
    super(hint ? `${message}\n  → ${hint}` : message);
  }
}

/** Layout of the chain's files under the data directory. */
export function chainPaths(dataDir: string) {
  const dir = path.join(path.resolve(dataDir), "chain");
  return {
    dir,
    state: path.join(dir, "state.json"),
    statePrevious: path.join(dir, "state.previous.json"),
    mnemonic: path.join(dir, "mnemonic"),
    pidFile: path.join(dir, "anvil.pid"),
  };
}

// ---------------------------------------------------------------------------------------------
// The binary
// ---------------------------------------------------------------------------------------------

const NPM_ARCH: Record<string, string> = { x64: "amd64", arm64: "arm64" };

/**
 * Finds the anvil executable: `ANVIL_BINARY` if set; else the platform package
 * `@foundry-rs/anvil-<platform>-<arch>/bin/anvil` (an optional dependency of `@foundry-rs/anvil`);
 * else the copy that package's postinstall downloads beside itself when the optional dependency
 * could not be installed.
 */
export function findAnvilBinary(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ANVIL_BINARY) {
    if (!existsSync(env.ANVIL_BINARY)) throw new EmbeddedChainError(`ANVIL_BINARY=${env.ANVIL_BINARY} does not exist.`, "Unset ANVIL_BINARY to use the binary from npm, or point it at an anvil executable.");
    return env.ANVIL_BINARY;
  }
  const exe = process.platform === "win32" ? "anvil.exe" : "anvil";
  const arch = NPM_ARCH[process.arch];
  const platformPackage = arch ? `@foundry-rs/anvil-${process.platform}-${arch}` : undefined;
  const candidates: string[] = [];
  if (platformPackage) {
    try {
      candidates.push(require.resolve(`${platformPackage}/bin/${exe}`));
    } catch {
      /* not installed */
    }
  }
  try {
    candidates.push(path.join(path.dirname(require.resolve("@foundry-rs/anvil/package.json")), exe));
  } catch {
    /* not installed */
  }
  const found = candidates.find((c) => existsSync(c));
  if (found) return found;
  throw new EmbeddedChainError(
    `No Anvil binary for ${process.platform}/${process.arch}${platformPackage ? ` (package ${platformPackage})` : " (platform not supported by @foundry-rs/anvil)"}.`,
    "Run `npm ci` (or `npm install`) without --omit=optional so the platform package is installed, set ANVIL_BINARY to an anvil executable, or use an external chain with RPC_URL.",
  );
}

// ---------------------------------------------------------------------------------------------
// The mnemonic
// ---------------------------------------------------------------------------------------------

/** Reads `<dataDir>/chain/mnemonic`, creating a random 12-word phrase (mode 0600) on first use. */
export function loadOrCreateMnemonic(dataDir: string, log: ChainLog = defaultLog): string {
  const { dir, mnemonic: file } = chainPaths(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (existsSync(file)) {
    if (process.platform !== "win32" && (statSync(file).mode & 0o077) !== 0) {
      chmodSync(file, 0o600);
      log(`[chain] ${file} was readable by others; its mode is now 0600.`);
    }
    const phrase = readFileSync(file, "utf8").trim();
    try {
      mnemonicToAccount(phrase);
    } catch {
      throw new EmbeddedChainError(`${file} does not hold a valid BIP-39 mnemonic.`, "Restore it from a backup; without it the embedded chain's funded accounts are lost.");
    }
    return phrase;
  }
  const phrase = generateMnemonic(english);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, phrase + "\n", { mode: 0o600, flag: "wx" });
  renameSync(tmp, file);
  log(`[chain] created a new chain mnemonic in ${file} (mode 0600); back it up with the data directory.`);
  return phrase;
}

/** Address and private key of account `index` of a mnemonic (path m/44'/60'/0'/0/index, as Anvil). */
export function mnemonicKey(mnemonic: string, index: number): { address: Address; privateKey: Hex } {
  const account = mnemonicToAccount(mnemonic, { addressIndex: index });
  const key = account.getHdKey().privateKey;
  if (!key) throw new EmbeddedChainError(`mnemonic account ${index} has no private key`);
  return { address: account.address, privateKey: toHex(key) };
}

// ---------------------------------------------------------------------------------------------
// The process
// ---------------------------------------------------------------------------------------------

const defaultLog: ChainLog = (line) => console.log(line);

type PidRecord = { pid: number; parentPid: number; startedAt: string; statePath: string };

/**
 * Starts Anvil on `<dataDir>/chain/state.json`, waits until JSON-RPC answers `eth_chainId`, and
 * funds the mnemonic's first accounts. Stops only the process it started (by PID).
 */
export async function startAnvil(options: AnvilOptions): Promise<AnvilHandle> {
  const log = options.log ?? defaultLog;
  const host = options.host ?? "127.0.0.1";
  const chainId = options.chainId ?? DEFAULT_CHAIN_ID;
  const hardfork = options.hardfork ?? DEFAULT_HARDFORK;
  const stateInterval = options.stateInterval ?? DEFAULT_STATE_INTERVAL;
  const timeoutMs = options.startTimeoutMs ?? 20_000;
  const paths = chainPaths(options.dataDir);
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  const mnemonic = options.mnemonic ?? loadOrCreateMnemonic(options.dataDir, log);
  const binary = options.binaryPath ?? findAnvilBinary();

  validatePositiveInt("port", options.port, true);
  validatePositiveInt("chainId", chainId, false);
  validatePositiveInt("stateInterval", stateInterval, false);
  if (options.blockTime !== undefined) validatePositiveInt("blockTime", options.blockTime, false);

  await stopOrphan(paths.pidFile, paths.state, log);
  checkStateFile(paths, log);

  const args = [
    "--host", host,
    "--port", String(options.port ?? 0),
    "--chain-id", String(chainId),
    "--hardfork", hardfork,
    "--accounts", "0",
    "--state", paths.state,
    "--state-interval", String(stateInterval),
  ];
  if (options.blockTime !== undefined) args.push("--block-time", String(options.blockTime));

  const fresh = !existsSync(paths.state);
  log(`[chain] starting Anvil (${hardfork}, chain ${chainId}, ${options.blockTime ? `${options.blockTime}s blocks` : "automine"}) ${fresh ? "with a new chain" : `from ${paths.state}`}`);
  const child = spawn(binary, args, { stdio: ["ignore", "pipe", "pipe"], cwd: paths.dir });
  const pid = child.pid;
  if (pid === undefined) {
    const err = await new Promise<Error>((resolve) => child.once("error", resolve));
    throw new EmbeddedChainError(`Could not run ${binary}: ${err.message}`, "Reinstall with `npm ci`, or set ANVIL_BINARY to a working anvil executable.");
  }
  writeFileSync(paths.pidFile, JSON.stringify({ pid, parentPid: process.pid, startedAt: new Date().toISOString(), statePath: paths.state } satisfies PidRecord) + "\n");

  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  // If this process exits without stop() (uncaught error, process.exit), Anvil still gets SIGTERM
  // and dumps its state instead of living on as an orphan.
  const onExit = () => {
    try {
      process.kill(pid, "SIGTERM");
    } catch {
      /* already gone */
    }
  };
  process.on("exit", onExit);

  const recent: string[] = [];
  let ready = false;
  const listening = new Promise<{ host: string; port: number }>((resolve) => {
    const onLine = (stream: "out" | "err") => (line: string) => {
      recent.push(line);
      if (recent.length > 40) recent.shift();
      const m = /Listening on ([^\s]+):(\d+)/.exec(line);
      if (m) resolve({ host: m[1], port: Number(m[2]) });
      if (!ready) return;
      const text = line.trim();
      if (!text || /^[a-z]+_[A-Za-z0-9]+$/.test(text)) return; // an RPC method name per request
      if (options.verbose || stream === "err" || /\b(error|warn|panic|fail)/i.test(text)) log(`[anvil] ${text}`);
    };
    createInterface({ input: child.stdout! }).on("line", onLine("out"));
    createInterface({ input: child.stderr! }).on("line", onLine("err"));
  });

  let stopping: Promise<void> | undefined;
  const stop = (opts: { timeoutMs?: number } = {}): Promise<void> => {
    stopping ??= (async () => {
      const limit = opts.timeoutMs ?? 15_000;
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const t0 = Date.now();
        const done = await within(exited, limit);
        if (!done) {
          log(`[chain] Anvil (pid ${pid}) did not stop within ${limit} ms; killing it. Changes since the last periodic dump (${stateInterval}s) may be lost; the service reconciles them at start.`);
          child.kill("SIGKILL");
          await exited;
        } else {
          log(`[chain] Anvil (pid ${pid}) stopped and saved its state in ${Date.now() - t0} ms.`);
        }
      }
      process.off("exit", onExit);
      removePidFile(paths.pidFile, pid);
    })();
    return stopping;
  };

  try {
    const bound = await raceStartup(listening, exited, timeoutMs, () => recent);
    const rpcUrl = `http://${bound.host.includes(":") ? `[${bound.host}]` : bound.host}:${bound.port}`;
    const answered = await waitForRpc(rpcUrl, exited, Math.max(1_000, timeoutMs), () => recent);
    if (answered !== chainId) {
      throw new EmbeddedChainError(`Anvil at ${rpcUrl} answers chain id ${answered}, expected ${chainId}.`, `The state in ${paths.state} belongs to another chain id: set the chain id back, or move that file aside to start a new chain.`);
    }
    ready = true;
    const accounts = await fundAccounts(rpcUrl, mnemonic, options.fundedAccounts ?? DEFAULT_FUNDED_ACCOUNTS, options.accountBalanceEth ?? DEFAULT_ACCOUNT_BALANCE_ETH);
    const head = BigInt(await rpc<Hex>(rpcUrl, "eth_blockNumber"));
    log(`[chain] Anvil pid ${pid} answering at ${rpcUrl} (chain ${chainId}, head block ${head}); state in ${paths.state}`);
    return { rpcUrl, host: bound.host, port: bound.port, pid, chainId, statePath: paths.state, accounts, exited, stop };
  } catch (err) {
    await stop({ timeoutMs: 5_000 });
    throw err;
  }
}

async function raceStartup(
  listening: Promise<{ host: string; port: number }>,
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>,
  timeoutMs: number,
  output: () => string[],
): Promise<{ host: string; port: number }> {
  let timer: NodeJS.Timeout | undefined;
  const result = await Promise.race([
    listening,
    exited.then((e) => ({ exited: e })),
    new Promise<{ timeout: true }>((resolve) => (timer = setTimeout(() => resolve({ timeout: true }), timeoutMs))),
  ]).finally(() => clearTimeout(timer));
  if ("port" in result) return result;
  const tail = output().slice(-15).map((l) => `    ${l}`).join("\n");
  if ("exited" in result) {
    const text = output().join("\n");
    const hint = /address already in use|AddrInUse|os error 98|os error 48/i.test(text)
      ? "The port is taken: omit the chain port (a free one is chosen) or pick another."
      : /state|deserial|json/i.test(text)
        ? "Anvil could not load its state file: move DATA_DIR/chain/state.json aside (state.previous.json is the copy from the last good start)."
        : "See Anvil's output above; `npm ci` reinstalls the binary.";
    throw new EmbeddedChainError(`Anvil exited during start (code ${result.exited.code}, signal ${result.exited.signal}). Its last output:\n${tail}`, hint);
  }
  throw new EmbeddedChainError(`Anvil did not report a listening address within ${timeoutMs} ms. Its last output:\n${tail}`, "A large state file takes longer to load: raise the start timeout, or check that the machine is not overloaded.");
}

async function waitForRpc(
  rpcUrl: string,
  exited: Promise<unknown>,
  timeoutMs: number,
  output: () => string[],
): Promise<number> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + timeoutMs;
  let lastError = "";
  while (Date.now() < deadline && !gone) {
    try {
      return Number(await rpc<Hex>(rpcUrl, "eth_chainId", [], 2_000));
    } catch (err) {
      lastError = err instanceof Error ? err.message : String(err);
      await delay(50);
    }
  }
  const tail = output().slice(-15).map((l) => `    ${l}`).join("\n");
  throw new EmbeddedChainError(
    gone ? `Anvil exited before answering JSON-RPC at ${rpcUrl}. Its last output:\n${tail}` : `Anvil did not answer eth_chainId at ${rpcUrl} within ${timeoutMs} ms (${lastError}).`,
    "Check that nothing blocks loopback connections, and Anvil's output above.",
  );
}

/** Tops up the mnemonic's first accounts (on a fresh chain: funds them) with `anvil_setBalance`. */
async function fundAccounts(rpcUrl: string, mnemonic: string, count: number, balanceEth: bigint): Promise<Address[]> {
  const target = balanceEth * 10n ** 18n;
  const addresses: Address[] = [];
  for (let i = 0; i < count; i++) {
    const { address } = mnemonicKey(mnemonic, i);
    addresses.push(address);
    const balance = BigInt(await rpc<Hex>(rpcUrl, "eth_getBalance", [address, "latest"]));
    if (balance < target / 10n) await rpc(rpcUrl, "anvil_setBalance", [address, toHex(target)]);
  }
  return addresses;
}

/**
 * A previous run that was killed (-9) leaves its Anvil running. If the PID file names a live
 * Anvil on our state file whose parent is gone, stop it gracefully (it dumps the newest state);
 * if its parent is alive, another registry uses this data directory.
 */
async function stopOrphan(pidFile: string, statePath: string, log: ChainLog): Promise<void> {
  if (!existsSync(pidFile)) return;
  let record: PidRecord;
  try {
    record = JSON.parse(readFileSync(pidFile, "utf8")) as PidRecord;
  } catch {
    rmSync(pidFile, { force: true });
    return;
  }
  const info = processInfo(record.pid);
  if (!info || !info.command.includes("anvil") || !info.command.includes(statePath)) {
    rmSync(pidFile, { force: true }); // stale: that process is gone (or the PID was reused)
    return;
  }
  if (info.ppid === record.parentPid && isAlive(record.parentPid)) {
    throw new EmbeddedChainError(
      `The embedded chain in ${path.dirname(statePath)} is already run by process ${record.parentPid} (Anvil pid ${record.pid}).`,
      "Stop that registry first, or give this one another DATA_DIR.",
    );
  }
  log(`[chain] stopping Anvil pid ${record.pid} left running by a previous run (it saves its state first)`);
  try {
    process.kill(record.pid, "SIGTERM");
  } catch {
    /* gone meanwhile */
  }
  const deadline = Date.now() + 15_000;
  while (isAlive(record.pid) && Date.now() < deadline) await delay(50);
  if (isAlive(record.pid)) {
    log(`[chain] Anvil pid ${record.pid} ignored SIGTERM; killing it.`);
    try {
      process.kill(record.pid, "SIGKILL");
    } catch {
      /* gone */
    }
    while (isAlive(record.pid)) await delay(50);
  }
  rmSync(pidFile, { force: true });
}

/**
 * Anvil writes the state file in place, so a kill during a dump can leave it truncated. Keep a copy
 * of the last file that looked whole, and fall back to it (keeping the damaged one) if needed.
 */
function checkStateFile(paths: ReturnType<typeof chainPaths>, log: ChainLog): void {
  if (!existsSync(paths.state)) {
    if (existsSync(paths.statePrevious)) {
      log(`[chain] ${paths.state} is missing but ${paths.statePrevious} exists: not restoring it automatically; copy it back to resume from the last good start.`);
    }
    return;
  }
  if (looksWhole(paths.state)) {
    copyFileSync(paths.state, paths.statePrevious);
    return;
  }
  const damaged = `${paths.state}.damaged-${Date.now()}`;
  renameSync(paths.state, damaged);
  if (existsSync(paths.statePrevious)) {
    copyFileSync(paths.statePrevious, paths.state);
    log(`[chain] ${paths.state} was incomplete (kept as ${path.basename(damaged)}); restored the copy from the last good start. The service re-sends what the chain lost.`);
  } else {
    log(`[chain] ${paths.state} was incomplete (kept as ${path.basename(damaged)}) and there is no earlier copy: starting a new chain.`);
  }
}

/** Cheap check that a JSON object file was fully written: it starts with `{` and ends with `}`. */
function looksWhole(file: string): boolean {
  const size = statSync(file).size;
  if (size < 2) return false;
  const fd = openSync(file, "r");
  try {
    const head = Buffer.alloc(Math.min(64, size));
    readSync(fd, head, 0, head.length, 0);
    const tail = Buffer.alloc(Math.min(64, size));
    readSync(fd, tail, 0, tail.length, size - tail.length);
    return head.toString("utf8").trimStart().startsWith("{") && tail.toString("utf8").trimEnd().endsWith("}");
  } finally {
    closeSync(fd);
  }
}

function removePidFile(pidFile: string, pid: number): void {
  try {
    const record = JSON.parse(readFileSync(pidFile, "utf8")) as PidRecord;
    if (record.pid === pid) rmSync(pidFile, { force: true });
  } catch {
    /* nothing to remove */
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Parent PID and command line of a live process, or undefined. */
function processInfo(pid: number): { ppid: number; command: string } | undefined {
  if (!isAlive(pid)) return undefined;
  try {
    if (process.platform === "linux") {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const command = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
      return { ppid, command };
    }
    if (process.platform === "win32") return undefined;
    const out = execFileSync("ps", ["-o", "ppid=,command=", "-p", String(pid)], { encoding: "utf8" }).trim();
    const m = /^(\d+)\s+(.*)$/.exec(out);
    return m ? { ppid: Number(m[1]), command: m[2] } : undefined;
  } catch {
    return undefined;
  }
}

let rpcId = 0;

/** One JSON-RPC call over HTTP (no client library: the launcher must work before anything else). */
export async function rpc<T = unknown>(url: string, method: string, params: unknown[] = [], timeoutMs = 10_000): Promise<T> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: ++rpcId, method, params }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

function validatePositiveInt(name: string, value: number | undefined, allowZero: boolean): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < (allowZero ? 0 : 1) || value > (name === "port" ? 65_535 : Number.MAX_SAFE_INTEGER)) {
    throw new EmbeddedChainError(`${name} must be a${allowZero ? " non-negative" : " positive"} integer${name === "port" ? " ≤ 65535" : ""}, got ${value}.`);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Whether `promise` settles within `ms`; the timer is cleared so it never holds the process. */
async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise.then(() => true), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
