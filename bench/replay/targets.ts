/**
 * The chains the replay runs against: the service's embedded Anvil (started in a temp dir and
 * bootstrapped as the service does), a local Clique network of geth sealers (started with
 * src/network in a temp state dir), or any endpoint with a deployment record and officer keys.
 * Every process started here is stopped by `stop()` — and SIGKILLed by PID if this process exits
 * without getting there.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { english, generateMnemonic } from "viem/accounts";
import type { Address, Hex } from "viem";
import { readDeployment } from "../../src/sdk/chain";
import { startAnvil } from "../../src/service/chain/anvil";
import { bootstrapEmbedded } from "../../src/service/chain/bootstrap";
import { GETH_VERSION, networkDown, networkUp, readKeys, readState } from "../../src/network";
import { isOurGeth, isPortFree } from "../../src/network/process";
import type { ReplayConfig } from "./config";
import { rpc } from "./rpc";

export type OfficerKeys = { issuer: { address: Address; privateKey: Hex }; customs: { address: Address; privateKey: Hex } };

export type ChainTarget = {
  target: ReplayConfig["target"];
  description: string;
  /** Nodes to submit to (each country sends to one, as each country would run its own node). */
  rpcUrls: string[];
  chainId: number;
  registry: Address;
  fromBlock: bigint;
  officers: Record<string, OfficerKeys>;
  /** Seconds between blocks, or undefined when every transaction is mined at once (automine). */
  periodSeconds?: number;
  stop(): Promise<void>;
};

const log = (line: string) => console.error(`  ${line}`);

/** Last resort on an unexpected exit: SIGKILL by PID (synchronous, as `exit` handlers must be). */
function onExitKill(pids: () => { pid: number; check: () => boolean }[]) {
  const hook = () => {
    for (const { pid, check } of pids()) {
      try {
        if (check()) process.kill(pid, "SIGKILL");
      } catch {
        /* already gone */
      }
    }
  };
  process.on("exit", hook);
  return () => process.off("exit", hook);
}

export async function startTarget(config: ReplayConfig): Promise<ChainTarget> {
  if (config.target === "embedded") return startEmbedded(config);
  if (config.target === "poa") return startPoa(config);
  return attachRpc(config);
}

async function startEmbedded(config: ReplayConfig): Promise<ChainTarget> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "permit-replay-embedded-"));
  const mnemonic = generateMnemonic(english);
  // Periodic state dumps of a growing chain cost CPU the measurement should not pay: one per hour.
  const anvil = await startAnvil({ dataDir, mnemonic, blockTime: config.blockTime, stateInterval: 3600, log }).catch((err) => {
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  });
  const forget = onExitKill(() => [{ pid: anvil.pid, check: () => true }]);
  const stop = async () => {
    try {
      await anvil.stop({ timeoutMs: 10_000 });
    } finally {
      forget();
      rmSync(dataDir, { recursive: true, force: true });
    }
  };
  try {
    const boot = await bootstrapEmbedded({ rpcUrl: anvil.rpcUrl, dataDir, mnemonic, countries: config.countries, officerFundingEth: "10000", log });
    if (boot.status !== "deployed") throw new Error(`bootstrap of a fresh embedded chain answered ${boot.status}`);
    return {
      target: "embedded",
      description: `Anvil (embedded chain), ${config.blockTime ? `${config.blockTime} s interval mining` : "automine (one block per transaction, as the service runs it)"}, hardfork london`,
      rpcUrls: [anvil.rpcUrl],
      chainId: anvil.chainId,
      registry: boot.deployment.registry.address,
      fromBlock: BigInt(boot.deployment.registry.blockNumber),
      officers: boot.countries,
      periodSeconds: config.blockTime,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function freeBasePort(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 18_000);
    const ports = Array.from({ length: count }, (_, i) => [base + i, base + 1000 + i, base + 2000 + i]).flat();
    if ((await Promise.all(ports.map(isPortFree))).every(Boolean)) return base;
  }
  throw new Error("no free port range found for the network");
}

async function startPoa(config: ReplayConfig): Promise<ChainTarget> {
  const root = mkdtempSync(path.join(os.tmpdir(), "permit-replay-poa-"));
  const common = { name: "replay", stateRoot: path.join(root, "networks"), log };
  const forget = onExitKill(() => {
    try {
      return readState(common.name, common.stateRoot).nodes.filter((n) => n.pid !== null).map((n) => ({ pid: n.pid!, check: () => isOurGeth(n.pid!, n.dataDir) }));
    } catch {
      return [];
    }
  });
  const stop = async () => {
    try {
      const { stopped } = await networkDown(common);
      log(`network down: stopped node(s) ${stopped.join(", ") || "none"}`);
    } finally {
      forget();
      rmSync(root, { recursive: true, force: true });
    }
  };
  try {
    const up = await networkUp({
      ...common,
      validators: config.validators,
      periodSeconds: config.periodSeconds,
      gasLimit: config.gasLimit,
      basePort: await freeBasePort(config.validators),
      deploymentsDir: path.join(root, "deployments"),
      countries: config.countries,
    });
    const keys = readKeys(common.name, common.stateRoot);
    return {
      target: "poa",
      description: `geth v${GETH_VERSION} Clique, ${config.validators} validator(s), period ${config.periodSeconds} s, gas limit ${config.gasLimit.toLocaleString("en")}`,
      rpcUrls: up.rpcUrls,
      chainId: up.state.chainId,
      registry: up.deployment.registry.address,
      fromBlock: BigInt(up.deployment.registry.blockNumber),
      officers: keys.countries,
      periodSeconds: config.periodSeconds,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

type Block = { timestamp: Hex; number: Hex };

async function attachRpc(config: ReplayConfig): Promise<ChainTarget> {
  const url = config.rpcUrl!;
  const deployment = readDeployment(config.deployment!, config.deploymentsDir);
  const keys = JSON.parse(readFileSync(config.keysFile!, "utf8")) as { countries?: Record<string, OfficerKeys> };
  if (!keys.countries) throw new Error(`${config.keysFile} has no "countries" map (expected the shape of .networks/<name>/keys.json)`);
  const chainId = Number(await rpc<Hex>(url, "eth_chainId"));
  if (chainId !== deployment.chainId) throw new Error(`${url} is chain ${chainId}, deployment ${config.deployment} is for chain ${deployment.chainId}`);
  // The block period, from the timestamps of the last blocks (0 = mined on demand).
  const head = await rpc<Block>(url, "eth_getBlockByNumber", ["latest", false]);
  const back = Math.min(20, Number(head.number));
  const earlier = await rpc<Block>(url, "eth_getBlockByNumber", [`0x${(Number(head.number) - back).toString(16)}`, false]);
  const period = back > 0 ? Math.round((Number(head.timestamp) - Number(earlier.timestamp)) / back) : 0;
  return {
    target: "rpc",
    description: `${url} (deployment ${deployment.network}, chain ${chainId}${period ? `, ~${period} s blocks` : ""})`,
    rpcUrls: [url],
    chainId,
    registry: deployment.registry.address,
    fromBlock: BigInt(deployment.registry.blockNumber),
    officers: keys.countries,
    periodSeconds: period || undefined,
    stop: async () => undefined,
  };
}
