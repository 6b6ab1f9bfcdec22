/**
 * The permit lifecycle for every document type, with the 7 sample permits as scenario data:
 * issue → endorse at export (actual quantities) → use at import; cancel; replace; notices of
 * non-compliance; the `permitState` / `verify` views; the commitment formula the SDK relies on.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import {
  CancelReason,
  DocType,
  NonComplianceReason,
  Status,
  Verification,
  ZERO32,
  commitmentOf,
  country,
  makeInput,
  permitIdOf,
  permitNumberBytes32,
  recordFromChain,
  type PermitRecordStruct,
} from "../../scripts/lib/permits";
import type { CountryActors } from "../../scripts/lib/fixture";
import { DAY, deployWithSampleCountriesFixture, idOfInput, type ExtendedFixture } from "./helpers/fixtures";
import { SAMPLE_NAMES, calendarShift, idOf, inputOf, onIssueDay, sample, type Sample } from "./helpers/samples";
import { expectCommittedRecord, stateOf } from "./helpers/views";

type Scenario = ExtendedFixture & { shift: bigint; actors: (code: string) => CountryActors };

async function scenario(): Promise<Scenario> {
  const f = await loadFixture(deployWithSampleCountriesFixture);
  const shift = await calendarShift();
  const byCode: Record<string, CountryActors> = { CH: f.CH, FR: f.FR, JP: f.JP, SG: f.SG, LK: f.LK, NO: f.NO, CL: f.CL };
  return { ...f, shift, actors: (code) => byCode[code] ?? expect.fail(`no actors for ${code}`) };
}

/** Issues sample `s` on its (shifted) issue day by its issuing country's issuer. */
async function issueSample(sc: Scenario, s: Sample) {
  await onIssueDay(s, sc.shift);
  const tx = await sc.registry.connect(sc.actors(s.issuing).issuer).issue(inputOf(s, sc.shift));
  return { tx, id: idOf(s) };
}

/** Issues the FR import permit (03) and then the CH Appendix-I export naming it (04). */
async function issueAppendixIChain(sc: Scenario) {
  const importPermit = await issueSample(sc, sample("03"));
  const exportPermit = await issueSample(sc, sample("04"));
  return { importId: importPermit.id, exportId: exportPermit.id, exportTx: exportPermit.tx };
}

/** Issues every sample in calendar order (03 before 04). Returns the permit ids by sample prefix. */
async function issueAllSamples(sc: Scenario): Promise<Record<string, string>> {
  const samples = SAMPLE_NAMES.map((n) => sample(n.slice(0, 2))).sort((a, b) => Number(a.issuedOn - b.issuedOn));
  const ids: Record<string, string> = {};
  for (const s of samples) ids[s.name.slice(0, 2)] = (await issueSample(sc, s)).id;
  return ids;
}

