import { expect } from "chai";
import { getAddress } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { documentHash, encodeQrPayload, newSalt, permitIdOf, signPermitAnchor } from "../../../src/sdk";
import { verify, wasActiveIssuer, wasActiveIssuerDuring, type TrustListSnapshot } from "../../../src/sdk/verify";
import { sample } from "../document/samples";

const A = getAddress("0x00000000000000000000000000000000000000aa");
const B = getAddress("0x00000000000000000000000000000000000000bb");
const DAY = 1_795_392_000n; // 2026-11-23T00:00:00Z
const HOUR = 3_600n;

function snapshot(officers: TrustListSnapshot["officers"]): Pick<TrustListSnapshot, "officers"> {
  return { officers };
}

describe("trust list: who was an active issuer, and when", function () {
  it("an issuer active for one hour of the issue day counts for that day, not for the days around it", function () {
    const list = snapshot([{ country: "CH", role: "ISSUER", address: A, activeFrom: String(DAY + HOUR), activeTo: String(DAY + 2n * HOUR) }]);
    expect(wasActiveIssuerDuring(list, "CH", A, DAY, DAY + 86_399n)).to.equal(true);
    expect(wasActiveIssuerDuring(list, "CH", A, DAY - 86_400n, DAY - 1n)).to.equal(false);
    expect(wasActiveIssuerDuring(list, "CH", A, DAY + 86_400n, DAY + 2n * 86_400n - 1n)).to.equal(false);
    // The sampled instants (midnight, noon, last second) would all have missed this officer.
    expect([DAY, DAY + 43_200n, DAY + 86_399n].some((t) => wasActiveIssuer(list, "CH", A, t))).to.equal(false);
  });

  it("ends are exclusive: removed at the first second of the day means not active that day", function () {
    const list = snapshot([{ country: "CH", role: "ISSUER", address: A, activeFrom: String(DAY - 86_400n), activeTo: String(DAY) }]);
    expect(wasActiveIssuerDuring(list, "CH", A, DAY, DAY + 86_399n)).to.equal(false);
    expect(wasActiveIssuerDuring(list, "CH", A, DAY - 86_400n, DAY - 1n)).to.equal(true);
  });

  it("counts only issuers, of that country, with that address (any case), still active when open-ended", function () {
    const list = snapshot([
      { country: "CH", role: "CUSTOMS", address: B, activeFrom: "0" },
      { country: "FR", role: "ISSUER", address: B, activeFrom: "0" },
      { country: "CH", role: "ISSUER", address: A, activeFrom: String(DAY) },
    ]);
    expect(wasActiveIssuerDuring(list, "CH", B, DAY, DAY + 86_399n)).to.equal(false);
    expect(wasActiveIssuerDuring(list, "FR", B, DAY, DAY + 86_399n)).to.equal(true);
    expect(wasActiveIssuerDuring(list, "CH", A.toLowerCase() as typeof A, DAY + 10n * 86_400n, DAY + 11n * 86_400n)).to.equal(true);
    expect(wasActiveIssuerDuring(list, "CH", A, DAY - 86_400n, DAY - 1n)).to.equal(false);
  });

  it("each loaded snapshot is indexed on its own (a new list is never answered from an old one's index)", function () {
    const first = snapshot([{ country: "CH", role: "ISSUER", address: A, activeFrom: "0" }]);
    const second = snapshot([{ country: "CH", role: "ISSUER", address: A, activeFrom: "0", activeTo: "1" }]);
    expect(wasActiveIssuerDuring(first, "CH", A, DAY, DAY + 1n)).to.equal(true);
    expect(wasActiveIssuerDuring(second, "CH", A, DAY, DAY + 1n)).to.equal(false);
  });
});

