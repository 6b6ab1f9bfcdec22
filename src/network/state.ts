import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Address, Hex } from "viem";
import { NetworkNotFoundError } from "./errors";

/**
 * What the tooling remembers about a local network, in `<stateRoot>/<name>/network.json`
 * (default `.networks/<name>/`, git-ignored): enough to stop exactly the processes it started and
 * to restart any node from its datadir. Private keys live beside it in `keys.json` (demo only).
 */
export type NodeState = {
  index: number;
  /** geth datadir (keystore, chaindata, nodekey, password.txt). */
  dataDir: string;
  /** The Clique signer (also the miner etherbase) this node seals with. */
  signer: Address;
  enode: string;
  httpPort: number;
  p2pPort: number;
  authRpcPort: number;
  logFile: string;
  /** PID of the running geth, or null when stopped by the tool. */
  pid: number | null;
  /** Voted out of the signer set and stopped for good. */
  removed?: boolean;
};

export type NetworkState = {
  name: string;
  chainId: number;
  periodSeconds: number;
  epoch: number;
  gasLimit: string;
  basePort: number;
  gethBin: string;
  gethVersion: string;
  genesisFile: string;
  deploymentsDir: string;
  createdAt: string;
  nodes: NodeState[];
};

export type KeyRecord = { address: Address; privateKey: Hex };
export type CountryKeys = { admin: KeyRecord; issuer: KeyRecord; customs: KeyRecord };
export type NetworkKeys = {
  /** Deploys the registry and holds its governance role. */
  governance: KeyRecord;
  countries: Record<string, CountryKeys>;
  /** Funded accounts with no role, for experiments. */
  demo: KeyRecord[];
  /** Signer keys by node index (also in each node's keystore). */
  signers: Record<string, KeyRecord>;
};

export const DEFAULT_STATE_ROOT = ".networks";
const STATE_FILE = "network.json";
const KEYS_FILE = "keys.json";

export function networkDir(name: string, stateRoot = DEFAULT_STATE_ROOT): string {
  return path.resolve(stateRoot, name);
}

export function nodeDir(netDir: string, index: number): string {
  return path.join(netDir, "nodes", String(index));
}

export function stateExists(name: string, stateRoot = DEFAULT_STATE_ROOT): boolean {
  return existsSync(path.join(networkDir(name, stateRoot), STATE_FILE));
}

export function readState(name: string, stateRoot = DEFAULT_STATE_ROOT): NetworkState {
  const file = path.join(networkDir(name, stateRoot), STATE_FILE);
  if (!existsSync(file)) throw new NetworkNotFoundError(name, path.resolve(stateRoot));
  return JSON.parse(readFileSync(file, "utf8")) as NetworkState;
}

/** Written atomically (rename) after every change, so a crash never leaves a half-written file. */
export function writeState(state: NetworkState, stateRoot = DEFAULT_STATE_ROOT): void {
  writeJsonAtomic(path.join(networkDir(state.name, stateRoot), STATE_FILE), state);
}

export function readKeys(name: string, stateRoot = DEFAULT_STATE_ROOT): NetworkKeys {
  const file = path.join(networkDir(name, stateRoot), KEYS_FILE);
  if (!existsSync(file)) throw new NetworkNotFoundError(name, path.resolve(stateRoot));
  return JSON.parse(readFileSync(file, "utf8")) as NetworkKeys;
}

export function writeKeys(name: string, keys: NetworkKeys, stateRoot = DEFAULT_STATE_ROOT): void {
  writeJsonAtomic(path.join(networkDir(name, stateRoot), KEYS_FILE), keys, 0o600);
}

function writeJsonAtomic(file: string, value: unknown, mode = 0o644): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(value, null, 2) + "\n", { mode });
  renameSync(tmp, file);
}
