/**
 * Officers whose keys already exist — the demo authorities of the embedded chain, or the officers
 * of an external network (`permit-registry network up` writes their keys file) — brought into the
 * service: each key sealed in the keystore, a bearer token per officer, the tokens written to a
 * credentials file in DATA_DIR (mode 0600). Officers the store already knows are kept as they are.
 * Used at start (embedded bootstrap, `OFFICER_KEYS_FILE`) and by `permit-registry officers import`
 * while the service runs.
 */
import { randomUUID } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { getAddress, isAddress, isHex, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { RegistryClient, Role } from "../../sdk/chain";
import type { OfficerKeystore } from "../auth/keystore";
import { generateToken } from "../auth/tokens";
import type { OfficerRole, Store } from "../store";

export type KeyPair = { address: Address; privateKey: Hex };
/** A keys file: `{ "countries": { "CH": { "admin": {address, privateKey}, "issuer": …, "customs": … } } }` (any role may be absent). */
export type OfficerKeys = { countries: Record<string, Partial<Record<KeyRole, KeyPair>>> };
export type KeyRole = "admin" | "issuer" | "customs";

export const KEY_ROLES: Record<KeyRole, { role: OfficerRole; onChain: Role }> = {
  admin: { role: "ADMIN", onChain: "AUTHORITY_ADMIN" },
  issuer: { role: "ISSUER", onChain: "ISSUER" },
  customs: { role: "CUSTOMS", onChain: "CUSTOMS" },
};

export type ImportedOfficer = { country: string; key: KeyRole; role: OfficerRole; address: Address; name: string; token: string };
export type ImportResult = { imported: ImportedOfficer[]; alreadyKnown: { country: string; key: KeyRole; address: Address }[] };

/** A keys file that cannot be used, or (`refused`) officers the chain does not know in their role. */
export class OfficerKeysError extends Error {
  override readonly name = "OfficerKeysError";
  constructor(
    message: string,
    options?: { cause?: unknown; refused?: boolean },
  ) {
    super(message, { cause: options?.cause });
    this.refused = options?.refused ?? false;
  }
  readonly refused: boolean;
}

/**
 * Reads and checks a keys file: every country a two-letter code, every entry an address with the
 * private key of that very address.
 * @throws {OfficerKeysError} naming the file and the first entry that is wrong
 */
export function readOfficerKeys(file: string): OfficerKeys {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new OfficerKeysError(`${file} is not a readable JSON keys file: ${(err as Error).message}`);
  }
  const countries = (parsed as { countries?: unknown } | null)?.countries;
  if (!countries || typeof countries !== "object" || Array.isArray(countries)) {
    throw new OfficerKeysError(`${file} has no \`countries\` object; expected { "countries": { "CH": { "admin": { "address": "0x…", "privateKey": "0x…" }, "issuer": …, "customs": … } } }.`);
  }
  const keys: OfficerKeys = { countries: {} };
  for (const [country, roles] of Object.entries(countries as Record<string, unknown>)) {
    if (!/^[A-Z]{2}$/.test(country)) throw new OfficerKeysError(`${file}: "${country}" is not a two-letter country code (ISO 3166-1 alpha-2, upper case).`);
    if (!roles || typeof roles !== "object") throw new OfficerKeysError(`${file}: countries.${country} is not an object of admin / issuer / customs keys.`);
    keys.countries[country] = {};
    for (const [key, pair] of Object.entries(roles as Record<string, unknown>)) {
      const where = `${file}: countries.${country}.${key}`;
      if (!(key in KEY_ROLES)) throw new OfficerKeysError(`${where} is not one of admin, issuer, customs.`);
      const { address, privateKey } = (pair ?? {}) as { address?: unknown; privateKey?: unknown };
      if (typeof address !== "string" || !isAddress(address, { strict: false })) throw new OfficerKeysError(`${where}.address is not a 0x-prefixed 20-byte address.`);
      if (typeof privateKey !== "string" || !isHex(privateKey) || privateKey.length !== 66) throw new OfficerKeysError(`${where}.privateKey is not a 0x-prefixed 32-byte key.`);
      if (privateKeyToAccount(privateKey).address.toLowerCase() !== address.toLowerCase()) {
        throw new OfficerKeysError(`${where}: the private key is not the key of ${address}.`);
      }
      keys.countries[country][key as KeyRole] = { address: getAddress(address), privateKey };
    }
  }
  return keys;
}

