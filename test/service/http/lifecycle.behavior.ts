/**
 * The full permit lifecycle through the REST API, against a real service (embedded Anvil, real
 * store): shared by the SQLite suite and, when a server is available, the PostgreSQL one.
 */
import { expect } from "chai";
import type { Address, Hex } from "viem";
import { execFileSync } from "node:child_process";
import { decodeQrImage, decodeQrPayload, extractQrPayload } from "../../../src/sdk/qr";
import {
  dumpLogsOnFailure,
  expectHonestStatuses,
  expectProblem,
  issueAndAnchor,
  issueBatchAndAnchor,
  sample,
  sleep,
  waitForStatus,
  type Api,
  type Credentials,
  type Doc,
  type TestService,
} from "./harness";

const TX_HASH = /^0x[0-9a-f]{64}$/;


/** The PDF's text by poppler's pdftotext; undefined where it is not installed (CI requires it: PERMIT_PDF_REQUIRE_POPPLER). */
function pdfText(bytes: Uint8Array): string | undefined {
  try {
    return execFileSync("pdftotext", ["-", "-"], { input: bytes, encoding: "utf8" });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT" && process.env.PERMIT_PDF_REQUIRE_POPPLER !== "1") return undefined;
    throw err;
  }
}

export function shouldRunTheLifecycle(startIt: () => Promise<TestService>): void {
  let svc: TestService;
  let api: Api;
  let c: Credentials;

  /** Decodes the permit's QR image (as a phone would) and verifies it through POST /verify. */
  async function verifyQr(permitId: string): Promise<any> {
    const png = await api.get(`/api/v1/permits/${permitId}/qr.png`, { token: c.CH.issuer });
    expect(png.status, png.text).to.equal(200);
    expect(png.headers.get("content-type")).to.match(/^image\/png/);
    const qr = await decodeQrImage(png.bytes);
    expect(qr.startsWith(`${svc.url}/verify#`), qr.slice(0, 80)).to.equal(true);
    const res = await api.post("/api/v1/verify", { json: { qr } });
    expect(res.status, res.text).to.equal(200);
    return res.body;
  }

  /** The audit entries CH's admin exports for one request id, once `count` of them are written (they are written after the answer). */
  async function auditEntriesOf(requestId: string, count = 1): Promise<any[]> {
    let entries: any[] = [];
    for (let i = 0; i < 40 && entries.length < count; i++) {
      if (i > 0) await sleep(50);
      const res = await api.get("/api/v1/audit?format=json", { token: c.CH.admin });
      expect(res.status, res.text).to.equal(200);
      entries = res.body.items.filter((e: { requestId: string }) => e.requestId === requestId);
    }
    return entries;
  }

  before(async function () {
    this.timeout(60_000);
    svc = await startIt();
    api = svc.api;
    c = svc.creds;
  });
  after(async () => {
    await svc?.stop();
  });
  afterEach(dumpLogsOnFailure(() => svc));

  it("serves on the port the OS chose for PORT=0, and is healthy", async () => {
    expect(svc.url).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(svc.url).to.not.match(/:0$/);
    const health = await api.get("/api/v1/health");
    expect(health.status).to.equal(200);
    expect(health.body).to.include({ status: "ok", chainId: 31337 });
    expect(health.body.headBlock).to.be.a("number").above(0);
    expect(health.body.outboxDepth).to.be.a("number");
    // The indexer keeps up: with CONFIRMATIONS=1 it records up to the head block (within its 500 ms interval).
    let now = health.body;
    for (let i = 0; i < 30 && now.indexedBlock !== now.headBlock; i++) now = (await sleep(100), (await api.get("/api/v1/health")).body);
    expect(now.indexerFailing).to.equal(false);
    expect(now.indexedBlock).to.be.a("number").and.equal(now.headBlock);
  });

  describe("an export permit, from issue to use", () => {
    const doc = sample("chExportPythonSkins");
    let permitId: Hex;
    let endorsementTx: Hex;

    it("is accepted with 201, status PENDING, its document hash and links to its QR and PDF", async () => {
      const res = await api.post("/api/v1/permits", { token: c.CH.issuer, json: doc, headers: { "x-request-id": `lc-issue-${doc.permitNumber}` } });
      expect(res.status, res.text).to.equal(201);
      expect(res.body.status).to.equal("PENDING");
      expect(res.body.permitId).to.match(/^0x[0-9a-f]{64}$/);
      expect(res.body.documentHash).to.match(/^0x[0-9a-f]{64}$/);
      expect(res.body.permitNumber).to.equal(doc.permitNumber);
      permitId = res.body.permitId;
      const self = `${svc.url}/api/v1/permits/${permitId}`;
      expect(res.headers.get("location")).to.equal(self);
      expect(res.body.links).to.deep.equal({ self, qrPng: `${self}/qr.png`, qrSvg: `${self}/qr.svg`, pdf: `${self}/pdf`, verify: `${svc.url}/verify` });
    });

    it("becomes ISSUED once its batch is mined, with the transaction hash and block", async () => {
      const permit = await waitForStatus(api, c.CH.issuer, permitId, "ISSUED");
      expect(permit.txHash).to.match(TX_HASH);
      expect(permit.blockNumber).to.be.a("number").above(0);
      // ISSUED and its history agree: the PermitIssued event is there as soon as the status is.
      expect(permit.history[0]).to.include({ event: "PermitIssued", txHash: permit.txHash, blockNumber: permit.blockNumber });
      const onChain = await svc.handle.chain.reader.permitState(permitId);
      expect(onChain.status).to.equal("ISSUED");
    });

    it("is endorsed by customs of the exporting country with the quantities that actually left", async () => {
      const res = await api.post(`/api/v1/permits/${permitId}/endorsements`, {
        token: c.CH.customs,
        json: { items: [{ line: 1, quantity: 100 }, { line: 2, quantity: 12.25 }], transportDocument: "AWB 724-10293344", port: "Zürich Airport" },
        headers: { "x-request-id": `lc-endorse-${doc.permitNumber}` },
      });
      expect(res.status, res.text).to.equal(201);
      expect(res.body.status).to.equal("ENDORSED");
      expect(res.body.exportShipment).to.deep.equal({ transportDocument: "AWB 724-10293344", port: "Zürich Airport" }); // box 14, kept off chain
      endorsementTx = res.body.history.find((h: { event: string }) => h.event === "ExportEndorsed").txHash;
      expect(endorsementTx).to.match(TX_HASH);
    });

    it("GET shows authorised and exported quantities per line and the history with transaction hashes", async () => {
      const res = await api.get(`/api/v1/permits/${permitId}`, { token: c.JP.customs });
      expect(res.status).to.equal(200);
      expect(res.body.status).to.equal("ENDORSED");
      expect(res.body.lines).to.deep.equal([
        { line: 1, scientificName: "Python reticulatus", unit: "", authorised: 120, exported: 100 },
        { line: 2, scientificName: "Python reticulatus", unit: "kg", authorised: 14.5, exported: 12.25 },
      ]);
      // Line 1 names its origin permit (ID), so issuing also linked it.
      expect(res.body.history.map((h: { event: string }) => h.event)).to.deep.equal(["PermitIssued", "PermitLinked", "ExportEndorsed"]);
      for (const h of res.body.history) {
        expect(h.txHash).to.match(TX_HASH);
        expect(h.at).to.be.a("string");
      }
      expect(res.body.history[0].txHash).to.equal(res.body.txHash);
      expect(res.body.history[2].txHash).to.equal(endorsementTx);
      expect(res.body.history[2].country).to.equal("CH");
      // Each step names the officer who signed it, as this service knows them.
      const officers = (await api.get("/api/v1/officers", { token: c.CH.admin })).body.items as { name: string; role: string; address: string }[];
      const at = (address: string) => officers.find((o) => o.address.toLowerCase() === address.toLowerCase());
      for (const [i, role] of [[0, "ISSUER"], [2, "CUSTOMS"]] as const) {
        const signer = at(res.body.history[i].officer);
        expect(signer, `the officer who signed ${res.body.history[i].event}`).to.include({ role });
        expect(res.body.history[i].by).to.deep.equal({ name: signer!.name, role, country: "CH" });
      }
    });

    it("its QR image, decoded as a phone would, verifies as VALID through POST /verify", async () => {
      const result = await verifyQr(permitId);
      expect(result.verdict).to.equal("VALID");
      expect(result.mode).to.equal("online");
      expect(result.permitId).to.equal(permitId);
      expect(result.checks.signature.result).to.equal("passed");
      expect(result.checks.hash.result).to.equal("passed");
      expect(result.lines.map((l: { exported: number }) => l.exported)).to.deep.equal([100, 12.25]);
      // The same as a photo upload (multipart `image`).
      const png = await api.get(`/api/v1/permits/${permitId}/qr.png`, { token: c.CH.issuer });
      const form = new FormData();
      form.append("image", new Blob([new Uint8Array(png.bytes)], { type: "image/png" }), "qr.png");
      const upload = await fetch(`${svc.url}/api/v1/verify`, { method: "POST", body: form });
      expect(upload.status).to.equal(200);
      expect(((await upload.json()) as { verdict: string }).verdict).to.equal("VALID");
    });

    it("is used by the importing country (JP), after which the same QR says ALREADY_USED", async () => {
      const res = await api.post(`/api/v1/permits/${permitId}/use`, { token: c.JP.customs });
      expect(res.status, res.text).to.equal(200);
      expect(res.body.status).to.equal("USED");
      expect(res.body.history.map((h: { event: string }) => h.event)).to.deep.equal(["PermitIssued", "PermitLinked", "ExportEndorsed", "ImportAccepted"]);
      expect((await verifyQr(permitId)).verdict).to.equal("ALREADY_USED");
    });

    it("has a PDF (starting with %PDF) and an SVG QR code", async () => {
      const pdf = await api.get(`/api/v1/permits/${permitId}/pdf`, { token: c.CH.issuer });
      expect(pdf.status).to.equal(200);
      expect(pdf.headers.get("content-type")).to.match(/^application\/pdf/);
      expect(pdf.bytes.subarray(0, 5).toString("latin1")).to.equal("%PDF-");
      expect(pdf.bytes.length).to.be.above(5_000);
      const text = pdfText(pdf.bytes);
      if (text !== undefined) expect(text).to.contain("AWB 724-10293344").and.contain("Zürich Airport"); // box 14 as customs gave it
      expect(pdf.headers.get("content-disposition")).to.contain(".pdf");
      const svg = await api.get(`/api/v1/permits/${permitId}/qr.svg`, { token: c.CH.issuer });
      expect(svg.status).to.equal(200);
      expect(svg.headers.get("content-type")).to.match(/^image\/svg\+xml/);
      expect(svg.text).to.match(/<svg[\s>]/);
    });

    it("appears in CH's annual report (JSON and CSV) with the exported, not the authorised, quantity", async () => {
      // The year of the endorsement on chain: this one.
      const year = new Date().getUTCFullYear();
      const json = await api.get(`/api/v1/reports/annual?country=CH&year=${year}&format=json`, { token: c.CH.admin });
      expect(json.status, json.text).to.equal(200);
      const rows = json.body.rows.filter((r: { permitNumber: string }) => r.permitNumber === doc.permitNumber);
      expect(rows).to.have.length(2);
      expect(rows[0]).to.include({ year, documentType: "CITES_EXPORT_PERMIT", taxon: "Python reticulatus", term: "SKI", quantity: 100, quantityAuthorised: 120, exporter: "CH", importer: "JP", status: "USED", appendix: "II", source: "W", purpose: "T" });
      expect(rows[0]).to.include({ line: 1 });
      expect(rows[1]).to.include({ line: 2, quantity: 12.25, quantityAuthorised: 14.5, unit: "kg" });
      // An ePhyto certificate is no CITES trade: not in CL's CITES report, although anchored this year.
      const ephyto = await issueAndAnchor(api, c.CL.issuer, sample("clEphyto"));
      const cl = await api.get(`/api/v1/reports/annual?country=CL&year=${year}`, { token: c.CL.issuer });
      expect(cl.status, cl.text).to.equal(200);
      expect(cl.body.rows.map((r: { permitNumber: string }) => r.permitNumber)).to.not.include(ephyto.permitNumber);
      expect(json.body.columns).to.include.members(["permitNumber", "line", "taxon", "quantity", "quantityAuthorised", "unit", "exporter", "importer"]);

      // On the basis of trade: the endorsed permit, not one only issued.
      const onlyIssued = await issueAndAnchor(api, c.CH.issuer, sample("chExportPythonSkins"));
      const numbers = async (basis: string) => {
        const r = await api.get(`/api/v1/reports/annual?country=CH&year=${year}&basis=${basis}`, { token: c.CH.admin });
        expect(r.status, r.text).to.equal(200);
        expect(r.body.basis).to.equal(basis);
        return r.body.rows.map((row: { permitNumber: string }) => row.permitNumber);
      };
      expect(await numbers("issued")).to.include.members([doc.permitNumber, onlyIssued.permitNumber]);
      const traded = await numbers("traded");
      expect(traded).to.include(doc.permitNumber).and.not.include(onlyIssued.permitNumber);
      expectProblem(await api.get(`/api/v1/reports/annual?basis=shipped`, { token: c.CH.admin }), 400);

      const csv = await api.get(`/api/v1/reports/annual?country=CH&year=${year}&format=csv`, { token: c.CH.issuer });
      expect(csv.status).to.equal(200);
      expect(csv.headers.get("content-type")).to.match(/^text\/csv/);
      const [header, ...lines] = csv.text.trim().split("\r\n");
      const columns = header!.split(",");
      const row = lines.map((l) => l.split(",").map((cell) => cell.replace(/^"|"$/g, ""))).find((cells) => cells[columns.indexOf("permitNumber")] === doc.permitNumber);
      expect(row, `no CSV row for ${doc.permitNumber}`).to.not.equal(undefined);
      expect(row![columns.indexOf("quantity")]).to.equal("100");
      expect(row![columns.indexOf("quantityAuthorised")]).to.equal("120");
    });

    it("the audit log (JSON and CSV) holds each request with request id, officer, role, result and tx hash", async () => {
      const officers = await api.get("/api/v1/officers", { token: c.CH.admin });
      const customs = officers.body.items.find((o: { role: string }) => o.role === "CUSTOMS");
      const issuer = officers.body.items.find((o: { role: string }) => o.role === "ISSUER");
      // The audit entry is written when the answer has been sent: allow it a moment.
      let items: any[] = [];
      for (let i = 0; i < 20; i++) {
        const res = await api.get("/api/v1/audit?format=json", { token: c.CH.admin });
        expect(res.status).to.equal(200);
        items = res.body.items;
        if (items.some((e) => e.requestId === `lc-endorse-${doc.permitNumber}`)) break;
        await sleep(50);
      }
      const issued = items.find((e) => e.requestId === `lc-issue-${doc.permitNumber}`);
      expect(issued).to.include({ officerId: issuer.id, role: "ISSUER", country: "CH", action: "POST /api/v1/permits/", permitId, result: 201 });
      const endorsed = items.find((e) => e.requestId === `lc-endorse-${doc.permitNumber}`);
      expect(endorsed).to.include({ officerId: customs.id, role: "CUSTOMS", country: "CH", action: "POST /api/v1/permits/:id/endorsements", permitId, result: 201, txHash: endorsementTx });
      expect(endorsed.at).to.be.a("string");
      expect(endorsed.detail).to.deep.equal({ transportDocument: "AWB 724-10293344", port: "Zürich Airport" });
      // CH's officers' entries, and the others' about CH's permits (each one CH's admin can read): JP's use of this one is in both logs.
      for (const foreign of new Set(items.filter((e) => e.country !== "CH").map((e) => e.permitId))) {
        expect(foreign, "another country's entry names a permit").to.be.a("string");
        expect((await api.get(`/api/v1/permits/${foreign}`, { token: c.CH.admin })).status, `CH reads ${foreign}`).to.equal(200);
      }
      const used = (e: { permitId: string; action: string; country: string }) => e.permitId === permitId && e.action === "POST /api/v1/permits/:id/use" && e.country === "JP";
      expect(items.some(used)).to.equal(true);
      const jp = await api.get("/api/v1/audit", { token: c.JP.admin });
      expect(jp.body.items.some(used)).to.equal(true);
      // Not a country's log of everything: FR, which neither issued, exports nor imports this permit, has none of it.
      const fr = await api.get("/api/v1/audit", { token: c.FR.admin });
      expect(fr.body.items.some((e: { permitId: string }) => e.permitId === permitId)).to.equal(false);

      const csv = await api.get("/api/v1/audit?format=csv", { token: c.CH.admin });
      expect(csv.status).to.equal(200);
      expect(csv.headers.get("content-type")).to.match(/^text\/csv/);
      const [header, ...lines] = csv.text.trim().split("\r\n");
      expect(header).to.equal("id,at,requestId,officerId,role,country,action,permitId,result,txHash,detail");
      const line = lines.find((l) => l.includes(`"lc-endorse-${doc.permitNumber}"`));
      expect(line).to.be.a("string");
      expect(line).to.contain(`"${customs.id}"`).and.contain(`"${endorsementTx}"`).and.contain('"201"').and.contain('"CUSTOMS"');
    });
  });

  describe("an Appendix-I export relying on an import permit", () => {
    const importDoc = sample("frImportMacaw");
    const exportDoc = sample("chExportMacaw");
    exportDoc.importPermit = { country: "FR", number: importDoc.permitNumber };
    let importId: Hex;
    let exportId: Hex;

    it("FR issues the import permit, then CH the export permit naming it", async () => {
      importId = (await issueAndAnchor(api, c.FR.issuer, importDoc)).permitId;
      const exported = await issueAndAnchor(api, c.CH.issuer, exportDoc);
      exportId = exported.permitId;
      expect(exported.history.map((h: { event: string }) => h.event)).to.include("PermitLinked");
      expect(await svc.handle.chain.reader.permitState(importId)).to.include({ status: "ISSUED", documentType: "CITES_IMPORT_PERMIT" });
    });

    it("using the endorsed export uses the import permit in the same step", async () => {
      const endorsed = await api.post(`/api/v1/permits/${exportId}/endorsements`, { token: c.CH.customs, json: { items: [{ line: 1, quantity: 2 }] } });
      expect(endorsed.status, endorsed.text).to.equal(201);
      const used = await api.post(`/api/v1/permits/${exportId}/use`, { token: c.FR.customs });
      expect(used.status, used.text).to.equal(200);
      expect(used.body.status).to.equal("USED");
      const imp = await waitForStatus(api, c.FR.issuer, importId, "USED", 5_000);
      expect(imp.history.map((h: { event: string }) => h.event)).to.deep.equal(["PermitIssued", "ImportAccepted"]);
      expect((await svc.handle.chain.reader.permitState(importId)).status).to.equal("USED");
      expect((await verifyQr(importId)).verdict).to.equal("ALREADY_USED");
    });
  });

  describe("a permit too large for a QR code that carries the document", () => {
    it("gets a reference-mode QR code (the document hash, not the document) that verifies VALID, and its PDF", async () => {
      const big = sample("chExportPythonSkins");
      const item = big.items[0];
      // 40 lines with long descriptions: ~80 KB of document, past the 64 KiB a QR payload may carry.
      big.items = Array.from({ length: 40 }, (_, i) => ({ ...item, line: i + 1, quantity: 1, description: `Line ${i + 1}: ${"tanned skin, scale pattern intact; ".repeat(55)}`.slice(0, 1990) }));
      const issued = await issueAndAnchor(api, c.CH.issuer, big);
      const png = await api.get(`/api/v1/permits/${issued.permitId}/qr.png`, { token: c.CH.issuer });
      expect(png.status, png.text).to.equal(200);
      expect(decodeQrPayload(extractQrPayload(await decodeQrImage(png.bytes))).mode).to.equal("reference");
      expect((await verifyQr(issued.permitId)).verdict).to.equal("VALID");
      expect((await api.get(`/api/v1/permits/${issued.permitId}/pdf`, { token: c.CH.issuer })).status).to.equal(200);
    });
  });

  describe("cancel, replace and non-compliance", () => {
    it("a cancelled permit is CANCELLED and its QR verifies as CANCELLED", async () => {
      const permit = await issueAndAnchor(api, c.CH.issuer, sample("chExportPythonSkins"));
      const res = await api.post(`/api/v1/permits/${permit.permitId}/cancel`, { token: c.CH.issuer, json: { reason: "LOST" } });
      expect(res.status, res.text).to.equal(200);
      expect(res.body.status).to.equal("CANCELLED");
      const cancelled = res.body.history.find((h: { event: string }) => h.event === "PermitCancelled");
      expect(cancelled.txHash).to.match(TX_HASH);
      expect((await verifyQr(permit.permitId)).verdict).to.equal("CANCELLED");
    });

    it("a replaced permit is REPLACED, naming its replacement, which is ISSUED and VALID", async () => {
      const old = await issueAndAnchor(api, c.CH.issuer, sample("chExportPythonSkins"));
      const replacement = sample("chExportPythonSkins");
      replacement.items[0].quantity = 110;
      const requestId = `lc-replace-${replacement.permitNumber}`;
      const res = await api.post(`/api/v1/permits/${old.permitId}/replace`, { token: c.CH.issuer, json: replacement, headers: { "x-request-id": requestId } });
      expect(res.status, res.text).to.equal(201);
      expect(res.body.status).to.equal("ISSUED");
      // Audited about the permit replaced (the one its path names), naming the replacement.
      const [audited] = await auditEntriesOf(requestId);
      expect(audited).to.include({ action: "POST /api/v1/permits/:id/replace", permitId: old.permitId, result: 201, role: "ISSUER" });
      expect(audited.txHash).to.match(TX_HASH);
      expect(audited.detail).to.deep.equal({ replacementPermitId: res.body.permitId });
      expect(res.body.permitNumber).to.equal(replacement.permitNumber);
      expect(res.headers.get("location")).to.equal(`${svc.url}/api/v1/permits/${res.body.permitId}`);
      const oldNow = await waitForStatus(api, c.CH.issuer, old.permitId, "REPLACED", 5_000);
      expect(oldNow.history.map((h: { event: string }) => h.event)).to.include("PermitReplaced");
      // Each names the other, by number too: the replacement names the permit it replaces (box 5 of its PDF).
      expect(res.body.replaces).to.deep.equal({ permitId: old.permitId, permitNumber: old.permitNumber });
      expect(oldNow.replacedBy).to.deep.equal({ permitId: res.body.permitId, permitNumber: replacement.permitNumber });
      expect((await api.get(`/api/v1/permits/${res.body.permitId}`, { token: c.CH.issuer })).body.replaces).to.deep.equal(res.body.replaces);
      const text = pdfText((await api.get(`/api/v1/permits/${res.body.permitId}/pdf`, { token: c.CH.issuer })).bytes);
      if (text !== undefined) expect(text.replace(/\s+/g, " ")).to.contain(`Replaces permit ${old.permitNumber}, which is no longer valid.`);
      const verdict = await verifyQr(old.permitId);
      expect(verdict.verdict).to.equal("REPLACED");
      expect(verdict.replacementId).to.equal(res.body.permitId);
      expect((await verifyQr(res.body.permitId)).verdict).to.equal("VALID");
    });

    it("a refused replacement leaves nothing behind, and its number can be issued", async () => {
      const old = await issueAndAnchor(api, c.CH.issuer, sample("chExportPythonSkins"));
      expect((await api.post(`/api/v1/permits/${old.permitId}/cancel`, { token: c.CH.issuer, json: { reason: "LOST" } })).status).to.equal(200);
      const replacement = sample("chExportPythonSkins");
      const refused = await api.post(`/api/v1/permits/${old.permitId}/replace`, { token: c.CH.issuer, json: replacement });
      expect(expectProblem(refused, 409).detail).to.match(/cancelled/); // a cancelled permit cannot be replaced
      const search = await api.get(`/api/v1/permits?q=${encodeURIComponent(replacement.permitNumber)}`, { token: c.CH.issuer });
      expect(search.body.items, "nothing stored for the refused replacement").to.deep.equal([]);
      // The chain never anchored that number, so it is free.
      const again = await issueAndAnchor(api, c.CH.issuer, replacement);
      expect(again.status).to.equal("ISSUED");
      expect((await verifyQr(again.permitId)).verdict).to.equal("VALID");
      // Whereas a number the chain holds stays taken.
      expectProblem(await api.post("/api/v1/permits", { token: c.CH.issuer, json: replacement }), 409);
    });

    it("the importing country records non-compliance with a reason code and note, once the export is endorsed", async () => {
      const permit = await issueAndAnchor(api, c.NO.issuer, sample("noExportTimber"));
      const early = await api.post(`/api/v1/permits/${permit.permitId}/non-compliance`, { token: c.CH.customs, json: { reason: "SPECIES_MISMATCH" } });
      expectProblem(early, 409); // not shipped yet
      const endorsed = await api.post(`/api/v1/permits/${permit.permitId}/endorsements`, { token: c.NO.customs, json: { items: [{ line: 1, quantity: 12.75 }] } });
      expect(endorsed.status, endorsed.text).to.equal(201);
      const res = await api.post(`/api/v1/permits/${permit.permitId}/non-compliance`, {
        token: c.CH.customs,
        json: { reason: "SPECIES_MISMATCH", note: "Consignment held: sawn wood is not Pericopsis elata." },
      });
      expect(res.status, res.text).to.equal(201);
      expect(res.body.nonCompliance).to.equal(true);
      expect(res.body.history.map((h: { event: string }) => h.event)).to.include("NonComplianceRecorded");
      expect((await svc.handle.chain.reader.permitState(permit.permitId)).nonCompliance).to.equal(true);
      const verdict = await verifyQr(permit.permitId);
      expect(verdict.nonCompliance.map((n: { reason: string }) => n.reason)).to.deep.equal(["SPECIES_MISMATCH"]);
    });
  });

  describe("officers", () => {
    it("an admin adds a customs officer with its own key: on-chain role active, token works, it endorses", async () => {
      const added = await api.post("/api/v1/officers", { token: c.CH.admin, json: { name: "Sabine Keller", role: "CUSTOMS" } });
      expect(added.status, added.text).to.equal(201);
      expect(added.body.token).to.be.a("string");
      expect(added.body.officer).to.include({ country: "CH", role: "CUSTOMS", name: "Sabine Keller", active: true, externalKey: false });
      expect(added.body.officer).to.not.have.any.keys("tokenHash", "encryptedKey");
      const address = added.body.officer.address as Address;
      expect(await svc.handle.chain.reader.accountOf(address)).to.include({ country: "CH", role: "CUSTOMS", active: true });

      const permit = await issueAndAnchor(api, c.CH.issuer, sample("chExportPythonSkins"));
      const endorsed = await api.post(`/api/v1/permits/${permit.permitId}/endorsements`, { token: added.body.token, json: { items: [{ line: 1, quantity: 1 }] } });
      expect(endorsed.status, endorsed.text).to.equal(201);
      const entry = endorsed.body.history.find((h: { event: string }) => h.event === "ExportEndorsed");
      expect(entry.officer.toLowerCase()).to.equal(address.toLowerCase()); // signed by the officer who did it

      const removed = await api.delete(`/api/v1/officers/${added.body.officer.id}`, { token: c.CH.admin });
      expect(removed.status, removed.text).to.equal(200);
      expect(removed.body.active).to.equal(false);
      // At once: the token opens nothing, and the chain no longer knows the officer.
      expectProblem(await api.get("/api/v1/permits", { token: added.body.token }), 401);
      expectProblem(await api.post(`/api/v1/permits/${permit.permitId}/use`, { token: added.body.token }), 401);
      expect((await svc.handle.chain.reader.accountOf(address)).active).to.equal(false);
      const list = await api.get("/api/v1/officers?includeRemoved=true", { token: c.CH.admin });
      expect(list.body.items.find((o: { id: string }) => o.id === added.body.officer.id)).to.include({ active: false });
      const active = await api.get("/api/v1/officers", { token: c.CH.admin });
      expect(active.body.items.map((o: { id: string }) => o.id)).to.not.include(added.body.officer.id);
    });
  });

  describe("the batch form", () => {
    it("`{ permits: [...] }` accepts every permit with 201 and anchors each", async () => {
      const docs: Doc[] = [sample("chExportPythonSkins"), sample("chExportPythonSkins"), sample("chExportPythonSkins")];
      const ids = await issueBatchAndAnchor(api, c.CH.issuer, docs);
      expect(new Set(ids).size).to.equal(3);
      for (const id of ids) expect((await svc.handle.chain.reader.permitState(id as Hex)).status).to.equal("ISSUED");
      // Audited one entry per permit (who issued which), all under the batch's request id.
      const requestId = api.replies.find((r) => r.method === "POST" && r.path === "/api/v1/permits" && r.body?.results?.[0]?.permit?.permitId === ids[0])!.headers.get("x-request-id")!;
      const entries = await auditEntriesOf(requestId, 3);
      expect(entries.map((e) => e.permitId)).to.have.members(ids);
      for (const e of entries) {
        expect(e).to.include({ action: "POST /api/v1/permits/", result: 201, role: "ISSUER", country: "CH" });
        expect(e.detail).to.deep.equal({ batchIndex: ids.indexOf(e.permitId), permitNumber: docs[ids.indexOf(e.permitId)]!.permitNumber });
      }
    });

    it("a batch with an invalid permit answers 207: the valid ones are accepted, the invalid one names its field", async () => {
      const good = sample("chExportPythonSkins");
      const bad = sample("chExportPythonSkins");
      bad.items[1].quantity = 1.2345;
      const requestId = `lc-batch-207-${good.permitNumber}`;
      const res = await api.post("/api/v1/permits", { token: c.CH.issuer, json: { permits: [good, bad] }, headers: { "x-request-id": requestId } });
      expect(res.status, res.text).to.equal(207);
      // Each item audited with its own result; the refused one, about no permit, by its index and number.
      const entries = await auditEntriesOf(requestId, 2);
      expect(entries.map((e) => [e.permitId, e.result, e.detail])).to.have.deep.members([
        [res.body.results[0].permit.permitId, 201, { batchIndex: 0, permitNumber: good.permitNumber }],
        [null, 422, { batchIndex: 1, permitNumber: bad.permitNumber }],
      ]);
      expect(res.body).to.include({ accepted: 1, rejected: 1 });
      expect(res.body.results[0]).to.include({ index: 0, status: 201 });
      expect(res.body.results[1]).to.include({ index: 1, status: 422 });
      expect(res.body.results[1].problem.errors.map((e: { path: string }) => e.path)).to.include("items[1].quantity");
      await waitForStatus(api, c.CH.issuer, res.body.results[0].permit.permitId, "ISSUED");
    });
  });

  describe("every answer above", () => {
    it("has an honest status: no 200 with an error inside, every error problem+json", () => {
      expect(api.replies.length).to.be.above(30);
      expectHonestStatuses(api.replies);
    });
  });
}

export type { Doc };
