import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { openStore } from "../../../src/service/store";
import { openSqliteDriver } from "../../../src/service/store/sqliteDriver";
import { shouldBehaveLikeStore } from "./store.behavior";

describe("Store on SQLite", () => {
  let dir: string;
  let n = 0;

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "permit-registry-store-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  shouldBehaveLikeStore({
    async freshDatabase() {
      const file = path.join(dir, `db-${++n}`, "registry.sqlite");
      return { connect: () => openSqliteDriver({ path: file }) };
    },
  });

  it("opens in WAL mode with a busy timeout, creating the data directory", async () => {
    const file = path.join(dir, "nested", "deeper", "registry.sqlite");
    const store = await openStore({ kind: "sqlite", path: file });
    await store.close();
    const driver = openSqliteDriver({ path: file });
    try {
      expect(await driver.all("PRAGMA journal_mode")).to.deep.equal([{ journal_mode: "wal" }]);
      expect(await driver.all("PRAGMA busy_timeout")).to.deep.equal([{ timeout: 5000 }]);
    } finally {
      await driver.close();
    }
  });
});
