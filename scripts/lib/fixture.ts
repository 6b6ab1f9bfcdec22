/**
 * A registry with named actors, for tests and benchmarks on Hardhat's network: governance,
 * CH / FR / JP authorities each with an admin, an issuer and a customs officer, and a stranger.
 */
import { ethers } from "hardhat";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import type { PermitRegistry } from "../../typechain-types";
import { Role, country } from "./permits";

export type CountryActors = { admin: HardhatEthersSigner; issuer: HardhatEthersSigner; customs: HardhatEthersSigner };
export type RegistryFixture = {
  registry: PermitRegistry;
  governance: HardhatEthersSigner;
  stranger: HardhatEthersSigner;
  spare: HardhatEthersSigner[];
  CH: CountryActors;
  FR: CountryActors;
  JP: CountryActors;
  SG: CountryActors;
};

export const GOVERNANCE_DELAY = 3 * 24 * 3600;

export async function deployRegistryFixture(): Promise<RegistryFixture> {
  const signers = await ethers.getSigners();
  const [governance, stranger] = signers;
  const factory = await ethers.getContractFactory("PermitRegistry");
  const registry = (await factory.deploy(GOVERNANCE_DELAY, governance.address)) as unknown as PermitRegistry;
  await registry.waitForDeployment();
  const actors: Record<string, CountryActors> = {};
  let next = 2;
  for (const code of ["CH", "FR", "JP", "SG"]) {
    const [admin, issuer, customs] = signers.slice(next, next + 3);
    next += 3;
    await registry.connect(governance).admitCountry(country(code), admin.address);
    await registry.connect(admin).registerOfficer(issuer.address, Role.ISSUER);
    await registry.connect(admin).registerOfficer(customs.address, Role.CUSTOMS);
    actors[code] = { admin, issuer, customs };
  }
  return {
    registry, governance, stranger, spare: signers.slice(next),
    CH: actors.CH, FR: actors.FR, JP: actors.JP, SG: actors.SG,
  };
}
