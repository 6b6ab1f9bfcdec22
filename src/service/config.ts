/**
 * The service's configuration: one typed object, read from the environment and optional overrides
 * (command-line flags), validated once at start. Every option is documented in
 * `docs/configuration.md`; defaults are the safe embedded mode (loopback only, SQLite, own chain).
 */
import os from "node:os";
import path from "node:path";
import { z } from "zod";
import { PermitRegistryError } from "../sdk/errors";

/** The environment variables the service reads. */
export const CONFIG_VARIABLES = [
  "PORT",
  "HOST",
  "DATA_DIR",
  "DATABASE_URL",
  "RPC_URL",
  "DEPLOYMENT",
  "DEPLOYMENTS_DIR",
  "CONFIRMATIONS",
  "PUBLIC_BASE_URL",
  "OUTBOX_BATCH_SIZE",
  "OUTBOX_INTERVAL_MS",
  "VERIFY_WORKERS",
  "VERIFY_RATE_LIMIT",
  "LOG_LEVEL",
  "KEYSTORE_PASSPHRASE",
] as const;

export type ConfigVariable = (typeof CONFIG_VARIABLES)[number];

/** Values that win over the environment, e.g. from `--port 9000`; same names and rules as the variables. */
export type ConfigOverrides = Partial<Record<ConfigVariable, string | number | undefined>>;

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Where the store lives. */
export type DatabaseConfig = { kind: "sqlite"; path: string } | { kind: "postgres"; url: string };

/** Which chain the service anchors on. */
export type ChainConfig =
  | { kind: "embedded"; deployment: string }
  | { kind: "external"; rpcUrl: string; deployment: string; deploymentsDir: string };

/** Where the officers' keystore passphrase comes from. */
export type KeystoreConfig =
  | { kind: "passphrase"; passphrase: string }
  /** Embedded mode without `KEYSTORE_PASSPHRASE`: generated once and kept in this file (see `auth/passphrase.ts`). */
  | { kind: "generated"; file: string };

export type ServiceConfig = {
  /** TCP port of the REST API (`PORT`, default 8080; 0 = a free port chosen at start, see the handle's `url`). */
  port: number;
  /** Interface to bind (`HOST`, default 127.0.0.1: nothing is exposed unless asked). */
  host: string;
  /** Absolute directory holding all local state (`DATA_DIR`, default ./data). */
  dataDir: string;
  database: DatabaseConfig;
  chain: ChainConfig;
  /** Blocks a transaction needs, counting its own, before it counts as mined (`CONFIRMATIONS`; 1 = included). */
  confirmations: number;
  /** Base of the verify URLs printed in QR codes, without trailing slash (`PUBLIC_BASE_URL`). */
  publicBaseUrl: string;
  outbox: { batchSize: number; intervalMs: number };
  /** Helper processes answering `POST /verify` (`VERIFY_WORKERS`; default: one per core, at most 4, none on one core; 0 = in the service's thread). */
  verifyWorkers: number;
  /** `POST /verify` requests a minute per client address before 429 (`VERIFY_RATE_LIMIT`; 0 = no limit, the default). */
  verifyRateLimit: number;
  logLevel: LogLevel;
  keystore: KeystoreConfig;
  /** Things worth telling the operator at start (not errors). */
  warnings: string[];
};

/** One configuration value is unusable; `problems` names each variable and what to do. */
export class ConfigError extends PermitRegistryError {
  override readonly name = "ConfigError" as const;
  readonly problems: readonly ConfigProblem[];

  constructor(problems: readonly ConfigProblem[]) {
    super(`Invalid configuration (${problems.length} problem${problems.length === 1 ? "" : "s"})`, {
      details: problems.map((p) => `- ${p.variable}: ${p.message}`).join("\n"),
      meta: { problems },
    });
    this.problems = problems;
  }
}

export type ConfigProblem = { variable: string; message: string };

const integer = (min: number, max: number, hint: string) =>
  z
    .string()
    .regex(/^\d+$/, `must be a whole number; ${hint}`)
    .transform(Number)
    .refine((n) => n >= min && n <= max, `must be between ${min} and ${max}; ${hint}`);

