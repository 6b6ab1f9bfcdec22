/**
 * The edges of every rule: quantities to the unit, validity to the second, malformed terms,
 * steps out of order, replacement chains, Appendix-I import permits, reasons, batch size.
 */
import { expect } from "chai";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import { deployRegistryFixture, type RegistryFixture } from "../../scripts/lib/fixture";
import {
  CancelReason,
  DocType,
  NonComplianceReason,
  Status,
  country,
  makeInput,
  permitIdOf,
  recordFromChain,
  type PermitInputStruct,
  type PermitRecordStruct,
  type PermitTermsInput,
} from "../../scripts/lib/permits";
import { DAY, chExport, idOfInput, now } from "./helpers/fixtures";
import { stateOf } from "./helpers/views";

const CH = country("CH");
const JP = country("JP");
const FR = country("FR");
const PER_TRANSACTION_GAS_CAP = 16_777_216n;

/** Issues a CH → JP export (or `overrides`) as the CH issuer; returns its id and record. */
async function issueExport(f: RegistryFixture, overrides: Partial<PermitTermsInput> = {}) {
  const input = await chExport(overrides);
  await f.registry.connect(f.CH.issuer).issue(input);
  const permitId = idOfInput(input);
  return { input, permitId, record: await recordFromChain(f.registry, permitId) };
}

async function endorsedExport(f: RegistryFixture, overrides: Partial<PermitTermsInput> = {}) {
  const p = await issueExport(f, overrides);
  await f.registry.connect(f.CH.customs).endorseExport(p.record, p.input.quantities);
  return p;
}

/** An FR import permit for specimens from CH, issued by the FR issuer. */
async function frImportPermit(f: RegistryFixture, overrides: Partial<PermitTermsInput> = {}) {
  const input = await chExport({ docType: DocType.CITES_IMPORT_PERMIT, exporting: "CH", importing: "FR", quantities: [2_000n], ...overrides });
  await f.registry.connect(f.FR.issuer).issue(input);
  return { input, permitId: idOfInput(input) };
}

