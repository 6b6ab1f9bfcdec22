import { expect } from "chai";
import { getAddress } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { documentHash, encodeQrPayload, newSalt, permitIdOf, renderQrPng, signPermitAnchor, toVerifyUrl } from "../../../src/sdk";
import { readPermit } from "../../../src/sdk/verify";
import { draftPermit, type PermitDraft } from "../../../src/service/domain/permitDraft";
import { DRAFT_CHUNK, ReadPool, ReadPoolError } from "../../../src/service/workers/readPool";
import { sample } from "../../sdk/document/samples";

describe("read pool: permits read in helper processes", function () {
  this.timeout(30_000);
  let pool: ReadPool;
  let qr: string;

  before(async () => {
    pool = new ReadPool(2);
    const officer = privateKeyToAccount(generatePrivateKey());
    const document = sample("01");
    const salt = newSalt();
    const permitId = permitIdOf(document.issuingCountry, document.permitNumber);
    const registry = getAddress("0x5fbdb2315678afecb367f032d93f642f64180aa3");
    const signature = await signPermitAnchor({ account: officer, chainId: 31337, registry, permitId, documentHash: documentHash(document, salt) });
    qr = encodeQrPayload({ mode: "full", chainId: 31337, registry, permitId, salt, signature, document: document as never });
  });
  after(() => pool.close());

  it("reads exactly what readPermit reads in this process: signed, tampered, garbage, an image", async () => {
    const tampered = qr.slice(0, 40) + (qr[40] === "A" ? "B" : "A") + qr.slice(41);
    const png = await renderQrPng(toVerifyUrl(qr, "https://registry.example/verify"));
    for (const input of [qr, tampered, "hello", new Uint8Array([1, 2, 3]), new Uint8Array(png)]) {
      const [onWorker, inline] = await Promise.all([pool.read(input), readPermit(input)]);
      expect(onWorker).to.deep.equal(inline);
    }
    expect((await pool.read(qr)).outcome).to.equal("SIGNED");
  });

  it("drafts permit documents as draftPermit does in this process, in order, each with its own fresh salt", async () => {
    const good = sample("01");
    const bad = { ...sample("01"), permitNumber: "" };
    const drafts = await pool.draft([good, bad, good]);
    const [here, hereBad] = [draftPermit(good), draftPermit(bad)];
    expect(drafts).to.have.length(3);
    expect(drafts[1]).to.deep.equal(hereBad);
    if (!drafts[0].ok || !drafts[2].ok || !here.ok) expect.fail("the good document did not draft");
    const withoutSalt = ({ draft }: { draft: PermitDraft }) => ({ ...draft, permit: { ...draft.permit, salt: "", documentHash: "" }, input: { ...draft.input, documentHash: "" } });
    expect(withoutSalt(drafts[0])).to.deep.equal(withoutSalt(here));
    expect(drafts[0].draft.permit.salt).to.not.equal(drafts[2].draft.permit.salt);
    for (const { draft } of [drafts[0], drafts[2]]) {
      expect(draft.permit.documentHash).to.equal(documentHash(JSON.parse(draft.permit.documentJson), draft.permit.salt as never));
      expect(draft.input.documentHash).to.equal(draft.permit.documentHash);
    }
  });

  it("drafts a batch larger than one chunk in order, whichever process drafts each chunk", async () => {
    const bodies = Array.from({ length: DRAFT_CHUNK * 3 + 7 }, (_, i) => (i % 4 === 3 ? { ...sample("01"), permitNumber: "" } : { ...sample("01"), permitNumber: `CH-ORDER-${i}` }));
    const drafts = await pool.draft(bodies);
    expect(drafts).to.have.length(bodies.length);
    drafts.forEach((d, i) => {
      expect(d.ok, String(i)).to.equal(i % 4 !== 3);
      if (d.ok) expect(d.draft.permit.permitNumber).to.equal(`CH-ORDER-${i}`);
    });
  });

  it("answers many concurrent reads, each with its own result", async () => {
    const inputs = Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? `garbage ${i}` : qr));
    const results = await Promise.all(inputs.map((input) => pool.read(input)));
    results.forEach((r, i) => expect(r.outcome, String(i)).to.equal(i % 3 === 0 ? "MALFORMED" : "SIGNED"));
  });

  it("replaces a process that dies: requests in flight fail with a typed error, later ones are answered", async () => {
    const lonely = new ReadPool(1);
    try {
      expect((await lonely.read(qr)).outcome).to.equal("SIGNED");
      const [pid] = lonely.pids;
      const inFlight = lonely.read(qr).then(() => "answered", (e: unknown) => e);
      process.kill(pid!, "SIGKILL");
      const outcome = await inFlight;
      if (outcome !== "answered") expect(outcome).to.be.instanceOf(ReadPoolError); // unless it finished first
      for (let i = 0; i < 50 && (lonely.pids[0] === pid || lonely.pids.length === 0); i++) await new Promise((r) => setTimeout(r, 100));
      expect(lonely.pids[0]).to.not.equal(pid);
      expect((await lonely.read(qr)).outcome).to.equal("SIGNED");
    } finally {
      await lonely.close();
    }
  });

  it("a process that stops at start is started again after a growing pause, not in a loop, and meanwhile requests fail at once", async () => {
    const logged: string[] = [];
    // Node evaluates this instead of the helper's script: each process exits at once.
    const broken = new ReadPool(2, { execArgv: ["--eval", "process.exit(3)"], log: (m) => logged.push(m) });
    try {
      const started = Date.now();
      const err = await broken.read(qr).then(() => undefined, (e: unknown) => e);
      expect(err).to.be.instanceOf(ReadPoolError);
      expect(Date.now() - started).to.be.below(2_000);
      await new Promise((r) => setTimeout(r, 2_500));
      const late = await broken.read(qr).then(() => undefined, (e: unknown) => e);
      expect(late).to.be.instanceOf(ReadPoolError);
      // Each place: a stop at start, a pause of 1 s, another stop, a pause of 2 s (none started in between).
      const stops = logged.filter((m) => m.includes("stopped at start"));
      expect(stops.length, logged.join("\n")).to.be.within(2, 5);
      expect(stops[0]).to.match(/exit code 3, 1 in a row\); starting another in 1 s\./);
      expect(logged.some((m) => /2 in a row\); starting another in 2 s/.test(m)), logged.join("\n")).to.equal(true);
      expect(logged.every((m) => !m.includes("starting another;") && !m.endsWith("starting another"))).to.equal(true);
    } finally {
      await broken.close();
    }
  });

  it("a process that had loaded and then dies is a crash, not a failed start: another starts at once", async () => {
    const logged: string[] = [];
    const pool = new ReadPool(1, { log: (m) => logged.push(m) });
    try {
      for (let i = 0; i < 300 && pool.readyCount < 1; i++) await new Promise((r) => setTimeout(r, 50));
      expect(pool.readyCount).to.equal(1);
      const [pid] = pool.pids;
      process.kill(pid!, "SIGKILL"); // before it answered anything, as a crash on its first request would
      for (let i = 0; i < 300 && (pool.readyCount < 1 || pool.pids[0] === pid); i++) await new Promise((r) => setTimeout(r, 50));
      expect(logged).to.deep.equal(["read pool: process stopped (signal SIGKILL); starting another"]);
      expect((await pool.read(qr)).outcome).to.equal("SIGNED");
    } finally {
      await pool.close();
    }
  });

  it("refuses work once closed, with a typed error", async () => {
    const closing = new ReadPool(1);
    await closing.close();
    const err = await closing.read(qr).then(() => undefined, (e: unknown) => e);
    expect(err).to.be.instanceOf(ReadPoolError);
  });
});
