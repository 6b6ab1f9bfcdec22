/**
 * The authorisation matrix over HTTP: every write endpoint (and the admin-only reads) × who asks —
 * the country's admin, issuer and customs officer, an officer of another country, no token, a bad
 * token, a removed officer — answers exactly one status. One `it` per cell; each cell that may
 * succeed acts on its own permit (or officer), so cells do not depend on each other.
 */
import { expect } from "chai";
import {
  dumpLogsOnFailure,
  expectHonestStatuses,
  expectProblem,
  issueBatchAndAnchor,
  sample,
  startTestService,
  type Api,
  type Credentials,
  type Doc,
  type Reply,
  type TestService,
} from "./harness";

const ACTORS = ["admin", "issuer", "customs", "other country", "no token", "bad token", "removed officer"] as const;
type Actor = (typeof ACTORS)[number];

type Call = { method: "GET" | "POST" | "DELETE"; path: string; json?: unknown };

type Endpoint = {
  name: string;
  /** The country whose officers the endpoint is for. */
  country: string;
  /** Who "an officer of another country" is here: the role that would be allowed, elsewhere. */
  other: { country: string; role: "admin" | "issuer" | "customs" };
  /** Whose removed token the "removed officer" cell presents (the role that would be allowed). */
  removed: "CH issuer" | "CH customs" | "JP customs";
  /** The expected status per actor. */
  expected: Record<Actor, number>;
  /** A fresh request for one cell. */
  call(): Call | Promise<Call>;
  /** More to check when the cell succeeded. */
  then?(reply: Reply, actor: Actor): unknown;
};

const DENIED = { "no token": 401, "bad token": 401, "removed officer": 401 } as const;
const BAD_TOKEN = `prt_${"A".repeat(43)}`; // well-formed, but nobody's

