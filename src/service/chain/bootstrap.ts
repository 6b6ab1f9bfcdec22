/**
 * First start of the embedded chain: deploy the PermitRegistry, admit the demo countries, give each
 * an authority admin, an issuer and a customs officer (each with its own fresh key, funded and
 * registered on chain), and record the deployment under `DATA_DIR/deployments/embedded/`.
 *
 * Later starts find the record and the contract's code and do nothing. If the record exists but
 * the chain no longer has the contract (its state file was lost), bootstrap says so and redeploys
 * only when asked (`redeployIfMissing`): the permits anchored before are gone with that chain.
 */
import path from "node:path";
import {
  createPublicClient,
  createWalletClient,
  defineChain,
  getAddress,
  http,
  parseEther,
  type Address,
  type Chain,
  type Hex,
  type PublicClient,
  type Transport,
} from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { permitRegistryAbi, permitRegistryBytecode } from "../../sdk/chain/generated/permitRegistry";
import { DeploymentNotFoundError, deploymentPath, readDeployment, writeDeployment, type DeploymentRecord } from "../../sdk/chain/deployment";
import { ROLE } from "../../sdk/chain/client";
import { waitForReceipt } from "../../sdk/chain/receipt";
import { countryToBytes2 } from "../../sdk/ids";
import { mnemonicKey, type ChainLog } from "./anvil";

/** The countries admitted on first start in embedded mode. */
export const DEMO_COUNTRIES = ["CH", "FR", "SG", "LK", "NO", "JP", "CL", "US", "ID"] as const;
export const EMBEDDED_NETWORK = "embedded";
/** Mnemonic account indexes: governance deploys and admits; the funder pays the officers. */
export const GOVERNANCE_ACCOUNT_INDEX = 0;
export const FUNDER_ACCOUNT_INDEX = 1;

export type KeyPair = { address: Address; privateKey: Hex };
export type CountryKeys = { admin: KeyPair; issuer: KeyPair; customs: KeyPair };
export type BootstrapKeys = { governance: KeyPair; countries: Record<string, CountryKeys> };

export type BootstrapOptions = {
  rpcUrl: string;
  dataDir: string;
  /** The chain mnemonic (see loadOrCreateMnemonic); governance and funder are derived from it. */
  mnemonic: string;
  countries?: readonly string[];
  /** Record name under `<dataDir>/deployments/`. */
  network?: string;
  /** The contract's delay before a governance transfer takes effect. */
  governanceTransferDelaySeconds?: number;
  /** ETH sent to each admin and officer for gas. */
  officerFundingEth?: string;
  /** Deploy again when the record exists but the chain lost the contract. */
  redeployIfMissing?: boolean;
  /**
   * Called with the new keys before the deployment record is written: store them here (encrypted).
   * If it throws, no record is written and the next start deploys afresh instead of finding a
   * registry whose keys were never kept.
   */
  persistKeys?: (keys: BootstrapKeys, deployment: DeploymentRecord) => Promise<void> | void;
  log?: ChainLog;
};

export type BootstrapResult =
  /** A registry was deployed now (`redeployed`: in place of one the chain lost). */
  | ({ status: "deployed" | "redeployed"; deployment: DeploymentRecord; deploymentFile: string; previousDeployment?: DeploymentRecord } & BootstrapKeys)
  /** The recorded registry is on the chain; nothing was done. */
  | { status: "existing"; deployment: DeploymentRecord; deploymentFile: string }
  /** The record exists but the chain has no contract there (or is another chain); nothing was done. */
  | { status: "contract-missing"; deployment: DeploymentRecord; deploymentFile: string; message: string };

export function deploymentsDir(dataDir: string): string {
  return path.join(path.resolve(dataDir), "deployments");
}

/** Deploys and admits on first start; detects an existing deployment on later starts. */
export async function bootstrapEmbedded(options: BootstrapOptions): Promise<BootstrapResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const network = options.network ?? EMBEDDED_NETWORK;
  const dir = deploymentsDir(options.dataDir);
  const deploymentFile = deploymentPath(network, dir);
  const probe = createPublicClient({ transport: http(options.rpcUrl) });
  const chainId = await probe.getChainId();
  const chain = embeddedChain(chainId, options.rpcUrl);
  const publicClient = createPublicClient({ chain, transport: http(options.rpcUrl, { batch: false }), pollingInterval: 50 });

  let previous: DeploymentRecord | undefined;
  try {
    previous = readDeployment(network, dir);
  } catch (err) {
    if (!(err instanceof DeploymentNotFoundError)) throw err;
  }
  if (previous) {
    const code = previous.chainId === chainId ? await publicClient.getCode({ address: previous.registry.address }) : undefined;
    if (code && code !== "0x") {
      log(`[bootstrap] registry ${previous.registry.address} found on chain ${chainId} (deployed ${previous.deployedAt}); nothing to do`);
      return { status: "existing", deployment: previous, deploymentFile };
    }
    const message =
      previous.chainId !== chainId
        ? `The deployment record ${deploymentFile} is for chain ${previous.chainId}, but the embedded chain is ${chainId}.`
        : `The deployment record ${deploymentFile} names registry ${previous.registry.address}, but the chain has no contract there: its state (DATA_DIR/chain/state.json) was lost or replaced. Permits anchored on it can no longer be verified.`;
    if (!options.redeployIfMissing) {
      log(`[bootstrap] ${message} Not redeploying: restore the state file, or start with the option to redeploy (a new registry; old permits stay unverifiable).`);
      return { status: "contract-missing", deployment: previous, deploymentFile, message };
    }
    log(`[bootstrap] ${message} Redeploying as asked.`);
  }

  const result = await deployAndAdmit(options, publicClient, chain, network, log);
  if (options.persistKeys) await options.persistKeys({ governance: result.governance, countries: result.countries }, result.deployment);
  const written = writeDeployment(result.deployment, dir);
  log(`[bootstrap] recorded ${written}`);
  return {
    status: previous ? "redeployed" : "deployed",
    deploymentFile: written,
    ...result,
    ...(previous ? { previousDeployment: previous } : {}),
  };
}

