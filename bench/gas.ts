/**
 * Gas of each registry operation on Hardhat's network (london), written to
 * bench/results/gas.json and docs/gas.md. Run: `npm run bench:gas`.
 * Goals (issue #2): single issue ≤ 60,000; batch of 50 ≤ 30,000 per permit; endorse ≤ 45,000;
 * accept import ≤ 35,000.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { ethers, network } from "hardhat";
import { deployRegistryFixture } from "../scripts/lib/fixture";
import { CancelReason, DocType, NonComplianceReason, makeInput, permitIdOf, recordFromChain, type PermitInputStruct, type PermitTermsInput } from "../scripts/lib/permits";

const DAY = 86400n;

function input(n: number, lines = 2, overrides: Partial<PermitTermsInput> = {}, now: bigint): PermitInputStruct {
  return makeInput({
    permitNumber: `CH-2026-${String(n).padStart(6, "0")}`,
    documentHash: ethers.keccak256(ethers.toUtf8Bytes(`doc-${n}`)),
    exporting: "CH",
    importing: "JP",
    validUntil: now + 150n * DAY,
    quantities: Array.from({ length: lines }, (_, i) => BigInt(120_000 + i * 14_500)),
    ...overrides,
  });
}

async function gasOf(tx: Promise<{ wait(): Promise<{ gasUsed: bigint } | null> }>): Promise<number> {
  const receipt = await (await tx).wait();
  return Number(receipt!.gasUsed);
}

async function main() {
  const f = await deployRegistryFixture();
  const { registry, CH, FR, JP } = f;
  const now = BigInt((await ethers.provider.getBlock("latest"))!.timestamp);
  let n = 0;
  const rows: { operation: string; gas: number; perPermit?: number; goal?: number }[] = [];
  const record = (row: (typeof rows)[number]) => {
    rows.push(row);
    console.error(`  ${row.operation}: ${row.gas}${row.perPermit ? ` (${row.perPermit} per permit)` : ""}`);
  };

  const issue1 = await gasOf(registry.connect(CH.issuer).issue(input(++n, 2, {}, now)));
  record({ operation: "issue (2 lines)", gas: issue1, goal: 60_000 });
  const issue1line = await gasOf(registry.connect(CH.issuer).issue(input(++n, 1, {}, now)));
  record({ operation: "issue (1 line)", gas: issue1line, goal: 60_000 });

  for (const size of [10, 50, 200]) {
    const batch = Array.from({ length: size }, () => input(++n, 2, {}, now));
    const gas = await gasOf(registry.connect(CH.issuer).issueBatch(batch));
    record({ operation: `issueBatch of ${size} (2 lines each)`, gas, perPermit: Math.round(gas / size), goal: size === 50 ? 30_000 : undefined });
  }

  const endorseId = permitIdOf("CH", `CH-2026-${String(1).padStart(6, "0")}`);
  const endorsedRecord = await recordFromChain(registry, endorseId);
  const endorse = await gasOf(registry.connect(CH.customs).endorseExport(endorsedRecord, [100_000n, 14_500n]));
  record({ operation: "endorseExport (2 lines)", gas: endorse, goal: 45_000 });
  const use = await gasOf(registry.connect(JP.customs).use(endorseId));
  record({ operation: "use (accept import)", gas: use, goal: 35_000 });

  const cancelId = permitIdOf("CH", `CH-2026-${String(2).padStart(6, "0")}`);
  record({ operation: "cancel", gas: await gasOf(registry.connect(CH.issuer).cancel(cancelId, CancelReason.LOST)) });

  const replaceOld = permitIdOf("CH", `CH-2026-${String(3).padStart(6, "0")}`);
  record({ operation: "replace (2 lines)", gas: await gasOf(registry.connect(CH.issuer).replace(replaceOld, input(++n, 2, {}, now))) });

  // An Appendix-I export relying on an FR import permit, then its acceptance (uses both).
  const importInput = input(++n, 1, { docType: DocType.CITES_IMPORT_PERMIT, permitNumber: "FR-I-1", exporting: "CH", importing: "FR" }, now);
  record({ operation: "issue import permit (1 line)", gas: await gasOf(registry.connect(FR.issuer).issue(importInput)) });
  const importId = permitIdOf("FR", "FR-I-1");
  const appI = input(++n, 1, { importing: "FR", importPermitId: importId }, now);
  record({ operation: "issue Appendix-I export naming an import permit", gas: await gasOf(registry.connect(CH.issuer).issue(appI)) });
  const appIId = permitIdOf("CH", `CH-2026-${String(n).padStart(6, "0")}`);
  await registry.connect(CH.customs).endorseExport(await recordFromChain(registry, appIId), [2000n]);
  record({ operation: "use (accept import) of Appendix-I export (uses both)", gas: await gasOf(registry.connect(FR.customs).use(appIId)) });
  record({ operation: "recordNonCompliance", gas: await gasOf(registry.connect(FR.customs).recordNonCompliance(appIId, NonComplianceReason.QUANTITY_MISMATCH)) });

  const result = {
    date: new Date().toISOString(),
    machine: { cores: os.cpus().length, node: process.version, hardfork: "hardfork" in network.config ? network.config.hardfork : "unknown" },
    floor: { newStorageSlot: 22_100, transactionBase: 21_000 },
    rows: rows.map((r) => ({ ...r, meetsGoal: r.goal === undefined ? undefined : (r.perPermit ?? r.gas) <= r.goal })),
  };
  mkdirSync("bench/results", { recursive: true });
  writeFileSync("bench/results/gas.json", JSON.stringify(result, null, 2) + "\n");
  const table = result.rows.map((r) => `| ${r.operation} | ${r.gas.toLocaleString("en")} | ${r.perPermit?.toLocaleString("en") ?? ""} | ${r.goal?.toLocaleString("en") ?? ""} | ${r.meetsGoal === undefined ? "" : r.meetsGoal ? "yes" : "**no**"} |`);
  const markdown = ["| operation | gas | per permit | goal | meets goal |", "| --- | ---: | ---: | ---: | --- |", ...table].join("\n");
  console.log(markdown);
  // The OpenAttestation document store, for scale, as bench:peers last measured it.
  const peers = existsSync("bench/results/peers.json") ? (JSON.parse(readFileSync("bench/results/peers.json", "utf8")) as { gas: { system: string; operation: string; batch: number; perDocument: number }[] }) : undefined;
  const store = (batch: number) => peers?.gas.find((g) => g.system === "documentStore" && g.operation === "issue" && g.batch === batch)?.perDocument.toLocaleString("en");
  const documentStore = store(1) && store(50)
    ? ` The OpenAttestation document store (which\nrecords only "issued") costs ${store(1)} for one issue and ${store(50)} per document in a bulk issue of 50\n(bench:peers, \`bench/results/peers.json\`).`
    : "";
  writeFileSync(
    "docs/gas.md",
    `# Gas per operation

Measured by \`npm run bench:gas\` (bench/gas.ts) on Hardhat's in-process network, hardfork london,
receipt \`gasUsed\`, on ${result.date.slice(0, 10)} (Node ${process.version}). Raw figures:
\`bench/results/gas.json\`. Permits have two line items unless stated; batches are of such permits.

For scale: a transaction costs 21,000 and a new storage slot 22,100, so one permit can never cost
less than ~43,100 alone or ~22,500 in a large batch.${documentStore}

${markdown}

## Why it is this cheap

Each permit is **one storage slot** (\`PermitState\` in contracts/types/PermitTypes.sol): status,
flags, document type, both countries and the last second of validity in plain, plus a 20-byte
commitment to the rest of the record (document hash, issue time, issuer, links, authorised and
exported quantities; see contracts/permits/PermitCommitment.sol). Events carry every value, so the
SDK and indexers rebuild the full record from the chain and present it again when a step needs it
(endorsement checks quantities against the commitment). Issuing encodes the \`PermitIssued\` event
and the commitment in scratch memory, so a batch costs the same per permit however long it is.
An Appendix-I export also stores the import permit it relies on (a second slot), because using
the export must use that import permit too.
`,
  );
  return table;
}

main().then(
  () => process.exit(0),
  (err) => { console.error(err); process.exit(1); },
);
