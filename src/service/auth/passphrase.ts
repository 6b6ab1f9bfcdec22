/**
 * The keystore passphrase in embedded mode: without `KEYSTORE_PASSPHRASE`, one is generated on first
 * start and kept beside the data (mode 0600), so a trial run needs no setup. A warning says so.
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { KeystoreConfig } from "../config";

/**
 * The passphrase the keystore should use: the configured one, or the generated file's content
 * (created on first call).
 * @example
 * const keystore = new OfficerKeystore({ passphrase: await resolveKeystorePassphrase(config.keystore) });
 */
export async function resolveKeystorePassphrase(keystore: KeystoreConfig): Promise<string> {
  if (keystore.kind === "passphrase") return keystore.passphrase;
  try {
    const existing = (await readFile(keystore.file, "utf8")).trim();
    if (existing) return existing;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  await mkdir(path.dirname(keystore.file), { recursive: true });
  const passphrase = randomBytes(32).toString("base64url");
  // "wx": two processes starting together must not each write their own passphrase.
  try {
    await writeFile(keystore.file, `${passphrase}\n`, { mode: 0o600, flag: "wx" });
    return passphrase;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return (await readFile(keystore.file, "utf8")).trim();
    throw err;
  }
}
