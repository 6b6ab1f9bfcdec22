import { createWalletClient, getAddress, http, type Address, type Chain, type Hex } from "viem";
import { nonceManager, privateKeyToAccount } from "viem/accounts";
import { createRegistryClient } from "../sdk/chain/client";
import type { DeploymentRecord } from "../sdk/chain/deployment";
import { permitRegistryAbi, permitRegistryBytecode } from "../sdk/chain/generated/permitRegistry";
import { waitForReceipt } from "../sdk/chain/receipt";
import type { NodeClient } from "./rpc";
import type { CountryKeys, KeyRecord } from "./state";

/** Same governance transfer delay as scripts/deploy.config.json (3 days). */
export const GOVERNANCE_TRANSFER_DELAY_SECONDS = 3 * 24 * 3600;

export type DeployRegistryParameters = {
  /** Name recorded in deployments/<network>/. */
  network: string;
  publicClient: NodeClient;
  chain: Chain;
  rpcUrl: string;
  governance: KeyRecord;
  /**
   * Countries to admit. With the full keys (demo networks) the admin also registers the issuer and
   * customs officer; with only the admin's address (a shared network) the admin does that later.
   */
  countries: Record<string, CountryKeys | { admin: Address }>;
};

const hasOfficerKeys = (c: CountryKeys | { admin: Address }): c is CountryKeys => "issuer" in c && "privateKey" in c.admin;

/**
 * Deploys the PermitRegistry with plain JSON-RPC (signed raw transactions), admits the demo
 * countries and registers their officers; returns the deployment record to write.
 */
export async function deployRegistry(p: DeployRegistryParameters): Promise<DeploymentRecord> {
  const wallet = (key: KeyRecord) =>
    createWalletClient({ chain: p.chain, transport: http(p.rpcUrl), account: privateKeyToAccount(key.privateKey, { nonceManager }) });
  const governanceWallet = wallet(p.governance);
  const deploymentTx = await governanceWallet.deployContract({
    abi: permitRegistryAbi,
    bytecode: permitRegistryBytecode,
    args: [GOVERNANCE_TRANSFER_DELAY_SECONDS, p.governance.address],
  });
  const receipt = await waitForReceipt(p.publicClient, deploymentTx);
  if (receipt.status !== "success" || !receipt.contractAddress) throw new TypeError(`registry deployment ${deploymentTx} failed`);
  const address = getAddress(receipt.contractAddress);

  const registryAs = (key: KeyRecord) => createRegistryClient({ publicClient: p.publicClient, walletClient: wallet(key), address, fromBlock: receipt.blockNumber });
  const governance = registryAs(p.governance);
  // Admissions go out together (the nonce manager numbers them); each country's officers follow.
  const adminOf = (c: CountryKeys | { admin: Address }) => (typeof c.admin === "string" ? c.admin : c.admin.address);
  await Promise.all(Object.entries(p.countries).map(([code, c]) => governance.admitCountry(code, adminOf(c))));
  await Promise.all(
    Object.values(p.countries).filter(hasOfficerKeys).map(async (keys) => {
      const admin = registryAs(keys.admin);
      await admin.registerOfficer(keys.issuer.address, "ISSUER");
      await admin.registerOfficer(keys.customs.address, "CUSTOMS");
    }),
  );

  return {
    network: p.network,
    chainId: p.chain.id,
    registry: {
      address,
      deploymentTx: deploymentTx as Hex,
      blockNumber: Number(receipt.blockNumber),
      contractVersion: await governance.version(),
    },
    governance: p.governance.address,
    countries: Object.fromEntries(Object.entries(p.countries).map(([code, c]) => [code, adminOf(c)])),
    deployedAt: new Date().toISOString(),
  };
}
