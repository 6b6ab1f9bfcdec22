import { createPublicClient, defineChain, http, type Address, type Chain, type Hex, type PublicClient, type Transport } from "viem";
import type { NetworkState, NodeState } from "./state";

/**
 * JSON-RPC to the local nodes through viem. Normal work (reads, writes, receipts) uses standard
 * `eth_*` methods only; the geth-specific namespaces appear here, and only here, for the network's
 * own status, peering and Clique votes.
 */

export function rpcUrlOf(node: Pick<NodeState, "httpPort">): string {
  return `http://127.0.0.1:${node.httpPort}`;
}

/** A viem chain for the local network (block time = Clique period, so viem polls sensibly). */
export function chainOf(state: Pick<NetworkState, "chainId" | "name" | "periodSeconds">, rpcUrl: string): Chain {
  return defineChain({
    id: state.chainId,
    name: `permit-registry ${state.name} (Clique)`,
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
    blockTime: state.periodSeconds * 1000,
  });
}

export type NodeClient = PublicClient<Transport, Chain>;

export function nodeClient(state: Pick<NetworkState, "chainId" | "name" | "periodSeconds">, node: Pick<NodeState, "httpPort">, { timeoutMs = 5_000 } = {}): NodeClient {
  const url = rpcUrlOf(node);
  return createPublicClient({
    chain: chainOf(state, url),
    transport: http(url, { retryCount: 0, timeout: timeoutMs }),
    pollingInterval: 250,
  });
}

type Rpc = { request(args: { method: string; params?: unknown }): Promise<unknown> };
const req = <T>(client: NodeClient, method: string, params: unknown[] = []) =>
  (client as unknown as Rpc).request({ method, params }) as Promise<T>;

/** Current Clique signers at the head (`clique_getSigners`). */
export const cliqueGetSigners = (c: NodeClient) => req<Address[]>(c, "clique_getSigners");
/** The signer that sealed a block, recovered from its extraData seal (`clique_getSigner`). */
export const cliqueGetSigner = (c: NodeClient, blockNumber: bigint) => req<Address>(c, "clique_getSigner", [`0x${blockNumber.toString(16)}`]);
/** This node's signer will vote to add (`auth`) or drop `address` in the blocks it seals. */
export const cliquePropose = (c: NodeClient, address: Address, auth: boolean) => req<null>(c, "clique_propose", [address, auth]);
export const cliqueDiscard = (c: NodeClient, address: Address) => req<null>(c, "clique_discard", [address]);
export const cliqueProposals = (c: NodeClient) => req<Record<Address, boolean>>(c, "clique_proposals");

export const adminAddPeer = (c: NodeClient, enode: string) => req<boolean>(c, "admin_addPeer", [enode]);
export const adminPeers = (c: NodeClient) => req<{ enode: string; id: string }[]>(c, "admin_peers");

/** Pending and queued transaction counts of the node's pool (`txpool_status`). */
export async function txpoolStatus(c: NodeClient): Promise<{ pending: number; queued: number }> {
  const s = await req<{ pending: Hex; queued: Hex }>(c, "txpool_status");
  return { pending: Number(s.pending), queued: Number(s.queued) };
}

/** Standard `net_peerCount`. */
export const peerCount = async (c: NodeClient) => Number(await req<Hex>(c, "net_peerCount"));
