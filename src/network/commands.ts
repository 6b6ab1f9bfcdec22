import { existsSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createPublicClient, http, parseEther, type Address } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { writeDeployment, readDeployment, deploymentPath, DEFAULT_DEPLOYMENTS_DIR, type DeploymentRecord } from "../sdk/chain/deployment";
import { permitRegistryAbi } from "../sdk/chain/generated/permitRegistry";
import { peerWithOthers, runningNodes, waitFor, waitForBlocks, waitForCommonHead, waitForPeers } from "./consensus";
import { deployRegistry } from "./deploy";
import { ensureGeth, GETH_VERSION } from "./engine";
import { InvalidValidatorChangeError, UnknownValidatorError } from "./errors";
import { cliqueGenesis } from "./genesis";
import { enodeOf, newKey } from "./keys";
import { assertPortsFree, initNode, portsOf, startNode, stopNode } from "./node";
import { isAlive, isOurGeth } from "./process";
import { chainOf, cliqueDiscard, cliqueGetSigners, cliquePropose, nodeClient, rpcUrlOf } from "./rpc";
import {
  DEFAULT_STATE_ROOT, networkDir, nodeDir, readKeys, readState, stateExists, writeKeys, writeState,
  type CountryKeys, type NetworkKeys, type NetworkState, type NodeState,
} from "./state";
import { readNetworkStatus, type NetworkStatus } from "./status";

/**
 * The `permit-registry network …` commands as functions (the CLI in src/cli/network.ts is a thin
 * wiring over these; tests call them directly). Each works from the state file of one named
 * network and touches only the processes that file records.
 */

export type NetworkParameters = {
  /** Network name: state in `<stateRoot>/<name>/`, deployment in `<deploymentsDir>/<name>/`. */
  name?: string;
  stateRoot?: string;
  /** Progress lines (default: stderr). */
  log?: (line: string) => void;
};

export const DEFAULTS = {
  name: "poa-local",
  validators: 3,
  periodSeconds: 2,
  gasLimit: 30_000_000n,
  basePort: 8545,
  chainId: 1973,
  countries: ["CH", "FR", "JP"],
  demoAccounts: 3,
} as const;

const FUNDING = parseEther("1000000");

function common(p: NetworkParameters) {
  return { name: p.name ?? DEFAULTS.name, stateRoot: p.stateRoot ?? DEFAULT_STATE_ROOT, log: p.log ?? ((l: string) => console.error(l)) };
}

function nodeOf(state: NetworkState, index: number): NodeState {
  const node = state.nodes.find((n) => n.index === index);
  if (!node) throw new UnknownValidatorError(index, state.nodes.map((n) => n.index));
  return node;
}

/** Clears PIDs of nodes that are no longer running (crashed, killed by hand, machine rebooted). */
function forgetDeadPids(state: NetworkState): void {
  for (const n of state.nodes) if (n.pid !== null && !(isAlive(n.pid) && isOurGeth(n.pid, n.dataDir))) n.pid = null;
}

/** Starts one node from its datadir, records its PID at once, and peers it with the others. */
async function launch(state: NetworkState, node: NodeState, stateRoot: string, { peer = true } = {}): Promise<void> {
  await startNode(state, node, (pid) => {
    node.pid = pid;
    writeState(state, stateRoot);
  });
  if (peer) await peerWithOthers(state, node);
}

// ---------------------------------------------------------------------------------------------
// up

export type NetworkUpParameters = NetworkParameters & {
  validators?: number;
  periodSeconds?: number;
  gasLimit?: bigint;
  basePort?: number;
  chainId?: number;
  /** Countries admitted at deployment, each with an admin, an issuer and a customs officer. */
  countries?: readonly string[];
  demoAccounts?: number;
  /** Where deployment records go (default `deployments/`). */
  deploymentsDir?: string;
};

export type NetworkUpReturnType = {
  state: NetworkState;
  deployment: DeploymentRecord;
  deploymentFile: string;
  rpcUrls: string[];
  /** True when an existing network was restarted instead of created. */
  resumed: boolean;
};

/**
 * `network up`: creates a Clique network of N sealers, deploys the registry and admits the demo
 * countries — or, when the named network already exists, starts its stopped nodes again.
 *
 * @example
 * const { rpcUrls, deployment } = await networkUp({ validators: 3, periodSeconds: 1 });
 */
