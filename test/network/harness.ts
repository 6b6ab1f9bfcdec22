/**
 * A real go-ethereum v1.13.15 Clique network for tests: a throwaway state folder and deployments
 * folder under the OS temp dir, free ports, SDK clients per actor, and fault injection. Every geth
 * process it starts is stopped in `teardown()` and, as a last resort, SIGKILLed when the test
 * process exits.
 *
 * Also the entry point for other suites that need the PoA network (the service's "keeps accepting
 * permits as PENDING while the chain is halted" test): `startTestNetwork`, `haltChain`,
 * `resumeChain`, `permitDocument`.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createWalletClient, http, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { createRegistryClient, permitInputOf, type DeploymentRecord, type PermitInput, type RegistryClient } from "../../src/sdk/chain";
import { documentHash, newSalt, type PermitDocument } from "../../src/sdk/document";
import { permitIdOf } from "../../src/sdk/ids";
import {
  chainOf, ensureGeth, networkDown, networkUp, nodeClient, readKeys, readState, rpcUrlOf, startValidator, stopValidator,
  type NetworkKeys, type NetworkState, type NodeClient, type NodeState,
} from "../../src/network";
import { isOurGeth, isPortFree } from "../../src/network/process";

const FIXTURE = path.join(__dirname, "..", "sdk", "document", "fixtures", "01-ch-export-python-skins.json");

/** A running test network with SDK clients per actor and fault injection. */
export type TestNetwork = {
  name: string;
  stateRoot: string;
  deploymentsDir: string;
  basePort: number;
  deployment: DeploymentRecord;
  keys: NetworkKeys;
  /** `{ name, stateRoot, log }` for the src/network command functions. */
  common: { name: string; stateRoot: string; log: (line: string) => void };
  state(): NetworkState;
  node(index: number): NodeState;
  /** Nodes the tool has running (not stopped, not voted out). */
  running(): NodeState[];
  client(index: number): NodeClient;
  registryAs(key: { privateKey: Hex } | undefined, via?: number): RegistryClient;
  actors(via?: number): { reader: RegistryClient; chIssuer: RegistryClient; chCustoms: RegistryClient; jpCustoms: RegistryClient };
  stop(index: number, signal?: NodeJS.Signals): ReturnType<typeof stopValidator>;
  start(index: number, opts?: { peer?: boolean; waitForSync?: boolean }): ReturnType<typeof startValidator>;
  teardown(): Promise<void>;
};

/**
 * Makes sure geth is installed (building it once if needed, with progress on stderr). Returns
 * false — after a loud banner — only when Go is truly absent and nothing is cached.
 */
export async function gethAvailable(): Promise<boolean> {
  try {
    await ensureGeth({ onProgress: (line) => console.error(`      ${line}`) });
    return true;
  } catch (err) {
    if ((err as Error).name !== "GoNotInstalledError") throw err;
    const bar = "!".repeat(100);
    console.warn(`\n${bar}\n!! SKIPPED: local proof-of-authority network tests.\n!! ${(err as Error).message.replace(/\n+/g, "\n!! ")}\n${bar}\n`);
    return false;
  }
}

/** A base port such that nodes 0..count-1 find their HTTP, p2p and engine ports free. */
export async function findFreeBasePort(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 18_000);
    const ports = Array.from({ length: count }, (_, i) => [base + i, base + 1000 + i, base + 2000 + i]).flat();
    if ((await Promise.all(ports.map(isPortFree))).every(Boolean)) return base;
  }
  throw new Error("no free port range found");
}

/** Last resort when the test process dies: SIGKILL whatever geth this network still records. */
function killOnExit(name: string, stateRoot: string) {
  const hook = () => {
    try {
      const state = JSON.parse(readFileSync(path.join(stateRoot, name, "network.json"), "utf8")) as NetworkState;
      for (const n of state.nodes) if (n.pid !== null && isOurGeth(n.pid, n.dataDir)) process.kill(n.pid, "SIGKILL");
    } catch {
      /* nothing recorded */
    }
  };
  process.on("exit", hook);
  return () => process.off("exit", hook);
}