function embeddedChain(id: number, rpcUrl: string): Chain {
  return defineChain({
    id,
    name: "Embedded registry chain",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [rpcUrl] } },
  });
}

async function deployAndAdmit(
  options: BootstrapOptions,
  publicClient: PublicClient<Transport, Chain>,
  chain: Chain,
  network: string,
  log: ChainLog,
): Promise<{ deployment: DeploymentRecord } & BootstrapKeys> {
  const t0 = Date.now();
  const countries = [...(options.countries ?? DEMO_COUNTRIES)];
  for (const c of countries) countryToBytes2(c); // validates the codes before spending gas
  const transport = http(options.rpcUrl, { batch: false });
  const wallet = (privateKey: Hex) => createWalletClient({ chain, transport, account: privateKeyToAccount(privateKey), pollingInterval: 50 });

  const governance = mnemonicKey(options.mnemonic, GOVERNANCE_ACCOUNT_INDEX);
  const funder = mnemonicKey(options.mnemonic, FUNDER_ACCOUNT_INDEX);
  const governanceWallet = wallet(governance.privateKey);
  const funderWallet = wallet(funder.privateKey);

  const newKey = (): KeyPair => {
    const privateKey = generatePrivateKey();
    return { address: privateKeyToAccount(privateKey).address, privateKey };
  };
  const keys: Record<string, CountryKeys> = Object.fromEntries(countries.map((c) => [c, { admin: newKey(), issuer: newKey(), customs: newKey() }]));

  // Fees once for every transaction; doubled so a rising base fee does not strand any of them.
  const fees = await publicClient.estimateFeesPerGas();
  const fee = { maxFeePerGas: fees.maxFeePerGas * 2n, maxPriorityFeePerGas: fees.maxPriorityFeePerGas };
  const wait = async (hashes: Hex[], what: string) => {
    const receipts = await Promise.all(hashes.map((hash) => waitForReceipt(publicClient, hash)));
    const failed = receipts.find((r) => r.status !== "success");
    if (failed) throw new Error(`${what}: transaction ${failed.transactionHash} reverted`);
    return receipts;
  };

  // 1. Deploy (governance) while the funder pays every admin and officer (independent nonces).
  const deploying = (async () => {
    const hash = await governanceWallet.deployContract({
      abi: permitRegistryAbi,
      bytecode: permitRegistryBytecode,
      args: [options.governanceTransferDelaySeconds ?? 259_200, governance.address],
      ...fee,
    });
    const [receipt] = await wait([hash], "deployment");
    if (!receipt.contractAddress) throw new Error(`deployment ${hash} created no contract`);
    return { hash, receipt, address: getAddress(receipt.contractAddress) };
  })();
  const funding = (async () => {
    const value = parseEther(options.officerFundingEth ?? "100");
    let nonce = await publicClient.getTransactionCount({ address: funder.address, blockTag: "pending" });
    const hashes: Hex[] = [];
    for (const c of countries) {
      for (const k of [keys[c].admin, keys[c].issuer, keys[c].customs]) {
        hashes.push(await funderWallet.sendTransaction({ to: k.address, value, nonce: nonce++, gas: 21_000n, ...fee }));
      }
    }
    await wait(hashes, "funding");
  })();
  const deployed = await deploying;
  const registry = deployed.address;
  log(`[bootstrap] deployed PermitRegistry at ${registry} (block ${deployed.receipt.blockNumber})`);

  // 2. Governance admits every country, one transaction each, without waiting between them.
  let nonce = await publicClient.getTransactionCount({ address: governance.address, blockTag: "pending" });
  const admits: Hex[] = [];
  for (const c of countries) {
    admits.push(
      await governanceWallet.writeContract({
        address: registry, abi: permitRegistryAbi, functionName: "admitCountry", args: [countryToBytes2(c), keys[c].admin.address], nonce: nonce++, ...fee,
      }),
    );
  }
  await Promise.all([wait(admits, "admitCountry"), funding]);

  // 3. Each admin registers its issuer and customs officer; admins in parallel.
  const registrations = await Promise.all(
    countries.map(async (c) => {
      const admin = wallet(keys[c].admin.privateKey);
      const hashes: Hex[] = [];
      let n = 0;
      for (const [officer, role] of [[keys[c].issuer, "ISSUER"], [keys[c].customs, "CUSTOMS"]] as const) {
        hashes.push(
          await admin.writeContract({
            address: registry, abi: permitRegistryAbi, functionName: "registerOfficer", args: [officer.address, ROLE.indexOf(role)], nonce: n++, ...fee,
          }),
        );
      }
      return hashes;
    }),
  );
  await wait(registrations.flat(), "registerOfficer");

  const contractVersion = (await publicClient.readContract({ address: registry, abi: permitRegistryAbi, functionName: "version" })) as string;
  const deployment: DeploymentRecord = {
    network,
    chainId: chain.id,
    registry: {
      address: registry,
      deploymentTx: deployed.hash,
      blockNumber: Number(deployed.receipt.blockNumber),
      contractVersion,
    },
    governance: governance.address,
    countries: Object.fromEntries(countries.map((c) => [c, keys[c].admin.address])),
    deployedAt: new Date().toISOString(),
  };
  log(`[bootstrap] admitted ${countries.join(", ")} with an admin, an issuer and a customs officer each (${countries.length * 3 + 1} keys) in ${Date.now() - t0} ms`);
  return { deployment, governance, countries: keys };
}
