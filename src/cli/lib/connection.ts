/**
 * How a command finds the service and the officer's token: `--url` (PERMIT_REGISTRY_URL), and one
 * of `--token`, `--token-file`, `--as CC:role` (the demo credentials in DATA_DIR) or
 * PERMIT_REGISTRY_TOKEN, in that order.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { Option, type Command } from "commander";
import { createApiClient, type ApiClient } from "./api";
import { UsageError } from "./errors";

export const DEFAULT_URL = "http://127.0.0.1:8080";

export type ConnectionOptions = {
  url: string;
  token?: string;
  tokenFile?: string;
  as?: string;
  dataDir?: string;
};

/** Adds --url (and, for officer commands, the token options) to `cmd`. */
export function withConnection(cmd: Command, { auth = true }: { auth?: boolean } = {}): Command {
  cmd.addOption(new Option("--url <url>", "registry service URL").env("PERMIT_REGISTRY_URL").default(DEFAULT_URL));
  if (auth) {
    cmd
      .option("--token <token>", "officer bearer token (default: PERMIT_REGISTRY_TOKEN)")
      .option("--token-file <file>", "read the officer token from a file")
      .option("--as <country:role>", "use a demo or imported officer's token from DATA_DIR/demo-credentials.json or credentials.json, e.g. CH:issuer")
      .option("--data-dir <dir>", "where --as finds the credentials files (default: DATA_DIR or ./data)");
  }
  return cmd;
}

/** The bearer token the options (or the environment) name, if any. */
export function resolveToken(opts: ConnectionOptions, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const given = [opts.token !== undefined && "--token", opts.tokenFile !== undefined && "--token-file", opts.as !== undefined && "--as"].filter(Boolean);
  if (given.length > 1) throw new UsageError(`Give only one of ${given.join(", ")}.`);
  if (opts.token !== undefined) return nonEmpty(opts.token, "--token");
  if (opts.tokenFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(opts.tokenFile, "utf8");
    } catch (cause) {
      throw new UsageError(`Cannot read --token-file ${opts.tokenFile}: ${(cause as Error).message}`, { cause });
    }
    return nonEmpty(text.trim(), `--token-file ${opts.tokenFile}`);
  }
  if (opts.as !== undefined) return demoToken(opts.as, opts.dataDir ?? env.DATA_DIR ?? "./data");
  return env.PERMIT_REGISTRY_TOKEN?.trim() || undefined;
}

/** Where `--as` looks, in order. */
const CREDENTIAL_FILES = ["demo-credentials.json", "credentials.json"] as const;

/**
 * `--as CH:issuer` → that officer's token from `<dataDir>/demo-credentials.json` (the embedded
 * chain's demo authorities) or `<dataDir>/credentials.json` (officers imported from a keys file).
 */
export function demoToken(spec: string, dataDir: string): string {
  const m = /^([A-Za-z]{2}):(admin|issuer|customs)$/i.exec(spec.trim());
  if (!m) throw new UsageError(`--as "${spec}" must look like CH:issuer (a country code, then admin, issuer or customs).`);
  const [country, role] = [m[1]!.toUpperCase(), m[2]!.toLowerCase()];
  const files = CREDENTIAL_FILES.map((name) => path.resolve(dataDir, name)).filter((file) => existsSync(file));
  if (files.length === 0) {
    throw new UsageError(`No demo credentials in ${path.resolve(dataDir)} (neither ${CREDENTIAL_FILES.join(" nor ")}).`, {
      details:
        "The first `npm start` in embedded mode writes demo-credentials.json; OFFICER_KEYS_FILE or `permit-registry officers import` write credentials.json. Pass --data-dir (or DATA_DIR) if the service keeps its state elsewhere.",
    });
  }
  const countries = new Set<string>();
  for (const file of files) {
    let credentials: Record<string, Record<string, string>>;
    try {
      credentials = JSON.parse(readFileSync(file, "utf8"));
    } catch (cause) {
      throw new UsageError(`${file} is not valid JSON.`, { cause });
    }
    const token = credentials[country]?.[role];
    if (token) return token;
    for (const c of Object.keys(credentials)) countries.add(c);
  }
  throw new UsageError(`${files.join(" and ")} ${files.length > 1 ? "have" : "has"} no ${role} token for ${country} (countries: ${[...countries].join(", ")}).`);
}

export function apiClientFrom(opts: ConnectionOptions, { auth = true }: { auth?: boolean } = {}): ApiClient {
  return createApiClient({ url: opts.url ?? DEFAULT_URL, token: auth ? resolveToken(opts) : undefined });
}

function nonEmpty(token: string, what: string): string {
  if (!token) throw new UsageError(`${what} is empty.`);
  return token;
}
