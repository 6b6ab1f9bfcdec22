/**
 * What every `Store` must do, run against each database (`shouldBehaveLikeStore`). The fixture hands
 * out drivers on one fresh database per test, so "another connection" and "reopen" are real.
 */
import { expect } from "chai";
import { randomBytes, randomUUID } from "node:crypto";
import type { Hex } from "viem";
import { migrate } from "../../../src/service/store/migrate";
import { MIGRATIONS } from "../../../src/service/store/migrations";
import { SqlStore } from "../../../src/service/store/sqlStore";
import type { SqlDriver } from "../../../src/service/store/driver";
import type { Store } from "../../../src/service/store/store";
import type { NewPermit, OfficerRole } from "../../../src/service/store/types";
import { manualClock, rejectionOf } from "../helpers";

export type StoreDatabase = {
  /** A new connection (pool) to this test's database. */
  connect(): SqlDriver;
};

export type StoreFixture = {
  /** A fresh, empty database for one test. */
  freshDatabase(): Promise<StoreDatabase>;
};

const hex32 = (): Hex => `0x${randomBytes(32).toString("hex")}`;

function newPermit(overrides: Partial<NewPermit> = {}): NewPermit {
  return {
    permitId: hex32(),
    issuingCountry: "CH",
    permitNumber: `26CH${randomBytes(4).toString("hex")}`,
    documentJson: JSON.stringify({ documentType: "CITES_EXPORT", quantity: 12.5 }),
    salt: hex32(),
    documentHash: hex32(),
    docType: "CITES_EXPORT",
    exportingCountry: "CH",
    importingCountry: "FR",
    validUntil: "2026-09-01",
    issuerOfficerId: null,
    signature: null,
    lines: [
      { line: 1, authorised: 12_500n },
      { line: 2, authorised: 999_999_999_999_999n },
    ],
    ...overrides,
  };
}

function newOfficer(country = "CH", role: OfficerRole = "ISSUER") {
  return {
    id: randomUUID(),
    country,
    role,
    name: `${country} ${role.toLowerCase()}`,
    address: `0x${randomBytes(20).toString("hex")}` as Hex,
    tokenHash: randomBytes(32).toString("hex"),
    encryptedKey: null,
  };
}

