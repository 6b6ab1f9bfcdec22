/**
 * The replay's configuration: one typed object read from flags (`--permits 5000`,
 * `--target=poa`) and environment (`REPLAY_PERMITS=5000`; flags win), validated at start.
 * Environment variables let `npx hardhat run bench/replay.ts` (which passes no flags) be
 * configured too.
 */
import { DEMO_COUNTRIES } from "../../src/service/chain/bootstrap";

export type Target = "embedded" | "poa" | "rpc";
export type DocumentKind = "export" | "reexport" | "import" | "ephyto";

export type ReplayConfig = {
  target: Target;
  /** poa: Clique sealers, seconds between blocks, block gas limit. */
  validators: number;
  periodSeconds: number;
  gasLimit: bigint;
  /** embedded: Anvil interval mining in seconds; undefined = automine, as the service runs it. */
  blockTime?: number;
  /** rpc: endpoint, deployment record name and folder, and a keys file ({ countries: { CC: { issuer, customs } } }). */
  rpcUrl?: string;
  deployment?: string;
  deploymentsDir: string;
  keysFile?: string;

  /** The synthetic year. */
  permitsPerYear: number;
  countries: string[];
  /** Share of documents of each kind; "import" are Appendix-I import permits, each paired with an export naming it. */
  mix: Record<DocumentKind, number>;
  /** Of export permits and re-export certificates: share endorsed by customs at export, share used at import (≤ endorsed). */
  endorsedShare: number;
  usedShare: number;
  /** Of every document an issuer can cancel (all but import permits): share cancelled before shipment. */
  cancelledShare: number;
  seed: number;
  /** Day of the year the replayed slice starts. */
  startDay: number;

  /** The replayed slice: this many documents with their whole lifecycle (default: sized to `minutes` at the gas limit). */
  permits?: number;
  /** Wall-clock bound of the submission phase; what is in flight then is still awaited. */
  minutes: number;
  /** "max": as fast as the chain takes it (bounded in-flight); a number: simulated seconds per wall second. */
  speedup: number | "max";

  /** Issuers anchor the permits of one window (simulated minutes) in one batch of at most `batchMax`. */
  batchWindowMinutes: number;
  batchMax: number;
  /** Back-pressure in "max" mode: in-flight gas (by gas limit) ≤ this many blocks, and in-flight transactions ≤ maxPendingTxs. */
  maxPendingBlocks: number;
  maxPendingTxs: number;
  /** Most a transaction may cost at its fee cap (geth's default --rpc.txfeecap is 1 ETH). */
  feeCapEth: number;
  tipGwei: number;
  pollMs: number;
  resultsDir: string;
  /** docs/replay.md gets its results table re-rendered (false: only the JSON and SVG). */
  updateDocs: boolean;
};

export const DEFAULT_MIX: Record<DocumentKind, number> = { export: 0.6, reexport: 0.2, import: 0.05, ephyto: 0.15 };

const DEFAULTS: ReplayConfig = {
  target: "embedded",
  validators: 3,
  periodSeconds: 2,
  gasLimit: 30_000_000n,
  deploymentsDir: "deployments",
  permitsPerYear: 850_000,
  countries: [...DEMO_COUNTRIES],
  mix: DEFAULT_MIX,
  endorsedShare: 0.85,
  usedShare: 0.8,
  cancelledShare: 0.03,
  seed: 1973,
  startDay: 120,
  minutes: 2,
  speedup: "max",
  batchWindowMinutes: 60,
  batchMax: 50,
  maxPendingBlocks: 6,
  maxPendingTxs: 4000,
  feeCapEth: 0.9,
  tipGwei: 1,
  pollMs: 100,
  resultsDir: "bench/results",
  updateDocs: true,
};

export class ReplayConfigError extends Error {
  override readonly name = "ReplayConfigError";
}

/** `--key value`, `--key=value` and bare `--flag` (true) into a map; keys in kebab-case. */
function parseFlags(argv: readonly string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith("--")) throw new ReplayConfigError(`unexpected argument ${arg} (flags are --name value)`);
    const eq = arg.indexOf("=");
    if (eq > 0) flags.set(arg.slice(2, eq), arg.slice(eq + 1));
    else if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) flags.set(arg.slice(2), argv[++i]);
    else flags.set(arg.slice(2), "true");
  }
  return flags;
}

const KEYS = [
  "target", "validators", "period", "gas-limit", "block-time", "rpc-url", "deployment", "deployments-dir", "keys",
  "permits-per-year", "countries", "mix", "endorsed", "used", "cancelled", "seed", "start-day",
  "permits", "minutes", "speedup", "batch-window", "batch-max", "max-pending-blocks", "max-pending-txs",
  "fee-cap-eth", "tip-gwei", "poll-ms", "results-dir", "no-docs",
] as const;