describe("PermitRegistry boundaries", function () {
  describe("quantities at endorsement", function () {
    it("endorsing exactly the authorised quantity on every line succeeds", async function () {
      const f = await loadFixture(deployRegistryFixture);
      const { permitId, record } = await issueExport(f);
      await expect(f.registry.connect(f.CH.customs).endorseExport(record, [120_000n, 14_500n]))
        .to.emit(f.registry, "ExportEndorsed")
        .withArgs(permitId, CH, f.CH.customs.address, JP, [120_000n, 14_500n]);
    });

    it("one unit (0.001) over on a line fails with QuantityExceeded naming the line, authorised and requested", async function () {
      const f = await loadFixture(deployRegistryFixture);
      const { permitId, record } = await issueExport(f);
      await expect(f.registry.connect(f.CH.customs).endorseExport(record, [120_000n, 14_501n]))
        .to.be.revertedWithCustomError(f.registry, "QuantityExceeded")
        .withArgs(permitId, 2, 14_500n, 14_501n);
      await expect(f.registry.connect(f.CH.customs).endorseExport(record, [120_001n, 0n]))
        .to.be.revertedWithCustomError(f.registry, "QuantityExceeded")
        .withArgs(permitId, 1, 120_000n, 120_001n);
    });

    it("a line may be endorsed as zero (that species did not ship)", async function () {
      const f = await loadFixture(deployRegistryFixture);
      const { record } = await issueExport(f);
      await expect(f.registry.connect(f.CH.customs).endorseExport(record, [0n, 14_500n])).to.emit(f.registry, "ExportEndorsed");
    });

    it("fewer or more lines than the permit has fail with LineCountMismatch", async function () {
      const f = await loadFixture(deployRegistryFixture);
      const { permitId, record } = await issueExport(f);
      await expect(f.registry.connect(f.CH.customs).endorseExport(record, [1n]))
        .to.be.revertedWithCustomError(f.registry, "LineCountMismatch")
        .withArgs(permitId, 2, 1);
      await expect(f.registry.connect(f.CH.customs).endorseExport(record, [1n, 1n, 1n]))
        .to.be.revertedWithCustomError(f.registry, "LineCountMismatch")
        .withArgs(permitId, 2, 3);
      await expect(f.registry.connect(f.CH.customs).endorseExport(record, []))
        .to.be.revertedWithCustomError(f.registry, "LineCountMismatch")
        .withArgs(permitId, 2, 0);
    });

    it("a record with raised authorised quantities fails with RecordMismatch (customs can't exceed by lying)", async function () {
      const f = await loadFixture(deployRegistryFixture);
      const { permitId, record } = await issueExport(f);
      const inflated = { ...record, authorised: [999_000n, 99_000n] };
      await expect(f.registry.connect(f.CH.customs).endorseExport(inflated, [999_000n, 99_000n]))
        .to.be.revertedWithCustomError(f.registry, "RecordMismatch")
        .withArgs(permitId);
    });

    const tamperings: [string, Partial<PermitRecordStruct>][] = [
      ["document hash", { documentHash: ethers.ZeroHash }],
      ["issuer", { issuer: ethers.ZeroAddress }],
      ["issue time", { issuedAt: 1n }],
      ["validity", { validUntil: 1n }],
      ["document type", { docType: DocType.EPHYTO_CERTIFICATE }],
      ["exported quantities claimed in advance", { exported: [1n, 1n] }],
    ];
    for (const [field, tamper] of tamperings) {
      it(`a record with a tampered ${field} fails at endorsement with RecordMismatch`, async function () {
        const f = await loadFixture(deployRegistryFixture);
        const { permitId, record } = await issueExport(f);
        await expect(f.registry.connect(f.CH.customs).endorseExport({ ...record, ...tamper }, [1n, 1n]))
          .to.be.revertedWithCustomError(f.registry, "RecordMismatch")
          .withArgs(permitId);
      });
    }
  });

  describe("validity to the second", function () {
    it("endorsement and use work at the last second of validity", async function () {
      const f = await loadFixture(deployRegistryFixture);
      const { permitId, record, input } = await issueExport(f);
      const validUntil = input.terms >> 40n;
      await time.setNextBlockTimestamp(validUntil - 1n);
      await f.registry.connect(f.CH.customs).endorseExport(record, [1n, 1n]);
      await time.setNextBlockTimestamp(validUntil);
      await expect(f.registry.connect(f.JP.customs).use(permitId)).to.emit(f.registry, "ImportAccepted");
    });

    it("endorsement at the last second works; one second later it fails with PermitExpired", async function () {
      const f = await loadFixture(deployRegistryFixture);
      const a = await issueExport(f);
      const b = await issueExport(f, { validUntil: a.input.terms >> 40n });
      const validUntil = a.input.terms >> 40n;
      await time.setNextBlockTimestamp(validUntil);
      await f.registry.connect(f.CH.customs).endorseExport(a.record, [1n, 1n]);
      // the same block time is not allowed twice: b is endorsed one second later
      await expect(f.registry.connect(f.CH.customs).endorseExport(b.record, [1n, 1n]))
        .to.be.revertedWithCustomError(f.registry, "PermitExpired")
        .withArgs(b.permitId, validUntil, validUntil + 1n);
    });

    it("use one second after the last second of validity fails with PermitExpired", async function () {
      const f = await loadFixture(deployRegistryFixture);
      const { permitId, input } = await endorsedExport(f);
      const validUntil = input.terms >> 40n;
      await time.setNextBlockTimestamp(validUntil + 1n);
      await expect(f.registry.connect(f.JP.customs).use(permitId))
        .to.be.revertedWithCustomError(f.registry, "PermitExpired")
        .withArgs(permitId, validUntil, validUntil + 1n);
      expect(await stateOf(f.registry, permitId)).to.include({ status: Status.ENDORSED, expired: true });
    });

    const limits: [string, number, bigint][] = [
      ["an export permit", DocType.CITES_EXPORT_PERMIT, 184n],
      ["an import permit", DocType.CITES_IMPORT_PERMIT, 366n],
      ["a re-export certificate", DocType.CITES_REEXPORT_CERTIFICATE, 184n],
      ["an other certificate", DocType.CITES_OTHER_CERTIFICATE, 1096n],
      ["an ePhyto certificate", DocType.EPHYTO_CERTIFICATE, 184n],
    ];
    for (const [name, docType, days] of limits) {
      it(`${name} may be valid exactly ${days} days; one second more fails with ValidityTooLong`, async function () {
        const f = await loadFixture(deployRegistryFixture);
        const issuer = docType === DocType.CITES_IMPORT_PERMIT ? f.JP.issuer : f.CH.issuer;
        const t = (await now()) + 10n;
        const tooLong = await chExport({ docType, validUntil: t + days * DAY + 1n });
        await time.setNextBlockTimestamp(t);
        await expect(f.registry.connect(issuer).issue(tooLong))
          .to.be.revertedWithCustomError(f.registry, "ValidityTooLong")
          .withArgs(idOfInput(tooLong), t + days * DAY + 1n, t + days * DAY);
        const exact = await chExport({ docType, validUntil: t + 1n + days * DAY });
        await time.setNextBlockTimestamp(t + 1n);
        await expect(f.registry.connect(issuer).issue(exact)).to.emit(f.registry, "PermitIssued");
      });
    }

    it("validity ending at the block time or before fails with ValidityInPast", async function () {
      const f = await loadFixture(deployRegistryFixture);
      for (const before of [0n, 1n, 86_400n]) {
        const t = (await now()) + 10n;
        const input = await chExport({ validUntil: t - before });
        await time.setNextBlockTimestamp(t);
        await expect(f.registry.connect(f.CH.issuer).issue(input))
          .to.be.revertedWithCustomError(f.registry, "ValidityInPast")
          .withArgs(idOfInput(input), t - before, t);
      }
    });

    it("validity one second after the block time is accepted", async function () {
      const f = await loadFixture(deployRegistryFixture);
      const t = (await now()) + 10n;
      const input = await chExport({ validUntil: t + 1n });
      await time.setNextBlockTimestamp(t);
      await expect(f.registry.connect(f.CH.issuer).issue(input)).to.emit(f.registry, "PermitIssued");
    });
  });

  describe("malformed permits", function () {
    it("a permit without line items fails with NoLineItems", async function () {
      const f = await loadFixture(deployRegistryFixture);
      const input = await chExport({ quantities: [] });
      await expect(f.registry.connect(f.CH.issuer).issue(input))
        .to.be.revertedWithCustomError(f.registry, "NoLineItems")
        .withArgs(idOfInput(input));
    });

    it("a zero quantity fails with ZeroQuantity naming the first such line, 1-based", async function () {
      const f = await loadFixture(deployRegistryFixture);
      for (const [quantities, line] of [
        [[0n], 1],
        [[5n, 0n, 0n], 2],
        [[5n, 6n, 7n, 0n], 4],
      ] as const) {
        const input = await chExport({ quantities: [...quantities] });
        await expect(f.registry.connect(f.CH.issuer).issue(input))
          .to.be.revertedWithCustomError(f.registry, "ZeroQuantity")
          .withArgs(idOfInput(input), line);
      }
    });

    it("the same exporting and importing country fails with InvalidCountries", async function () {
      const f = await loadFixture(deployRegistryFixture);
      const input = await chExport({ importing: "CH" });
      await expect(f.registry.connect(f.CH.issuer).issue(input))
        .to.be.revertedWithCustomError(f.registry, "InvalidCountries")
        .withArgs(idOfInput(input), CH, CH);
    });

    for (const code of ["jp", "Jp", "J1", "@A", "[A", "A`", "Z{", "\u0000\u0000"]) {
      it(`an importing country ${JSON.stringify(code)} fails with InvalidCountries`, async function () {
        const f = await loadFixture(deployRegistryFixture);
        const input = await chExport({ importing: code });
        await expect(f.registry.connect(f.CH.issuer).issue(input))
          .to.be.revertedWithCustomError(f.registry, "InvalidCountries")
          .withArgs(idOfInput(input), CH, country(code));
      });
    }

    it("an import permit naming a malformed exporting country fails with InvalidCountries", async function () {
      const f = await loadFixture(deployRegistryFixture);
      const input = await chExport({ docType: DocType.CITES_IMPORT_PERMIT, exporting: "c1", importing: "FR" });
      await expect(f.registry.connect(f.FR.issuer).issue(input))
        .to.be.revertedWithCustomError(f.registry, "InvalidCountries")
        .withArgs(idOfInput(input), country("c1"), FR);
    });

    it("a malformed issuing country is refused as another country's permit (Unauthorized)", async function () {
      const f = await loadFixture(deployRegistryFixture);
      const input = await chExport({ exporting: "ch" });
      await expect(f.registry.connect(f.CH.issuer).issue(input))
        .to.be.revertedWithCustomError(f.registry, "Unauthorized")
        .withArgs(f.CH.issuer.address, 2, country("ch"));
    });

    it("a terms word with a bit above bit 79 fails with the PermitTerms library's InvalidTerms", async function () {
      const f = await loadFixture(deployRegistryFixture);
      const input = await chExport();
      for (const bit of [80n, 128n, 255n]) {
        const terms = input.terms | (1n << bit);
        await expect(f.registry.connect(f.CH.issuer).issue({ ...input, terms }))
          .to.be.revertedWithCustomError(f.registry, "InvalidTerms")
          .withArgs(terms);
      }
    });

    it("a document type past EPHYTO_CERTIFICATE (5, 255) fails with InvalidTerms", async function () {
      const f = await loadFixture(deployRegistryFixture);
      const input = await chExport();
      for (const docType of [5n, 255n]) {
        const terms = (input.terms & ~0xffn) | docType;
        await expect(f.registry.connect(f.CH.issuer).issue({ ...input, terms }))
          .to.be.revertedWithCustomError(f.registry, "InvalidTerms")
          .withArgs(terms);
      }
    });

    it("the same permit number of the same country fails with PermitAlreadyExists; another country may use it", async function () {
      const f = await loadFixture(deployRegistryFixture);
      const { input, permitId } = await issueExport(f, { permitNumber: "2026-0001" });
      await expect(f.registry.connect(f.CH.issuer).issue({ ...input, quantities: [1n] }))
        .to.be.revertedWithCustomError(f.registry, "PermitAlreadyExists")
        .withArgs(permitId);
      const sgInput = await chExport({ permitNumber: "2026-0001", exporting: "SG" });
      await expect(f.registry.connect(f.SG.issuer).issue(sgInput)).to.emit(f.registry, "PermitIssued").withArgs(permitIdOf("SG", "2026-0001"), f.SG.issuer.address, sgInput.documentHash, sgInput.terms, sgInput.quantities);
    });
  });

  describe("steps out of order", function () {
    it("a second endorsement fails with AlreadyEndorsed", async function () {
      const f = await loadFixture(deployRegistryFixture);
      const { permitId } = await endorsedExport(f);
      const endorsed = await recordFromChain(f.registry, permitId);
      await expect(f.registry.connect(f.CH.customs).endorseExport(endorsed, [1n, 1n]))
        .to.be.revertedWithCustomError(f.registry, "AlreadyEndorsed")
        .withArgs(permitId);
    });

    it("an import permit can't be endorsed at export: NotEndorsable", async function () {
      const f = await loadFixture(deployRegistryFixture);
      const { permitId } = await frImportPermit(f);
      const record = await recordFromChain(f.registry, permitId);
      await expect(f.registry.connect(f.CH.customs).endorseExport(record, [2_000n]))
        .to.be.revertedWithCustomError(f.registry, "NotEndorsable")
        .withArgs(permitId, DocType.CITES_IMPORT_PERMIT);
    });

    it("use before endorsement fails with ExportNotEndorsed (export permits and re-export certificates)", async function () {
      const f = await loadFixture(deployRegistryFixture);
      for (const docType of [DocType.CITES_EXPORT_PERMIT, DocType.CITES_REEXPORT_CERTIFICATE]) {
        const { permitId } = await issueExport(f, { docType });
        await expect(f.registry.connect(f.JP.customs).use(permitId))
          .to.be.revertedWithCustomError(f.registry, "ExportNotEndorsed")
          .withArgs(permitId);
      }
    });

    it("a second use fails with AlreadyUsed", async function () {
      const f = await loadFixture(deployRegistryFixture);
      const { permitId } = await endorsedExport(f);
      await f.registry.connect(f.JP.customs).use(permitId);
      await expect(f.registry.connect(f.JP.customs).use(permitId))
        .to.be.revertedWithCustomError(f.registry, "AlreadyUsed")
        .withArgs(permitId);
    });

    it("cancel, replace and endorse after use fail with AlreadyUsed", async function () {
      const f = await loadFixture(deployRegistryFixture);
      const { permitId, record } = await issueExport(f, { docType: DocType.EPHYTO_CERTIFICATE });
      await f.registry.connect(f.JP.customs).use(permitId);
      await expect(f.registry.connect(f.CH.issuer).cancel(permitId, CancelReason.LOST))
        .to.be.revertedWithCustomError(f.registry, "AlreadyUsed")
        .withArgs(permitId);
      await expect(f.registry.connect(f.CH.issuer).replace(permitId, await chExport()))
        .to.be.revertedWithCustomError(f.registry, "AlreadyUsed")
        .withArgs(permitId);
      await expect(f.registry.connect(f.CH.customs).endorseExport(record, [1n, 1n]))
        .to.be.revertedWithCustomError(f.registry, "AlreadyUsed")
        .withArgs(permitId);
    });

    it("a second cancel fails with PermitNotActive(CANCELLED); so do replace, endorse and use", async function () {
      const f = await loadFixture(deployRegistryFixture);
      const { permitId, record } = await issueExport(f);
      await f.registry.connect(f.CH.issuer).cancel(permitId, CancelReason.DAMAGED);
      await expect(f.registry.connect(f.CH.issuer).cancel(permitId, CancelReason.LOST))
        .to.be.revertedWithCustomError(f.registry, "PermitNotActive")
        .withArgs(permitId, Status.CANCELLED);
      await expect(f.registry.connect(f.CH.issuer).replace(permitId, await chExport()))
        .to.be.revertedWithCustomError(f.registry, "PermitNotActive")
        .withArgs(permitId, Status.CANCELLED);
      await expect(f.registry.connect(f.CH.customs).endorseExport(record, [1n, 1n]))
        .to.be.revertedWithCustomError(f.registry, "PermitNotActive")
        .withArgs(permitId, Status.CANCELLED);
      await expect(f.registry.connect(f.JP.customs).use(permitId))
        .to.be.revertedWithCustomError(f.registry, "PermitNotActive")
        .withArgs(permitId, Status.CANCELLED);
    });

    it("an endorsed permit may still be cancelled before use", async function () {
      const f = await loadFixture(deployRegistryFixture);
      const { permitId } = await endorsedExport(f);
      await expect(f.registry.connect(f.CH.issuer).cancel(permitId, CancelReason.WITHDRAWN)).to.emit(f.registry, "PermitCancelled");
      await expect(f.registry.connect(f.JP.customs).use(permitId))
        .to.be.revertedWithCustomError(f.registry, "PermitNotActive")
        .withArgs(permitId, Status.CANCELLED);
    });

    it("an expired permit may still be cancelled (the issuer closes it)", async function () {
      const f = await loadFixture(deployRegistryFixture);
      const { permitId, input } = await issueExport(f);
      await time.increaseTo((input.terms >> 40n) + 1n);
      await expect(f.registry.connect(f.CH.issuer).cancel(permitId, CancelReason.OTHER)).to.emit(f.registry, "PermitCancelled");
    });

    it("a notice of non-compliance before endorsement fails with NotYetShipped", async function () {
      const f = await loadFixture(deployRegistryFixture);
      const { permitId } = await issueExport(f);
      await expect(f.registry.connect(f.JP.customs).recordNonCompliance(permitId, NonComplianceReason.OTHER))
        .to.be.revertedWithCustomError(f.registry, "NotYetShipped")
        .withArgs(permitId, Status.ISSUED);
      await f.registry.connect(f.CH.issuer).cancel(permitId, CancelReason.LOST);
      await expect(f.registry.connect(f.JP.customs).recordNonCompliance(permitId, NonComplianceReason.OTHER))
        .to.be.revertedWithCustomError(f.registry, "PermitNotActive")
        .withArgs(permitId, Status.CANCELLED);
    });

    it("an endorsement of zero on every line fails with NothingExported", async function () {
      const f = await loadFixture(deployRegistryFixture);
      const { permitId } = await issueExport(f);
      const record = await recordFromChain(f.registry, permitId);
      await expect(f.registry.connect(f.CH.customs).endorseExport(record, record.authorised.map(() => 0n)))
        .to.be.revertedWithCustomError(f.registry, "NothingExported")
        .withArgs(permitId);
    });

    it("cancel and recordNonCompliance with reason NONE fail with ReasonRequired", async function () {
      const f = await loadFixture(deployRegistryFixture);
      const { permitId } = await endorsedExport(f);
      await expect(f.registry.connect(f.CH.issuer).cancel(permitId, CancelReason.NONE)).to.be.revertedWithCustomError(f.registry, "ReasonRequired");
      await expect(f.registry.connect(f.JP.customs).recordNonCompliance(permitId, NonComplianceReason.NONE)).to.be.revertedWithCustomError(
        f.registry,
        "ReasonRequired",
      );
    });

    it("reason codes past OTHER are rejected by the ABI decoder", async function () {
      const f = await loadFixture(deployRegistryFixture);
      const { permitId } = await endorsedExport(f);
      const data = f.registry.interface.encodeFunctionData("cancel", [permitId, 6]).slice(0, -2) + "07";
      await expect(f.CH.issuer.sendTransaction({ to: await f.registry.getAddress(), data })).to.be.reverted;
    });
  });

  describe("replacement chains", function () {
    it("A replaced by B replaced by C: A and B are REPLACED, C is ISSUED and each names its predecessor", async function () {
      const f = await loadFixture(deployRegistryFixture);
      const a = await issueExport(f);
      const b = await chExport();
      const c = await chExport();
      await f.registry.connect(f.CH.issuer).replace(a.permitId, b);
      await f.registry.connect(f.CH.issuer).replace(idOfInput(b), c);
      expect((await stateOf(f.registry, a.permitId)).status).to.equal(Status.REPLACED);
      expect((await stateOf(f.registry, idOfInput(b))).status).to.equal(Status.REPLACED);
      expect((await stateOf(f.registry, idOfInput(c))).status).to.equal(Status.ISSUED);
      expect((await recordFromChain(f.registry, idOfInput(b))).replacesPermitId).to.equal(a.permitId);
      expect((await recordFromChain(f.registry, idOfInput(c))).replacesPermitId).to.equal(idOfInput(b));
      for (const old of [a.permitId, idOfInput(b)]) {
        await expect(f.registry.connect(f.CH.issuer).replace(old, await chExport()))
          .to.be.revertedWithCustomError(f.registry, "PermitNotActive")
          .withArgs(old, Status.REPLACED);
      }
    });

    it("a replacement can't reuse the number of the permit it replaces (PermitAlreadyExists), and nothing changes", async function () {
      const f = await loadFixture(deployRegistryFixture);
      const a = await issueExport(f);
      await expect(f.registry.connect(f.CH.issuer).replace(a.permitId, { ...a.input, quantities: [1n] }))
        .to.be.revertedWithCustomError(f.registry, "PermitAlreadyExists")
        .withArgs(a.permitId);
      expect((await stateOf(f.registry, a.permitId)).status).to.equal(Status.ISSUED);
    });

    it("a replacement must belong to the same issuing country", async function () {
      const f = await loadFixture(deployRegistryFixture);
      const a = await issueExport(f);
      const frInput = await chExport({ exporting: "FR" });
      await expect(f.registry.connect(f.CH.issuer).replace(a.permitId, frInput))
        .to.be.revertedWithCustomError(f.registry, "Unauthorized")
        .withArgs(f.CH.issuer.address, 2, FR);
    });

    it("an invalid replacement leaves the old permit untouched (atomic)", async function () {
      const f = await loadFixture(deployRegistryFixture);
      const a = await issueExport(f);
      const bad = await chExport({ quantities: [1n, 0n] });
      await expect(f.registry.connect(f.CH.issuer).replace(a.permitId, bad))
        .to.be.revertedWithCustomError(f.registry, "ZeroQuantity")
        .withArgs(idOfInput(bad), 2);
      expect((await stateOf(f.registry, a.permitId)).status).to.equal(Status.ISSUED);
    });
  });

  describe("Appendix-I exports and their import permits", function () {
    async function appendixI(f: RegistryFixture) {
      const imp = await frImportPermit(f);
      const exp = await issueExport(f, { importing: "FR", quantities: [2_000n], importPermitId: imp.permitId });
      return { importId: imp.permitId, importInput: imp.input, exportId: exp.permitId, exportRecord: exp.record };
    }

    it("naming an unknown import permit fails with ImportPermitMismatch", async function () {
      const f = await loadFixture(deployRegistryFixture);
      const unknown = permitIdOf("FR", "FR-never");
      const input = await chExport({ importing: "FR", importPermitId: unknown });
      await expect(f.registry.connect(f.CH.issuer).issue(input))
        .to.be.revertedWithCustomError(f.registry, "ImportPermitMismatch")
        .withArgs(idOfInput(input), unknown);
    });

    it("naming a permit that is not an import permit fails with ImportPermitMismatch", async function () {
      const f = await loadFixture(deployRegistryFixture);
      const other = await issueExport(f, { importing: "FR" });
      const input = await chExport({ importing: "FR", importPermitId: other.permitId });
      await expect(f.registry.connect(f.CH.issuer).issue(input))
        .to.be.revertedWithCustomError(f.registry, "ImportPermitMismatch")
        .withArgs(idOfInput(input), other.permitId);
    });

    it("naming an import permit for other countries fails with ImportPermitMismatch", async function () {
      const f = await loadFixture(deployRegistryFixture);
      const { permitId: importId } = await frImportPermit(f); // CH → FR
      const toJapan = await chExport({ importing: "JP", importPermitId: importId });
      await expect(f.registry.connect(f.CH.issuer).issue(toJapan))
        .to.be.revertedWithCustomError(f.registry, "ImportPermitMismatch")
        .withArgs(idOfInput(toJapan), importId);
      const fromSingapore = await chExport({ exporting: "SG", importing: "FR", importPermitId: importId });
      await expect(f.registry.connect(f.SG.issuer).issue(fromSingapore))
        .to.be.revertedWithCustomError(f.registry, "ImportPermitMismatch")
        .withArgs(idOfInput(fromSingapore), importId);
    });

    it("an import permit naming an import permit fails with ImportPermitMismatch", async function () {
      const f = await loadFixture(deployRegistryFixture);
      const { permitId: importId } = await frImportPermit(f);
      const input = await chExport({ docType: DocType.CITES_IMPORT_PERMIT, importing: "FR", importPermitId: importId });
      await expect(f.registry.connect(f.FR.issuer).issue(input))
        .to.be.revertedWithCustomError(f.registry, "ImportPermitMismatch")
        .withArgs(idOfInput(input), importId);
    });

    it("naming a cancelled, replaced or used import permit fails with ImportPermitNotUsable and its status", async function () {
      const f = await loadFixture(deployRegistryFixture);
      const cancelled = await frImportPermit(f);
      await f.registry.connect(f.FR.issuer).cancel(cancelled.permitId, CancelReason.WRONGLY_ISSUED);
      const replaced = await frImportPermit(f);
      await f.registry.connect(f.FR.issuer).replace(replaced.permitId, await chExport({ docType: DocType.CITES_IMPORT_PERMIT, importing: "FR" }));
      const used = await frImportPermit(f);
      await f.registry.connect(f.FR.customs).use(used.permitId);
      for (const [importId, status] of [
        [cancelled.permitId, Status.CANCELLED],
        [replaced.permitId, Status.REPLACED],
        [used.permitId, Status.USED],
      ] as const) {
        const input = await chExport({ importing: "FR", importPermitId: importId });
        await expect(f.registry.connect(f.CH.issuer).issue(input))
          .to.be.revertedWithCustomError(f.registry, "ImportPermitNotUsable")
          .withArgs(idOfInput(input), importId, status);
      }
    });

    it("naming an expired import permit fails with ImportPermitNotUsable (status still ISSUED)", async function () {
      const f = await loadFixture(deployRegistryFixture);
      const { permitId: importId, input: imp } = await frImportPermit(f);
      await time.increaseTo((imp.terms >> 40n) + 1n);
      const input = await chExport({ importing: "FR", importPermitId: importId });
      await expect(f.registry.connect(f.CH.issuer).issue(input))
        .to.be.revertedWithCustomError(f.registry, "ImportPermitNotUsable")
        .withArgs(idOfInput(input), importId, Status.ISSUED);
    });

    it("using the export after its import permit was used meanwhile fails with ImportPermitNotUsable", async function () {
      const f = await loadFixture(deployRegistryFixture);
      const { importId, exportId, exportRecord } = await appendixI(f);
      await f.registry.connect(f.CH.customs).endorseExport(exportRecord, [2_000n]);
      await f.registry.connect(f.FR.customs).use(importId);
      await expect(f.registry.connect(f.FR.customs).use(exportId))
        .to.be.revertedWithCustomError(f.registry, "ImportPermitNotUsable")
        .withArgs(exportId, importId, Status.USED);
      expect((await stateOf(f.registry, exportId)).status).to.equal(Status.ENDORSED);
    });

    it("two exports naming one import permit: the first use consumes it, the second fails", async function () {
      const f = await loadFixture(deployRegistryFixture);
      const { importId, exportId, exportRecord } = await appendixI(f);
      const second = await issueExport(f, { importing: "FR", quantities: [2_000n], importPermitId: importId });
      await f.registry.connect(f.CH.customs).endorseExport(exportRecord, [2_000n]);
      await f.registry.connect(f.CH.customs).endorseExport(second.record, [2_000n]);
      await f.registry.connect(f.FR.customs).use(exportId);
      await expect(f.registry.connect(f.FR.customs).use(second.permitId))
        .to.be.revertedWithCustomError(f.registry, "ImportPermitNotUsable")
        .withArgs(second.permitId, importId, Status.USED);
    });

    it("using the export after its import permit was cancelled or expired fails with ImportPermitNotUsable", async function () {
      const f = await loadFixture(deployRegistryFixture);
      const { importId, exportId, exportRecord } = await appendixI(f);
      await f.registry.connect(f.CH.customs).endorseExport(exportRecord, [2_000n]);
      await f.registry.connect(f.FR.issuer).cancel(importId, CancelReason.OTHER);
      await expect(f.registry.connect(f.FR.customs).use(exportId))
        .to.be.revertedWithCustomError(f.registry, "ImportPermitNotUsable")
        .withArgs(exportId, importId, Status.CANCELLED);

      // an import permit that expires before the export it backs
      const t = await now();
      const shortImport = await frImportPermit(f, { validUntil: t + 5n * DAY });
      const exp = await issueExport(f, { importing: "FR", quantities: [2_000n], importPermitId: shortImport.permitId, validUntil: t + 30n * DAY });
      await f.registry.connect(f.CH.customs).endorseExport(exp.record, [2_000n]);
      await time.increaseTo(t + 5n * DAY + 1n);
      await expect(f.registry.connect(f.FR.customs).use(exp.permitId))
        .to.be.revertedWithCustomError(f.registry, "ImportPermitNotUsable")
        .withArgs(exp.permitId, shortImport.permitId, Status.ISSUED);
    });
  });

  describe("batch size", function () {
    it("a batch of 400 permits of 2 lines is estimated below the 16,777,216 per-transaction gas cap", async function () {
      const f = await loadFixture(deployRegistryFixture);
      const validUntil = (await now()) + 150n * DAY;
      const inputs: PermitInputStruct[] = Array.from({ length: 400 }, (_, i) =>
        makeInput({
          permitNumber: `CH-BATCH-${String(i).padStart(6, "0")}`,
          documentHash: ethers.keccak256(ethers.toUtf8Bytes(`batch ${i}`)),
          exporting: "CH",
          importing: "JP",
          validUntil,
          quantities: [120_000n + BigInt(i), 14_500n],
        }),
      );
      const gas = await f.registry.connect(f.CH.issuer).issueBatch.estimateGas(inputs);
      expect(gas).to.be.lessThan(PER_TRANSACTION_GAS_CAP);
      // and it really goes through under that limit
      const receipt = await (await f.registry.connect(f.CH.issuer).issueBatch(inputs, { gasLimit: PER_TRANSACTION_GAS_CAP })).wait();
      expect(receipt!.gasUsed).to.be.lessThan(PER_TRANSACTION_GAS_CAP);
      expect((await stateOf(f.registry, permitIdOf("CH", "CH-BATCH-000399"))).status).to.equal(Status.ISSUED);
    });
  });
});
