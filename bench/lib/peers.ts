/**
 * The peers we compare against, deployed from their published npm packages' compiled artifacts
 * (TypeChain factories carrying ABI and bytecode): the OpenAttestation document store and the
 * Ethereum Attestation Service. Nothing of theirs is copied or recompiled here.
 *
 * Both packages' bytecode is free of PUSH0 (document store: solc 0.8.2; EAS 1.9.0: solc 0.8.29
 * for paris), so they run on the london chain our contracts target; see bench/peers.ts.
 */
import type { Signer } from "ethers";
import { DocumentStoreFactory } from "@govtechsg/document-store";
import { EAS__factory, SchemaRegistry__factory } from "@ethereum-attestation-service/eas-contracts";

/**
 * EAS schemas shaped like our permit record and lifecycle, so each side anchors the same facts.
 * The attester and the attestation time stand for our `issuer` and `issuedAt`; endorsement and
 * acceptance are attestations that reference the permit's (`refUID`); cancelling is a revocation.
 */
export const EAS_SCHEMAS = {
  permit:
    "bytes32 permitId,bytes32 documentHash,uint8 docType,bytes2 exportingCountry,bytes2 importingCountry,uint40 validUntil," +
    "bytes32 importPermitId,bytes32 originPermitId,bytes32 replacesPermitId,uint256[] authorised",
  endorsement: "uint256[] exported",
  acceptance: "bool accepted",
} as const;

export async function deployDocumentStore(owner: Signer) {
  const store = await new DocumentStoreFactory(owner).deploy("Benchmark store", await owner.getAddress());
  await store.waitForDeployment();
  return store;
}

export async function deployEas(deployer: Signer) {
  const schemaRegistry = await new SchemaRegistry__factory(deployer).deploy();
  await schemaRegistry.waitForDeployment();
  const eas = await new EAS__factory(deployer).deploy(await schemaRegistry.getAddress());
  await eas.waitForDeployment();
  const uids = {} as Record<keyof typeof EAS_SCHEMAS, string>;
  for (const [name, schema] of Object.entries(EAS_SCHEMAS) as [keyof typeof EAS_SCHEMAS, string][]) {
    const receipt = await (await schemaRegistry.register(schema, "0x0000000000000000000000000000000000000000", true)).wait();
    const registered = receipt!.logs.map((l) => schemaRegistry.interface.parseLog(l)).find((l) => l?.name === "Registered");
    uids[name] = registered!.args.uid as string;
  }
  return { schemaRegistry, eas, schemas: uids };
}
