/**
 * The local proof-of-authority network: go-ethereum v1.13.15 Clique sealers on 127.0.0.1 with the
 * registry deployed, for researchers to run, break and measure. Node-only (spawns processes).
 */
export * from "./commands";
export { GETH_VERSION, ensureGeth } from "./engine";
export * from "./errors";
export { cliqueExtraData, cliqueGenesis, sortSigners, type CliqueGenesis, type CliqueGenesisParameters } from "./genesis";
export { chainOf, nodeClient, rpcUrlOf, txpoolStatus, cliqueGetSigner, cliqueGetSigners, type NodeClient } from "./rpc";
export { readKeys, readState, type KeyRecord, type NetworkKeys, type NetworkState, type NodeState } from "./state";
export { formatNetworkStatus, type NetworkStatus, type NodeStatus, type RecentBlock } from "./status";
export { waitForBlocks, waitForCommonHead, waitForSealBy } from "./consensus";