export async function networkUp(p: NetworkUpParameters = {}): Promise<NetworkUpReturnType> {
  const { name, stateRoot, log } = common(p);
  if (stateExists(name, stateRoot)) return resume(name, stateRoot, log);

  const validators = p.validators ?? DEFAULTS.validators;
  if (!Number.isInteger(validators) || validators < 1) throw new InvalidValidatorChangeError(`--validators must be a positive integer (got ${validators}).`);
  const periodSeconds = p.periodSeconds ?? DEFAULTS.periodSeconds;
  const gasLimit = p.gasLimit ?? DEFAULTS.gasLimit;
  const basePort = p.basePort ?? DEFAULTS.basePort;
  const chainId = p.chainId ?? DEFAULTS.chainId;
  const deploymentsDir = path.resolve(p.deploymentsDir ?? DEFAULT_DEPLOYMENTS_DIR);
  const dir = networkDir(name, stateRoot);

  for (let i = 0; i < validators; i++) await assertPortsFree(portsOf(basePort, i));
  const gethBin = await ensureGeth({ onProgress: log });
  log(`geth v${GETH_VERSION}: ${gethBin}`);

  const signers = Array.from({ length: validators }, () => newKey());
  const keys: NetworkKeys = {
    governance: newKey(),
    countries: Object.fromEntries((p.countries ?? DEFAULTS.countries).map((c) => [c, { admin: newKey(), issuer: newKey(), customs: newKey() } satisfies CountryKeys])),
    demo: Array.from({ length: p.demoAccounts ?? DEFAULTS.demoAccounts }, () => newKey()),
    signers: Object.fromEntries(signers.map((k, i) => [String(i), k])),
  };
  const funded: Address[] = [
    keys.governance.address,
    ...Object.values(keys.countries).flatMap((c) => [c.admin.address, c.issuer.address, c.customs.address]),
    ...keys.demo.map((k) => k.address),
    ...signers.map((k) => k.address),
  ];
  const genesis = cliqueGenesis({
    chainId, periodSeconds, gasLimit,
    signers: signers.map((k) => k.address),
    alloc: Object.fromEntries(funded.map((a) => [a, FUNDING])),
  });
  const genesisFile = path.join(dir, "genesis.json");
  const state: NetworkState = {
    name, chainId, periodSeconds, epoch: genesis.config.clique.epoch, gasLimit: gasLimit.toString(), basePort,
    gethBin, gethVersion: GETH_VERSION, genesisFile, deploymentsDir, createdAt: new Date().toISOString(), nodes: [],
  };
  writeKeys(name, keys, stateRoot);
  writeFileSync(genesisFile, JSON.stringify(genesis, null, 2) + "\n");
  writeState(state, stateRoot);
  log(`network ${name}: chain ${chainId}, ${validators} Clique signer(s), period ${periodSeconds} s, gas limit ${gasLimit}; state in ${dir}`);

  for (let i = 0; i < validators; i++) {
    const nodeKey = newKey().privateKey;
    const ports = portsOf(basePort, i);
    const node: NodeState = {
      index: i, dataDir: nodeDir(dir, i), signer: signers[i].address, enode: enodeOf(nodeKey, ports.p2pPort), ...ports,
      logFile: path.join(nodeDir(dir, i), "geth.log"), pid: null,
    };
    await initNode({ gethBin, dataDir: node.dataDir, genesisFile, signer: signers[i], nodeKey });
    state.nodes.push(node);
    writeState(state, stateRoot);
  }
  for (const node of state.nodes) {
    log(`starting node ${node.index} (signer ${node.signer}) on ${rpcUrlOf(node)}`);
    await launch(state, node, stateRoot);
  }
  if (validators > 1) for (const node of state.nodes) await waitForPeers(state, node, validators - 1);
  const head = await waitForCommonHead(state, state.nodes, { minNumber: 2n, timeoutMs: 60_000 + 10_000 * periodSeconds });
  log(`all ${validators} node(s) agree on block #${head.number} ${head.hash}`);

  const rpcUrl = rpcUrlOf(state.nodes[0]);
  const publicClient = nodeClient(state, state.nodes[0], { timeoutMs: 30_000 });
  log("deploying PermitRegistry and admitting " + Object.keys(keys.countries).join(", "));
  const deployment = await deployRegistry({ network: name, publicClient, chain: chainOf(state, rpcUrl), rpcUrl, governance: keys.governance, countries: keys.countries });
  const deploymentFile = writeDeployment(deployment, deploymentsDir);
  writeFileSync(path.join(path.dirname(deploymentFile), "PermitRegistry.abi.json"), JSON.stringify(permitRegistryAbi, null, 2) + "\n");
  log(`registry ${deployment.registry.address} (block ${deployment.registry.blockNumber}); recorded ${deploymentFile}`);
  return { state, deployment, deploymentFile, rpcUrls: state.nodes.map(rpcUrlOf), resumed: false };
}

