import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import type { KeyRecord } from "./state";

/** A fresh secp256k1 key and its address. */
export function newKey(): KeyRecord {
  const privateKey = generatePrivateKey();
  return { address: privateKeyToAccount(privateKey).address, privateKey };
}

/**
 * The enode URL of a node whose devp2p identity is `nodeKey`: the node id is the uncompressed
 * public key without its 0x04 prefix. Writing the key into `<datadir>/geth/nodekey` ourselves
 * means every node's enode is known before it starts.
 */
export function enodeOf(nodeKey: `0x${string}`, p2pPort: number, host = "127.0.0.1"): string {
  const id = privateKeyToAccount(nodeKey).publicKey.slice(4);
  return `enode://${id}@${host}:${p2pPort}?discport=0`;
}
