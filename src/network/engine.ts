import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { GethInstallFailedError, GoNotInstalledError } from "./errors";

/** The last go-ethereum release that seals Clique blocks (v1.14 removed Clique signing). */
export const GETH_VERSION = "1.13.15";
/** scripts/install-geth.sh exits with this when Go is absent and nothing is cached. */
const EXIT_GO_MISSING = 3;

/** The checkout's root: the nearest folder above this file holding scripts/install-geth.sh. */
export function projectRoot(from = __dirname): string {
  let dir = from;
  for (;;) {
    if (existsSync(path.join(dir, "scripts", "install-geth.sh"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

export type EnsureGethParameters = {
  /** Each progress line of the install script (stderr), e.g. to print while a build runs. */
  onProgress?: (line: string) => void;
};

/**
 * Path of a geth v1.13.15 binary, installing it first when needed: reuses `.tools/geth-v1.13.15/`
 * or the machine cache, and builds with `go install` only when neither has it (minutes, once).
 * Throws GoNotInstalledError when Go is absent and nothing is cached (callers may skip).
 *
 * @example
 * const geth = await ensureGeth({ onProgress: (l) => console.error(l) });
 */
export async function ensureGeth({ onProgress }: EnsureGethParameters = {}): Promise<string> {
  const script = path.join(projectRoot(), "scripts", "install-geth.sh");
  return new Promise((resolve, reject) => {
    const child = spawn("bash", [script], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
      for (const line of d.toString().split("\n")) if (line.trim()) onProgress?.(line);
    });
    child.on("error", (err) => reject(new GethInstallFailedError(GETH_VERSION, null, String(err))));
    child.on("close", (code) => {
      if (code === 0) return resolve(stdout.trim().split("\n").pop()!.trim());
      if (code === EXIT_GO_MISSING) return reject(new GoNotInstalledError(GETH_VERSION));
      reject(new GethInstallFailedError(GETH_VERSION, code, stderr));
    });
  });
}
