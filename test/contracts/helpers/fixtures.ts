/**
 * Fixtures and small helpers shared by the contract tests. Everything here is a module-level
 * named function so `loadFixture` can snapshot it once per file.
 */
import { ethers } from "hardhat";
import { time } from "@nomicfoundation/hardhat-network-helpers";
import { deployRegistryFixture, type CountryActors, type RegistryFixture } from "../../../scripts/lib/fixture";
import {
  DocType,
  Role,
  ZERO32,
  country,
  makeInput,
  permitIdOf,
  type PermitInputStruct,
  type PermitTermsInput,
} from "../../../scripts/lib/permits";
import type { PermitRegistry } from "../../../typechain-types";

export const DAY = 86_400n;
/** `bytes2(0)`: the country an `Unauthorized` error names for an account that was never registered. */
export const NO_COUNTRY = "0x0000";
export const DEFAULT_ADMIN_ROLE = ZERO32;

export type ExtendedFixture = RegistryFixture & {
  /** Sri Lanka, Norway and Chile, admitted for the sample permits 02, 06 and 07. */
  LK: CountryActors;
  NO: CountryActors;
  CL: CountryActors;
  /** spare signers not used by any country */
  free: RegistryFixture["spare"];
};

/** The shared fixture plus LK, NO and CL, each with an admin, an issuer and a customs officer. */
export async function deployWithSampleCountriesFixture(): Promise<ExtendedFixture> {
  const base = await deployRegistryFixture();
  const spare = [...base.spare];
  const admit = async (code: string): Promise<CountryActors> => {
    const [admin, issuer, customs] = spare.splice(0, 3);
    await base.registry.connect(base.governance).admitCountry(country(code), admin.address);
    await base.registry.connect(admin).registerOfficer(issuer.address, Role.ISSUER);
    await base.registry.connect(admin).registerOfficer(customs.address, Role.CUSTOMS);
    return { admin, issuer, customs };
  };
  const LK = await admit("LK");
  const NO = await admit("NO");
  const CL = await admit("CL");
  return { ...base, LK, NO, CL, free: spare };
}

/** The timestamp of the latest block. */
export async function now(): Promise<bigint> {
  return BigInt(await time.latest());
}

let counter = 0;

/**
 * A valid CH → JP export permit input issued "now", with a fresh number unless one is given.
 * Validity 30 days from the latest block.
 */
export async function chExport(overrides: Partial<PermitTermsInput> = {}): Promise<PermitInputStruct> {
  const n = ++counter;
  return makeInput({
    permitNumber: `CH-T-${n}`,
    documentHash: ethers.keccak256(ethers.toUtf8Bytes(`document ${n}`)),
    exporting: "CH",
    importing: "JP",
    validUntil: (await now()) + 30n * DAY,
    quantities: [120_000n, 14_500n],
    ...overrides,
  });
}

/** The permit id of an input, as the contract derives it (issuing country ‖ permit number). */
export function idOfInput(input: PermitInputStruct): string {
  const docType = Number(input.terms & 0xffn);
  const exporting = (input.terms >> 8n) & 0xffffn;
  const importing = (input.terms >> 24n) & 0xffffn;
  const issuing = docType === DocType.CITES_IMPORT_PERMIT ? importing : exporting;
  return ethers.keccak256(ethers.solidityPacked(["bytes2", "bytes32"], [ethers.toBeHex(issuing, 2), input.permitNumber]));
}

/** Issues `input` as `issuer` and returns the permit id. */
export async function issued(
  registry: PermitRegistry,
  issuer: RegistryFixture["governance"],
  input: PermitInputStruct,
): Promise<string> {
  await registry.connect(issuer).issue(input);
  return idOfInput(input);
}

export { DocType, ZERO32, country, makeInput, permitIdOf };