async function resume(name: string, stateRoot: string, log: (l: string) => void): Promise<NetworkUpReturnType> {
  const state = readState(name, stateRoot);
  forgetDeadPids(state);
  writeState(state, stateRoot);
  log(`network ${name} exists: starting its stopped nodes (use \`network reset\` for a fresh one)`);
  for (const node of state.nodes.filter((n) => !n.removed && n.pid === null)) {
    log(`starting node ${node.index} from ${node.dataDir}`);
    await launch(state, node, stateRoot);
  }
  const nodes = runningNodes(state);
  await waitForCommonHead(state, nodes);
  await waitForBlocks(nodeClient(state, nodes[0]), 1, { timeoutMs: 30_000 + 10_000 * state.periodSeconds });
  const deployment = readDeployment(name, state.deploymentsDir);
  return { state, deployment, deploymentFile: deploymentPath(name, state.deploymentsDir), rpcUrls: nodes.map(rpcUrlOf), resumed: true };
}

// ---------------------------------------------------------------------------------------------
// deploy on any EVM chain (Besu QBFT, a testnet, a network someone else runs)

export type DeployToRpcParameters = {
  rpcUrl: string;
  /** Deployment name: the record goes to `<deploymentsDir>/<name>/deployment.json`. */
  name: string;
  /** Deploys and holds the governance role (keep it offline afterwards). */
  governancePrivateKey: `0x${string}`;
  /** Countries to admit now, with their authority admin's address. */
  admit?: Record<string, Address>;
  deploymentsDir?: string;
  log?: (line: string) => void;
};

/**
 * `network deploy`: deploys the registry to any EVM JSON-RPC endpoint with standard methods only
 * (signed raw transactions), admits the given countries and writes the deployment record.
 */
export async function deployToRpc(p: DeployToRpcParameters): Promise<{ deployment: DeploymentRecord; deploymentFile: string }> {
  const log = p.log ?? ((l: string) => console.error(l));
  const chainId = await createPublicClient({ transport: http(p.rpcUrl) }).getChainId();
  const chain = chainOf({ chainId, name: p.name, periodSeconds: 2 }, p.rpcUrl);
  const publicClient = createPublicClient({ chain, transport: http(p.rpcUrl, { timeout: 30_000 }), pollingInterval: 500 });
  const governance = { address: privateKeyToAccount(p.governancePrivateKey).address, privateKey: p.governancePrivateKey };
  log(`deploying PermitRegistry to chain ${chainId} at ${p.rpcUrl} from ${governance.address}`);
  const deployment = await deployRegistry({
    network: p.name, publicClient, chain, rpcUrl: p.rpcUrl, governance,
    countries: Object.fromEntries(Object.entries(p.admit ?? {}).map(([code, admin]) => [code, { admin }])),
  });
  const deploymentFile = writeDeployment(deployment, path.resolve(p.deploymentsDir ?? DEFAULT_DEPLOYMENTS_DIR));
  writeFileSync(path.join(path.dirname(deploymentFile), "PermitRegistry.abi.json"), JSON.stringify(permitRegistryAbi, null, 2) + "\n");
  log(`registry ${deployment.registry.address} (block ${deployment.registry.blockNumber}); recorded ${deploymentFile}`);
  return { deployment, deploymentFile };
}

// ---------------------------------------------------------------------------------------------
// status

/** `network status`: signers, each node's process, head and peers, and the last blocks' times. */
export async function networkStatus(p: NetworkParameters & { recent?: number } = {}): Promise<NetworkStatus> {
  const { name, stateRoot } = common(p);
  return readNetworkStatus(readState(name, stateRoot), { recent: p.recent });
}

// ---------------------------------------------------------------------------------------------
// stop / start one validator

export type StopValidatorParameters = NetworkParameters & {
  index: number;
  /** SIGTERM (default) shuts geth down cleanly; SIGKILL simulates a crash. */
  signal?: NodeJS.Signals;
};

