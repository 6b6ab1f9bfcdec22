import type { Address, Hex } from "viem";
import { isAlive, isOurGeth } from "./process";
import { cliqueGetSigner, cliqueGetSigners, nodeClient, peerCount, rpcUrlOf } from "./rpc";
import type { NetworkState } from "./state";

export type NodeStatus = {
  index: number;
  signer: Address;
  rpcUrl: string;
  pid: number | null;
  running: boolean;
  removed: boolean;
  head?: { number: bigint; hash: Hex };
  peers?: number;
  error?: string;
};

export type RecentBlock = { number: bigint; hash: Hex; timestamp: bigint; secondsSinceParent?: bigint; sealer: Address; transactions: number; gasUsed: bigint };

export type NetworkStatus = {
  name: string;
  chainId: number;
  periodSeconds: number;
  /** Current Clique signers, as the first reachable node sees them. */
  signers: Address[];
  nodes: NodeStatus[];
  recentBlocks: RecentBlock[];
};

/** Reads the live status of every node: process, head, peers; signers and recent block times. */
export async function readNetworkStatus(state: NetworkState, { recent = 10 } = {}): Promise<NetworkStatus> {
  const nodes: NodeStatus[] = await Promise.all(
    state.nodes.map(async (n) => {
      const running = n.pid !== null && isAlive(n.pid) && isOurGeth(n.pid, n.dataDir);
      const status: NodeStatus = { index: n.index, signer: n.signer, rpcUrl: rpcUrlOf(n), pid: n.pid, running, removed: !!n.removed };
      if (!running) return status;
      try {
        const client = nodeClient(state, n, { timeoutMs: 3_000 });
        const block = await client.getBlock();
        status.head = { number: block.number, hash: block.hash };
        status.peers = await peerCount(client);
      } catch (err) {
        status.error = (err as Error).message.split("\n")[0];
      }
      return status;
    }),
  );
  const reachable = nodes.find((n) => n.head);
  let signers: Address[] = [];
  const recentBlocks: RecentBlock[] = [];
  if (reachable) {
    const client = nodeClient(state, state.nodes.find((n) => n.index === reachable.index)!);
    signers = await cliqueGetSigners(client);
    const head = reachable.head!.number;
    const from = head - BigInt(recent) >= 0n ? head - BigInt(recent) : 0n;
    let previous: bigint | undefined;
    for (let n = from; n <= head; n++) {
      const b = await client.getBlock({ blockNumber: n });
      if (n > from) {
        recentBlocks.push({
          number: b.number, hash: b.hash, timestamp: b.timestamp,
          secondsSinceParent: previous === undefined ? undefined : b.timestamp - previous,
          sealer: await cliqueGetSigner(client, n),
          transactions: b.transactions.length, gasUsed: b.gasUsed,
        });
      }
      previous = b.timestamp;
    }
  }
  return { name: state.name, chainId: state.chainId, periodSeconds: state.periodSeconds, signers, nodes, recentBlocks };
}

/** Human-readable status, as `permit-registry network status` prints it. */
export function formatNetworkStatus(s: NetworkStatus): string {
  const lines = [`network ${s.name} · chain ${s.chainId} · Clique period ${s.periodSeconds} s · ${s.signers.length} signer(s)`];
  const isSigner = (a: Address) => s.signers.some((x) => x.toLowerCase() === a.toLowerCase());
  for (const n of s.nodes) {
    const what = n.removed ? "removed" : n.running ? "running" : "stopped";
    const head = n.head ? `head #${n.head.number} ${n.head.hash.slice(0, 12)}…` : n.error ? `unreachable: ${n.error}` : "";
    const peers = n.peers !== undefined ? `${n.peers} peer(s)` : "";
    lines.push(`  node ${n.index}  ${what.padEnd(7)} pid ${String(n.pid ?? "-").padEnd(7)} ${n.rpcUrl}  signer ${n.signer}${isSigner(n.signer) ? "" : " (not a signer)"}  ${head}  ${peers}`.trimEnd());
  }
  if (s.recentBlocks.length) {
    lines.push("  recent blocks:");
    for (const b of s.recentBlocks) {
      lines.push(`    #${b.number}  +${b.secondsSinceParent ?? "?"} s  sealed by ${b.sealer}  ${b.transactions} tx  ${b.gasUsed} gas`);
    }
  }
  return lines.join("\n");
}
