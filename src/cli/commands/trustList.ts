/**
 * `permit-registry trust-list export`: the officers snapshot for offline verification, from the
 * service (GET /api/v1/trust-list) or straight from a chain (`--rpc-url` + `--deployment`).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import type { DeploymentRecord } from "../../sdk/chain/deployment";
import { readDeployment } from "../../sdk/chain/deployment";
import type { TrustListSnapshot } from "../../sdk/verify";
import { apiClientFrom, withConnection, type ConnectionOptions } from "../lib/connection";
import { ChainConnectionError, UsageError } from "../lib/errors";
import { toJson } from "../lib/output";
import { action } from "../lib/run";

type Options = Pick<ConnectionOptions, "url"> & { output?: string; rpcUrl?: string; deployment?: string; deploymentsDir: string };

export function registerTrustListCommands(program: Command): void {
  const trustList = program.command("trust-list").description("the officers trust list for offline verification");
  withConnection(trustList.command("export").description("export the trust list snapshot (JSON) from the service, or from a chain with --rpc-url"), { auth: false })
    .option("-o, --output <file>", "write to a file instead of stdout")
    .option("--rpc-url <url>", "read the chain directly (needs --deployment) instead of asking the service")
    .option("--deployment <name|file>", "deployment record: a network name under --deployments-dir, or a deployment.json path")
    .option("--deployments-dir <dir>", "where deployment records live", "deployments")
    .action(
      action(async (opts: Options) => {
        if (Boolean(opts.rpcUrl) !== Boolean(opts.deployment)) throw new UsageError("--rpc-url and --deployment go together.");
        const snapshot = opts.rpcUrl ? await fromChain(opts.rpcUrl, loadDeployment(opts.deployment!, opts.deploymentsDir)) : await fromService(opts);
        const text = `${toJson(snapshot)}\n`;
        if (!opts.output) return void process.stdout.write(text);
        writeFileSync(opts.output, text);
        process.stderr.write(`wrote the trust list of chain ${snapshot.chainId} at block ${snapshot.blockNumber} (${snapshot.officers.length} officer entries) to ${opts.output}\n`);
      }),
    );
}

async function fromService(opts: Options): Promise<TrustListSnapshot> {
  return (await apiClientFrom(opts, { auth: false }).get<TrustListSnapshot>("/trust-list", { auth: false })).body;
}

function loadDeployment(spec: string, dir: string): DeploymentRecord {
  if (spec.endsWith(".json") || existsSync(spec)) {
    try {
      return JSON.parse(readFileSync(spec, "utf8")) as DeploymentRecord;
    } catch (cause) {
      throw new UsageError(`Cannot read the deployment record ${spec}: ${(cause as Error).message}`, { cause });
    }
  }
  try {
    return readDeployment(spec, dir);
  } catch (cause) {
    throw new UsageError((cause as Error).message, { cause });
  }
}

async function fromChain(rpcUrl: string, deployment: DeploymentRecord): Promise<TrustListSnapshot> {
  // Loaded only for this path: viem and the SDK's chain client.
  const [{ createPublicClient, http }, { createRegistryClient }, { exportTrustList }] = await Promise.all([import("viem"), import("../../sdk/chain/client"), import("../../sdk/verify/trustList")]);
  const publicClient = createPublicClient({ transport: http(rpcUrl, { retryCount: 1, timeout: 15_000 }) });
  let chainId: number;
  try {
    chainId = await publicClient.getChainId();
  } catch (cause) {
    throw new ChainConnectionError(rpcUrl, cause);
  }
  if (chainId !== deployment.chainId) {
    throw new UsageError(`The chain at ${rpcUrl} has chain id ${chainId}, but the deployment record "${deployment.network}" is for chain ${deployment.chainId}.`);
  }
  const registry = createRegistryClient({ publicClient, address: deployment.registry.address, fromBlock: BigInt(deployment.registry.blockNumber) });
  try {
    return await exportTrustList(registry, chainId);
  } catch (cause) {
    if ((cause as Error).name === "ChainUnreachableError") throw new ChainConnectionError(rpcUrl, cause);
    throw cause;
  }
}