/** `network stop-validator I`: stops node I by the PID recorded when it was started. */
export async function stopValidator(p: StopValidatorParameters): Promise<{ index: number; pid: number | null; result: "stopped" | "not-running" }> {
  const { name, stateRoot, log } = common(p);
  const state = readState(name, stateRoot);
  const node = nodeOf(state, p.index);
  const pid = node.pid;
  const result = await stopNode(node, p.signal ?? "SIGTERM");
  node.pid = null;
  writeState(state, stateRoot);
  log(`node ${node.index}: ${result === "stopped" ? `stopped (pid ${pid}, ${p.signal ?? "SIGTERM"})` : "was not running"}`);
  return { index: node.index, pid, result };
}

export type StartValidatorParameters = NetworkParameters & {
  index: number;
  /** Peer it with the running nodes (default true; false leaves it alone on its own datadir). */
  peer?: boolean;
  /** Wait until the node has caught up with the others' head (default true; needs peering). */
  waitForSync?: boolean;
  timeoutMs?: number;
};

/** `network start-validator I`: restarts node I from its datadir and peers it again. */
export async function startValidator(p: StartValidatorParameters): Promise<{ index: number; pid: number; rpcUrl: string }> {
  const { name, stateRoot, log } = common(p);
  const state = readState(name, stateRoot);
  forgetDeadPids(state);
  const node = nodeOf(state, p.index);
  if (node.removed) throw new InvalidValidatorChangeError(`Node ${node.index} was voted out and removed; propose a new validator instead.`);
  const peer = p.peer ?? true;
  if (node.pid === null) {
    await launch(state, node, stateRoot, { peer });
    log(`node ${node.index}: started (pid ${node.pid}) on ${rpcUrlOf(node)}${peer ? "" : " (not peered)"}`);
  } else {
    if (peer) await peerWithOthers(state, node);
    log(`node ${node.index}: already running (pid ${node.pid})`);
  }
  if (peer && (p.waitForSync ?? true)) {
    const others = runningNodes(state);
    if (others.length > 1) await waitForPeers(state, node, 1);
    await waitForCommonHead(state, others, { timeoutMs: p.timeoutMs ?? 60_000 });
  }
  return { index: node.index, pid: node.pid!, rpcUrl: rpcUrlOf(node) };
}

// ---------------------------------------------------------------------------------------------
// Clique votes: a new country's node joins, a node leaves

export type ProposeValidatorParameters = NetworkParameters & { timeoutMs?: number };

/**
 * `network propose-validator`: creates a new node (key, datadir from the same genesis), starts
 * it, lets it sync, then every running signer votes `clique_propose(address, true)` until the
 * signer set includes it.
 */
export async function proposeValidator(p: ProposeValidatorParameters = {}): Promise<{ index: number; signer: Address; rpcUrl: string; signers: Address[] }> {
  const { name, stateRoot, log } = common(p);
  const state = readState(name, stateRoot);
  forgetDeadPids(state);
  const keys = readKeys(name, stateRoot);
  const index = Math.max(...state.nodes.map((n) => n.index)) + 1;
  const signer = newKey();
  const nodeKey = newKey().privateKey;
  const ports = portsOf(state.basePort, index);
  await assertPortsFree(ports);
  const dir = networkDir(name, stateRoot);
  const node: NodeState = {
    index, dataDir: nodeDir(dir, index), signer: signer.address, enode: enodeOf(nodeKey, ports.p2pPort), ...ports,
    logFile: path.join(nodeDir(dir, index), "geth.log"), pid: null,
  };
  await initNode({ gethBin: state.gethBin, dataDir: node.dataDir, genesisFile: state.genesisFile, signer, nodeKey });
  keys.signers[String(index)] = signer;
  writeKeys(name, keys, stateRoot);
  state.nodes.push(node);
  writeState(state, stateRoot);
  log(`node ${index}: new signer ${signer.address}, syncing on ${rpcUrlOf(node)}`);
  await launch(state, node, stateRoot);
  await waitForPeers(state, node, 1);
  await waitForCommonHead(state, runningNodes(state), { timeoutMs: p.timeoutMs ?? 120_000 });
  const signers = await vote(state, signer.address, true, p.timeoutMs);
  log(`node ${index}: ${signer.address} is a signer (${signers.length} signers)`);
  return { index, signer: signer.address, rpcUrl: rpcUrlOf(node), signers };
}

export type RemoveValidatorParameters = NetworkParameters & { index: number; timeoutMs?: number };