export function shouldBehaveLikeStore(fixture: StoreFixture): void {
  let database: StoreDatabase;
  let drivers: SqlDriver[];
  let clock: ReturnType<typeof manualClock>;
  let store: Store;

  const connect = () => {
    const driver = database.connect();
    drivers.push(driver);
    return driver;
  };
  const openStore = async () => {
    const driver = connect();
    await migrate(driver);
    return new SqlStore(driver, clock.now, driver);
  };

  beforeEach(async () => {
    drivers = [];
    clock = manualClock();
    database = await fixture.freshDatabase();
    store = await openStore();
  });

  afterEach(async () => {
    for (const driver of drivers) await driver.close().catch(() => undefined);
  });

  describe("migrations", () => {
    it("apply once, and applying them again (same or new connection) changes nothing", async () => {
      const again = await migrate(drivers[0]!);
      expect(again.applied).to.deep.equal([]);
      const other = connect();
      const third = await migrate(other);
      expect(third).to.deep.equal({ applied: [], current: MIGRATIONS.length });
      const rows = await other.all("SELECT version, name FROM schema_migrations ORDER BY version");
      expect(rows.map((r) => [Number(r.version), r.name])).to.deep.equal(MIGRATIONS.map((m) => [m.version, m.name]));
    });

    it("apply on a fresh database and report what they applied", async () => {
      const fresh = (await fixture.freshDatabase()).connect();
      drivers.push(fresh);
      expect(await migrate(fresh)).to.deep.equal({ applied: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], current: 10 });
    });

    it("2 puts an entry an earlier version left SENT back in the queue, where a claim finds it", async () => {
      const old = (await fixture.freshDatabase()).connect();
      drivers.push(old);
      await migrate(old, MIGRATIONS.slice(0, 1));
      const at = "2026-03-01T09:00:00.000Z";
      await old.run(
        "INSERT INTO outbox (kind, permit_id, payload, state, attempts, tx_hash, nonce, lease_until, created_at, updated_at) VALUES ('ISSUE', 'p-sent', '{}', 'SENT', 1, ?, 7, NULL, ?, ?)",
        [hex32(), at, at],
      );
      await old.run("INSERT INTO outbox (kind, permit_id, payload, state, attempts, created_at, updated_at) VALUES ('ISSUE', 'p-mined', '{}', 'MINED', 1, ?, ?)", [at, at]);
      expect(await migrate(old, MIGRATIONS.slice(0, 2))).to.deep.equal({ applied: [2], current: 2 });
      await migrate(old); // the store reads the current schema, as it does after every start
      const upgraded = new SqlStore(old, clock.now, old);
      const [claimed, ...more] = await upgraded.claimOutboxBatch({ limit: 10, leaseMs: 30_000 });
      expect(more).to.deep.equal([]);
      expect(claimed).to.include({ permitId: "p-sent", state: "QUEUED", attempts: 2 }); // re-claimed: checked on chain first
      expect(claimed).to.not.have.property("nonce");
      expect(await upgraded.countOutbox("MINED")).to.equal(1);
    });

    it("3 gives the permits an earlier version stored their search text, a chunk at a time", async () => {
      const old = (await fixture.freshDatabase()).connect();
      drivers.push(old);
      await migrate(old, MIGRATIONS.slice(0, 2));
      const at = "2026-03-01T09:00:00.000Z";
      const insertOld = (p: NewPermit) =>
        old.run(
          `INSERT INTO permits (permit_id, issuing_country, permit_number, document, salt, document_hash, doc_type, status, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, 'ISSUED', ?, ?)`,
          [p.permitId, p.issuingCountry, p.permitNumber, p.documentJson, p.salt, p.documentHash, p.docType, at, at],
        );
      const saoPaulo = newPermit({ permitNumber: "26BR-OLD-1", documentJson: JSON.stringify({ importer: { name: "Zoológico de São Paulo" } }) });
      await insertOld(saoPaulo);
      await old.transaction(async (tx) => {
        for (let i = 0; i < 250; i++) {
          const p = newPermit({ permitNumber: `26CH-OLD-${i}` });
          await tx.run(
            `INSERT INTO permits (permit_id, issuing_country, permit_number, document, salt, document_hash, doc_type, status, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, 'ISSUED', ?, ?)`,
            [p.permitId, p.issuingCountry, p.permitNumber, p.documentJson, p.salt, p.documentHash, p.docType, at, at],
          );
        }
      });
      expect(await migrate(old, MIGRATIONS.slice(0, 3))).to.deep.equal({ applied: [3], current: 3 });
      const [{ n }] = await old.all<{ n: unknown }>("SELECT COUNT(*) AS n FROM permits WHERE search_text = ''");
      expect(Number(n)).to.equal(0); // every one of the 251, past the first chunk of 200
      await migrate(old); // the store reads the current schema, as it does after every start
      const upgraded = new SqlStore(old, clock.now, old);
      const found = async (search: string) => (await upgraded.listPermits({ search, limit: 500 })).items.map((p) => p.permitNumber);
      expect(await found("zoologico de sao")).to.deep.equal(["26BR-OLD-1"]);
      expect(await found("26ch-old-249")).to.deep.equal(["26CH-OLD-249"]);
      expect(await found("cites_export")).to.have.length(250);
    });

    it("8 gives a replacement an earlier version stored the permit it replaces, from the replaced permit's event", async () => {
      const old = (await fixture.freshDatabase()).connect();
      drivers.push(old);
      await migrate(old, MIGRATIONS.slice(0, 7));
      const before = new SqlStore(old, clock.now, old);
      const replaced = await before.insertPermit(newPermit({ permitNumber: "26CH-REPLACED" }));
      const replacement = await before.insertPermit(newPermit({ permitNumber: "26CH-REPLACEMENT" }));
      const other = await before.insertPermit(newPermit({ permitNumber: "26CH-OTHER" }));
      await before.appendPermitEvent({
        permitId: replaced.permitId, kind: "PermitReplaced", officerAddress: null, country: "CH", txHash: hex32(), blockNumber: 9, blockTime: null, logIndex: 0,
        data: { replacementId: replacement.permitId.toUpperCase().replace(/^0X/, "0x") }, // as the chain spells it
      });
      expect(await migrate(old, MIGRATIONS.slice(0, 8))).to.deep.equal({ applied: [8], current: 8 });
      const upgraded = new SqlStore(old, clock.now, old);
      expect((await upgraded.getPermit(replacement.permitId))!.replacesPermitId).to.equal(replaced.permitId);
      expect((await upgraded.getPermit(other.permitId))!.replacesPermitId).to.be.null;
      expect((await upgraded.getPermit(replaced.permitId))!.replacesPermitId).to.be.null;
    });

    it("roll back a failing migration completely", async () => {
      const broken = [...MIGRATIONS, { version: MIGRATIONS.length + 1, name: "broken", sql: () => "CREATE TABLE half_done (x INTEGER); CREATE TABLE oops (" }];
      const err = await rejectionOf(migrate(drivers[0]!, broken));
      expect(err.name).to.equal("MigrationFailedError");
      const versions = await drivers[0]!.all("SELECT version FROM schema_migrations ORDER BY version");
      expect(versions.map((r) => Number(r.version))).to.deep.equal(MIGRATIONS.map((m) => m.version));
      expect(await rejectionOf(drivers[0]!.all("SELECT * FROM half_done"))).to.be.instanceOf(Error);
    });
  });

  describe("permits", () => {
    it("keeps a permit and its lines exactly as inserted", async () => {
      const input = newPermit();
      const stored = await store.insertPermit(input);
      expect(stored).to.include({ permitId: input.permitId, status: "PENDING", documentJson: input.documentJson, createdAt: "2026-03-01T10:00:00.000Z" });
      expect(await store.getPermit(input.permitId)).to.deep.equal(stored);
      expect(await store.getPermitByNumber("CH", input.permitNumber)).to.deep.equal(stored);
      expect(await store.getPermitLines(input.permitId)).to.deep.equal([
        { line: 1, authorised: 12_500n, exported: 0n },
        { line: 2, authorised: 999_999_999_999_999n, exported: 0n },
      ]);
      expect(await store.getPermit(hex32())).to.equal(undefined);
    });

    it("refuses a second permit with the same number in the same country with a typed conflict", async () => {
      const first = await store.insertPermit(newPermit({ permitNumber: "26CH000123" }));
      const err = await rejectionOf(store.insertPermit(newPermit({ permitNumber: "26CH000123" })));
      expect(err.name).to.equal("DuplicatePermitError");
      expect(err.kind).to.equal("conflict");
      expect((await store.listPermits()).items.map((p) => p.permitId)).to.deep.equal([first.permitId]);
      // The same number in another country is another permit.
      await store.insertPermit(newPermit({ permitNumber: "26CH000123", issuingCountry: "FR" }));
    });

    it("refuses a second permit with the same id and leaves no lines behind", async () => {
      const first = newPermit();
      await store.insertPermit(first);
      const err = await rejectionOf(store.insertPermit(newPermit({ permitId: first.permitId, lines: [{ line: 9, authorised: 1n }] })));
      expect(err.name).to.equal("DuplicatePermitError");
      expect((await store.getPermitLines(first.permitId)).map((l) => l.line)).to.deep.equal([1, 2]);
    });

    it("lists newest first with filters and a cursor that pages without overlap", async () => {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        ids.push((await store.insertPermit(newPermit({ importingCountry: i % 2 ? "JP" : "FR" }))).permitId);
        if (i !== 2) clock.advance(1000); // two permits share a timestamp: the id breaks the tie
      }
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.listPermits({ limit: 2, cursor });
        seen.push(...page.items.map((p) => p.permitId));
        cursor = page.nextCursor ?? undefined;
        pages++;
      } while (cursor);
      expect(pages).to.equal(3);
      expect(new Set(seen).size).to.equal(5);
      expect(seen[0]).to.equal(ids[4]);
      expect(seen[4]).to.equal(ids[0]);

      expect((await store.listPermits({ importingCountry: "JP" })).items).to.have.length(2);
      expect((await store.listPermits({ involvingCountry: "FR" })).items).to.have.length(3);
      expect((await store.listPermits({ involvingCountry: "CH", status: ["ISSUED"] })).items).to.have.length(0);
      expect((await store.listPermits({ status: [] })).items).to.have.length(0);
      expect((await rejectionOf(store.listPermits({ cursor: "not-a-cursor" }))).name).to.equal("InvalidCursorError");
    });

    it("lists a country's permits, whichever of issuing, exporting or importing it is, each once, newest first, page after page", async () => {
      // Every way a permit can involve CH or not, several sharing a timestamp (the id breaks the tie).
      const shapes: Partial<NewPermit>[] = [
        { issuingCountry: "CH", exportingCountry: "CH", importingCountry: "FR" }, // CH in two columns
        { issuingCountry: "CH", exportingCountry: "JP", importingCountry: "CH", docType: "CITES_IMPORT_PERMIT" }, // an import permit CH issued
        { issuingCountry: "FR", exportingCountry: "CH", importingCountry: "FR", docType: "CITES_IMPORT_PERMIT" }, // FR's import permit, CH exporting
        { issuingCountry: "JP", exportingCountry: "JP", importingCountry: "CH" },
        { issuingCountry: "JP", exportingCountry: null, importingCountry: "CH", validUntil: null },
        { issuingCountry: "FR", exportingCountry: "FR", importingCountry: "JP" }, // CH not involved
        { issuingCountry: "CH", exportingCountry: "CH", importingCountry: "CH", validUntil: "2026-01-31" }, // CH in all three
      ];
      const all: { permitId: string; createdAt: string; status: string; docType: string; validUntil: string | null; countries: (string | null)[] }[] = [];
      for (let i = 0; i < 21; i++) {
        const p = await store.insertPermit(newPermit(shapes[i % shapes.length]));
        const status = (["PENDING", "ISSUED", "CANCELLED"] as const)[i % 3]!;
        if (status !== "PENDING") await store.updatePermitStatus(p.permitId, { status });
        all.push({ ...p, status, countries: [p.issuingCountry, p.exportingCountry, p.importingCountry] });
        if (i % 4 !== 1) clock.advance(1000);
      }
      const newestFirst = (a: (typeof all)[number], b: (typeof all)[number]) => b.createdAt.localeCompare(a.createdAt) || b.permitId.localeCompare(a.permitId);
      const pages = async (filter: Parameters<Store["listPermits"]>[0], limit: number) => {
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await store.listPermits({ ...filter, limit, cursor });
          expect(page.items.length).to.be.at.most(limit);
          seen.push(...page.items.map((p) => p.permitId));
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        return seen;
      };
      const cases: [Parameters<Store["listPermits"]>[0], (p: (typeof all)[number]) => boolean][] = [
        [{ involvingCountry: "CH" }, (p) => p.countries.includes("CH")],
        [{ involvingCountry: "FR" }, (p) => p.countries.includes("FR")],
        [{ involvingCountry: "CH", status: ["ISSUED", "CANCELLED"] }, (p) => p.countries.includes("CH") && p.status !== "PENDING"],
        [{ involvingCountry: "CH", status: "PENDING" }, (p) => p.countries.includes("CH") && p.status === "PENDING"],
        [{ involvingCountry: "CH", docType: ["CITES_IMPORT_PERMIT"] }, (p) => p.countries.includes("CH") && p.docType === "CITES_IMPORT_PERMIT"],
        [{ involvingCountry: "CH", validOnOrAfter: "2026-02-01" }, (p) => p.countries.includes("CH") && (p.validUntil === null || p.validUntil >= "2026-02-01")],
        [{ involvingCountry: "SG" }, () => false],
        [{ status: ["ISSUED"] }, (p) => p.status === "ISSUED"],
      ];
      for (const [filter, wanted] of cases) {
        const expected = all.filter(wanted).sort(newestFirst).map((p) => p.permitId);
        for (const limit of [1, 2, 5, 500]) expect(await pages(filter, limit), `${JSON.stringify(filter)}, pages of ${limit}`).to.deep.equal(expected);
      }
    });

    it("lists the permits anchored above a block (what a chain that lost its last blocks no longer holds)", async () => {
      const at = async (blockNumber: number | null) => {
        const { permitId } = await store.insertPermit(newPermit());
        if (blockNumber !== null) await store.updatePermitStatus(permitId, { status: "ISSUED", txHash: hex32(), blockNumber });
        return permitId;
      };
      const [, , above, further] = [await at(null), await at(40), await at(41), await at(90)];
      const page = await store.listPermits({ anchoredAfterBlock: 40 });
      expect(page.items.map((p) => p.permitId)).to.have.members([above, further]);
      expect((await store.listPermits({ anchoredAfterBlock: 40, status: ["ISSUED"], limit: 1 })).nextCursor).to.be.a("string");
      expect((await store.listPermits({ anchoredAfterBlock: 90 })).items).to.have.length(0);
    });

    it("searches the permit number and the document, ignoring case, before cutting pages", async () => {
      const python = await store.insertPermit(newPermit({ permitNumber: "26CH-SEARCH-1", documentJson: JSON.stringify({ species: "Python reticulatus", note: "50%_off" }) }));
      for (let i = 0; i < 4; i++) {
        clock.advance(1000);
        await store.insertPermit(newPermit({ permitNumber: `26CH-OTHER-${i}` }));
      }
      const ids = async (search: string, limit = 2) => (await store.listPermits({ search, limit })).items.map((p) => p.permitId);
      expect(await ids("search-1")).to.deep.equal([python.permitId]); // the oldest, found with a page of 2
      expect(await ids("PYTHON RETIC")).to.deep.equal([python.permitId]);
      expect(await ids("0%_o")).to.deep.equal([python.permitId]);
      expect(await ids("50_%")).to.deep.equal([]); // % and _ are text, not wildcards
      expect(await ids("26ch-other", 10)).to.have.length(4);
      expect(await ids("species", 10)).to.deep.equal([]); // a field name, not a value
      expect(await ids("12.5", 10)).to.have.length(4); // numbers are values too
      const first = await store.listPermits({ search: "26CH-OTHER", limit: 3 });
      const rest = await store.listPermits({ search: "26CH-OTHER", limit: 3, cursor: first.nextCursor! });
      expect([...first.items, ...rest.items].map((p) => p.permitNumber)).to.deep.equal(["26CH-OTHER-3", "26CH-OTHER-2", "26CH-OTHER-1", "26CH-OTHER-0"]);
    });

    it("keeps box 14 (transport document, port of export) given with the endorsement", async () => {
      const p = await store.insertPermit(newPermit());
      expect(await store.getPermit(p.permitId)).to.include({ exportTransportDocument: null, exportPort: null });
      await store.setExportShipment(p.permitId, { transportDocument: "AWB 724-1234", port: "Zürich" });
      expect(await store.getPermit(p.permitId)).to.include({ exportTransportDocument: "AWB 724-1234", exportPort: "Zürich" });
      await store.setExportShipment(p.permitId, { transportDocument: null, port: "Basel" });
      expect(await store.getPermit(p.permitId)).to.include({ exportTransportDocument: null, exportPort: "Basel" });
      expect((await rejectionOf(store.setExportShipment(hex32(), { transportDocument: "x", port: null }))).name).to.equal("RecordNotFoundError");
    });

    it("searches without regard to case or accents in any script, also in a permit revived over a failed one", async () => {
      const zoo = await store.insertPermit(newPermit({ permitNumber: "26AT-0001", documentJson: JSON.stringify({ importer: { name: "Tiergarten Schönbrunn", city: "ÖSTERREICH" } }) }));
      const failed = await store.insertPermit(newPermit({ permitNumber: "26CH-0002" }));
      await store.updatePermitStatus(failed.permitId, { status: "FAILED", failureReason: "refused" });
      await store.reviveFailedPermit(newPermit({ permitId: failed.permitId, permitNumber: "26CH-0002", documentJson: JSON.stringify({ exporter: { city: "São Paulo" } }) }));
      const ids = async (search: string) => (await store.listPermits({ search })).items.map((p) => p.permitId);
      expect(await ids("SCHONBRUNN")).to.deep.equal([zoo.permitId]);
      expect(await ids("österreich")).to.deep.equal([zoo.permitId]);
      expect(await ids("sao paulo")).to.deep.equal([failed.permitId]);
      expect(await ids("SÃO")).to.deep.equal([failed.permitId]);
    });

    it("counts a country's permits by status, per month from a date on, and per trade partner", async () => {
      const day = 24 * 3600 * 1000;
      // 2026-03-01: CH→FR ×2 (one ISSUED); 2026-04-15: CH→JP, FR→CH, JP→FR (CH not involved).
      await store.insertPermit(newPermit());
      const issued = await store.insertPermit(newPermit());
      await store.updatePermitStatus(issued.permitId, { status: "ISSUED" });
      clock.advance(45 * day);
      await store.insertPermit(newPermit({ importingCountry: "JP" }));
      await store.insertPermit(newPermit({ issuingCountry: "FR", exportingCountry: "FR", importingCountry: "CH" }));
      await store.insertPermit(newPermit({ issuingCountry: "JP", exportingCountry: "JP", importingCountry: "FR" }));
      const ch = await store.countPermits("CH", "2026-01-01");
      expect(ch).to.deep.equal({
        total: 4,
        byStatus: { PENDING: 3, ISSUED: 1 },
        byMonth: [{ month: "2026-03", permits: 2 }, { month: "2026-04", permits: 2 }],
        partners: [{ country: "FR", permits: 3 }, { country: "JP", permits: 1 }],
      });
      expect((await store.countPermits("CH", "2026-04-01")).byMonth).to.deep.equal([{ month: "2026-04", permits: 2 }]);
      expect((await store.countPermits("FR", "2026-01-01")).partners).to.deep.equal([{ country: "CH", permits: 3 }, { country: "JP", permits: 1 }]);
      expect(await store.countPermits("SG", "2026-01-01")).to.deep.equal({ total: 0, byStatus: {}, byMonth: [], partners: [] });
    });

    it("changes status only from the expected statuses", async () => {
      const { permitId } = await store.insertPermit(newPermit());
      clock.advance(5000);
      const txHash = hex32();
      expect(await store.updatePermitStatus(permitId, { status: "ISSUED", txHash, blockNumber: 42 }, ["PENDING"])).to.equal(true);
      expect(await store.getPermit(permitId)).to.include({ status: "ISSUED", txHash, blockNumber: 42, updatedAt: "2026-03-01T10:00:05.000Z" });
      expect(await store.getPermitStatus(permitId)).to.equal("ISSUED");

      clock.advance(1000);
      // Compare and set: not from ISSUED, so nothing changes (not even the update time).
      expect(await store.updatePermitStatus(permitId, { status: "CANCELLED" }, ["PENDING"])).to.equal(false);
      expect(await store.getPermit(permitId)).to.include({ status: "ISSUED", updatedAt: "2026-03-01T10:00:05.000Z" });

      expect(await store.updatePermitStatus(permitId, { status: "FAILED", failureReason: "PermitNumberTaken" })).to.equal(true);
      expect(await store.getPermit(permitId)).to.include({ status: "FAILED", failureReason: "PermitNumberTaken", txHash });
      expect(await store.getPermitStatus(hex32())).to.equal(undefined);

      const missing = await rejectionOf(store.updatePermitStatus(hex32(), { status: "ISSUED" }));
      expect(missing.name).to.equal("RecordNotFoundError");
      expect(missing.kind).to.equal("notFound");
    });

    it("stores a new attempt over a FAILED permit of the same number, and only over a FAILED one", async () => {
      const first = newPermit();
      await store.insertPermit(first);
      const retry = newPermit({ permitId: first.permitId, permitNumber: first.permitNumber, lines: [{ line: 1, authorised: 7n }] });
      expect((await rejectionOf(store.reviveFailedPermit(retry))).name).to.equal("DuplicatePermitError"); // still PENDING
      await store.updatePermitStatus(first.permitId, { status: "FAILED", failureReason: "refused by the chain" });
      clock.advance(1000);
      const revived = await store.reviveFailedPermit(retry);
      expect(revived).to.include({ permitId: first.permitId, status: "PENDING", failureReason: null, documentHash: retry.documentHash, salt: retry.salt, txHash: null });
      expect(revived.createdAt).to.not.equal(revived.updatedAt);
      expect(await store.getPermitLines(first.permitId)).to.deep.equal([{ line: 1, authorised: 7n, exported: 0n }]);
      expect((await rejectionOf(store.reviveFailedPermit(retry))).name).to.equal("DuplicatePermitError"); // PENDING again
    });

    it("records the exported quantity per line", async () => {
      const { permitId } = await store.insertPermit(newPermit());
      await store.setLineExported(permitId, 1, 10_000n);
      expect((await store.getPermitLines(permitId))[0]).to.deep.equal({ line: 1, authorised: 12_500n, exported: 10_000n });
      expect((await rejectionOf(store.setLineExported(permitId, 7, 1n))).name).to.equal("RecordNotFoundError");
    });
  });

  describe("codes handed out", () => {
    it("keep the first reading recorded under a digest, and only for a permit the store holds", async () => {
      const { permitId } = await store.insertPermit(newPermit());
      const digest = randomBytes(32).toString("hex");
      expect(await store.issuedCodeReading(digest)).to.equal(undefined);
      await store.recordIssuedCode({ digest, permitId, reading: '{"outcome":"SIGNED"}' });
      await store.recordIssuedCode({ digest, permitId, reading: '{"outcome":"other"}' });
      expect(await store.issuedCodeReading(digest)).to.equal('{"outcome":"SIGNED"}');
      const other = randomBytes(32).toString("hex");
      expect(await rejectionOf(store.recordIssuedCode({ digest: other, permitId: hex32(), reading: "{}" }))).to.be.instanceOf(Error); // no such permit
      expect(await store.issuedCodeReading(other)).to.equal(undefined);
    });
  });

  describe("lifecycle events", () => {
    it("are recorded once per (tx hash, log index) and listed in chain order", async () => {
      const permitId = hex32();
      const txHash = hex32();
      const event = (logIndex: number, blockNumber: number, kind: string) => ({
        permitId, kind, officerAddress: null, country: "CH", txHash, blockNumber, blockTime: "2026-03-01T10:00:00.000Z", logIndex, data: { line: 1, quantity: "10000" },
      });
      expect(await store.appendPermitEvent(event(3, 11, "PermitEndorsed"))).to.equal(true);
      expect(await store.appendPermitEvent(event(1, 10, "PermitIssued"))).to.equal(true);
      expect(await store.appendPermitEvent(event(1, 10, "PermitIssued"))).to.equal(false);
      const events = await store.listPermitEvents(permitId);
      expect(events.map((e) => e.kind)).to.deep.equal(["PermitIssued", "PermitEndorsed"]);
      expect(events[0]).to.deep.equal(event(1, 10, "PermitIssued"));
    });

    it("and lines are read for many permits at once, grouped by permit, past the length of one IN list", async () => {
      const permits = [];
      for (let i = 0; i < 3; i++) permits.push(await store.insertPermit(newPermit({ lines: [{ line: 2, authorised: BigInt(i + 1) }, { line: 1, authorised: 7n }] })));
      const [first, second, third] = permits.map((p) => p.permitId) as [Hex, Hex, Hex];
      const event = (permitId: Hex, blockNumber: number, logIndex: number, kind: string) => ({
        permitId, kind, officerAddress: null, country: "CH", txHash: hex32(), blockNumber, blockTime: "2026-03-01T10:00:00.000Z", logIndex, data: {},
      });
      const recorded = [event(second, 12, 0, "ExportEndorsed"), event(first, 10, 0, "PermitIssued"), event(second, 10, 1, "PermitIssued"), event(second, 10, 0, "PermitIssued")];
      for (const e of recorded) await store.appendPermitEvent(e);
      const unknown = Array.from({ length: 1200 }, hex32); // more ids than one statement's IN list takes
      const ids = [...unknown.slice(0, 700), second, ...unknown.slice(700), first, third];

      const events = await store.listPermitEventsOf(ids);
      expect([...events.keys()]).to.have.members([first, second]); // a permit without events is absent
      expect(events.get(first)).to.deep.equal([recorded[1]]);
      expect(events.get(second)).to.deep.equal([recorded[3], recorded[2], recorded[0]]); // chain order
      expect((await store.listPermitEventsOf([])).size).to.equal(0);

      const lines = await store.getPermitLinesOf(ids);
      expect([...lines.keys()]).to.have.members([first, second, third]);
      expect(lines.get(third)).to.deep.equal([{ line: 1, authorised: 7n, exported: 0n }, { line: 2, authorised: 3n, exported: 0n }]);
      expect(lines.get(second)).to.deep.equal(await store.getPermitLines(second));
      expect((await store.getPermitLinesOf([])).size).to.equal(0);
    });

    it("above a block are listed in chain order across permits, and forgotten per permit and transaction (a chain that went back)", async () => {
      const [kept, lost] = [hex32(), hex32()];
      const event = (permitId: Hex, blockNumber: number, logIndex: number, kind: string) => ({
        permitId, kind, officerAddress: null, country: "CH", txHash: hex32(), blockNumber, blockTime: "2026-03-01T10:00:00.000Z", logIndex, data: { exported: ["10000"] },
      });
      const issued = [event(kept, 10, 0, "PermitIssued"), event(lost, 10, 1, "PermitIssued")];
      const above = [event(lost, 12, 0, "ImportAccepted"), event(kept, 11, 0, "ExportEndorsed"), event(lost, 11, 3, "ExportEndorsed")];
      for (const e of [...issued, ...above]) expect(await store.appendPermitEvent(e)).to.equal(true);

      expect(await store.listPermitEventsAfter(10)).to.deep.equal([above[1], above[2], above[0]]);
      expect(await store.listPermitEventsAfter(12)).to.deep.equal([]);

      expect(await store.deletePermitEvents(lost, [above[0].txHash, above[2].txHash, above[1].txHash])).to.equal(2); // only this permit's
      expect(await store.deletePermitEvents(lost, [above[0].txHash])).to.equal(0);
      expect(await store.deletePermitEvents(lost, [])).to.equal(0);
      expect(await store.listPermitEvents(lost)).to.deep.equal([issued[1]]);
      expect(await store.listPermitEvents(kept)).to.deep.equal([issued[0], above[1]]); // another permit's events stay
      // Gone for good: the same (tx hash, log index) can be recorded again.
      expect(await store.appendPermitEvent(above[0])).to.equal(true);
    });
  });

  describe("transactions", () => {
    it("commit everything or nothing", async () => {
      const kept = newPermit();
      await store.transaction(async (tx) => {
        await tx.insertPermit(kept);
        await tx.enqueueOutbox({ kind: "ISSUE", permitId: kept.permitId, payload: { permitId: kept.permitId } });
      });
      const dropped = newPermit();
      const err = await rejectionOf(
        store.transaction(async (tx) => {
          await tx.insertPermit(dropped);
          await tx.enqueueOutbox({ kind: "ISSUE", permitId: dropped.permitId, payload: {} });
          throw new Error("boom");
        }),
      );
      expect(err.message).to.equal("boom");
      expect(await store.getPermit(kept.permitId)).to.not.equal(undefined);
      expect(await store.getPermit(dropped.permitId)).to.equal(undefined);
      expect(await store.countOutbox()).to.equal(1);
    });

    it("keep calls from outside out of an open transaction", async () => {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const inside = store.transaction(async (tx) => {
        await tx.enqueueOutbox({ kind: "ISSUE", payload: {} });
        await gate;
        throw new Error("rolled back");
      });
      const outside = store.enqueueOutbox({ kind: "USE", payload: {} });
      release();
      await rejectionOf(inside);
      await outside;
      expect((await store.listOutbox({})).map((e) => e.kind)).to.deep.equal(["USE"]);
    });
  });

  describe("outbox", () => {
    it("moves an entry from QUEUED, held by a claim, to MINED", async () => {
      const entry = await store.enqueueOutbox({ kind: "ISSUE", permitId: "p1", payload: { n: 1 } });
      expect(entry).to.include({ state: "QUEUED", attempts: 0, permitId: "p1" });
      expect(await store.listOutbox({})).to.deep.equal([entry]); // what enqueue returns is what was stored
      const [claimed] = await store.claimOutboxBatch({ limit: 10, leaseMs: 30_000 });
      expect(claimed).to.include({ id: entry.id, attempts: 1, leaseUntil: "2026-03-01T10:00:30.000Z" });
      expect(await store.claimOutboxBatch({ limit: 10, leaseMs: 30_000 })).to.deep.equal([]); // held
      const txHash = hex32();
      await store.markOutboxMined(entry.id, { txHash });
      expect(await store.countOutbox("QUEUED")).to.equal(0);
      const [mined] = await store.listOutbox({ state: "MINED" });
      expect(mined).to.include({ id: entry.id, state: "MINED", txHash, leaseUntil: null });
      expect(mined!.payload).to.deep.equal({ n: 1 });
      expect((await rejectionOf(store.markOutboxMined(999_999))).name).to.equal("RecordNotFoundError");

      // Mined without a transaction given: the one recorded stays.
      await store.markOutboxMined(entry.id);
      expect((await store.listOutbox({ state: "MINED" }))[0]).to.include({ id: entry.id, txHash });
    });

    it("never hands the same entry to two concurrent claims", async () => {
      for (let i = 0; i < 40; i++) await store.enqueueOutbox({ kind: "ISSUE", payload: { i } });
      const other = await openStore();
      const claims = await Promise.all(
        Array.from({ length: 12 }, (_, i) => (i % 2 ? other : store).claimOutboxBatch({ limit: 5, leaseMs: 60_000 })),
      );
      const ids = claims.flat().map((e) => e.id);
      expect(new Set(ids).size, "no entry claimed twice").to.equal(ids.length);
      expect(ids.length).to.equal(40);
      expect(await store.claimOutboxBatch({ limit: 5, leaseMs: 60_000 })).to.deep.equal([]);
    });

    it("lets an entry be claimed again once its lease has run out, or after a requeue", async () => {
      const a = await store.enqueueOutbox({ kind: "ISSUE", payload: {} });
      const b = await store.enqueueOutbox({ kind: "ISSUE", payload: {} });
      expect((await store.claimOutboxBatch({ limit: 10, leaseMs: 1000 })).map((e) => e.id)).to.deep.equal([a.id, b.id]);
      await store.requeueOutbox(b.id, "nonce too low");
      expect((await store.claimOutboxBatch({ limit: 10, leaseMs: 1000 })).map((e) => [e.id, e.lastError])).to.deep.equal([[b.id, "nonce too low"]]);
      clock.advance(1001);
      const again = await store.claimOutboxBatch({ limit: 10, leaseMs: 1000 });
      expect(again.map((e) => [e.id, e.attempts])).to.deep.equal([[a.id, 2], [b.id, 3]]);
      await store.markOutboxFailed(a.id, "PermitNumberTaken");
      expect(await store.countOutbox(["FAILED"])).to.equal(1);
      expect(await store.countOutbox([])).to.equal(0);
    });
  });

  describe("idempotency keys", () => {
    it("store the first answer per officer and key, and give it back", async () => {
      expect(await store.getIdempotency("k1", "officer-a")).to.equal(undefined);
      const record = { key: "k1", officerId: "officer-a", requestHash: "h1", responseStatus: 201, responseBody: { permitId: "0x01", status: "PENDING" } };
      const stored = await store.putIdempotency(record);
      expect(stored).to.deep.equal({ ...record, createdAt: "2026-03-01T10:00:00.000Z" });
      expect(await store.getIdempotency("k1", "officer-a")).to.deep.equal(stored);
      // A racing retry does not overwrite the stored answer.
      expect(await store.putIdempotency({ ...record, requestHash: "h2", responseStatus: 500 })).to.deep.equal(stored);
      // Keys are per officer.
      expect(await store.getIdempotency("k1", "officer-b")).to.equal(undefined);
    });
  });

  describe("audit log", () => {
    const entry = (country: string, action: string) => ({
      requestId: randomUUID(), officerId: "o1", role: "ISSUER" as const, country, action, permitId: null, result: 201, txHash: null, detail: { note: action },
    });

    it("exports a country's entries in a date range, oldest first", async () => {
      await store.appendAudit(entry("CH", "permit.issue"));
      clock.advance(86_400_000);
      await store.appendAudit(entry("FR", "permit.issue"));
      const second = await store.appendAudit(entry("CH", "permit.cancel"));
      clock.advance(86_400_000);
      await store.appendAudit(entry("CH", "officer.add"));
      const range = await store.exportAudit({ country: "CH", from: "2026-03-02", to: "2026-03-03" });
      expect(range).to.deep.equal([second]);
      expect(second).to.include({ at: "2026-03-02T10:00:00.000Z", action: "permit.cancel", result: 201 });
      expect((await store.exportAudit({ country: "CH" })).map((e) => e.action)).to.deep.equal(["permit.issue", "permit.cancel", "officer.add"]);
    });

    it("gives a country the requests about the permits it issued, exports or imports, whoever made them", async () => {
      const chExportToJp = await store.insertPermit(newPermit({ issuingCountry: "CH", exportingCountry: "CH", importingCountry: "JP" }));
      const frExport = await store.insertPermit(newPermit({ issuingCountry: "FR", exportingCountry: "FR", importingCountry: "SG" }));
      const about = (country: string | null, permitId: string, action: string) => ({ ...entry(country as string, action), permitId });
      const appendAudit = async (e: Parameters<Store["appendAudit"]>[0]) => (clock.advance(1000), store.appendAudit(e));
      const own = await appendAudit(entry("CH", "POST /api/v1/officers"));
      const byFr = await appendAudit({ ...about("FR", chExportToJp.permitId, "POST /api/v1/permits/:id/cancel"), result: 403 });
      const byJp = await appendAudit(about("JP", chExportToJp.permitId, "POST /api/v1/permits/:id/use"));
      const anonymous = await appendAudit({ ...about(null, chExportToJp.permitId, "POST /api/v1/permits/:id/cancel"), officerId: null, role: null, result: 401 });
      const elsewhere = await appendAudit(about("SG", frExport.permitId, "POST /api/v1/permits/:id/use"));
      const chOnFr = await appendAudit({ ...about("CH", frExport.permitId, "POST /api/v1/permits/:id/cancel"), result: 403 });
      expect(await store.exportAudit({ country: "CH" })).to.deep.equal([own, byFr, byJp, anonymous, chOnFr]);
      expect(await store.exportAudit({ country: "JP" })).to.deep.equal([byFr, byJp, anonymous]);
      expect(await store.exportAudit({ country: "FR" })).to.deep.equal([byFr, elsewhere, chOnFr]);
      expect(await store.exportAudit({ country: "SG" })).to.deep.equal([elsewhere, chOnFr]);
      expect(await store.exportAudit({ country: "CH", from: byFr.at, to: anonymous.at })).to.deep.equal([byFr, byJp]);
    });

    it("is append-only in the database itself: UPDATE and DELETE are refused", async () => {
      const record = await store.appendAudit(entry("CH", "permit.issue"));
      const raw = drivers[0]!;
      const update = await rejectionOf(raw.run("UPDATE audit_log SET result = 200 WHERE id = ?", [record.id]));
      expect(update.message).to.match(/append-only/);
      const remove = await rejectionOf(raw.run("DELETE FROM audit_log WHERE id = ?", [record.id]));
      expect(remove.message).to.match(/append-only/);
      expect(await store.exportAudit({ country: "CH" })).to.deep.equal([record]);
    });
  });

  describe("officers", () => {
    it("are found by token hash while active, and removal revokes the token", async () => {
      const input = newOfficer("CH", "CUSTOMS");
      const officer = await store.insertOfficer(input);
      expect(officer).to.include({ id: input.id, active: true, removedAt: null, role: "CUSTOMS" });
      expect(await store.findOfficerByTokenHash(input.tokenHash)).to.deep.equal(officer);
      expect(await store.findOfficerByAddress(input.address.toUpperCase().replace("0X", "0x"))).to.deep.equal(officer);

      clock.advance(1000);
      const removed = await store.removeOfficer(officer.id);
      expect(removed).to.include({ active: false, removedAt: "2026-03-01T10:00:01.000Z" });
      expect(await store.findOfficerByTokenHash(input.tokenHash)).to.equal(undefined);
      expect(await store.listOfficers({ country: "CH" })).to.deep.equal([]);
      expect(await store.listOfficers({ country: "CH", includeRemoved: true })).to.deep.equal([removed]);
      expect((await rejectionOf(store.removeOfficer("nobody"))).name).to.equal("RecordNotFoundError");
    });

    it("refuse a duplicate address, list by country and role, and rotate tokens", async () => {
      const admin = await store.insertOfficer(newOfficer("CH", "ADMIN"));
      await store.insertOfficer(newOfficer("CH", "ISSUER"));
      await store.insertOfficer(newOfficer("FR", "ISSUER"));
      const dup = await rejectionOf(store.insertOfficer({ ...newOfficer("CH", "ISSUER"), address: admin.address }));
      expect(dup.name).to.equal("DuplicateOfficerError");
      expect((await store.listOfficers({ role: "ISSUER" })).map((o) => o.country)).to.deep.equal(["CH", "FR"]);
      await store.setOfficerTokenHash(admin.id, "f".repeat(64));
      expect(await store.findOfficerByTokenHash(admin.tokenHash)).to.equal(undefined);
      expect((await store.findOfficerByTokenHash("f".repeat(64)))?.id).to.equal(admin.id);
    });
  });

  describe("indexer cursor", () => {
    it("is absent at first, then remembers the last block", async () => {
      expect(await store.getIndexerCursor("permits")).to.equal(undefined);
      await store.setIndexerCursor("permits", 10);
      await store.setIndexerCursor("permits", 12_345_678_901);
      expect(await store.getIndexerCursor("permits")).to.equal(12_345_678_901);
      await store.clearIndexerCursor("permits");
      expect(await store.getIndexerCursor("permits")).to.equal(undefined);
    });
  });

  it("answers ping and names its dialect", async () => {
    await store.ping();
    expect(store.dialect).to.be.oneOf(["sqlite", "postgres"]);
  });
}
