import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Address, Hex } from "viem";
import { PermitRegistryError } from "../errors";

/** What `scripts/deploy.ts` writes to `deployments/<network>/deployment.json`. */
export type DeploymentRecord = {
  network: string;
  chainId: number;
  registry: {
    address: Address;
    deploymentTx: Hex;
    blockNumber: number;
    contractVersion: string;
  };
  governance: Address;
  countries: Record<string, Address>;
  deployedAt: string;
};

export class DeploymentNotFoundError extends PermitRegistryError {
  override readonly name = "DeploymentNotFoundError" as const;
  constructor(what: string, dir: string) {
    super(`No deployment record for ${what} under ${dir}.`, {
      details:
        "Deploy first: `permit-registry network up` (a local proof-of-authority network), `permit-registry network deploy --rpc-url <url> --name <name>` (any chain) or `permit-registry deploy` (a Hardhat network) write the record. " +
        "If it is in another folder, say which (DEPLOYMENTS_DIR for the service, --deployments-dir for the CLI); or point DEPLOYMENT at the right name.",
      meta: { what, dir },
    });
  }
}

export const DEFAULT_DEPLOYMENTS_DIR = "deployments";

export function deploymentPath(network: string, dir = DEFAULT_DEPLOYMENTS_DIR): string {
  return path.join(dir, network, "deployment.json");
}

export function writeDeployment(record: DeploymentRecord, dir = DEFAULT_DEPLOYMENTS_DIR): string {
  const file = deploymentPath(record.network, dir);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(record, null, 2) + "\n");
  return file;
}

/** Reads `deployments/<network>/deployment.json`. */
export function readDeployment(network: string, dir = DEFAULT_DEPLOYMENTS_DIR): DeploymentRecord {
  const file = deploymentPath(network, dir);
  if (!existsSync(file)) throw new DeploymentNotFoundError(`network "${network}"`, dir);
  return JSON.parse(readFileSync(file, "utf8")) as DeploymentRecord;
}

/** Finds the deployment record for a chain id among all recorded networks. */
export function findDeploymentByChainId(chainId: number, dir = DEFAULT_DEPLOYMENTS_DIR): DeploymentRecord {
  if (existsSync(dir)) {
    for (const name of readdirSync(dir)) {
      const file = deploymentPath(name, dir);
      if (!existsSync(file)) continue;
      const record = JSON.parse(readFileSync(file, "utf8")) as DeploymentRecord;
      if (record.chainId === chainId) return record;
    }
  }
  throw new DeploymentNotFoundError(`chain id ${chainId}`, dir);
}