const httpUrl = (hint: string) =>
  z.string().refine((value) => {
    try {
      return ["http:", "https:"].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, `must be an http:// or https:// URL; ${hint}`);

/** Raw variables → typed values; defaults that depend on other values are applied afterwards. */
const variablesSchema = z.object({
  PORT: integer(0, 65535, "e.g. PORT=8080").default(8080),
  HOST: z.string().min(1, "must not be empty; e.g. HOST=127.0.0.1, or HOST=0.0.0.0 to listen on all interfaces").default("127.0.0.1"),
  DATA_DIR: z.string().min(1, "must not be empty; e.g. DATA_DIR=./data").default("./data"),
  DATABASE_URL: z
    .string()
    .regex(/^(postgres(ql)?:\/\/|sqlite:)/, "must start with postgres:// (PostgreSQL) or sqlite: (a SQLite file); leave it unset for SQLite in DATA_DIR")
    .optional(),
  RPC_URL: httpUrl("e.g. RPC_URL=http://127.0.0.1:8545; leave it unset for the embedded chain").optional(),
  DEPLOYMENTS_DIR: z.string().min(1, "must not be empty; e.g. DEPLOYMENTS_DIR=./deployments").default("deployments"),
  DEPLOYMENT: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, "must name a folder under deployments/ (letters, digits, - and _), e.g. DEPLOYMENT=poa-local")
    .optional(),
  CONFIRMATIONS: integer(1, 1000, "1 means mined in one block; e.g. CONFIRMATIONS=1").default(1),
  PUBLIC_BASE_URL: httpUrl("the address people scanning a QR code reach the service at, e.g. PUBLIC_BASE_URL=https://permits.example.org").optional(),
  OUTBOX_BATCH_SIZE: integer(1, 10_000, "e.g. OUTBOX_BATCH_SIZE=50").default(50),
  OUTBOX_INTERVAL_MS: integer(10, 3_600_000, "milliseconds between outbox runs, e.g. OUTBOX_INTERVAL_MS=200").default(200),
  VERIFY_WORKERS: integer(0, 64, "helper processes for POST /verify, e.g. VERIFY_WORKERS=1; 0 verifies in the service's own thread").optional(),
  VERIFY_RATE_LIMIT: integer(0, 1_000_000, "POST /verify requests a minute per client address, e.g. VERIFY_RATE_LIMIT=600; 0 = no limit").default(0),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` }).default("info"),
  KEYSTORE_PASSPHRASE: z.string().min(12, "must be at least 12 characters; choose a long random passphrase and keep it secret").optional(),
});

/**
 * Reads and validates the configuration.
 *
 * @param env - the environment (usually `process.env`); empty strings count as unset.
 * @param overrides - values from flags; they win over `env` and follow the same rules.
 * @param cwd - relative `DATA_DIR` and `sqlite:` paths are resolved against it.
 * @throws {ConfigError} naming every unusable variable and what to set instead.
 * @example
 * const config = loadConfig(process.env, { PORT: flags.port });
 */
/**
 * One helper process per core (at most 4): the service's own thread only moves bytes for
 * POST /verify, the helpers do the work. On a single core helpers would only compete with it.
 */
export const defaultVerifyWorkers = (cores: number): number => (cores > 1 ? Math.min(4, cores) : 0);

export function loadConfig(
  env: Record<string, string | undefined>,
  overrides: ConfigOverrides = {},
  cwd: string = process.cwd(),
): ServiceConfig {
  const raw: Partial<Record<ConfigVariable, string>> = {};
  const fromOverride = new Set<ConfigVariable>();
  for (const name of CONFIG_VARIABLES) {
    const override = overrides[name];
    if (override !== undefined && override !== "") {
      raw[name] = String(override);
      fromOverride.add(name);
    } else if (env[name] !== undefined && env[name] !== "") {
      raw[name] = env[name];
    }
  }
  const label = (name: string) => (fromOverride.has(name as ConfigVariable) ? `${name} (from a flag)` : name);

  const parsed = variablesSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = String(issue.path[0]);
        const got = raw[name as ConfigVariable];
        const shown = name === "KEYSTORE_PASSPHRASE" ? "" : ` (got ${JSON.stringify(got)})`;
        return { variable: label(name), message: `${issue.message}${shown}` };
      }),
    );
  }
  const v = parsed.data;
  const problems: ConfigProblem[] = [];
  const warnings: string[] = [];
  const dataDir = path.resolve(cwd, v.DATA_DIR);

  const chain: ChainConfig = v.RPC_URL
    ? { kind: "external", rpcUrl: v.RPC_URL, deployment: v.DEPLOYMENT ?? "", deploymentsDir: path.resolve(cwd, v.DEPLOYMENTS_DIR) }
    : { kind: "embedded", deployment: v.DEPLOYMENT ?? "embedded" };
  if (chain.kind === "external" && !v.DEPLOYMENT) {
    problems.push({ variable: "DEPLOYMENT", message: "is required when RPC_URL is set: name the deployments/<name>/ record of the contracts on that chain" });
  }

  let keystore: KeystoreConfig;
  if (v.KEYSTORE_PASSPHRASE) {
    keystore = { kind: "passphrase", passphrase: v.KEYSTORE_PASSPHRASE };
  } else if (chain.kind === "external") {
    keystore = { kind: "generated", file: "" };
    problems.push({ variable: "KEYSTORE_PASSPHRASE", message: "is required when RPC_URL is set: officers' signing keys on a shared chain must not be protected by a file next to them" });
  } else {
    keystore = { kind: "generated", file: path.join(dataDir, "keystore-passphrase") };
    warnings.push(`KEYSTORE_PASSPHRASE is not set: the officers' keystore is protected by a passphrase generated in ${keystore.file}. Set KEYSTORE_PASSPHRASE for anything beyond a trial.`);
  }
  if (problems.length > 0) throw new ConfigError(problems.map((p) => ({ ...p, variable: label(p.variable) })));

  const database: DatabaseConfig = !v.DATABASE_URL
    ? { kind: "sqlite", path: path.join(dataDir, "registry.sqlite") }
    : v.DATABASE_URL.startsWith("sqlite:")
      ? { kind: "sqlite", path: path.resolve(cwd, v.DATABASE_URL.slice("sqlite:".length)) }
      : { kind: "postgres", url: v.DATABASE_URL };

  return {
    port: v.PORT,
    host: v.HOST,
    dataDir,
    database,
    chain,
    confirmations: v.CONFIRMATIONS,
    publicBaseUrl: (v.PUBLIC_BASE_URL ?? defaultBaseUrl(v.HOST, v.PORT, warnings)).replace(/\/+$/, ""),
    outbox: { batchSize: v.OUTBOX_BATCH_SIZE, intervalMs: v.OUTBOX_INTERVAL_MS },
    verifyWorkers: v.VERIFY_WORKERS ?? defaultVerifyWorkers(os.availableParallelism()),
    verifyRateLimit: v.VERIFY_RATE_LIMIT,
    logLevel: v.LOG_LEVEL,
    keystore,
    warnings,
  };
}

/** `http://HOST:PORT`; a wildcard bind address is no place to send a phone, so it warns. */
function defaultBaseUrl(host: string, port: number, warnings: string[]): string {
  if (host === "0.0.0.0" || host === "::") {
    warnings.push(`HOST=${host} listens on every interface but QR codes will point at http://localhost:${port}; set PUBLIC_BASE_URL to the address people reach the service at.`);
    return `http://localhost:${port}`;
  }
  return `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
}

/** The configuration with secrets masked, for logging at start. */
export function describeConfig(config: ServiceConfig): Record<string, unknown> {
  const database = config.database.kind === "postgres" ? { kind: "postgres", url: maskUrl(config.database.url) } : config.database;
  const keystore = config.keystore.kind === "passphrase" ? { kind: "passphrase", passphrase: "***" } : config.keystore;
  return { ...config, database, keystore };
}

function maskUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString();
  } catch {
    return "***";
  }
}
