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

  it("offline verify asks about the permit's own issue date (not a day a month later)", async function () {
    const officer = privateKeyToAccount(generatePrivateKey());
    const document = { ...sample("01"), issuedOn: "2026-11-20", validUntil: "2027-04-19" };
    const salt = newSalt();
    const permitId = permitIdOf(document.issuingCountry, document.permitNumber);
    const registry = getAddress("0x5fbdb2315678afecb367f032d93f642f64180aa3");
    const signature = await signPermitAnchor({ account: officer, chainId: 31337, registry, permitId, documentHash: documentHash(document, salt) });
    const qr = encodeQrPayload({ mode: "full", chainId: 31337, registry, permitId, salt, signature, document: document as never });
    const listFrom = (activeFrom: string): TrustListSnapshot => ({
      format: "permit-registry/trust-list@1", chainId: 31337, registry, blockNumber: "9", blockTime: "1795392000", takenAt: "2026-11-23T00:00:00Z",
      officers: [{ country: document.issuingCountry, role: "ISSUER", address: officer.address, activeFrom }],
    });
    const now = 1_795_392_000n; // 2026-11-23
    const nov20at10 = String(Date.UTC(2026, 10, 20, 10) / 1000);
    const nov25 = String(Date.UTC(2026, 10, 25) / 1000);
    expect((await verify(qr, { trustList: listFrom(nov20at10), now })).verdict).to.equal("VALID");
    const later = await verify(qr, { trustList: listFrom(nov25), now });
    expect(later.verdict).to.equal("UNTRUSTED_SIGNER");
    expect(later.checks.signature.reason).to.contain("2026-11-20");
  });
});