export async function startTestNetwork({ validators = 3, periodSeconds = 1, name = "poa-test", extraPorts = 2 } = {}): Promise<TestNetwork> {
  const root = mkdtempSync(path.join(os.tmpdir(), "permit-registry-poa-"));
  const stateRoot = path.join(root, "networks");
  const deploymentsDir = path.join(root, "deployments");
  const basePort = await findFreeBasePort(validators + extraPorts);
  const log = (line: string) => console.error(`      [network] ${line}`);
  const common = { name, stateRoot, log };
  const forgetExitHook = killOnExit(name, stateRoot);
  let up: Awaited<ReturnType<typeof networkUp>>;
  try {
    up = await networkUp({ ...common, validators, periodSeconds, basePort, deploymentsDir, chainId: 1973 });
  } catch (err) {
    await networkDown(common).catch(() => undefined);
    forgetExitHook();
    throw err;
  }
  const deployment: DeploymentRecord = up.deployment;
  const keys: NetworkKeys = readKeys(name, stateRoot);

  const state = () => readState(name, stateRoot);
  const node = (index: number) => state().nodes.find((n) => n.index === index)!;
  const client = (index: number): NodeClient => nodeClient(state(), node(index), { timeoutMs: 10_000 });

  /** A registry client signing as `key`, talking to node `via`. */
  const registryAs = (key: { privateKey: Hex } | undefined, via = 0): RegistryClient => {
    const s = state();
    const url = rpcUrlOf(node(via));
    return createRegistryClient({
      publicClient: client(via),
      walletClient: key ? createWalletClient({ chain: chainOf(s, url), transport: http(url), account: privateKeyToAccount(key.privateKey) }) : undefined,
      address: deployment.registry.address,
      fromBlock: BigInt(deployment.registry.blockNumber),
    });
  };

  return {
    name, stateRoot, deploymentsDir, basePort, deployment, keys, common,
    state, node, client, registryAs,
    running: () => state().nodes.filter((n) => n.pid !== null && !n.removed),
    actors: (via = 0) => ({
      reader: registryAs(undefined, via),
      chIssuer: registryAs(keys.countries.CH.issuer, via),
      chCustoms: registryAs(keys.countries.CH.customs, via),
      jpCustoms: registryAs(keys.countries.JP.customs, via),
    }),
    stop: (index: number, signal: NodeJS.Signals = "SIGTERM") => stopValidator({ ...common, index, signal }),
    start: (index: number, opts: { peer?: boolean; waitForSync?: boolean } = {}) => startValidator({ ...common, index, ...opts }),
    async teardown() {
      try {
        await networkDown(common);
      } finally {
        forgetExitHook();
        if (!process.env.KEEP_POA_NETWORK) rmSync(root, { recursive: true, force: true });
        else console.error(`      [network] kept ${root}`);
      }
    },
  };
}

let serial = 0;
/** A CH → JP export permit valid from today for 30 days, with a permit number never used before. */
export function permitDocument(): PermitDocument {
  const doc = JSON.parse(readFileSync(FIXTURE, "utf8")) as PermitDocument;
  const today = new Date();
  const iso = (d: Date) => d.toISOString().slice(0, 10);
  return {
    ...doc,
    permitNumber: `CH-POA-${Date.now().toString(36)}-${serial++}`,
    issuedOn: iso(today),
    validUntil: iso(new Date(today.getTime() + 30 * 86_400_000)),
  };
}

export function anchorInput(document: PermitDocument): { input: PermitInput; permitId: Hex } {
  return { input: permitInputOf(document, documentHash(document, newSalt())), permitId: permitIdOf(document.issuingCountry, document.permitNumber) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Stops every validator but `keep` (SIGTERM) and waits until the head stays still for
 * `stillPeriods` Clique periods: with fewer than half the signers, Clique cannot seal.
 */
export async function haltChain(net: TestNetwork, keep: number, { stillPeriods = 3 } = {}): Promise<bigint> {
  for (const n of net.state().nodes) if (n.index !== keep && n.pid !== null && !n.removed) await net.stop(n.index);
  const client = net.client(keep);
  const period = net.state().periodSeconds * 1000;
  let head = await client.getBlockNumber();
  let stillSince = Date.now();
  while (Date.now() - stillSince < stillPeriods * period + 500) {
    await sleep(250);
    const now = await client.getBlockNumber();
    if (now !== head) {
      head = now;
      stillSince = Date.now();
    }
  }
  return head;
}

/** Starts every stopped (not removed) validator again and waits until they agree on the head. */
export async function resumeChain(net: TestNetwork): Promise<void> {
  for (const n of net.state().nodes) if (n.pid === null && !n.removed) await net.start(n.index);
}
