/**
 * Operator tasks on a registry's storage, run beside the service (not through its API): the same
 * configuration as `start` (DATA_DIR, DATABASE_URL, KEYSTORE_PASSPHRASE, RPC_URL + DEPLOYMENT).
 * SQLite in WAL mode and PostgreSQL both let them write while the service runs; the service sees
 * what they wrote at the next request.
 */
import { mkdirSync } from "node:fs";
import { readDeployment } from "../sdk/chain";
import { OfficerKeystore } from "./auth/keystore";
import { resolveKeystorePassphrase } from "./auth/passphrase";
import { loadConfig, type ConfigOverrides } from "./config";
import { ChainGateway } from "./domain/chainGateway";
import { checkRolesOnChain, importOfficers, readOfficerKeys, writeCredentials, type ImportResult } from "./domain/officerImport";
import { openStore } from "./store";

export type OfficerImportReport = ImportResult & {
  /** Where the new officers' tokens were written. */
  credentialsFile: string;
  /** Whether each officer's role was found on the registry (external chain), or why not. */
  checkedOnChain: true | string;
};

/**
 * `permit-registry officers import <keys.json>`: imports officers whose keys exist into the
 * service's storage while it runs. On an external chain each new officer must hold its role on
 * the registry (checked first; nothing is imported otherwise), so no token opens an account the
 * chain would refuse.
 * @throws {OfficerKeysError} an unusable keys file, or officers without their role on chain
 */
export async function importOfficerKeysFile(file: string, options: { env?: NodeJS.ProcessEnv; overrides?: ConfigOverrides; fastKeystore?: boolean } = {}): Promise<OfficerImportReport> {
  const config = loadConfig(options.env ?? process.env, options.overrides);
  const keys = readOfficerKeys(file);
  mkdirSync(config.dataDir, { recursive: true });
  const keystore = new OfficerKeystore({ passphrase: await resolveKeystorePassphrase(config.keystore), ...(options.fastKeystore ? { scrypt: { N: 2 ** 10, r: 8, p: 1 } } : {}) });
  const store = await openStore(config.database);
  try {
    const external = config.chain.kind === "external" ? config.chain : undefined;
    const chain = external && new ChainGateway({ rpcUrl: external.rpcUrl, deployment: readDeployment(external.deployment, external.deploymentsDir) });
    const result = await importOfficers({ store, keystore }, keys, {
      name: (country, key) => `${country} ${key}`,
      beforeImport: chain && ((fresh) => checkRolesOnChain(chain, fresh, "import again")),
    });
    const checkedOnChain = chain ? true : "not checked: the embedded chain runs only inside the service";
    return { ...result, credentialsFile: writeCredentials(config.dataDir, "credentials.json", result.imported), checkedOnChain };
  } finally {
    await store.close();
  }
}
