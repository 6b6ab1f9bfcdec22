/**
 * The same store behaviour on PostgreSQL. Needs a server: set TEST_DATABASE_URL
 * (e.g. postgres://postgres@127.0.0.1:5432/postgres); each run works in its own schemas.
 */
import { randomBytes } from "node:crypto";
import { Client } from "pg";
import { openPostgresDriver } from "../../../src/service/store/postgresDriver";
import { shouldBehaveLikeStore } from "./store.behavior";

const url = process.env.TEST_DATABASE_URL;

describe("Store on PostgreSQL", function () {
  if (!url) {
    it("runs the store suite when TEST_DATABASE_URL is set", function () {
      if (process.env.REQUIRE_POSTGRES) throw new Error("REQUIRE_POSTGRES is set but TEST_DATABASE_URL is not: start one with scripts/postgres-test-server.sh");
      console.warn(
        "\n  ############################################################################\n" +
          "  ##  SKIPPED: PostgreSQL store tests. Set TEST_DATABASE_URL=postgres://...   ##\n" +
          "  ##  to run them (the same suite as SQLite, against a real server).         ##\n" +
          "  ############################################################################\n",
      );
      this.skip();
    });
    return;
  }

  const prefix = `prt_test_${randomBytes(4).toString("hex")}`;
  const schemas: string[] = [];
  let admin: Client;

  before(async () => {
    admin = new Client({ connectionString: url });
    await admin.connect();
  });

  after(async () => {
    for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });

  shouldBehaveLikeStore({
    async freshDatabase() {
      const schema = `${prefix}_${schemas.length + 1}`;
      schemas.push(schema);
      await admin.query(`CREATE SCHEMA ${schema}`);
      return { connect: () => openPostgresDriver({ connectionString: url, schema, max: 4 }) };
    },
  });
});