/** `network remove-validator I`: the signers vote node I's signer out, then node I is stopped. */
export async function removeValidator(p: RemoveValidatorParameters): Promise<{ index: number; signer: Address; signers: Address[] }> {
  const { name, stateRoot, log } = common(p);
  const state = readState(name, stateRoot);
  forgetDeadPids(state);
  const node = nodeOf(state, p.index);
  const current = await cliqueGetSigners(nodeClient(state, runningNodes(state)[0]));
  if (current.length <= 1) throw new InvalidValidatorChangeError("Clique needs at least one signer: cannot remove the last one.");
  const signers = await vote(state, node.signer, false, p.timeoutMs);
  log(`node ${node.index}: ${node.signer} voted out (${signers.length} signers left); stopping it`);
  await stopNode(node);
  node.pid = null;
  node.removed = true;
  writeState(state, stateRoot);
  return { index: node.index, signer: node.signer, signers };
}

/**
 * Every running node whose signer is in the current set proposes `auth` for `address`; the vote
 * passes when more than half of the signers have included it in a block they sealed.
 */
async function vote(state: NetworkState, address: Address, auth: boolean, timeoutMs = 60_000 + 20_000 * state.periodSeconds): Promise<Address[]> {
  const running = runningNodes(state);
  const probe = nodeClient(state, running[0]);
  const current = (await cliqueGetSigners(probe)).map((a) => a.toLowerCase());
  const voters = running.filter((n) => current.includes(n.signer.toLowerCase()));
  if (voters.length <= current.length / 2) {
    throw new InvalidValidatorChangeError(`Only ${voters.length} of ${current.length} signers are running; a Clique vote needs more than half. Start the stopped validators first.`);
  }
  for (const v of voters) await cliquePropose(nodeClient(state, v), address, auth);
  try {
    return await waitFor(`the signers to ${auth ? "add" : "remove"} ${address}`, async () => {
      const signers = await cliqueGetSigners(probe);
      const included = signers.some((s) => s.toLowerCase() === address.toLowerCase());
      return included === auth ? signers : undefined;
    }, { timeoutMs, intervalMs: 500 });
  } finally {
    // A proposal stays until discarded; drop it so no signer keeps voting on a settled question.
    for (const v of voters) await cliqueDiscard(nodeClient(state, v), address).catch(() => undefined);
  }
}

// ---------------------------------------------------------------------------------------------
// down / reset

/** `network down`: stops every node this network recorded (by PID, after checking it is our geth). */
export async function networkDown(p: NetworkParameters = {}): Promise<{ stopped: number[]; notRunning: number[]; foreign: number[] }> {
  const { name, stateRoot, log } = common(p);
  const state = readState(name, stateRoot);
  const out = { stopped: [] as number[], notRunning: [] as number[], foreign: [] as number[] };
  for (const node of state.nodes) {
    if (node.pid === null) continue;
    try {
      const r = await stopNode(node);
      (r === "stopped" ? out.stopped : out.notRunning).push(node.index);
    } catch (err) {
      if ((err as Error).name !== "ForeignProcessError") throw err;
      out.foreign.push(node.index);
      log(`node ${node.index}: PID ${node.pid} is no longer our geth; left alone`);
    }
    node.pid = null;
    writeState(state, stateRoot);
  }
  log(`network ${name}: stopped ${out.stopped.length ? `node(s) ${out.stopped.join(", ")}` : "nothing"}`);
  return out;
}

/** `network reset`: down, then delete the network's state and its (local, throwaway) deployment record. */
export async function networkReset(p: NetworkParameters = {}): Promise<{ deleted: string[] }> {
  const { name, stateRoot, log } = common(p);
  const deleted: string[] = [];
  if (!stateExists(name, stateRoot)) {
    log(`network ${name}: nothing to reset`);
    return { deleted };
  }
  const state = readState(name, stateRoot);
  await networkDown(p);
  const deploymentDir = path.dirname(deploymentPath(name, state.deploymentsDir));
  if (existsSync(deploymentPath(name, state.deploymentsDir)) && readDeployment(name, state.deploymentsDir).chainId === state.chainId) {
    rmSync(deploymentDir, { recursive: true, force: true });
    deleted.push(deploymentDir);
  }
  const dir = networkDir(name, stateRoot);
  rmSync(dir, { recursive: true, force: true });
  deleted.push(dir);
  log(`network ${name}: deleted ${deleted.join(", ")}`);
  return { deleted };
}
