import type { Address, Hex } from "viem";
import { NetworkTimeoutError } from "./errors";
import { adminAddPeer, cliqueGetSigner, nodeClient, peerCount, type NodeClient } from "./rpc";
import type { NetworkState, NodeState } from "./state";

/** Waiting for the network to reach a state: common head, new blocks, a node's own seal. */

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function runningNodes(state: NetworkState): NodeState[] {
  return state.nodes.filter((n) => n.pid !== null && !n.removed);
}

/** Polls `probe` until it returns a value (not undefined) or `timeoutMs` passes. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, { timeoutMs = 60_000, intervalMs = 250 } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = "";
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = (err as Error).message?.split("\n")[0] ?? String(err);
    }
    if (Date.now() > deadline) throw new NetworkTimeoutError(what, timeoutMs, last || undefined);
    await sleep(intervalMs);
  }
}

/**
 * Static peering (no discovery): asks `node` to dial every other running node and every other
 * running node to dial it. Static peers are redialled by geth when a connection drops, but the
 * list lives in memory, so this runs again whenever a node (re)starts.
 */
export async function peerWithOthers(state: NetworkState, node: NodeState): Promise<void> {
  const self = nodeClient(state, node);
  for (const other of runningNodes(state)) {
    if (other.index === node.index) continue;
    await adminAddPeer(self, other.enode);
    await adminAddPeer(nodeClient(state, other), node.enode);
  }
}

/**
 * Waits until `node` has at least `min` peers. The default is longer than geth's dial history
 * (35 s): a dial that failed while a peer was still starting is not tried again before then.
 */
export async function waitForPeers(state: NetworkState, node: NodeState, min: number, timeoutMs = 75_000): Promise<number> {
  const client = nodeClient(state, node);
  return waitFor(`node ${node.index} to have ${min} peer(s)`, async () => {
    const n = await peerCount(client);
    return n >= min ? n : undefined;
  }, { timeoutMs });
}

export type CommonHead = { number: bigint; hash: Hex };

/**
 * Waits until every node in `nodes` has caught up with the highest head seen when the wait began
 * (and with `minNumber`), and all have the same block at the lowest of their heads: they agree on
 * the chain. Returns that common block.
 */
export async function waitForCommonHead(state: NetworkState, nodes: NodeState[], { minNumber = 0n, timeoutMs = 60_000 } = {}): Promise<CommonHead> {
  const clients = nodes.map((n) => nodeClient(state, n));
  let target: bigint | undefined;
  let seen = "";
  return waitFor(`nodes ${nodes.map((n) => n.index).join(", ")} to agree on a common head`, async () => {
    const heads = await Promise.all(clients.map((c) => c.getBlockNumber()));
    const lowest = heads.reduce((a, b) => (a < b ? a : b));
    const highest = heads.reduce((a, b) => (a > b ? a : b));
    if (target === undefined) target = highest > minNumber ? highest : minNumber;
    seen = `heads ${heads.join(", ")} (waiting for all ≥ ${target})`;
    if (lowest < target) throw new Error(seen);
    const blocks = await Promise.all(clients.map((c) => c.getBlock({ blockNumber: lowest })));
    if (blocks.every((b) => b.hash === blocks[0].hash)) return { number: lowest, hash: blocks[0].hash };
    throw new Error(`${seen}; different hashes at ${lowest}`);
  }, { timeoutMs });
}

/** Waits until `client`'s head passes `after` by `count` blocks; returns the new head number. */
export async function waitForBlocks(client: NodeClient, count: number, { after, timeoutMs = 60_000 }: { after?: bigint; timeoutMs?: number } = {}): Promise<bigint> {
  const start = after ?? (await client.getBlockNumber());
  return waitFor(`${count} new block(s) after ${start}`, async () => {
    const head = await client.getBlockNumber();
    return head >= start + BigInt(count) ? head : undefined;
  }, { timeoutMs });
}

/** Waits for a block after `after` sealed by `signer`; returns its number. */
export async function waitForSealBy(client: NodeClient, signer: Address, { after, timeoutMs = 60_000 }: { after: bigint; timeoutMs?: number }): Promise<bigint> {
  let checked = after;
  return waitFor(`a block sealed by ${signer} after ${after}`, async () => {
    const head = await client.getBlockNumber();
    for (let n = checked + 1n; n <= head; n++) {
      if ((await cliqueGetSigner(client, n)).toLowerCase() === signer.toLowerCase()) return n;
      checked = n;
    }
    return undefined;
  }, { timeoutMs });
}