export function readConfig(argv: readonly string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): ReplayConfig {
  const flags = parseFlags(argv);
  for (const key of flags.keys()) if (!(KEYS as readonly string[]).includes(key)) throw new ReplayConfigError(`unknown flag --${key} (known: ${KEYS.map((k) => `--${k}`).join(" ")})`);
  const get = (key: (typeof KEYS)[number]) => flags.get(key) ?? env[`REPLAY_${key.toUpperCase().replace(/-/g, "_")}`];
  const num = (key: (typeof KEYS)[number], fallback: number, { min = 0, max = Infinity, integer = false } = {}) => {
    const raw = get(key);
    if (raw === undefined) return fallback;
    const v = Number(raw.replace(/_/g, ""));
    if (!Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
      throw new ReplayConfigError(`--${key} must be ${integer ? "an integer" : "a number"} in [${min}, ${max}] (got ${raw})`);
    }
    return v;
  };
  const share = (key: (typeof KEYS)[number], fallback: number) => num(key, fallback, { min: 0, max: 1 });

  const target = (get("target") ?? (get("rpc-url") ? "rpc" : DEFAULTS.target)) as Target;
  if (!["embedded", "poa", "rpc"].includes(target)) throw new ReplayConfigError(`--target must be embedded, poa or rpc (got ${target})`);

  const mix = { ...DEFAULTS.mix };
  const rawMix = get("mix");
  if (rawMix) {
    for (const part of rawMix.split(",")) {
      const [k, v] = part.split("=");
      if (!(k in mix) || !Number.isFinite(Number(v)) || Number(v) < 0) throw new ReplayConfigError(`--mix takes kind=share pairs of ${Object.keys(mix).join(", ")} (got ${part})`);
      mix[k as DocumentKind] = Number(v);
    }
    const total = Object.values(mix).reduce((a, b) => a + b, 0);
    for (const k of Object.keys(mix) as DocumentKind[]) mix[k] /= total;
  }
  if (mix.import > mix.export) throw new ReplayConfigError("--mix: every import permit is paired with an export permit, so import ≤ export");

  const rawSpeedup = get("speedup") ?? "max";
  const speedup = rawSpeedup === "max" ? "max" : num("speedup", 0, { min: 1 });
  const countries = (get("countries")?.split(",") ?? DEFAULTS.countries).map((c) => c.trim().toUpperCase()).filter(Boolean);
  if (countries.length < 2) throw new ReplayConfigError("--countries needs at least two countries (trade has two sides)");

  const config: ReplayConfig = {
    target,
    validators: num("validators", DEFAULTS.validators, { min: 1, max: 16, integer: true }),
    periodSeconds: num("period", DEFAULTS.periodSeconds, { min: 1, max: 60, integer: true }),
    gasLimit: BigInt(num("gas-limit", Number(DEFAULTS.gasLimit), { min: 5_000_000, integer: true })),
    blockTime: get("block-time") === undefined ? undefined : num("block-time", 1, { min: 1, integer: true }),
    rpcUrl: get("rpc-url"),
    deployment: get("deployment"),
    deploymentsDir: get("deployments-dir") ?? DEFAULTS.deploymentsDir,
    keysFile: get("keys"),
    permitsPerYear: num("permits-per-year", DEFAULTS.permitsPerYear, { min: 1000, integer: true }),
    countries,
    mix,
    endorsedShare: share("endorsed", DEFAULTS.endorsedShare),
    usedShare: share("used", DEFAULTS.usedShare),
    cancelledShare: share("cancelled", DEFAULTS.cancelledShare),
    seed: num("seed", DEFAULTS.seed, { integer: true }),
    startDay: num("start-day", DEFAULTS.startDay, { min: 0, max: 300 }),
    permits: get("permits") === undefined ? undefined : num("permits", 0, { min: 1, integer: true }),
    minutes: num("minutes", DEFAULTS.minutes, { min: 0.1, max: 120 }),
    speedup,
    batchWindowMinutes: num("batch-window", DEFAULTS.batchWindowMinutes, { min: 1 }),
    batchMax: num("batch-max", DEFAULTS.batchMax, { min: 1, max: 400, integer: true }),
    maxPendingBlocks: num("max-pending-blocks", DEFAULTS.maxPendingBlocks, { min: 0.5 }),
    maxPendingTxs: num("max-pending-txs", DEFAULTS.maxPendingTxs, { min: 1, max: 5000, integer: true }),
    feeCapEth: num("fee-cap-eth", DEFAULTS.feeCapEth, { min: 0.001 }),
    tipGwei: num("tip-gwei", DEFAULTS.tipGwei, { min: 0 }),
    pollMs: num("poll-ms", DEFAULTS.pollMs, { min: 10, max: 5000, integer: true }),
    resultsDir: get("results-dir") ?? DEFAULTS.resultsDir,
    updateDocs: get("no-docs") !== "true",
  };
  if (config.cancelledShare + config.endorsedShare > 1) throw new ReplayConfigError("--cancelled + --endorsed must be ≤ 1 (a cancelled permit is never endorsed)");
  if (config.usedShare > config.endorsedShare) throw new ReplayConfigError("--used must be ≤ --endorsed (an export must be endorsed before it is used)");
  if (target === "rpc" && (!config.rpcUrl || !config.deployment || !config.keysFile)) {
    throw new ReplayConfigError("--target rpc needs --rpc-url URL --deployment NAME --keys FILE");
  }
  return config;
}
