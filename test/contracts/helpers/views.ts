/** Reading a permit's state and record back in plain TypeScript values. */
import { expect } from "chai";
import { commitmentOf, recordFromChain, type PermitRecordStruct } from "../../../scripts/lib/permits";
import type { PermitRegistry } from "../../../typechain-types";

export type PlainState = {
  status: number;
  flags: number;
  docType: number;
  exportingCountry: string;
  importingCountry: string;
  validUntil: bigint;
  commitment: string;
  expired: boolean;
};

/** `permitState(permitId)` as plain values. */
export async function stateOf(registry: PermitRegistry, permitId: string): Promise<PlainState> {
  const [state, expired] = await registry.permitState(permitId);
  return {
    status: Number(state.status),
    flags: Number(state.flags),
    docType: Number(state.docType),
    exportingCountry: state.exportingCountry,
    importingCountry: state.importingCountry,
    validUntil: state.validUntil,
    commitment: state.commitment,
    expired,
  };
}

/**
 * Rebuilds the permit's record from its events and checks that it is exactly what the chain
 * committed to: the contract's `commitmentOf(record)` equals the stored commitment and equals the
 * TypeScript `commitmentOf` (the SDK's formula). Returns the record.
 */
export async function expectCommittedRecord(registry: PermitRegistry, permitId: string): Promise<PermitRecordStruct> {
  const record = await recordFromChain(registry, permitId);
  const stored = (await stateOf(registry, permitId)).commitment;
  const onChain = await registry.commitmentOf(record);
  expect(onChain, "contract commitmentOf(record) vs stored commitment").to.equal(stored);
  expect(commitmentOf(record), "TypeScript commitmentOf(record) vs stored commitment").to.equal(stored);
  return record;
}
