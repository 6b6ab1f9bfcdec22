/**
 * Deploys the PermitRegistry to the selected network, admits the countries of the config file,
 * and records the deployment under deployments/<network>/deployment.json.
 *
 *   npx hardhat run scripts/deploy.ts --network localhost
 *   DEPLOY_CONFIG=path/to/config.json npx hardhat run scripts/deploy.ts --network <name>
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { artifacts, ethers, network } from "hardhat";
import { writeDeployment, type DeploymentRecord } from "../src/sdk/chain/deployment";
import { country } from "./lib/permits";

type DeployConfig = { governanceTransferDelaySeconds: number; governance: string; countries: Record<string, string> };

async function resolveAccount(spec: string): Promise<string> {
  const m = /^signer:(\d+)$/.exec(spec);
  if (!m) return ethers.getAddress(spec);
  const signers = await ethers.getSigners();
  const signer = signers[Number(m[1])];
  if (!signer) throw new Error(`${spec}: the node has only ${signers.length} unlocked accounts; give an address instead.`);
  return signer.address;
}

async function main() {
  const configPath = process.env.DEPLOY_CONFIG ?? "scripts/deploy.config.json";
  const config = JSON.parse(readFileSync(configPath, "utf8")) as DeployConfig;
  const [deployer] = await ethers.getSigners();
  const governance = await resolveAccount(config.governance);
  const { chainId } = await ethers.provider.getNetwork();
  console.log(`Deploying PermitRegistry to ${network.name} (chain ${chainId}) from ${deployer.address}`);

  const registry = await ethers.deployContract("PermitRegistry", [config.governanceTransferDelaySeconds, governance]);
  const deployTx = registry.deploymentTransaction()!;
  const receipt = (await deployTx.wait())!;
  const address = await registry.getAddress();
  console.log(`  registry ${address} (block ${receipt.blockNumber})`);

  const governanceSigner = await ethers.getSigner(governance);
  const countries: Record<string, string> = {};
  for (const [code, spec] of Object.entries(config.countries)) {
    const admin = await resolveAccount(spec);
    await (await registry.connect(governanceSigner).getFunction("admitCountry")(country(code), admin)).wait();
    countries[code] = admin;
    console.log(`  admitted ${code} with authority admin ${admin}`);
  }

  const record: DeploymentRecord = {
    network: network.name,
    chainId: Number(chainId),
    registry: {
      address: address as `0x${string}`,
      deploymentTx: deployTx.hash as `0x${string}`,
      blockNumber: receipt.blockNumber,
      contractVersion: await registry.getFunction("version")(),
    },
    governance: governance as `0x${string}`,
    countries: countries as Record<string, `0x${string}`>,
    deployedAt: new Date().toISOString(),
  };
  const file = writeDeployment(record);
  const artifact = await artifacts.readArtifact("PermitRegistry");
  writeFileSync(path.join(path.dirname(file), "PermitRegistry.abi.json"), JSON.stringify(artifact.abi, null, 2) + "\n");
  console.log(`Recorded ${file} and the ABI beside it.`);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