describe("REST API authorisation matrix", function () {
  this.timeout(30_000);
  let svc: TestService;
  let api: Api;
  let c: Credentials;
  const removedTokens: Record<Endpoint["removed"], string> = { "CH issuer": "", "CH customs": "", "JP customs": "" };
  /** Fresh targets per endpoint, taken one per cell. */
  const pools: Record<string, string[]> = {};
  const take = (pool: string) => {
    const id = pools[pool]!.shift();
    if (!id) throw new Error(`pool ${pool} is empty: prepare more targets`);
    return id;
  };

  async function addOfficer(adminToken: string, role: "ISSUER" | "CUSTOMS", name: string): Promise<{ id: string; token: string }> {
    const res = await api.post("/api/v1/officers", { token: adminToken, json: { name, role } });
    expect(res.status, res.text).to.equal(201);
    return { id: res.body.officer.id, token: res.body.token };
  }

  before(async function () {
    this.timeout(60_000);
    svc = await startTestService();
    api = svc.api;
    c = svc.creds;
    // Officers that are then removed: their tokens must open nothing.
    for (const [who, admin, role] of [["CH issuer", c.CH.admin, "ISSUER"], ["CH customs", c.CH.admin, "CUSTOMS"], ["JP customs", c.JP.admin, "CUSTOMS"]] as const) {
      const officer = await addOfficer(admin, role, `to be removed (${who})`);
      const removed = await api.delete(`/api/v1/officers/${officer.id}`, { token: admin });
      expect(removed.status, removed.text).to.equal(200);
      removedTokens[who] = officer.token;
    }
    // CH export permits to JP: ISSUED ones for endorse/cancel/replace, ENDORSED ones for use/non-compliance.
    const per = ACTORS.length + 2;
    const docs: Doc[] = Array.from({ length: per * 5 }, () => sample("chExportPythonSkins"));
    const ids = await issueBatchAndAnchor(api, c.CH.issuer, docs);
    for (const [i, pool] of ["endorse", "cancel", "replace", "use", "non-compliance"].entries()) pools[pool] = ids.slice(i * per, (i + 1) * per);
    for (const id of [...pools.use!, ...pools["non-compliance"]!]) {
      const res = await api.post(`/api/v1/permits/${id}/endorsements`, { token: c.CH.customs, json: { items: [{ line: 1, quantity: 10 }] } });
      expect(res.status, res.text).to.equal(201);
    }
    pools.officer = [];
    for (let i = 0; i < per; i++) pools.officer.push((await addOfficer(c.CH.admin, i % 2 ? "ISSUER" : "CUSTOMS", `CH officer ${i}`)).id);
  });
  after(async () => {
    await svc?.stop();
  });
  afterEach(dumpLogsOnFailure(() => svc));

  const endpoints: Endpoint[] = [
    {
      name: "POST /permits (issue a CH permit)",
      country: "CH",
      other: { country: "FR", role: "issuer" },
      removed: "CH issuer",
      expected: { admin: 403, issuer: 201, customs: 403, "other country": 403, ...DENIED },
      call: () => ({ method: "POST", path: "/api/v1/permits", json: sample("chExportPythonSkins") }),
      then: (r) => expect(r.body.status).to.equal("PENDING"),
    },
    {
      name: "POST /permits/{id}/endorsements (CH export)",
      country: "CH",
      other: { country: "FR", role: "customs" },
      removed: "CH customs",
      expected: { admin: 403, issuer: 403, customs: 201, "other country": 403, ...DENIED },
      call: () => ({ method: "POST", path: `/api/v1/permits/${take("endorse")}/endorsements`, json: { items: [{ line: 1, quantity: 5 }] } }),
      then: (r) => expect(r.body.status).to.equal("ENDORSED"),
    },
    {
      name: "POST /permits/{id}/use (import into JP)",
      country: "JP",
      other: { country: "FR", role: "customs" },
      removed: "JP customs",
      expected: { admin: 403, issuer: 200, customs: 200, "other country": 403, ...DENIED },
      call: () => ({ method: "POST", path: `/api/v1/permits/${take("use")}/use` }),
      then: (r) => expect(r.body.status).to.equal("USED"),
    },
    {
      name: "POST /permits/{id}/cancel (CH permit)",
      country: "CH",
      other: { country: "FR", role: "issuer" },
      removed: "CH issuer",
      expected: { admin: 403, issuer: 200, customs: 403, "other country": 403, ...DENIED },
      call: () => ({ method: "POST", path: `/api/v1/permits/${take("cancel")}/cancel`, json: { reason: "WRONGLY_ISSUED" } }),
      then: (r) => expect(r.body.status).to.equal("CANCELLED"),
    },
    {
      name: "POST /permits/{id}/replace (CH permit)",
      country: "CH",
      other: { country: "FR", role: "issuer" },
      removed: "CH issuer",
      expected: { admin: 403, issuer: 201, customs: 403, "other country": 403, ...DENIED },
      call: () => ({ method: "POST", path: `/api/v1/permits/${take("replace")}/replace`, json: sample("chExportPythonSkins") }),
      then: (r) => expect(r.body.status).to.equal("ISSUED"),
    },
    {
      name: "POST /permits/{id}/non-compliance (import into JP)",
      country: "JP",
      other: { country: "FR", role: "customs" },
      removed: "JP customs",
      expected: { admin: 403, issuer: 201, customs: 201, "other country": 403, ...DENIED },
      call: () => ({ method: "POST", path: `/api/v1/permits/${take("non-compliance")}/non-compliance`, json: { reason: "QUANTITY_MISMATCH", note: "short by 2" } }),
      then: (r) => expect(r.body.nonCompliance).to.equal(true),
    },
    {
      name: "POST /officers (add a CH officer)",
      country: "CH",
      // Another country's admin can only add officers to its own country.
      other: { country: "FR", role: "admin" },
      removed: "CH issuer",
      expected: { admin: 201, issuer: 403, customs: 403, "other country": 201, ...DENIED },
      call: () => ({ method: "POST", path: "/api/v1/officers", json: { name: "New officer", role: "ISSUER" } }),
      then: (r, actor) => expect(r.body.officer.country).to.equal(actor === "other country" ? "FR" : "CH"),
    },
    {
      name: "DELETE /officers/{id} (a CH officer)",
      country: "CH",
      other: { country: "FR", role: "admin" },
      removed: "CH issuer",
      expected: { admin: 200, issuer: 403, customs: 403, "other country": 403, ...DENIED },
      call: () => ({ method: "DELETE", path: `/api/v1/officers/${take("officer")}` }),
      then: (r) => expect(r.body.active).to.equal(false),
    },
    {
      name: "GET /audit (export the country's audit log)",
      country: "CH",
      // Each admin gets its own country's log: its officers' requests, and the others' about its permits.
      other: { country: "FR", role: "admin" },
      removed: "CH issuer",
      expected: { admin: 200, issuer: 403, customs: 403, "other country": 200, ...DENIED },
      call: () => ({ method: "GET", path: "/api/v1/audit" }),
      then: async (r, actor) => {
        const [own, token] = actor === "other country" ? ["FR", c.FR.admin] : ["CH", c.CH.admin];
        const items = r.body.items as { country: string | null; permitId: string | null; action: string }[];
        expect(items.some((e) => e.country === own)).to.equal(true);
        // Another country's entry is about a permit this one issued, exports or imports: one its admin can read.
        const foreign = items.filter((e) => e.country !== own);
        for (const permitId of new Set(foreign.map((e) => e.permitId))) {
          expect(permitId, JSON.stringify(foreign.find((e) => e.permitId === permitId))).to.be.a("string");
          expect((await api.get(`/api/v1/permits/${permitId}`, { token })).status, `${own} admin reads ${permitId}`).to.equal(200);
        }
      },
    },
    {
      name: "GET /officers (list the country's officers)",
      country: "CH",
      other: { country: "FR", role: "admin" },
      removed: "CH issuer",
      expected: { admin: 200, issuer: 403, customs: 403, "other country": 200, ...DENIED },
      call: () => ({ method: "GET", path: "/api/v1/officers" }),
      then: (r, actor) => expect(new Set(r.body.items.map((o: { country: string }) => o.country))).to.deep.equal(new Set([actor === "other country" ? "FR" : "CH"])),
    },
    {
      name: "GET /reports/annual?country=CH",
      country: "CH",
      other: { country: "FR", role: "admin" },
      removed: "CH issuer",
      expected: { admin: 200, issuer: 200, customs: 200, "other country": 403, ...DENIED },
      call: () => ({ method: "GET", path: "/api/v1/reports/annual?country=CH&year=2026" }),
      then: (r) => expect(r.body.country).to.equal("CH"),
    },
  ];

  function tokenOf(endpoint: Endpoint, actor: Actor): string | undefined {
    switch (actor) {
      case "admin":
      case "issuer":
      case "customs":
        return c[endpoint.country]![actor];
      case "other country":
        return c[endpoint.other.country]![endpoint.other.role];
      case "no token":
        return undefined;
      case "bad token":
        return BAD_TOKEN;
      case "removed officer":
        return removedTokens[endpoint.removed];
    }
  }

  for (const endpoint of endpoints) {
    describe(endpoint.name, () => {
      for (const actor of ACTORS) {
        const status = endpoint.expected[actor];
        const who = actor === "other country" ? `${endpoint.other.country} ${endpoint.other.role}` : ["admin", "issuer", "customs"].includes(actor) ? `${endpoint.country} ${actor}` : actor === "removed officer" ? `removed ${endpoint.removed}` : actor;
        it(`${who} → ${status}`, async () => {
          const call = await endpoint.call();
          const res = await api.request(call.method, call.path, { token: tokenOf(endpoint, actor), json: call.json });
          if (status >= 400) {
            expectProblem(res, status);
            if (status === 401) expect(res.headers.get("www-authenticate")).to.match(/^Bearer/);
          } else {
            expect(res.status, res.text).to.equal(status);
            await endpoint.then?.(res, actor);
          }
        });
      }
    });
  }

  describe("beyond the matrix", () => {
    it("customs of the exporting country (CH) cannot accept the import into JP → 403", async () => {
      expectProblem(await api.post(`/api/v1/permits/${take("use")}/use`, { token: c.CH.customs }), 403);
    });
    it("customs of the importing country (JP) cannot endorse the CH export → 403", async () => {
      expectProblem(await api.post(`/api/v1/permits/${take("endorse")}/endorsements`, { token: c.JP.customs, json: { items: [{ line: 1, quantity: 1 }] } }), 403);
    });
    it("the exporting country (CH) cannot record non-compliance at JP's border → 403", async () => {
      expectProblem(await api.post(`/api/v1/permits/${take("non-compliance")}/non-compliance`, { token: c.CH.customs, json: { reason: "OTHER" } }), 403);
    });
    it("an admin cannot remove an admin (its own token) → 403", async () => {
      const officers = await api.get("/api/v1/officers", { token: c.CH.admin });
      const admin = officers.body.items.find((o: { role: string }) => o.role === "ADMIN");
      expectProblem(await api.delete(`/api/v1/officers/${admin.id}`, { token: c.CH.admin }), 403);
    });
    it("a malformed bearer token, or another scheme, is 401 too (never 500)", async () => {
      expectProblem(await api.get("/api/v1/permits", { headers: { authorization: "Bearer not-a-token" } }), 401);
      expectProblem(await api.get("/api/v1/permits", { headers: { authorization: `Basic ${Buffer.from("ch:issuer").toString("base64")}` } }), 401);
      expectProblem(await api.post("/api/v1/permits", { headers: { authorization: "Bearer" }, json: sample("chExportPythonSkins") }), 401);
    });
    it("reading a permit needs a token; verifying one does not", async () => {
      const id = take("cancel");
      expectProblem(await api.get(`/api/v1/permits/${id}`), 401);
      expectProblem(await api.get(`/api/v1/permits/${id}/pdf`), 401);
      const res = await api.post("/api/v1/verify", { json: { qr: "not a permit" } });
      expect(res.status).to.equal(200);
      expect(res.body.verdict).to.equal("MALFORMED");
    });
    it("every answer above is honest (problem+json for every error)", () => {
      expectHonestStatuses(api.replies);
    });
  });
});