describe("offline verify: was the signer an issuer of the issuing country from the issue day on", function () {
  const registry = getAddress("0x5fbdb2315678afecb367f032d93f642f64180aa3");
  const officer = privateKeyToAccount(generatePrivateKey());
  const document = { ...sample("01"), issuedOn: "2026-11-20", validUntil: "2027-04-19" };
  const at = (day: number, hour = 0) => String(Date.UTC(2026, 10, day, hour) / 1000);
  const now = 1_795_392_000n; // 2026-11-23T00:00:00Z
  let qr: string;

  before(async function () {
    const salt = newSalt();
    const permitId = permitIdOf(document.issuingCountry, document.permitNumber);
    const signature = await signPermitAnchor({ account: officer, chainId: 31337, registry, permitId, documentHash: documentHash(document, salt) });
    qr = encodeQrPayload({ mode: "full", chainId: 31337, registry, permitId, salt, signature, document: document as never });
  });

  /** A trust list taken at `blockTime` (default: 2026-11-23) holding `officers`. */
  const listOf = (officers: TrustListSnapshot["officers"], blockTime = String(now)): TrustListSnapshot => ({
    format: "permit-registry/trust-list@1", chainId: 31337, registry, blockNumber: "9", blockTime, takenAt: new Date(Number(blockTime) * 1000).toISOString(), officers,
  });
  const issuer = (activeFrom: string, activeTo?: string): TrustListSnapshot["officers"][number] => ({
    country: document.issuingCountry, role: "ISSUER", address: officer.address, activeFrom, ...(activeTo !== undefined ? { activeTo } : {}),
  });

  it("a permit dated before its signer became an issuer (signed on paper, entered later) verifies VALID", async function () {
    const registeredLater = await verify(qr, { trustList: listOf([issuer(at(22, 9))]), now });
    expect(registeredLater.verdict).to.equal("VALID");
    expect(registeredLater.checks.signature).to.deep.equal({
      result: "passed", reason: `signed by ${officer.address}, an active issuer of CH on or after 2026-11-20 (trust list of block 9)`,
    });
    expect((await verify(qr, { trustList: listOf([issuer(at(20, 10))]), now })).verdict).to.equal("VALID"); // registered that day
    expect((await verify(qr, { trustList: listOf([issuer(at(21), at(22))]), now })).verdict).to.equal("VALID"); // and since removed
  });

  it("a signer removed before the issue day is UNTRUSTED_SIGNER (removed at its first second too)", async function () {
    for (const removedAt of [at(19, 12), at(20)]) {
      const result = await verify(qr, { trustList: listOf([issuer(at(1), removedAt)]), now });
      expect(result.verdict, removedAt).to.equal("UNTRUSTED_SIGNER");
      expect(result.checks.signature).to.deep.equal({
        result: "failed", reason: `signed by ${officer.address}, who was not an active issuer of CH on or after 2026-11-20 per the trust list (block 9)`,
      });
    }
    // Removed one second into the issue day: it was an issuer that day.
    expect((await verify(qr, { trustList: listOf([issuer(at(1), String(Number(at(20)) + 1))]), now })).verdict).to.equal("VALID");
  });

  it("a signer not in the trust list, or only as customs or for another country, is UNTRUSTED_SIGNER", async function () {
    const other = getAddress("0x00000000000000000000000000000000000000cc");
    const lists = [
      listOf([]),
      listOf([{ ...issuer(at(1)), address: other }]),
      listOf([{ ...issuer(at(1)), role: "CUSTOMS" }]),
      listOf([{ ...issuer(at(1)), country: "FR" }]),
    ];
    for (const trustList of lists) {
      const result = await verify(qr, { trustList, now });
      expect(result.verdict, JSON.stringify(trustList.officers)).to.equal("UNTRUSTED_SIGNER");
      expect(result.checks.signature.result).to.equal("failed");
    }
  });

  it("a permit dated after the trust list was taken: an issuer still active in the list counts, one removed before does not", async function () {
    const takenNov18 = String(Date.UTC(2026, 10, 18) / 1000);
    expect((await verify(qr, { trustList: listOf([issuer(at(1))], takenNov18), now })).verdict).to.equal("VALID");
    expect((await verify(qr, { trustList: listOf([issuer(at(1), at(10))], takenNov18), now })).verdict).to.equal("UNTRUSTED_SIGNER");
  });
});
