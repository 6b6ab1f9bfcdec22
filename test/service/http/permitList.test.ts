/**
 * GET /api/v1/permits: the country's permits, newest first, filtered by status and searched by
 * text, in pages; GET /api/v1/reports/summary: counts over all of them. Over real HTTP against a
 * real service.
 */
import { expect } from "chai";
import { dumpLogsOnFailure, expectProblem, sample, startTestService, type Api, type Credentials, type TestService } from "./harness";

describe("GET /permits: search, status filter and pages", function () {
  this.timeout(60_000);
  let svc: TestService;
  let api: Api;
  let c: Credentials;
  const tag = Date.now().toString(36).slice(-5).toUpperCase();
  const numbers = Array.from({ length: 30 }, (_, i) => `CH-LIST${tag}-${String(i + 1).padStart(2, "0")}`);
  type Item = { permitId: string; permitNumber: string; status: string };
  const list = async (query: string, token = c.CH.issuer) => {
    const res = await api.get(`/api/v1/permits?${query}`, { token });
    expect(res.status, res.text).to.equal(200);
    return res.body as { items: Item[]; nextCursor: string | null };
  };

  before(async () => {
    svc = await startTestService();
    api = svc.api;
    c = svc.creds;
    // Oldest first: the first of these is the last in the list.
    for (const number of numbers) expect((await api.post("/api/v1/permits", { token: c.CH.issuer, json: sample("chExportPythonSkins", number) })).status).to.equal(201);
  });
  after(async () => {
    await svc?.stop();
  });
  afterEach(dumpLogsOnFailure(() => svc));

  it("finds a permit older than the first page: the search runs before the page is cut", async () => {
    const { items, nextCursor } = await list(`q=${encodeURIComponent(numbers[0]!.toLowerCase())}&limit=5`);
    expect(items.map((p) => p.permitNumber)).to.deep.equal([numbers[0]]);
    expect(nextCursor).to.equal(null);
  });

  it("pages through every match once, newest first", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: Item[]; nextCursor: string | null } = await list(`q=LIST${tag}&limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      expect(page.items.length).to.be.at.most(7);
      seen.push(...page.items.map((p) => p.permitNumber));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).to.deep.equal([...numbers].reverse());
  });

  it("takes % and _ in the search text literally", async () => {
    expect((await list(`q=${encodeURIComponent(`LIST${tag}%`)}`)).items).to.deep.equal([]);
    expect((await list(`q=${encodeURIComponent(`LIST${tag}_`)}`)).items).to.deep.equal([]);
    expect((await list(`q=${encodeURIComponent(`LIST${tag}-`)}&limit=500`)).items).to.have.length(numbers.length);
  });

  it("searches only the permits of the officer's country", async () => {
    // The samples are CH exports to JP: JP sees them, SG does not.
    expect((await list(`q=LIST${tag}&limit=500`, c.JP.customs)).items).to.have.length(numbers.length);
    expect((await list(`q=LIST${tag}&limit=500`, c.SG.issuer)).items).to.deep.equal([]);
  });

  it("filters by statuses given in any case, combined with the search", async () => {
    const all = (await list(`q=LIST${tag}&limit=500`)).items;
    const statuses = new Set(all.map((p) => p.status));
    const some = [...statuses][0]!;
    const filtered = (await list(`q=LIST${tag}&limit=500&status=${some.toLowerCase()},USED`)).items;
    expect(filtered.map((p) => p.permitNumber)).to.deep.equal(all.filter((p) => p.status === some).map((p) => p.permitNumber));
    expect((await list(`q=LIST${tag}&status=CANCELLED`)).items).to.deep.equal([]);
  });

  it("counts all of the country's permits for the dashboard, more than one page of them", async () => {
    const summary = async (token: string) => {
      const res = await api.get("/api/v1/reports/summary", { token });
      expect(res.status, res.text).to.equal(200);
      return res.body;
    };
    const ch = await summary(c.CH.admin);
    const listed = (await list("limit=500")).items;
    expect(listed.length).to.be.at.least(numbers.length);
    expect(ch.total).to.equal(listed.length);
    expect(ch.total).to.be.above((await list("limit=10")).items.length);
    const byStatus = new Map<string, number>();
    for (const p of listed) byStatus.set(p.status, (byStatus.get(p.status) ?? 0) + 1);
    expect(ch.byStatus).to.deep.equal(Object.fromEntries(byStatus));
    expect(ch.byMonth).to.have.length(12);
    expect(ch.byMonth[11]).to.deep.equal({ month: new Date().toISOString().slice(0, 7), permits: listed.length });
    expect(ch.byMonth.slice(0, 11).every((m: { permits: number }) => m.permits === 0)).to.equal(true);
    expect(ch.partners).to.deep.equal([{ country: "JP", permits: listed.length }]);
    expect((await summary(c.JP.customs)).partners).to.deep.equal([{ country: "CH", permits: listed.length }]);
    expect((await summary(c.SG.issuer)).total).to.equal(0);
    expectProblem(await api.get("/api/v1/reports/summary"), 401);
  });

  it("refuses a query it cannot honour with 400, naming each parameter", async () => {
    const problem = expectProblem(await api.get("/api/v1/permits?status=EXPIRED,ISSUED&limit=0", { token: c.CH.issuer }), 400);
    expect(problem.detail).to.equal("The query is not valid.");
    expect(problem.errors.map((e: { path: string }) => e.path)).to.have.members(["status.0", "limit"]);
    expect(problem.errors.find((e: { path: string }) => e.path === "status.0").message).to.contain("PENDING, ISSUED, ENDORSED, USED, CANCELLED, REPLACED, FAILED");
    for (const query of ["limit=abc", "limit=501", "limit=-1", "status=ISSUED&status=USED", `q=${"x".repeat(201)}`]) {
      expectProblem(await api.get(`/api/v1/permits?${query}`, { token: c.CH.issuer }), 400);
    }
    const cursor = expectProblem(await api.get("/api/v1/permits?cursor=not-a-cursor", { token: c.CH.issuer }), 400);
    expect(cursor.errors).to.deep.equal([{ path: "cursor", rule: "cursor", message: "The pagination cursor is not valid; start again without one." }]);
  });
});
