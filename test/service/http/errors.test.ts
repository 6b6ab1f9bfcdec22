/**
 * Every error status of the REST API, over real HTTP against a real service: 400, 401, 403, 404,
 * 409, 413, 422, 429 and 503 — each a problem+json body naming what went wrong, never a 200 with an
 * error inside and never a 5xx for something the caller did. The chain-down cases run last: they
 * stop the service's Anvil.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import { decodeQrImage } from "../../../src/sdk/qr";
import {
  dumpLogsOnFailure,
  expectHonestStatuses,
  expectProblem,
  issueAndAnchor,
  sample,
  sleep,
  waitForStatus,
  startTestService,
  type Api,
  type Credentials,
  type TestService,
} from "./harness";

describe("REST API error statuses", function () {
  this.timeout(30_000);
  let svc: TestService;
  let api: Api;
  let c: Credentials;
  /** An ISSUED CH export (to JP), untouched: for requests that must fail before changing anything. */
  let issued: any;

  before(async function () {
    this.timeout(60_000);
    svc = await startTestService();
    api = svc.api;
    c = svc.creds;
    issued = await issueAndAnchor(api, c.CH.issuer, sample("chExportPythonSkins"));
  });
  after(async () => {
    await svc?.stop();
  });
  afterEach(dumpLogsOnFailure(() => svc));

  describe("400 malformed request", () => {
    it("an audit export or annual report asked for in a form the service does not have, or with dates it cannot read", async () => {
      const paths = (res: Parameters<typeof expectProblem>[0]) => expectProblem(res, 400).errors.map((e: { path: string }) => e.path);
      expect(paths(await api.get("/api/v1/audit?format=xml&from=yesterday&to=2026-02-30", { token: c.CH.admin }))).to.have.members(["format", "from", "to"]);
      expect(paths(await api.get("/api/v1/reports/annual?format=pdf", { token: c.CH.admin }))).to.deep.equal(["format"]);
      // What it can read, it reads as instants: from inclusive, to exclusive, any offset.
      const items = async (query: string) => (await api.get(`/api/v1/audit?${query}`, { token: c.CH.admin })).body.items as { at: string }[];
      const all = await items("format=json");
      expect(all.length).to.be.above(0);
      expect(await items("from=2000-01-01")).to.deep.equal(all);
      expect(await items("to=2000-01-01")).to.deep.equal([]);
      const first = all[0]!.at;
      const shifted = new Date(Date.parse(first) + 2 * 3600_000).toISOString().replace("Z", "+02:00"); // the same instant at +02:00
      expect((await items(`from=${encodeURIComponent(shifted)}`))[0]!.at).to.equal(first);
      expect((await items(`to=${encodeURIComponent(shifted)}`)).map((e) => e.at)).to.not.include(first);
    });

    it("a body that is not JSON", async () => {
      const res = await api.post("/api/v1/permits", { token: c.CH.issuer, raw: '{"documentType": "CITES_EXPORT_PERMIT",' });
      expect(expectProblem(res, 400).detail).to.match(/not valid JSON/);
      expectProblem(await api.post("/api/v1/verify", { raw: "{qr:" }), 400);
      expectProblem(await api.post(`/api/v1/permits/${issued.permitId}/endorsements`, { token: c.CH.customs, raw: "[" }), 400);
    });

    it("a permit body that is a JSON array, or none: 400 saying to send one document or `{ \"permits\": [...] }`", async () => {
      for (const raw of ["[1, 2]", "[]"]) expect(expectProblem(await api.post("/api/v1/permits", { token: c.CH.issuer, raw }), 400).detail, raw).to.match(/JSON array: .*"permits"/);
      expect(expectProblem(await api.post("/api/v1/permits", { token: c.CH.issuer, headers: { "content-type": "application/json" } }), 400).detail).to.match(/empty: .*"permits"/);
      expect(expectProblem(await api.post(`/api/v1/permits/${issued.permitId}/replace`, { token: c.CH.issuer, raw: "[]" }), 400).detail).to.match(/JSON array/);
      // An officer who may not issue at all is told that first.
      expectProblem(await api.post("/api/v1/permits", { token: c.CH.customs, raw: "[]" }), 403);
    });

    it("a path that is not validly percent-encoded: 400 naming it, not a 500", async () => {
      const replies = [
        await api.get("/api/v1/permits/%zz", { token: c.CH.issuer }),
        await api.get("/api/v1/permits/%zz/qr.png", { token: c.CH.issuer }),
        await api.get("/api/v1/permits/%E0%A4/pdf", { token: c.CH.issuer }),
        await api.post("/api/v1/permits/%zz/cancel", { token: c.CH.issuer, json: { reason: "LOST" } }),
        await api.delete("/api/v1/officers/%zz", { token: c.CH.admin }),
      ];
      for (const r of replies) expect(expectProblem(r, 400).detail, r.path).to.match(/path is not valid: cannot percent-decode/);
    });

    it("an endorsement body of the wrong shape names the fields", async () => {
      const res = await api.post(`/api/v1/permits/${issued.permitId}/endorsements`, { token: c.CH.customs, json: { items: [{ line: 0, quantity: -1 }], port: 7 } });
      const problem = expectProblem(res, 400);
      expect(problem.errors.map((e: { path: string }) => e.path)).to.have.members(["items.0.line", "items.0.quantity", "port"]);
      expect(problem.errors.find((e: { path: string }) => e.path === "items.0.quantity").message).to.match(/zero or more/);
      expectProblem(await api.post(`/api/v1/permits/${issued.permitId}/endorsements`, { token: c.CH.customs, json: { items: [] } }), 400);
      expectProblem(await api.post(`/api/v1/permits/${issued.permitId}/endorsements`, { token: c.CH.customs }), 400);
      // A field it does not have (a typo would otherwise be dropped in silence), and a number JSON cannot hold.
      const extra = expectProblem(await api.post(`/api/v1/permits/${issued.permitId}/endorsements`, { token: c.CH.customs, json: { items: [{ line: 1, quantity: 1, qty: 2 }], transportDoc: "AWB 1" } }), 400);
      expect(extra.errors.map((e: { path: string }) => e.path)).to.have.members(["items.0.qty", "transportDoc"]);
      const huge = await api.post(`/api/v1/permits/${issued.permitId}/endorsements`, { token: c.CH.customs, raw: '{"items":[{"line":1,"quantity":1e400}]}', headers: { "content-type": "application/json" } });
      expect(expectProblem(huge, 400).errors[0]).to.include({ path: "items.0.quantity", message: "a finite number, e.g. 14.5" });
    });

    it("a cancel or non-compliance reason that is not a code", async () => {
      const cancel = expectProblem(await api.post(`/api/v1/permits/${issued.permitId}/cancel`, { token: c.CH.issuer, json: { reason: "BORED" } }), 400);
      expect(cancel.errors[0].path).to.equal("reason");
      expectProblem(await api.post(`/api/v1/permits/${issued.permitId}/non-compliance`, { token: c.JP.customs, json: { note: "no reason" } }), 400);
      // No body at all: the fields it needs, named as required.
      const empty = expectProblem(await api.post(`/api/v1/permits/${issued.permitId}/cancel`, { token: c.CH.issuer }), 400);
      expect(empty.detail).to.match(/body is empty/);
      expect(empty.errors).to.have.length(1);
      expect(empty.errors[0]).to.include({ path: "reason", rule: "required" });
      expect(empty.errors[0].message).to.match(/^is required: one of .*LOST/);
    });

    it("POST /verify without `qr` or an image; an unreadable QR is a 200 MALFORMED instead", async () => {
      expectProblem(await api.post("/api/v1/verify", { json: {} }), 400);
      expectProblem(await api.post("/api/v1/verify", { json: { qr: 42 } }), 400);
      for (const qr of ["", "hello", "PR1:%%%%", "http://127.0.0.1:8080/verify#PR1:6BFOXN%TS3DH0YOJ58S"]) {
        const res = await api.post("/api/v1/verify", { json: { qr } });
        expect(res.status, qr).to.equal(200);
        expect(res.body.verdict, qr).to.equal("MALFORMED");
      }
      const form = new FormData();
      form.append("image", new Blob([Buffer.from("this is not a picture")], { type: "image/png" }), "scan.png");
      const res = await fetch(`${svc.url}/api/v1/verify`, { method: "POST", body: form });
      expect(res.status).to.equal(200);
      expect(((await res.json()) as { verdict: string }).verdict).to.equal("MALFORMED");
      const wrongField = new FormData();
      wrongField.append("photo", new Blob([Buffer.from("x")], { type: "image/png" }), "scan.png");
      const refused = await fetch(`${svc.url}/api/v1/verify`, { method: "POST", body: wrongField });
      expect(refused.status).to.equal(400); // multer's "unexpected field", not a 500
      expect(refused.headers.get("content-type")).to.match(/^application\/problem\+json/);
    });

    it("other malformed requests: an empty batch, a bad officer, a bad report query, an overlong Idempotency-Key", async () => {
      expectProblem(await api.post("/api/v1/permits", { token: c.CH.issuer, json: { permits: [] } }), 400);
      const officer = expectProblem(await api.post("/api/v1/officers", { token: c.CH.admin, json: { name: "X", role: "KING" } }), 400);
      expect(officer.errors.map((e: { path: string }) => e.path)).to.deep.equal(["role"]);
      // An officer is of the admin's own country: a `country` is named, not ignored.
      const foreign = expectProblem(await api.post("/api/v1/officers", { token: c.CH.admin, json: { name: "X", role: "ISSUER", country: "FR" } }), 400);
      expect(foreign.errors).to.deep.equal([{ path: "country", rule: "unrecognized_keys", message: "is not a field of this request" }]);
      const report = async (query: string) => expectProblem(await api.get(`/api/v1/reports/annual?${query}`, { token: c.CH.admin }), 400).errors.map((e: { path: string }) => e.path);
      expect(await report("country=CH&year=last")).to.deep.equal(["year"]);
      expect(await report("country=Switzerland&year=2026")).to.deep.equal(["country"]);
      expect(await report("country=CH&year=1900")).to.deep.equal(["year"]);
      expect(await report("country=CH&country=FR&year=2026&year=2027")).to.have.members(["country", "year"]); // given twice
      expect((await api.get("/api/v1/reports/annual?country=ch&year=2026", { token: c.CH.admin })).status).to.equal(200); // any case
      expectProblem(await api.post("/api/v1/permits", { token: c.CH.issuer, json: sample("chExportPythonSkins"), headers: { "idempotency-key": "k".repeat(201) } }), 400);
    });
  });

  describe("401 and 403", () => {
    it("no token, an unknown token, a malformed token → 401 with WWW-Authenticate", async () => {
      const variants: Record<string, string>[] = [{}, { authorization: `Bearer prt_${"B".repeat(43)}` }, { authorization: "Bearer letmein" }];
      for (const headers of variants) {
        const res = await api.post("/api/v1/permits", { headers, json: sample("chExportPythonSkins") });
        expectProblem(res, 401);
        expect(res.headers.get("www-authenticate")).to.equal('Bearer realm="permit-registry"');
      }
    });

    it("a wrong role, or a wrong country → 403", async () => {
      expectProblem(await api.post("/api/v1/permits", { token: c.CH.customs, json: sample("chExportPythonSkins") }), 403);
      expectProblem(await api.post("/api/v1/permits", { token: c.FR.issuer, json: sample("chExportPythonSkins") }), 403);
      expectProblem(await api.post(`/api/v1/permits/${issued.permitId}/endorsements`, { token: c.FR.customs, json: { items: [{ line: 1, quantity: 1 }] } }), 403);
      // A batch from an officer who may not issue at all is refused whole, as one permit is (not a 207 of 403s).
      const batch = expectProblem(await api.post("/api/v1/permits", { token: c.CH.customs, json: { permits: [sample("chExportPythonSkins"), sample("chExportPythonSkins")] } }), 403);
      expect(batch).to.not.have.property("results");
    });
  });

  describe("officers: nothing half-done between the store and the chain", () => {
    const spansOf = async (address: string) => svc.handle.chain.reader.officerHistory(address as `0x${string}`);

    it("an address the service knows (a removed officer's) is refused with 409 before the chain grants it a role", async () => {
      const added = await api.post("/api/v1/officers", { token: c.CH.admin, json: { name: "Short-lived", role: "CUSTOMS" } });
      expect(added.status, added.text).to.equal(201);
      const { id, address } = added.body.officer as { id: string; address: string };
      expect((await api.delete(`/api/v1/officers/${id}`, { token: c.CH.admin })).status).to.equal(200);
      const before = await spansOf(address);
      expect(before.at(-1)?.activeTo).to.be.a("bigint"); // removed on chain too
      expectProblem(await api.post("/api/v1/officers", { token: c.CH.admin, json: { name: "Back again", role: "ISSUER", address } }), 409);
      expect(await spansOf(address)).to.deep.equal(before); // no role granted on chain
    });

    it("removing an officer whose removal stopped after revoking its token (the chain was down) finishes it on chain", async () => {
      const added = await api.post("/api/v1/officers", { token: c.CH.admin, json: { name: "Half removed", role: "ISSUER" } });
      expect(added.status, added.text).to.equal(201);
      const { id, address } = added.body.officer as { id: string; address: string };
      await svc.handle.store.removeOfficer(id); // what a removal leaves when its chain step fails (503)
      expect((await api.get("/api/v1/me", { token: added.body.token })).status).to.equal(401);
      expect((await spansOf(address)).at(-1)?.activeTo).to.be.undefined; // still an issuer on chain
      const again = await api.delete(`/api/v1/officers/${id}`, { token: c.CH.admin });
      expect(again.status, again.text).to.equal(200);
      expect((await spansOf(address)).at(-1)?.activeTo).to.be.a("bigint");
      expectProblem(await api.delete(`/api/v1/officers/${id}`, { token: c.CH.admin }), 404); // now gone everywhere
    });
  });

  describe("404 unknown", () => {
    const unknown = `0x${"ab".repeat(32)}`;
    it("an unknown permit, for every permit route", async () => {
      expectProblem(await api.get(`/api/v1/permits/${unknown}`, { token: c.CH.issuer }), 404);
      expectProblem(await api.get(`/api/v1/permits/not-even-an-id`, { token: c.CH.issuer }), 404);
      for (const suffix of ["qr.png", "qr.svg", "pdf"]) expectProblem(await api.get(`/api/v1/permits/${unknown}/${suffix}`, { token: c.CH.issuer }), 404);
      expectProblem(await api.post(`/api/v1/permits/${unknown}/endorsements`, { token: c.CH.customs, json: { items: [{ line: 1, quantity: 1 }] } }), 404);
      expectProblem(await api.post(`/api/v1/permits/${unknown}/use`, { token: c.JP.customs }), 404);
      expectProblem(await api.post(`/api/v1/permits/${unknown}/cancel`, { token: c.CH.issuer, json: { reason: "LOST" } }), 404);
      expectProblem(await api.post(`/api/v1/permits/${unknown}/replace`, { token: c.CH.issuer, json: sample("chExportPythonSkins") }), 404);
      expectProblem(await api.post(`/api/v1/permits/${unknown}/non-compliance`, { token: c.JP.customs, json: { reason: "OTHER" } }), 404);
    });

    it("a permit of a country the officer's is not involved in, for every read route; a permit id in upper case is the permit", async () => {
      // issued: CH exports to JP. FR neither issued, exports nor imports it: to FR it does not exist, as in its list.
      for (const suffix of ["", "/qr.png", "/qr.svg", "/pdf"]) {
        expectProblem(await api.get(`/api/v1/permits/${issued.permitId}${suffix}`, { token: c.FR.issuer }), 404);
        const importer = await api.get(`/api/v1/permits/${issued.permitId}${suffix}`, { token: c.JP.customs });
        expect(importer.status, `JP ${suffix}`).to.equal(200);
      }
      const upper = await api.get(`/api/v1/permits/${issued.permitId.toUpperCase().replace("0X", "0x")}`, { token: c.CH.issuer });
      expect(upper.status, upper.text).to.equal(200);
      expect(upper.body.permitId).to.equal(issued.permitId);
    });

    it("an unknown officer, and an unknown route", async () => {
      expectProblem(await api.delete("/api/v1/officers/00000000-0000-4000-8000-000000000000", { token: c.CH.admin }), 404);
      expectProblem(await api.get("/api/v1/nothing-here"), 404);
      expectProblem(await api.post("/api/v1/permits/x/teleport", { token: c.CH.issuer }), 404);
    });
  });

  describe("409 lifecycle conflicts", () => {
    it("a duplicate permit number (same or other content), also when sent concurrently", async () => {
      const doc = sample("chExportPythonSkins");
      const first = await api.post("/api/v1/permits", { token: c.CH.issuer, json: doc });
      expect(first.status).to.equal(201);
      const duplicate = expectProblem(await api.post("/api/v1/permits", { token: c.CH.issuer, json: doc }), 409);
      expect(duplicate.detail).to.contain(doc.permitNumber);
      expect(duplicate.permitId, "the permit that has the number").to.equal(first.body.permitId);
      const other = { ...sample("chExportPythonSkins"), permitNumber: doc.permitNumber, purpose: "Z" };
      expectProblem(await api.post("/api/v1/permits", { token: c.CH.issuer, json: other }), 409);

      const racing = sample("chExportPythonSkins");
      const replies = await Promise.all(Array.from({ length: 8 }, () => api.post("/api/v1/permits", { token: c.CH.issuer, json: racing })));
      expect(replies.map((r) => r.status).sort()).to.deep.equal([201, 409, 409, 409, 409, 409, 409, 409]);
      for (const r of replies.filter((x) => x.status === 409)) expectProblem(r, 409);

      // The same number twice in one batch: the second is refused as such, the first accepted.
      const twice = sample("chExportPythonSkins");
      const batch = await api.post("/api/v1/permits", { token: c.CH.issuer, json: { permits: [twice, { ...twice, purpose: "Z" }] } });
      expect(batch.status, batch.text).to.equal(207);
      expect(batch.body.results.map((r: { status: number }) => r.status)).to.deep.equal([201, 409]);
      expect(batch.body.results[1].problem.detail).to.match(/given twice in this batch \(also at index 0\)/);
    });

    it("a second endorsement, and an endorsement over the authorised quantity", async () => {
      const permit = await issueAndAnchor(api, c.CH.issuer, sample("chExportPythonSkins"));
      const over = expectProblem(await api.post(`/api/v1/permits/${permit.permitId}/endorsements`, { token: c.CH.customs, json: { items: [{ line: 1, quantity: 121 }] } }), 409);
      expect(over.detail).to.match(/121 exported but only 120/);
      expect((await api.post(`/api/v1/permits/${permit.permitId}/endorsements`, { token: c.CH.customs, json: { items: [{ line: 1, quantity: 120 }] } })).status).to.equal(201);
      expectProblem(await api.post(`/api/v1/permits/${permit.permitId}/endorsements`, { token: c.CH.customs, json: { items: [{ line: 1, quantity: 1 }] } }), 409);
      const after = await api.get(`/api/v1/permits/${permit.permitId}`, { token: c.CH.customs });
      expect(after.body.lines.map((l: { exported: number }) => l.exported)).to.deep.equal([120, 0]); // the refused ones changed nothing
    });

    it("use before the export endorsement, a second use, and cancel or replace after use", async () => {
      const permit = await issueAndAnchor(api, c.CH.issuer, sample("chExportPythonSkins"));
      expectProblem(await api.post(`/api/v1/permits/${permit.permitId}/use`, { token: c.JP.customs }), 409);
      expect((await api.post(`/api/v1/permits/${permit.permitId}/endorsements`, { token: c.CH.customs, json: { items: [{ line: 1, quantity: 3 }] } })).status).to.equal(201);
      expect((await api.post(`/api/v1/permits/${permit.permitId}/use`, { token: c.JP.customs })).status).to.equal(200);
      expectProblem(await api.post(`/api/v1/permits/${permit.permitId}/use`, { token: c.JP.customs }), 409);
      expectProblem(await api.post(`/api/v1/permits/${permit.permitId}/cancel`, { token: c.CH.issuer, json: { reason: "LOST" } }), 409);
      expectProblem(await api.post(`/api/v1/permits/${permit.permitId}/replace`, { token: c.CH.issuer, json: sample("chExportPythonSkins") }), 409);
      expect((await api.get(`/api/v1/permits/${permit.permitId}`, { token: c.CH.issuer })).body.status).to.equal("USED");
    });

    it("the QR code and PDF of a permit the chain never anchored (FAILED)", async () => {
      await svc.handle.outbox.stop(); // so that it stays PENDING until failed here, as the outbox fails what the chain refuses
      try {
        const res = await api.post("/api/v1/permits", { token: c.CH.issuer, json: sample("chExportPythonSkins") });
        expect(res.status, res.text).to.equal(201);
        const [entry] = (await svc.handle.store.listOutbox({ state: "QUEUED", limit: 100_000 })).filter((e) => e.permitId === res.body.permitId);
        await svc.handle.store.markOutboxFailed(entry!.id, "refused by the chain");
        expect(await svc.handle.store.updatePermitStatus(res.body.permitId, { status: "FAILED", failureReason: "refused by the chain" }, ["PENDING"])).to.equal(true);
        for (const suffix of ["qr.png", "qr.svg", "pdf"]) {
          expect(expectProblem(await api.get(`/api/v1/permits/${res.body.permitId}/${suffix}`, { token: c.CH.issuer }), 409).detail).to.match(/never anchored \(refused by the chain\)/);
        }
      } finally {
        svc.handle.outbox.start();
      }
    });

    it("a second cancellation", async () => {
      const permit = await issueAndAnchor(api, c.CH.issuer, sample("chExportPythonSkins"));
      expect((await api.post(`/api/v1/permits/${permit.permitId}/cancel`, { token: c.CH.issuer, json: { reason: "STOLEN" } })).status).to.equal(200);
      expectProblem(await api.post(`/api/v1/permits/${permit.permitId}/cancel`, { token: c.CH.issuer, json: { reason: "LOST" } }), 409);
    });
  });

  describe("413 too large", () => {
    it("a body over 1 MB", async () => {
      const doc = sample("chExportPythonSkins");
      doc.specialConditions = "x".repeat(1_100_000);
      const res = await api.post("/api/v1/permits", { token: c.CH.issuer, json: doc });
      expectProblem(res, 413);
    });

    it("a batch of more than 500 permits", async () => {
      const permits = Array.from({ length: 501 }, () => sample("chExportPythonSkins"));
      expect(JSON.stringify({ permits }).length).to.be.below(1_000_000); // too many, not too big
      const res = await api.post("/api/v1/permits", { token: c.CH.issuer, json: { permits } });
      expect(expectProblem(res, 413).detail).to.contain("500");
      const listed = await api.get(`/api/v1/permits?q=${encodeURIComponent(permits[0]!.permitNumber)}`, { token: c.CH.issuer });
      expect(listed.body.items).to.deep.equal([]); // none of them was accepted
    });

    it("a QR image over 8 MB", async () => {
      const form = new FormData();
      form.append("image", new Blob([Buffer.alloc(9 * 1024 * 1024, 0x41)], { type: "image/png" }), "huge.png");
      const res = await fetch(`${svc.url}/api/v1/verify`, { method: "POST", body: form });
      expect(res.status).to.equal(413);
      expect(res.headers.get("content-type")).to.match(/^application\/problem\+json/);
    });
  });

  describe("422 invalid document", () => {
    it("names the field path and the rule of each problem", async () => {
      const doc = sample("chExportPythonSkins");
      doc.items[1].quantity = 1.2345;
      delete doc.exporter;
      doc.items[0].appendix = "IV";
      const problem = expectProblem(await api.post("/api/v1/permits", { token: c.CH.issuer, json: doc }), 422);
      expect(problem.type).to.equal("/problems/invalid-document");
      const byPath = Object.fromEntries(problem.errors.map((e: { path: string; rule: string }) => [e.path, e.rule]));
      expect(byPath).to.include({ "items[1].quantity": "quantity.maxDecimals3", exporter: "field.required", "items[0].appendix": "appendix.code" });
      for (const e of problem.errors) expect(e.message).to.be.a("string").and.not.equal("");
    });

    it("a permit whose last day of validity is over, or dated after today; a document-level rule (Appendix I needs an import permit)", async () => {
      const expired = sample("chExportPythonSkins");
      expired.issuedOn = "2026-05-05";
      expired.validUntil = "2026-10-31";
      const problem = expectProblem(await api.post("/api/v1/permits", { token: c.CH.issuer, json: expired }), 422);
      expect(problem.errors).to.deep.include({ path: "validUntil", rule: "validity.notOver", message: "the last day of validity is already over" });
      // Dated after today, wherever the authority is (two days ahead is past even UTC+14).
      const future = sample("chExportPythonSkins");
      future.issuedOn = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
      future.validUntil = new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10);
      const dated = expectProblem(await api.post("/api/v1/permits", { token: c.CH.issuer, json: future }), 422);
      expect(dated.errors[0]).to.include({ path: "issuedOn", rule: "issuedOn.notFuture" });
      const appendixI = sample("chExportMacaw");
      delete appendixI.importPermit;
      const rule = expectProblem(await api.post("/api/v1/permits", { token: c.CH.issuer, json: appendixI }), 422);
      expect(rule.errors.map((e: { path: string; rule: string }) => `${e.path} ${e.rule}`)).to.include("importPermit appendixI.importPermitRequired");
    });

    it("an Appendix-I export naming an import permit the ledger does not hold, or a permit that is not an import permit for this trade: 422 at once, not FAILED later", async () => {
      const missing = sample("chExportMacaw");
      missing.importPermit = { country: "FR", number: "FR-NOPE" };
      const notThere = expectProblem(await api.post("/api/v1/permits", { token: c.CH.issuer, json: missing }), 422);
      expect(notThere.errors[0]).to.include({ path: "importPermit", rule: "importPermit.anchored" });
      expect(notThere.errors[0].message).to.contain("FR FR-NOPE");
      // In a batch, that item only.
      const batch = await api.post("/api/v1/permits", { token: c.CH.issuer, json: { permits: [sample("chExportPythonSkins"), missing] } });
      expect(batch.body.results.map((r: { status: number }) => r.status)).to.deep.equal([201, 422]);
      // An import permit FR issued for another trade (from JP), anchored, named by a CH export to FR.
      const fromJapan = sample("frImportMacaw");
      fromJapan.exporter.country = "JP";
      await issueAndAnchor(api, c.FR.issuer, fromJapan);
      const wrong = sample("chExportMacaw");
      wrong.importPermit = { country: "FR", number: fromJapan.permitNumber };
      const notImport = expectProblem(await api.post("/api/v1/permits", { token: c.CH.issuer, json: wrong }), 422);
      expect(notImport.errors[0]).to.include({ path: "importPermit", rule: "importPermit.matches" });
    });

    it("an endorsement naming a line the permit does not have", async () => {
      const problem = expectProblem(await api.post(`/api/v1/permits/${issued.permitId}/endorsements`, { token: c.CH.customs, json: { items: [{ line: 3, quantity: 1 }] } }), 422);
      expect(problem.errors[0]).to.include({ path: "items[0].line", rule: "endorsement.lineUnknown" });
      expect(problem.detail).to.match(/^Invalid endorsement \(1 issue\)/); // not "Invalid permit document"
    });

    it("an endorsed quantity with more than three decimals names the request's item, not the permit's line", async () => {
      const problem = expectProblem(await api.post(`/api/v1/permits/${issued.permitId}/endorsements`, { token: c.CH.customs, json: { items: [{ line: 2, quantity: 1.2345 }] } }), 422);
      expect(problem.errors[0]).to.include({ path: "items[0].quantity", rule: "quantity.maxDecimals3" });
    });

    it("a body that is a JSON object but not a document (a bare JSON string is not even a request body: 400)", async () => {
      for (const raw of ["{}", '{"documentType": "PASSPORT"}']) expectProblem(await api.post("/api/v1/permits", { token: c.CH.issuer, raw }), 422);
      expectProblem(await api.post("/api/v1/permits", { token: c.CH.issuer, raw: '"a permit"' }), 400);
    });
  });

  describe("429 rate limited", () => {
    let limited: TestService | undefined;
    after(async () => {
      await limited?.stop();
    });

    it("the 6th verification within a minute is refused with Retry-After (5 per minute allowed)", async function () {
      this.timeout(60_000);
      limited = await startTestService({ env: { VERIFY_RATE_LIMIT: "5" } });
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) {
        const res = await limited.api.post("/api/v1/verify", { json: { qr: "hello" } });
        statuses.push(res.status);
        if (res.status === 429) {
          expectProblem(res, 429);
          expect(Number(res.headers.get("retry-after"))).to.be.within(1, 60);
        }
      }
      expect(statuses).to.deep.equal([200, 200, 200, 200, 200, 429, 429]);
      // Only the public verifier is limited.
      expect((await limited.api.get("/api/v1/permits", { token: limited.creds.CH.issuer })).status).to.equal(200);
      expectHonestStatuses(limited.api.replies);
    });
  });

  describe("a step done on chain is a success even if the store cannot be refreshed at once", () => {
    it("endorsement answers 201 although the index refresh after it fails; the store catches up", async () => {
      const permit = await issueAndAnchor(api, c.CH.issuer, sample("chExportPythonSkins"));
      const indexer = svc.handle.indexer;
      const syncNow = indexer.syncNow.bind(indexer);
      indexer.syncNow = async () => {
        throw new Error("simulated: the chain read after the step failed");
      };
      let res;
      try {
        res = await api.post(`/api/v1/permits/${permit.permitId}/endorsements`, { token: c.CH.customs, json: { items: [{ line: 1, quantity: 100 }, { line: 2, quantity: 14.5 }] } });
      } finally {
        indexer.syncNow = syncNow;
      }
      expect(res.status, res.text).to.equal(201);
      expect(await svc.handle.chain.reader.permitState(permit.permitId)).to.include({ status: "ENDORSED" });
      const caughtUp = await waitForStatus(api, c.CH.issuer, permit.permitId, "ENDORSED", 5_000);
      expect(caughtUp.lines.map((l: { exported: number }) => l.exported)).to.deep.equal([100, 14.5]);
    });
  });

  describe("503 when the chain is down (stops this service's Anvil: runs last)", () => {
    let qr: string;
    let endorsable: any;

    before(async () => {
      // Dated today: the demo officers became active today, and the offline check asks whether the
      // signer was an issuer on the permit's issue date.
      const today = new Date().toISOString().slice(0, 10);
      const validUntil = new Date(Date.now() + 150 * 86_400_000).toISOString().slice(0, 10);
      endorsable = await issueAndAnchor(api, c.CH.issuer, { ...sample("chExportPythonSkins"), permitNumber: "CH-2026-TODAY1", issuedOn: today, validUntil });
      const png = await api.get(`/api/v1/permits/${endorsable.permitId}/qr.png`, { token: c.CH.issuer });
      qr = await decodeQrImage(png.bytes);
      const { pid } = JSON.parse(readFileSync(path.join(svc.dataDir, "chain", "anvil.pid"), "utf8")) as { pid: number };
      process.kill(pid, "SIGKILL");
      for (let i = 0; i < 100; i++) {
        try {
          process.kill(pid, 0);
          await sleep(20);
        } catch {
          return;
        }
      }
      throw new Error(`Anvil pid ${pid} did not die`);
    });

    it("a synchronous chain step (endorse, cancel) → 503 with Retry-After, and nothing changes", async () => {
      const res = await api.post(`/api/v1/permits/${endorsable.permitId}/endorsements`, { token: c.CH.customs, json: { items: [{ line: 1, quantity: 1 }] } });
      expect(expectProblem(res, 503).detail).to.match(/chain/i);
      expect(Number(res.headers.get("retry-after"))).to.be.above(0);
      expectProblem(await api.post(`/api/v1/permits/${endorsable.permitId}/cancel`, { token: c.CH.issuer, json: { reason: "LOST" } }), 503);
      const still = await api.get(`/api/v1/permits/${endorsable.permitId}`, { token: c.CH.issuer });
      expect(still.status).to.equal(200);
      expect(still.body.status).to.equal("ISSUED");
    });

    it("POST /verify → 200 with verdict CHAIN_UNREACHABLE (not a 5xx, nor a stale VALID) once the mirror cannot sync", async () => {
      // Verification reads the indexer's mirror; its next sync (every 500 ms) finds the chain gone.
      const verdicts: string[] = [];
      const deadline = Date.now() + 3_000;
      let res;
      do {
        res = await api.post("/api/v1/verify", { json: { qr } });
        expect(res.status, res.text).to.equal(200);
        verdicts.push(res.body.verdict);
        if (res.body.verdict !== "CHAIN_UNREACHABLE") await sleep(100);
      } while (res.body.verdict !== "CHAIN_UNREACHABLE" && Date.now() < deadline);
      expect(res.body.verdict, verdicts.join(" ")).to.equal("CHAIN_UNREACHABLE");
      expect(res.body.checks.status.result).to.equal("skipped");
      expect(res.body.checks.signature.result, JSON.stringify(res.body.checks)).to.equal("passed"); // offline checks against the trust list still ran
    });

    it("GET /health → 503 problem", async () => {
      expectProblem(await api.get("/api/v1/health"), 503);
    });

    it("issuing is still accepted into the durable outbox (201, PENDING)", async () => {
      const res = await api.post("/api/v1/permits", { token: c.CH.issuer, json: sample("chExportPythonSkins") });
      expect(res.status, res.text).to.equal(201);
      await sleep(300); // a few outbox runs against the dead chain
      expect((await api.get(`/api/v1/permits/${res.body.permitId}`, { token: c.CH.issuer })).body.status).to.equal("PENDING");
    });
  });

  describe("every answer above", () => {
    it("is honest: no 2xx with an error inside, every error problem+json with its status", () => {
      expect(api.replies.filter((r) => r.status >= 400).length).to.be.above(50);
      expectHonestStatuses(api.replies);
      expect(api.replies.filter((r) => r.status >= 500 && r.status !== 503)).to.deep.equal([]);
    });
  });
});