describe("PermitRegistry lifecycle", function () {
  it("reports its version as 1.0.0", async function () {
    const { registry } = await scenario();
    expect(await registry.version()).to.equal("1.0.0");
  });

  it("derives permit ids on chain exactly as the TypeScript permitIdOf does", async function () {
    const { registry } = await scenario();
    const cases: [string, string][] = [
      ...SAMPLE_NAMES.map((n) => sample(n.slice(0, 2))).map((s): [string, string] => [s.issuing, s.permitNumber]),
      ["CH", ""],
      ["FR", "N°2026/ÉLÉPHANT-Ω"],
      ["JP", "x".repeat(32)],
    ];
    for (const [code, number] of cases) {
      expect(await registry.permitIdOf(country(code), permitNumberBytes32(number)), `${code} ${number}`).to.equal(
        permitIdOf(code, number),
      );
    }
  });

  describe("a CITES export permit: CH python skins to Japan (sample 01)", function () {
    const s01 = () => sample("01");

    it("is issued by the CH issuer, with every value of the record in its PermitIssued event", async function () {
      const sc = await scenario();
      const s = s01();
      const input = inputOf(s, sc.shift);
      await onIssueDay(s, sc.shift);
      await expect(sc.registry.connect(sc.CH.issuer).issue(input))
        .to.emit(sc.registry, "PermitIssued")
        .withArgs(idOf(s), sc.CH.issuer.address, s.documentHash, input.terms, [120_000n, 14_500n])
        .and.not.to.emit(sc.registry, "PermitLinked");
      const state = await stateOf(sc.registry, idOf(s));
      expect(state).to.include({
        status: Status.ISSUED,
        flags: 0,
        docType: DocType.CITES_EXPORT_PERMIT,
        exportingCountry: country("CH"),
        importingCountry: country("JP"),
        expired: false,
      });
      expect(state.validUntil).to.equal(s.validUntil + sc.shift);
      const record = await expectCommittedRecord(sc.registry, idOf(s));
      expect(record.issuedAt).to.equal(s.issuedOn + sc.shift);
      expect(record.issuer).to.equal(sc.CH.issuer.address);
      expect(await sc.registry.verify(record)).to.equal(Verification.ISSUED);
    });

    it("is endorsed by CH customs with the quantities that left, less than authorised on one line", async function () {
      const sc = await scenario();
      const { id } = await issueSample(sc, s01());
      const record = await recordFromChain(sc.registry, id);
      await time.increase(3 * 86_400);
      await expect(sc.registry.connect(sc.CH.customs).endorseExport(record, [120_000n, 12_250n]))
        .to.emit(sc.registry, "ExportEndorsed")
        .withArgs(id, country("CH"), sc.CH.customs.address, country("JP"), [120_000n, 12_250n]);
      expect((await stateOf(sc.registry, id)).status).to.equal(Status.ENDORSED);
      const endorsed = await expectCommittedRecord(sc.registry, id);
      expect(endorsed.exported).to.deep.equal([120_000n, 12_250n]);
      expect(await sc.registry.verify(endorsed)).to.equal(Verification.ENDORSED);
      // the record as it was before endorsement no longer matches
      expect(await sc.registry.verify(record)).to.equal(Verification.HASH_MISMATCH);
    });

    it("is accepted at import by a JP officer and then can't be presented again", async function () {
      const sc = await scenario();
      const { id } = await issueSample(sc, s01());
      await sc.registry.connect(sc.CH.customs).endorseExport(await recordFromChain(sc.registry, id), [120_000n, 12_250n]);
      await expect(sc.registry.connect(sc.JP.customs).use(id))
        .to.emit(sc.registry, "ImportAccepted")
        .withArgs(id, sc.JP.customs.address, country("JP"), country("CH"));
      expect((await stateOf(sc.registry, id)).status).to.equal(Status.USED);
      expect(await sc.registry.verify(await expectCommittedRecord(sc.registry, id))).to.equal(Verification.USED);
      await expect(sc.registry.connect(sc.JP.issuer).use(id)).to.be.revertedWithCustomError(sc.registry, "AlreadyUsed").withArgs(id);
    });
  });

  describe("a CITES export permit of a newly admitted country: LK orchids to CH (sample 02)", function () {
    it("runs issued → endorsed with all three lines in full → used by CH customs", async function () {
      const sc = await scenario();
      const s = sample("02");
      const { id, tx } = await issueSample(sc, s);
      await expect(tx).to.emit(sc.registry, "PermitIssued").withArgs(id, sc.LK.issuer.address, s.documentHash, inputOf(s, sc.shift).terms, [600_000n, 450_000n, 80_000n]);
      const record = await expectCommittedRecord(sc.registry, id);
      await expect(sc.registry.connect(sc.LK.customs).endorseExport(record, [600_000n, 450_000n, 80_000n]))
        .to.emit(sc.registry, "ExportEndorsed")
        .withArgs(id, country("LK"), sc.LK.customs.address, country("CH"), [600_000n, 450_000n, 80_000n]);
      await expect(sc.registry.connect(sc.CH.customs).use(id))
        .to.emit(sc.registry, "ImportAccepted")
        .withArgs(id, sc.CH.customs.address, country("CH"), country("LK"));
      expect((await stateOf(sc.registry, id)).status).to.equal(Status.USED);
    });
  });

  describe("an Appendix-I chain: the FR import permit (03), then the CH export that names it (04)", function () {
    it("anchors the import permit under the importing country, issued by the FR issuer", async function () {
      const sc = await scenario();
      const s = sample("03");
      const { id, tx } = await issueSample(sc, s);
      expect(id).to.equal(permitIdOf("FR", "FR2607500123-I"));
      await expect(tx).to.emit(sc.registry, "PermitIssued").withArgs(id, sc.FR.issuer.address, s.documentHash, inputOf(s, sc.shift).terms, [2_000n]);
      expect(await stateOf(sc.registry, id)).to.include({
        status: Status.ISSUED,
        docType: DocType.CITES_IMPORT_PERMIT,
        exportingCountry: country("CH"),
        importingCountry: country("FR"),
      });
    });

    it("links the export to the import permit: PermitLinked, importPermitOf and flag 2", async function () {
      const sc = await scenario();
      const { importId, exportId, exportTx } = await issueAppendixIChain(sc);
      await expect(exportTx).to.emit(sc.registry, "PermitLinked").withArgs(exportId, importId, ZERO32);
      expect(await sc.registry.importPermitOf(exportId)).to.equal(importId);
      expect((await stateOf(sc.registry, exportId)).flags).to.equal(2);
      const record = await expectCommittedRecord(sc.registry, exportId);
      expect(record.importPermitId).to.equal(importId);
    });

    it("uses both permits when the endorsed export is accepted, with two ImportAccepted events", async function () {
      const sc = await scenario();
      const { importId, exportId } = await issueAppendixIChain(sc);
      await sc.registry.connect(sc.CH.customs).endorseExport(await recordFromChain(sc.registry, exportId), [2_000n]);
      await expect(sc.registry.connect(sc.FR.customs).use(exportId))
        .to.emit(sc.registry, "ImportAccepted")
        .withArgs(exportId, sc.FR.customs.address, country("FR"), country("CH"))
        .and.to.emit(sc.registry, "ImportAccepted")
        .withArgs(importId, sc.FR.customs.address, country("FR"), country("CH"));
      expect((await stateOf(sc.registry, exportId)).status).to.equal(Status.USED);
      expect((await stateOf(sc.registry, importId)).status).to.equal(Status.USED);
      const receipt = await ethers.provider.getTransactionReceipt((await sc.registry.queryFilter(sc.registry.filters.ImportAccepted(exportId)))[0]!.transactionHash);
      const accepted = receipt!.logs.map((l) => sc.registry.interface.parseLog(l)).filter((l) => l?.name === "ImportAccepted");
      expect(accepted.map((l) => l!.args.permitId)).to.deep.equal([importId, exportId]);
    });
  });

  describe("a re-export certificate: SG alligator leather to FR (05)", function () {
    it("names the US permit of original export, which stays in the record, and runs to use", async function () {
      const sc = await scenario();
      const s = sample("05");
      const originId = permitIdOf("US", "26US123456/9");
      expect(s.originPermitId).to.equal(originId);
      const { id, tx } = await issueSample(sc, s);
      await expect(tx).to.emit(sc.registry, "PermitLinked").withArgs(id, ZERO32, originId);
      expect(await stateOf(sc.registry, id)).to.include({ docType: DocType.CITES_REEXPORT_CERTIFICATE, flags: 0 });
      expect(await sc.registry.importPermitOf(id)).to.equal(ZERO32);
      const record = await expectCommittedRecord(sc.registry, id);
      expect(record.originPermitId).to.equal(originId);
      await expect(sc.registry.connect(sc.FR.customs).use(id)).to.be.revertedWithCustomError(sc.registry, "ExportNotEndorsed").withArgs(id);
      await sc.registry.connect(sc.SG.customs).endorseExport(record, [36_000n]);
      await expect(sc.registry.connect(sc.FR.issuer).use(id))
        .to.emit(sc.registry, "ImportAccepted")
        .withArgs(id, sc.FR.issuer.address, country("FR"), country("SG"));
    });
  });

  describe("a CITES export with decimal quantities: NO timber to CH (06)", function () {
    it("anchors 12.75 m3 as 12750 thousandths and endorses exactly that", async function () {
      const sc = await scenario();
      const s = sample("06");
      expect(s.quantities).to.deep.equal([12_750n]);
      const { id } = await issueSample(sc, s);
      const record = await expectCommittedRecord(sc.registry, id);
      expect(record.authorised).to.deep.equal([12_750n]);
      await expect(sc.registry.connect(sc.NO.customs).endorseExport(record, [12_750n]))
        .to.emit(sc.registry, "ExportEndorsed")
        .withArgs(id, country("NO"), sc.NO.customs.address, country("CH"), [12_750n]);
      await sc.registry.connect(sc.CH.customs).use(id);
      expect((await stateOf(sc.registry, id)).status).to.equal(Status.USED);
    });
  });

  describe("an ePhyto certificate: CL fruit to CH (07)", function () {
    it("can be accepted at import without an export endorsement", async function () {
      const sc = await scenario();
      const s = sample("07");
      const { id } = await issueSample(sc, s);
      expect(await stateOf(sc.registry, id)).to.include({ docType: DocType.EPHYTO_CERTIFICATE, status: Status.ISSUED });
      await expect(sc.registry.connect(sc.CH.customs).use(id))
        .to.emit(sc.registry, "ImportAccepted")
        .withArgs(id, sc.CH.customs.address, country("CH"), country("CL"));
      expect(await sc.registry.verify(await recordFromChain(sc.registry, id))).to.equal(Verification.USED);
    });

    it("may also be endorsed at export before it is accepted", async function () {
      const sc = await scenario();
      const { id } = await issueSample(sc, sample("07"));
      await sc.registry.connect(sc.CL.customs).endorseExport(await recordFromChain(sc.registry, id), [18_000_000n, 9_200_000n]);
      await sc.registry.connect(sc.CH.issuer).use(id);
      expect((await stateOf(sc.registry, id)).status).to.equal(Status.USED);
    });
  });

  describe("a CITES other certificate (travelling exhibition)", function () {
    it("may be valid for three years and is accepted without an export endorsement", async function () {
      const sc = await scenario();
      const start = BigInt(await time.latest()) + 10n;
      await time.setNextBlockTimestamp(start);
      const input = makeInput({
        permitNumber: "CH-TEC-2026-0007",
        documentHash: ethers.keccak256(ethers.toUtf8Bytes("circus certificate")),
        docType: DocType.CITES_OTHER_CERTIFICATE,
        exporting: "CH",
        importing: "JP",
        validUntil: start + 1096n * DAY,
        quantities: [4_000n],
      });
      await sc.registry.connect(sc.CH.issuer).issue(input);
      const id = idOfInput(input);
      await time.increase(900 * 86_400);
      await expect(sc.registry.connect(sc.JP.customs).use(id)).to.emit(sc.registry, "ImportAccepted");
      expect(await stateOf(sc.registry, id)).to.include({ docType: DocType.CITES_OTHER_CERTIFICATE, status: Status.USED });
    });
  });

  describe("cancel and replace", function () {
    it("cancelling with a reason marks the permit cancelled and names the officer", async function () {
      const sc = await scenario();
      const { id } = await issueSample(sc, sample("01"));
      await expect(sc.registry.connect(sc.CH.issuer).cancel(id, CancelReason.STOLEN))
        .to.emit(sc.registry, "PermitCancelled")
        .withArgs(id, country("CH"), sc.CH.issuer.address, CancelReason.STOLEN);
      expect((await stateOf(sc.registry, id)).status).to.equal(Status.CANCELLED);
      expect(await sc.registry.verify(await recordFromChain(sc.registry, id))).to.equal(Verification.CANCELLED);
      await expect(sc.registry.connect(sc.CH.customs).endorseExport(await recordFromChain(sc.registry, id), [1n, 1n]))
        .to.be.revertedWithCustomError(sc.registry, "PermitNotActive")
        .withArgs(id, Status.CANCELLED);
    });

    it("an import permit is cancelled by the importing country that issued it", async function () {
      const sc = await scenario();
      const { id } = await issueSample(sc, sample("03"));
      await expect(sc.registry.connect(sc.FR.issuer).cancel(id, CancelReason.WRONGLY_ISSUED))
        .to.emit(sc.registry, "PermitCancelled")
        .withArgs(id, country("FR"), sc.FR.issuer.address, CancelReason.WRONGLY_ISSUED);
    });

    it("replacing marks the old permit replaced, issues the new one and links them in the record", async function () {
      const sc = await scenario();
      const s = sample("01");
      const { id: oldId } = await issueSample(sc, s);
      const replacement = { ...inputOf(s, sc.shift), permitNumber: permitNumberBytes32("CH-2026-004711-R1"), quantities: [100_000n, 14_500n] };
      const newId = permitIdOf("CH", "CH-2026-004711-R1");
      await expect(sc.registry.connect(sc.CH.issuer).replace(oldId, replacement))
        .to.emit(sc.registry, "PermitReplaced")
        .withArgs(oldId, country("CH"), sc.CH.issuer.address, newId)
        .and.to.emit(sc.registry, "PermitIssued")
        .withArgs(newId, sc.CH.issuer.address, s.documentHash, replacement.terms, [100_000n, 14_500n]);
      expect((await stateOf(sc.registry, oldId)).status).to.equal(Status.REPLACED);
      expect((await stateOf(sc.registry, newId)).status).to.equal(Status.ISSUED);
      const record = await expectCommittedRecord(sc.registry, newId);
      expect(record.replacesPermitId).to.equal(oldId);
      expect(await sc.registry.verify(record)).to.equal(Verification.ISSUED);
      expect(await sc.registry.verify(await recordFromChain(sc.registry, oldId))).to.equal(Verification.REPLACED);
      // the replacement runs the whole lifecycle
      await sc.registry.connect(sc.CH.customs).endorseExport(record, [100_000n, 14_500n]);
      await sc.registry.connect(sc.JP.customs).use(newId);
      expect((await stateOf(sc.registry, newId)).status).to.equal(Status.USED);
    });
  });

  describe("notices of non-compliance", function () {
    it("the importing country records one after endorsement: flag 1 set, status kept, and it survives use", async function () {
      const sc = await scenario();
      const { id } = await issueSample(sc, sample("01"));
      await sc.registry.connect(sc.CH.customs).endorseExport(await recordFromChain(sc.registry, id), [120_000n, 14_500n]);
      await expect(sc.registry.connect(sc.JP.customs).recordNonCompliance(id, NonComplianceReason.QUANTITY_MISMATCH))
        .to.emit(sc.registry, "NonComplianceRecorded")
        .withArgs(id, country("JP"), sc.JP.customs.address, NonComplianceReason.QUANTITY_MISMATCH);
      expect(await stateOf(sc.registry, id)).to.include({ status: Status.ENDORSED, flags: 1 });
      await sc.registry.connect(sc.JP.customs).use(id);
      await expect(sc.registry.connect(sc.JP.issuer).recordNonCompliance(id, NonComplianceReason.SPECIES_MISMATCH))
        .to.emit(sc.registry, "NonComplianceRecorded")
        .withArgs(id, country("JP"), sc.JP.issuer.address, NonComplianceReason.SPECIES_MISMATCH);
      expect(await stateOf(sc.registry, id)).to.include({ status: Status.USED, flags: 1 });
    });

    it("on an Appendix-I export the flag joins the linked-import-permit flag (1 | 2)", async function () {
      const sc = await scenario();
      const { exportId } = await issueAppendixIChain(sc);
      await sc.registry.connect(sc.CH.customs).endorseExport(await recordFromChain(sc.registry, exportId), [2_000n]);
      await sc.registry.connect(sc.FR.customs).recordNonCompliance(exportId, NonComplianceReason.ILLEGAL_SPECIMENS);
      expect((await stateOf(sc.registry, exportId)).flags).to.equal(3);
    });

    it("an ePhyto certificate gets one after use (a pest found on arrival)", async function () {
      const sc = await scenario();
      const { id } = await issueSample(sc, sample("07"));
      await sc.registry.connect(sc.CH.customs).use(id);
      await expect(sc.registry.connect(sc.CH.customs).recordNonCompliance(id, NonComplianceReason.PEST_OR_DISEASE))
        .to.emit(sc.registry, "NonComplianceRecorded")
        .withArgs(id, country("CH"), sc.CH.customs.address, NonComplianceReason.PEST_OR_DISEASE);
      expect(await stateOf(sc.registry, id)).to.include({ status: Status.USED, flags: 1 });
    });
  });

  describe("the permitState and verify views", function () {
    it("permitState of an unknown permit is all zero and not expired", async function () {
      const { registry } = await scenario();
      expect(await stateOf(registry, permitIdOf("CH", "never"))).to.deep.equal({
        status: Status.NONE, flags: 0, docType: 0, exportingCountry: "0x0000", importingCountry: "0x0000",
        validUntil: 0n, commitment: "0x" + "00".repeat(20), expired: false,
      });
    });

    it("verify answers UNKNOWN for a record never anchored", async function () {
      const sc = await scenario();
      const { id } = await issueSample(sc, sample("01"));
      const record = await recordFromChain(sc.registry, id);
      const unknown = { ...record, permitId: permitIdOf("CH", "CH-2026-999999") };
      expect(await sc.registry.verify(unknown)).to.equal(Verification.UNKNOWN);
    });

    const tamperings: [string, (r: PermitRecordStruct) => PermitRecordStruct][] = [
      ["document hash", (r) => ({ ...r, documentHash: ethers.keccak256("0x01") })],
      ["authorised quantity", (r) => ({ ...r, authorised: [r.authorised[0]!, r.authorised[1]! + 1n] })],
      ["number of lines", (r) => ({ ...r, authorised: [...r.authorised, 1n] })],
      ["exported quantities (claimed before endorsement)", (r) => ({ ...r, exported: r.authorised })],
      ["issuer", (r) => ({ ...r, issuer: ethers.Wallet.createRandom().address })],
      ["document type", (r) => ({ ...r, docType: DocType.CITES_REEXPORT_CERTIFICATE })],
      ["importing country", (r) => ({ ...r, importingCountry: country("FR") })],
      ["exporting country", (r) => ({ ...r, exportingCountry: country("FR") })],
      ["last second of validity", (r) => ({ ...r, validUntil: r.validUntil + 1n })],
      ["issue time", (r) => ({ ...r, issuedAt: r.issuedAt - 1n })],
      ["import permit id", (r) => ({ ...r, importPermitId: permitIdOf("JP", "JP-I-1") })],
      ["origin permit id", (r) => ({ ...r, originPermitId: permitIdOf("ID", "07788/IV/SATS-LN/2026") })],
      ["replaced permit id", (r) => ({ ...r, replacesPermitId: permitIdOf("CH", "CH-2026-000001") })],
    ];
    for (const [field, tamper] of tamperings) {
      it(`verify answers HASH_MISMATCH for a record with a changed ${field}`, async function () {
        const sc = await scenario();
        const { id } = await issueSample(sc, sample("01"));
        const record = await recordFromChain(sc.registry, id);
        expect(await sc.registry.verify(record)).to.equal(Verification.ISSUED);
        expect(await sc.registry.verify(tamper(record))).to.equal(Verification.HASH_MISMATCH);
      });
    }

    it("verify follows the lifecycle: ISSUED, ENDORSED, USED", async function () {
      const sc = await scenario();
      const { id } = await issueSample(sc, sample("06"));
      expect(await sc.registry.verify(await recordFromChain(sc.registry, id))).to.equal(Verification.ISSUED);
      await sc.registry.connect(sc.NO.customs).endorseExport(await recordFromChain(sc.registry, id), [12_000n]);
      expect(await sc.registry.verify(await recordFromChain(sc.registry, id))).to.equal(Verification.ENDORSED);
      await sc.registry.connect(sc.CH.customs).use(id);
      expect(await sc.registry.verify(await recordFromChain(sc.registry, id))).to.equal(Verification.USED);
    });

    it("verify answers CANCELLED for a cancelled permit and REPLACED for a replaced one", async function () {
      const sc = await scenario();
      const { id: replaced } = await issueSample(sc, sample("06"));
      const { id: cancelled } = await issueSample(sc, sample("01"));
      await sc.registry.connect(sc.CH.issuer).cancel(cancelled, CancelReason.LOST);
      const replacement = { ...inputOf(sample("06"), sc.shift), permitNumber: permitNumberBytes32("2026/NO/000457-R") };
      await sc.registry.connect(sc.NO.issuer).replace(replaced, replacement);
      expect(await sc.registry.verify(await recordFromChain(sc.registry, cancelled))).to.equal(Verification.CANCELLED);
      expect(await sc.registry.verify(await recordFromChain(sc.registry, replaced))).to.equal(Verification.REPLACED);
    });

    it("an issued or endorsed permit is EXPIRED one second after its last second of validity, not at it", async function () {
      const sc = await scenario();
      const s01 = sample("01");
      const s02 = sample("02"); // valid until the 17th, two days before 01
      const { id: endorsedId } = await issueSample(sc, s02);
      const { id: issuedId } = await issueSample(sc, s01);
      await sc.registry.connect(sc.LK.customs).endorseExport(await recordFromChain(sc.registry, endorsedId), [1n, 1n, 1n]);

      await time.increaseTo(s02.validUntil + sc.shift); // the last second: a view at the latest block
      expect(await sc.registry.verify(await recordFromChain(sc.registry, endorsedId))).to.equal(Verification.ENDORSED);
      expect((await stateOf(sc.registry, endorsedId)).expired).to.equal(false);
      await time.increase(1);
      expect(await sc.registry.verify(await recordFromChain(sc.registry, endorsedId))).to.equal(Verification.EXPIRED);
      expect(await stateOf(sc.registry, endorsedId)).to.include({ expired: true, status: Status.ENDORSED });

      await time.increaseTo(s01.validUntil + sc.shift + 1n);
      expect(await sc.registry.verify(await recordFromChain(sc.registry, issuedId))).to.equal(Verification.EXPIRED);
      expect(await stateOf(sc.registry, issuedId)).to.include({ expired: true, status: Status.ISSUED });
    });

    it("a used, cancelled or replaced permit keeps its status after expiry (only permitState.expired turns true)", async function () {
      const sc = await scenario();
      const { id: used } = await issueSample(sc, sample("07"));
      await sc.registry.connect(sc.CH.customs).use(used);
      await time.increaseTo(sample("07").validUntil + sc.shift + 1n);
      expect(await sc.registry.verify(await recordFromChain(sc.registry, used))).to.equal(Verification.USED);
      expect(await stateOf(sc.registry, used)).to.include({ status: Status.USED, expired: true });
    });
  });

  describe("the commitment formula, which the SDK relies on", function () {
    it("every sample's record rebuilt from events commits on chain as in TypeScript, before and after endorsement", async function () {
      const sc = await scenario();
      const ids = await issueAllSamples(sc);
      for (const [prefix, id] of Object.entries(ids)) {
        const record = await expectCommittedRecord(sc.registry, id);
        expect(await sc.registry.verify(record), prefix).to.equal(Verification.ISSUED);
      }
      const customsOf: Record<string, CountryActors> = { "01": sc.CH, "02": sc.LK, "04": sc.CH, "05": sc.SG, "06": sc.NO, "07": sc.CL };
      for (const [prefix, customs] of Object.entries(customsOf)) {
        const record = await recordFromChain(sc.registry, ids[prefix]!);
        const exported = record.authorised.map((q) => q - q / 3n);
        await sc.registry.connect(customs.customs).endorseExport(record, exported);
        const endorsed = await expectCommittedRecord(sc.registry, ids[prefix]!);
        expect(endorsed.exported, prefix).to.deep.equal(exported);
      }
    });

    it("the TypeScript commitmentOf equals the contract's for arbitrary records, including empty quantity lists", async function () {
      const { registry } = await scenario();
      const base: PermitRecordStruct = {
        permitId: permitIdOf("CH", "X"), documentHash: ethers.keccak256("0x1234"), docType: 2,
        exportingCountry: country("SG"), importingCountry: country("FR"), validUntil: 2n ** 40n - 1n,
        issuedAt: 2n ** 40n - 1n, issuer: ethers.Wallet.createRandom().address, importPermitId: ethers.keccak256("0x01"),
        originPermitId: ethers.keccak256("0x02"), replacesPermitId: ethers.keccak256("0x03"),
        authorised: [1n, 2n ** 256n - 1n, 3n], exported: [],
      };
      for (const r of [base, { ...base, exported: [0n, 5n, 3n] }, { ...base, authorised: [], issuedAt: 0n }]) {
        expect(await registry.commitmentOf(r)).to.equal(commitmentOf(r));
      }
    });
  });

  describe("issueBatch", function () {
    async function batchOf(sc: Scenario, numbers: string[]) {
      const s = sample("01");
      if (BigInt(await time.latest()) < s.issuedOn + sc.shift) await onIssueDay(s, sc.shift);
      return numbers.map((n, i) => ({ ...inputOf(s, sc.shift), permitNumber: permitNumberBytes32(n), quantities: [BigInt(i + 1) * 1_000n] }));
    }

    it("anchors every permit, with one PermitIssued event each, in input order", async function () {
      const sc = await scenario();
      const inputs = await batchOf(sc, ["CH-B-1", "CH-B-2", "CH-B-3"]);
      const tx = await sc.registry.connect(sc.CH.issuer).issueBatch(inputs);
      const receipt = await tx.wait();
      const issuedIds = receipt!.logs.map((l) => sc.registry.interface.parseLog(l)!).filter((l) => l.name === "PermitIssued").map((l) => l.args.permitId);
      expect(issuedIds).to.deep.equal(["CH-B-1", "CH-B-2", "CH-B-3"].map((n) => permitIdOf("CH", n)));
      for (const [i, n] of ["CH-B-1", "CH-B-2", "CH-B-3"].entries()) {
        await expect(tx).to.emit(sc.registry, "PermitIssued").withArgs(permitIdOf("CH", n), sc.CH.issuer.address, inputs[i]!.documentHash, inputs[i]!.terms, [BigInt(i + 1) * 1_000n]);
        expect((await stateOf(sc.registry, permitIdOf("CH", n))).status).to.equal(Status.ISSUED);
        await expectCommittedRecord(sc.registry, permitIdOf("CH", n));
      }
    });

    it("is all or nothing: a bad permit in the middle reverts the whole batch and anchors nothing", async function () {
      const sc = await scenario();
      const inputs = await batchOf(sc, ["CH-B-1", "CH-B-2", "CH-B-3"]);
      inputs[1] = { ...inputs[1]!, quantities: [5n, 0n] };
      await expect(sc.registry.connect(sc.CH.issuer).issueBatch(inputs))
        .to.be.revertedWithCustomError(sc.registry, "ZeroQuantity")
        .withArgs(permitIdOf("CH", "CH-B-2"), 2);
      for (const n of ["CH-B-1", "CH-B-2", "CH-B-3"]) {
        expect((await stateOf(sc.registry, permitIdOf("CH", n))).status, n).to.equal(Status.NONE);
      }
      expect(await sc.registry.queryFilter(sc.registry.filters.PermitIssued())).to.have.length(0);
    });

    it("rejects a permit number used twice inside one batch with PermitAlreadyExists", async function () {
      const sc = await scenario();
      const inputs = await batchOf(sc, ["CH-B-1", "CH-B-2", "CH-B-1"]);
      await expect(sc.registry.connect(sc.CH.issuer).issueBatch(inputs))
        .to.be.revertedWithCustomError(sc.registry, "PermitAlreadyExists")
        .withArgs(permitIdOf("CH", "CH-B-1"));
      expect((await stateOf(sc.registry, permitIdOf("CH", "CH-B-1"))).status).to.equal(Status.NONE);
    });

    it("rejects a permit number already anchored by an earlier transaction", async function () {
      const sc = await scenario();
      const { id } = await issueSample(sc, sample("01"));
      const inputs = await batchOf(sc, ["CH-B-1", "CH-2026-004711"]);
      await expect(sc.registry.connect(sc.CH.issuer).issueBatch(inputs)).to.be.revertedWithCustomError(sc.registry, "PermitAlreadyExists").withArgs(id);
    });

    it("rejects an empty batch with EmptyBatch", async function () {
      const sc = await scenario();
      await expect(sc.registry.connect(sc.CH.issuer).issueBatch([])).to.be.revertedWithCustomError(sc.registry, "EmptyBatch");
    });

    it("can hold several document types of the same issuing country (export and re-export)", async function () {
      const sc = await scenario();
      const s = sample("05");
      await onIssueDay(s, sc.shift);
      const reexport = inputOf(s, sc.shift);
      const plainExport = { ...reexport, permitNumber: permitNumberBytes32("SG/EX/1"), terms: reexport.terms & ~0xffn, originPermitId: ZERO32 };
      await sc.registry.connect(sc.SG.issuer).issueBatch([reexport, plainExport]);
      expect((await stateOf(sc.registry, idOf(s))).docType).to.equal(DocType.CITES_REEXPORT_CERTIFICATE);
      expect((await stateOf(sc.registry, permitIdOf("SG", "SG/EX/1"))).docType).to.equal(DocType.CITES_EXPORT_PERMIT);
    });
  });
});
