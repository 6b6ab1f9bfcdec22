/**
 * MirrorVerifier — what the verification helper processes run: a whole online verification from
 * the store's mirror of the chain alone, on a real SQLite file read through a second, read-only
 * connection (as the helpers open it). Anything that needs the chain must come back as a
 * fallback, never as a verdict guessed from a partial mirror.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { getAddress, type Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { documentHash, encodeQrPayload, newSalt, permitIdOf, signPermitAnchor, toVerifyUrl } from "../../../src/sdk";
import { permitInputOf } from "../../../src/sdk/chain";
import { readPermit, type TrustListSnapshot } from "../../../src/sdk/verify";
import { codeDigest, readCode, recordIssuedCode } from "../../../src/service/domain/issuedCodes";
import { MirrorVerifier, qrOfRequestBody } from "../../../src/service/domain/verification";
import type { MirrorState } from "../../../src/service/domain/verifyReader";
import { openStore, openStoreReader, type Store } from "../../../src/service/store";
import { sample } from "../../sdk/document/samples";

describe("MirrorVerifier: a verification from the store's mirror alone", function () {
  this.timeout(20_000);
  const registry = getAddress("0x5fbdb2315678afecb367f032d93f642f64180aa3");
  const officer = privateKeyToAccount(generatePrivateKey());
  const document = sample("01");
  const salt = newSalt();
  const hash = documentHash(document, salt);
  const permitId = permitIdOf(document.issuingCountry, document.permitNumber);
  const issuedAt = Math.floor(Date.now() / 1000) - 60;
  let dir: string;
  let writer: Store;
  let reader: Store;
  let qr: string;
  let mirror: MirrorState;
  let trustList: TrustListSnapshot | undefined;
  let verifier: MirrorVerifier;

  const snapshot = (address: Hex): TrustListSnapshot => ({
    format: "permit-registry/trust-list@1",
    chainId: 31337,
    registry,
    blockNumber: "10",
    blockTime: String(issuedAt),
    takenAt: new Date().toISOString(),
    officers: [{ country: document.issuingCountry, role: "ISSUER", address, activeFrom: String(issuedAt - 3600) }],
  });

  before(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "mirror-verifier-"));
    const database = { kind: "sqlite" as const, path: path.join(dir, "registry.sqlite") };
    writer = await openStore(database);
    reader = openStoreReader(database);
    const signature = await signPermitAnchor({ account: officer, chainId: 31337, registry, permitId, documentHash: hash });
    qr = encodeQrPayload({ mode: "full", chainId: 31337, registry, permitId, salt, signature, document: document as never });
    verifier = new MirrorVerifier({ store: reader, mirror: () => mirror, trustList: () => trustList });
  });
  after(async () => {
    await reader?.close();
    await writer?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    mirror = { lastBlock: 12n, lastBlockTime: BigInt(issuedAt + 30), lastSyncedAt: Date.now(), lastSyncFailed: false };
    trustList = snapshot(officer.address);
  });

  it("answers what needs no chain at all: an unreadable QR is MALFORMED, a changed one TAMPERED", async () => {
    const malformed = await verifier.answer("hello");
    expect("answer" in malformed && JSON.parse(malformed.answer).verdict).to.equal("MALFORMED");
    const tampered = qr.slice(0, 60) + (qr[60] === "A" ? "B" : "A") + qr.slice(61);
    const result = await verifier.answer(tampered);
    expect("answer" in result, JSON.stringify(result)).to.equal(true);
    expect(["MALFORMED", "TAMPERED"]).to.include(JSON.parse((result as { answer: string }).answer).verdict);
  });

  it("hands back a permit the indexer has not recorded yet (never NOT_ANCHORED from the mirror)", async () => {
    expect(await verifier.answer(qr)).to.deep.equal({ fallback: "the permit is not indexed yet" });
  });

  it("once the issue is indexed: VALID as of the mirror's block, bigints as decimal strings", async () => {
    const input = permitInputOf(document, hash);
    await writer.appendPermitEvent({
      permitId,
      kind: "PermitIssued",
      officerAddress: officer.address,
      country: document.issuingCountry,
      txHash: `0x${"ab".repeat(32)}`,
      blockNumber: 11,
      blockTime: new Date(issuedAt * 1000).toISOString(),
      logIndex: 0,
      data: { documentHash: hash, terms: input.terms.toString(), quantities: input.quantities.map(String), importPermitId: input.importPermitId, originPermitId: input.originPermitId },
    });
    const result = await verifier.answer(qr);
    expect("answer" in result, JSON.stringify(result)).to.equal(true);
    const body = JSON.parse((result as { answer: string }).answer);
    expect(body.verdict, JSON.stringify(body.checks)).to.equal("VALID");
    expect(body.mode).to.equal("online");
    expect(body.asOf).to.deep.equal({ blockNumber: "12", blockTime: String(issuedAt + 30) });
    expect(body.history.map((h: { event: string }) => h.event)).to.deep.equal(["PermitIssued"]);
    expect(body.checks.hash.result).to.equal("passed");
  });

  describe("a code this service handed out", () => {
    const stored = (documentJson: string, id: Hex = permitId) => ({
      permitId: id, issuingCountry: document.issuingCountry, permitNumber: document.permitNumber, documentJson, salt, documentHash: hash,
      docType: document.documentType, exportingCountry: document.exporter.country, importingCountry: document.importer.country, validUntil: document.validUntil,
      issuerOfficerId: null, signature: null, lines: [],
    });
    before(async () => {
      await writer.insertPermit(stored(JSON.stringify(document)));
    });

    it("is read once when handed out, under the digest of its payload, whatever URL carries it", async () => {
      const url = toVerifyUrl(qr, "https://registry.example/verify");
      expect(codeDigest(url)).to.equal(codeDigest(qr));
      expect(codeDigest("hello")).to.equal(undefined);
      expect(await writer.issuedCodeReading(codeDigest(qr)!)).to.equal(undefined);
      await recordIssuedCode(writer, url);
      const recorded = JSON.parse((await reader.issuedCodeReading(codeDigest(qr)!))!);
      expect(recorded).to.deep.equal(JSON.parse(JSON.stringify(await readPermit(qr))));
      expect(recorded).to.include({ outcome: "SIGNED", signer: officer.address, hash });
    });

    it("is answered from that reading, exactly as a reading made now; a code that differs is read in full", async () => {
      await recordIssuedCode(writer, qr);
      const fromRecord = await verifier.answer(qr);
      expect(await readCode(reader, qr)).to.deep.equal(JSON.parse(JSON.stringify(await readPermit(qr))));
      const readNow = await new MirrorVerifier({ store: { ...reader, issuedCodeReading: async () => undefined } as Store, mirror: () => mirror, trustList: () => trustList }).answer(qr);
      expect(fromRecord).to.deep.equal(readNow);
      expect(JSON.parse((fromRecord as { answer: string }).answer).verdict).to.equal("VALID");

      // The recorded reading is what is used: one planted under another code's digest is answered as planted...
      const otherSalt = newSalt();
      const otherCode = encodeQrPayload({
        mode: "full", chainId: 31337, registry, permitId, salt: otherSalt, document: document as never,
        signature: await signPermitAnchor({ account: officer, chainId: 31337, registry, permitId, documentHash: documentHash(document, otherSalt) }),
      });
      const planted = { ...(await readPermit(otherCode)), hash };
      await writer.recordIssuedCode({ digest: codeDigest(otherCode)!, permitId, reading: JSON.stringify(planted) });
      expect(JSON.parse((await verifier.answer(otherCode) as { answer: string }).answer).checks.hash.result).to.equal("passed");
      // ...while the same code altered by one character is not found, read in full, and refused.
      const altered = otherCode.slice(0, 80) + (otherCode[80] === "A" ? "B" : "A") + otherCode.slice(81);
      expect(codeDigest(altered)).to.not.equal(codeDigest(otherCode));
      const answer = await verifier.answer(altered);
      expect(["MALFORMED", "TAMPERED"]).to.include(JSON.parse((answer as { answer: string }).answer).verdict);
    });

    it("is not recorded when it does not read as signed (read in full each time instead)", async () => {
      const unsigned = qr.slice(0, 80) + (qr[80] === "A" ? "B" : "A") + qr.slice(81);
      await recordIssuedCode(writer, unsigned);
      await recordIssuedCode(writer, "hello");
      expect(await writer.issuedCodeReading(codeDigest(unsigned)!)).to.equal(undefined);
    });
  });

  it("hands back when the mirror is not current (last sync failed, or too old): the service asks the chain", async () => {
    mirror = { ...mirror, lastSyncFailed: true };
    expect(await verifier.answer(qr)).to.deep.equal({ fallback: "the mirror is not current" });
    mirror = { ...mirror, lastSyncFailed: false, lastSyncedAt: Date.now() - 60_000 };
    expect(await verifier.answer(qr)).to.deep.equal({ fallback: "the mirror is not current" });
  });

  it("hands back a signer the trust-list snapshot does not know (an officer added since)", async () => {
    trustList = snapshot(privateKeyToAccount(generatePrivateKey()).address);
    expect(await verifier.answer(qr)).to.deep.equal({ fallback: "the signer is not in the trust-list snapshot" });
    trustList = undefined;
    expect(await verifier.answer(qr)).to.deep.equal({ fallback: "the signer is not in the trust-list snapshot" });
  });

  it("reads the request body's `qr` only when it is a string", () => {
    expect(qrOfRequestBody({ qr: "PR1:x" })).to.equal("PR1:x");
    for (const body of [undefined, null, "PR1:x", 42, [], {}, { qr: 42 }, { qr: null }]) expect(qrOfRequestBody(body), JSON.stringify(body)).to.equal(undefined);
  });

  it("the read-only connection cannot write", async () => {
    const err = await reader.setIndexerCursor("registry", 1).then(() => undefined, (e: unknown) => e);
    expect(String(err)).to.match(/readonly|read-only/i);
  });
});
