import { expect } from "chai";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import fc from "fast-check";
import { parseEventLogs } from "viem";
import { parseRegistryLogs, permitRegistryAbi } from "../../../src/sdk/chain";
import {
  createRegistryClient, decodeQrPayload, encodeQrPayload, exportTrustList, extractQrPayload, permitIdOf, permitInputOf, documentHash, renderQrPng, toVerifyUrl, verify,
  VERDICTS, type PermitDocument,
} from "../../../src/sdk";
import { sample } from "../document/samples";
import { ACCOUNT, account, datedToday, firstSecondAfter, issueWithQr, publicClient, setup, startRpcEndpoint } from "./harness";

describe("SDK verify against the real contracts", function () {
  let env: Awaited<ReturnType<typeof setup>>;
  let doc: PermitDocument;

  beforeEach(async function () {
    env = await loadFixture(setup);
    doc = await datedToday(sample("01"));
  });

  /** Registers a spare account as a CH issuer now (chain time) and returns its account index. */
  async function registerSpareIssuer() {
    const spare = env.fixture.spare[1];
    await env.fixture.registry.connect(env.fixture.CH.admin).registerOfficer(spare.address, 2);
    const index = (await (await import("hardhat")).ethers.getSigners()).findIndex((s) => s.address === spare.address);
    return { index, address: account(index).address };
  }

  it("an issued permit's QR verifies VALID online, with checks, lines, history and block", async function () {
    const { qr, permitId } = await issueWithQr(env.address, env.clientFor, doc, ACCOUNT.CH.issuer);
    const result = await verify(qr, { registry: env.reader });
    expect(result.verdict).to.equal("VALID");
    expect(result.mode).to.equal("online");
    expect(result.permitId).to.equal(permitId);
    expect(result.checks.signature.result).to.equal("passed");
    expect(result.checks.hash.result).to.equal("passed");
    expect(result.checks.status.result).to.equal("passed");
    expect(result.signer).to.equal(account(ACCOUNT.CH.issuer).address);
    expect(result.lines).to.deep.equal([
      { line: 1, authorised: 120, unit: "", exported: null }, // the chain says: not endorsed
      { line: 2, authorised: 14.5, unit: "kg", exported: null },
    ]);
    // Sample 01 names the origin permit of line 1, so the issue also emitted PermitLinked.
    expect(result.history!.map((h) => h.event)).to.deep.equal(["PermitIssued", "PermitLinked"]);
    expect(result.asOf!.blockNumber > 0n).to.equal(true);
  });

  it("the verify URL and a PNG of the QR verify the same", async function () {
    const { qr } = await issueWithQr(env.address, env.clientFor, doc, ACCOUNT.CH.issuer);
    expect((await verify(toVerifyUrl(qr, "https://registry.example/verify"), { registry: env.reader })).verdict).to.equal("VALID");
    expect((await verify(await renderQrPng(qr), { registry: env.reader })).verdict).to.equal("VALID");
  });

  it("endorsement shows exported quantities; use gives ALREADY_USED", async function () {
    const { qr, permitId } = await issueWithQr(env.address, env.clientFor, doc, ACCOUNT.CH.issuer);
    const record = (await env.reader.readRecord(permitId))!;
    await env.clientFor(ACCOUNT.CH.customs).endorseExport(record, [100_000n, 14_500n]);
    const endorsed = await verify(qr, { registry: env.reader });
    expect(endorsed.verdict).to.equal("VALID");
    expect(endorsed.lines!.map((l) => l.exported)).to.deep.equal([100, 14.5]);
    await env.clientFor(ACCOUNT.JP.customs).use(permitId);
    const used = await verify(qr, { registry: env.reader });
    expect(used.verdict).to.equal("ALREADY_USED");
    expect(used.history!.map((h) => h.event)).to.deep.equal(["PermitIssued", "PermitLinked", "ExportEndorsed", "ImportAccepted"]);
    expect(used.history![3].officer).to.equal(account(ACCOUNT.JP.customs).address);
  });

  it("one tampered field gives TAMPERED", async function () {
    const { qr } = await issueWithQr(env.address, env.clientFor, doc, ACCOUNT.CH.issuer);
    const payload = decodeQrPayload(qr);
    if (payload.mode !== "full") throw new Error("expected full");
    (payload.document as { items: { quantity: number }[] }).items[0].quantity = 1200;
    const tampered = await verify(encodeQrPayload(payload), { registry: env.reader });
    expect(tampered.verdict).to.equal("TAMPERED");
    expect(tampered.checks.hash.result).to.equal("failed");
    expect(tampered.checks.signature.result).to.equal("failed");
    // The quantities the chain holds, not the altered 1,200 (nor the code's units).
    expect(tampered.lines).to.deep.equal([
      { line: 1, authorised: 120, exported: null },
      { line: 2, authorised: 14.5, exported: null },
    ]);
    expect((tampered.document as { items: { quantity: number }[] }).items[0].quantity, "what the code claims").to.equal(1200);
  });

  it("a QR signed by a removed officer gives UNTRUSTED_SIGNER", async function () {
    await env.fixture.registry.connect(env.fixture.CH.admin).removeOfficer(env.fixture.CH.issuer.address);
    // A second CH issuer anchors the permit; the removed one signs the QR.
    const spare = env.fixture.spare[0];
    await env.fixture.registry.connect(env.fixture.CH.admin).registerOfficer(spare.address, 2);
    const spareIndex = (await (await import("hardhat")).ethers.getSigners()).findIndex((s) => s.address === spare.address);
    const { qr } = await issueWithQr(env.address, env.clientFor, doc, spareIndex, ACCOUNT.CH.issuer);
    const result = await verify(qr, { registry: env.reader });
    expect(result.verdict).to.equal("UNTRUSTED_SIGNER");
    expect(result.checks.signature.result).to.equal("failed");
  });

  it("a signed but never anchored permit gives NOT_ANCHORED", async function () {
    const { qr } = await issueWithQr(env.address, env.clientFor, doc, ACCOUNT.CH.issuer, ACCOUNT.CH.issuer, false);
    expect((await verify(qr, { registry: env.reader })).verdict).to.equal("NOT_ANCHORED");
  });

  it("cancel gives CANCELLED; replace gives REPLACED with the replacement's id", async function () {
    const a = await issueWithQr(env.address, env.clientFor, doc, ACCOUNT.CH.issuer);
    await env.clientFor(ACCOUNT.CH.issuer).cancel(a.permitId, "LOST");
    expect((await verify(a.qr, { registry: env.reader })).verdict).to.equal("CANCELLED");

    const old = { ...doc };
    old.permitNumber = "CH-2026-004712";
    const b = await issueWithQr(env.address, env.clientFor, old, ACCOUNT.CH.issuer);
    const next = { ...doc };
    next.permitNumber = "CH-2026-004713";
    const { replacementId } = await env.clientFor(ACCOUNT.CH.issuer).replace(b.permitId, permitInputOf(next, documentHash(next, b.salt)));
    expect(replacementId).to.equal(permitIdOf("CH", "CH-2026-004713"));
    const result = await verify(b.qr, { registry: env.reader });
    expect(result.verdict).to.equal("REPLACED");
    expect(result.replacementId).to.equal(replacementId);
    expect((await env.reader.readRecord(replacementId))!.replacesPermitId).to.equal(b.permitId);
  });

  it("after the last day of validity it is EXPIRED (chain time moved)", async function () {
    const { qr } = await issueWithQr(env.address, env.clientFor, doc, ACCOUNT.CH.issuer);
    await time.increaseTo(firstSecondAfter(doc));
    expect((await verify(qr, { registry: env.reader })).verdict).to.equal("EXPIRED");
  });

  it("when the RPC endpoint stops, the verdict is CHAIN_UNREACHABLE, never TAMPERED or NOT_ANCHORED", async function () {
    const { qr } = await issueWithQr(env.address, env.clientFor, doc, ACCOUNT.CH.issuer);
    // A paper permit dated yesterday, entered today by an officer who became an issuer today.
    const { index: newcomer } = await registerSpareIssuer();
    const yesterday = new Date(Date.parse(`${doc.issuedOn}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    const entered = await issueWithQr(env.address, env.clientFor, { ...doc, permitNumber: "CH-2026-004720", issuedOn: yesterday }, newcomer);
    const rpc = await startRpcEndpoint();
    const remote = createRegistryClient({ publicClient: rpc.client, address: env.address });
    expect((await verify(qr, { registry: remote })).verdict).to.equal("VALID");
    expect((await verify(entered.qr, { registry: remote })).verdict).to.equal("VALID");
    const trustList = await exportTrustList(env.reader, await publicClient.getChainId());
    await rpc.stop();
    for (const text of [qr, entered.qr]) {
      const down = await verify(text, { registry: remote, trustList });
      expect(down.verdict).to.equal("CHAIN_UNREACHABLE");
      expect(down.checks.signature.result, down.checks.signature.reason).to.equal("passed"); // the offline checks still ran
      expect(down.checks.status.result).to.equal("skipped");
      expect(down.lines!.every((l) => l.exported === undefined), "exported not known without the chain").to.equal(true);
    }
  });

  it("offline, a permit dated before its signer became an issuer is VALID; one dated after the signer's removal is UNTRUSTED_SIGNER", async function () {
    const { index: newcomer, address: newcomerAddress } = await registerSpareIssuer();
    const yesterday = new Date(Date.parse(`${doc.issuedOn}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    const entered = await issueWithQr(env.address, env.clientFor, { ...doc, permitNumber: "CH-2026-004721", issuedOn: yesterday }, newcomer);
    // The fixture's CH issuer is removed today; the next day it signs a permit another issuer anchors.
    await env.fixture.registry.connect(env.fixture.CH.admin).removeOfficer(env.fixture.CH.issuer.address);
    await time.increase(86_400);
    const tomorrow = await datedToday(sample("01"));
    const afterRemoval = await issueWithQr(env.address, env.clientFor, { ...tomorrow, permitNumber: "CH-2026-004722" }, newcomer, ACCOUNT.CH.issuer);
    const trustList = await exportTrustList(env.reader, await publicClient.getChainId());
    const now = BigInt(trustList.blockTime);
    const valid = await verify(entered.qr, { trustList, now });
    expect(valid.verdict, valid.checks.signature.reason).to.equal("VALID");
    expect(valid.signer).to.equal(newcomerAddress);
    const removed = await verify(afterRemoval.qr, { trustList, now });
    expect(removed.verdict).to.equal("UNTRUSTED_SIGNER");
    expect(removed.checks.signature.reason).to.contain(`not an active issuer of CH on or after ${tomorrow.issuedOn}`);
  });

  it("offline with a trust-list snapshot: VALID, says offline and how old the list is", async function () {
    const { qr } = await issueWithQr(env.address, env.clientFor, doc, ACCOUNT.CH.issuer);
    const trustList = JSON.parse(JSON.stringify(await exportTrustList(env.reader, await publicClient.getChainId())));
    const result = await verify(qr, { trustList, now: BigInt(trustList.blockTime) + 3600n });
    expect(result.verdict).to.equal("VALID");
    expect(result.mode).to.equal("offline");
    expect(result.trustList!.ageSeconds).to.equal(3600);
    expect(result.checks.hash.result).to.equal("skipped");
    const stranger = await issueWithQr(env.address, env.clientFor, { ...doc, permitNumber: "CH-X-1" }, ACCOUNT.CH.issuer, ACCOUNT.stranger, false);
    expect((await verify(stranger.qr, { trustList })).verdict).to.equal("UNTRUSTED_SIGNER");
  });

  it("garbage gives MALFORMED", async function () {
    expect((await verify("hello", { registry: env.reader })).verdict).to.equal("MALFORMED");
    expect((await verify(new Uint8Array([1, 2, 3]), { registry: env.reader })).verdict).to.equal("MALFORMED");
  });

  it("fuzz: random and mutated QR strings only ever give MALFORMED, TAMPERED or UNTRUSTED_SIGNER (or VALID for the same payload)", async function () {
    const { qr } = await issueWithQr(env.address, env.clientFor, doc, ACCOUNT.CH.issuer);
    const trustList = await exportTrustList(env.reader, await publicClient.getChainId());
    const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
    const mutated = fc.tuple(fc.nat(qr.length - 1), fc.constantFrom(...alphabet)).map(([i, c]) => qr.slice(0, i) + c + qr.slice(i + 1));
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), mutated, fc.string().map((s) => `PR1:${s}`)), async (text) => {
        if (text === qr) return;
        const r = await verify(text, { trustList });
        if (r.verdict === "VALID") {
          // Only a text that carries the very same payload may verify: inflate ignores the padding
          // bits of the last deflate byte, so a few spellings of one QR exist (docs/qr-format.md).
          expect(decodeQrPayload(extractQrPayload(text))).to.deep.equal(decodeQrPayload(qr));
          return;
        }
        expect(["MALFORMED", "TAMPERED", "UNTRUSTED_SIGNER"]).to.include(r.verdict);
        expect(VERDICTS).to.include(r.verdict);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 300) },
    );
  });

  it("the registry's log decoder gives exactly viem's parseEventLogs for every event of a full lifecycle", async function () {
    const { permitId } = await issueWithQr(env.address, env.clientFor, doc, ACCOUNT.CH.issuer);
    const record = (await env.reader.readRecord(permitId))!;
    await env.clientFor(ACCOUNT.CH.customs).endorseExport(record, [100_000n, 14_500n]);
    await env.clientFor(ACCOUNT.JP.customs).recordNonCompliance(permitId, "QUANTITY_MISMATCH");
    await env.clientFor(ACCOUNT.JP.customs).use(permitId);
    const second = await issueWithQr(env.address, env.clientFor, { ...doc, permitNumber: "CH-2026-LOGS02" }, ACCOUNT.CH.issuer);
    await env.clientFor(ACCOUNT.CH.issuer).cancel(second.permitId, "LOST");
    const logs = await publicClient.getLogs({ address: env.address, fromBlock: 0n });
    const ours = parseRegistryLogs({ logs });
    expect(ours).to.deep.equal(parseEventLogs({ abi: permitRegistryAbi, logs }));
    expect(new Set(ours.map((l) => l.eventName)).size).to.be.greaterThanOrEqual(8);
    const filtered = parseRegistryLogs({ logs, eventName: ["PermitIssued", "ImportAccepted"] });
    expect(filtered).to.deep.equal(parseEventLogs({ abi: permitRegistryAbi, logs, eventName: ["PermitIssued", "ImportAccepted"] }));
    // A log whose data does not decode is skipped, not thrown.
    const broken = { ...logs.find((l) => ours.find((o) => o.logIndex === l.logIndex && o.blockNumber === l.blockNumber && o.eventName === "PermitIssued"))!, data: "0x1234" as const };
    expect(parseRegistryLogs({ logs: [broken] })).to.deep.equal([]);
  });
});