export type KeyEntry = { country: string; key: KeyRole; pair: KeyPair };

/** Every officer of a keys file, country by country, admin / issuer / customs within one. */
export function officersOf(keys: OfficerKeys): KeyEntry[] {
  return Object.entries(keys.countries).flatMap(([country, roles]) =>
    (Object.keys(KEY_ROLES) as KeyRole[]).flatMap((key) => {
      const pair = roles[key];
      return pair ? [{ country, key, pair }] : [];
    }),
  );
}

/**
 * Seals each officer's key in the keystore and gives it a token; officers the store already knows
 * are left alone. `beforeImport` sees the officers about to be imported and may refuse them all
 * (by throwing) before anything is written.
 */
export async function importOfficers(
  deps: { store: Store; keystore: OfficerKeystore },
  keys: OfficerKeys,
  options: { name: (country: string, key: KeyRole) => string; beforeImport?: (fresh: readonly KeyEntry[]) => Promise<void> },
): Promise<ImportResult> {
  const result: ImportResult = { imported: [], alreadyKnown: [] };
  const fresh: KeyEntry[] = [];
  for (const entry of officersOf(keys)) {
    if (await deps.store.findOfficerByAddress(entry.pair.address)) result.alreadyKnown.push({ country: entry.country, key: entry.key, address: entry.pair.address });
    else fresh.push(entry);
  }
  await options.beforeImport?.(fresh);
  for (const { country, key, pair } of fresh) {
    const token = generateToken();
    const name = options.name(country, key);
    await deps.store.insertOfficer({
      id: randomUUID(),
      country,
      role: KEY_ROLES[key].role,
      name,
      address: pair.address,
      tokenHash: token.tokenHash,
      encryptedKey: await deps.keystore.encrypt(pair.privateKey),
    });
    result.imported.push({ country, key, role: KEY_ROLES[key].role, address: pair.address, name, token: token.token });
  }
  return result;
}

/**
 * Adds the new officers' tokens to `DATA_DIR/<fileName>` (`{ "CH": { "admin": "prt_…", … } }`,
 * mode 0600), keeping what the file already holds; returns its path.
 */
export function writeCredentials(dataDir: string, fileName: string, imported: readonly ImportedOfficer[]): string {
  const file = path.join(dataDir, fileName);
  const credentials: Record<string, Record<string, string>> = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : {};
  for (const o of imported) (credentials[o.country] ??= {})[o.key] = o.token;
  writeFileSync(file, JSON.stringify(credentials, null, 2) + "\n", { mode: 0o600 });
  return file;
}

/**
 * Every officer must hold its role in its country on the registry now (an external chain), so no
 * token opens an account the chain would refuse. `then` says what to do once they are registered.
 * @throws {OfficerKeysError} (`refused`) naming each officer without its role; or when the chain cannot be read
 */
export async function checkRolesOnChain(
  chain: { reader: Pick<RegistryClient, "officerHistory">; rpcUrl: string },
  officers: readonly KeyEntry[],
  then: "import again" | "start again",
): Promise<void> {
  const missing: string[] = [];
  for (const { country, key, pair } of officers) {
    let spans;
    try {
      spans = await chain.reader.officerHistory(pair.address);
    } catch (err) {
      throw new OfficerKeysError(`Could not read the registry at ${chain.rpcUrl} to check the officers' roles (${(err as Error).message.split("\n")[0]}). Is RPC_URL right and the chain up?`, { cause: err });
    }
    const role = KEY_ROLES[key].onChain;
    if (!spans.some((s) => s.country === country && s.role === role && s.activeTo === undefined)) missing.push(`${country} ${key} ${pair.address} is not an active ${role} of ${country}`);
  }
  if (missing.length > 0) {
    throw new OfficerKeysError(`Nothing imported: on the registry at ${chain.rpcUrl}, ${missing.join("; ")}. Register them on chain first (issuers and customs officers by their country's authority admin, an admin by the registry's governance), then ${then}.`, { refused: true });
  }
}
