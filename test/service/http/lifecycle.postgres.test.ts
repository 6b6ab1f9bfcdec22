/**
 * The same lifecycle through HTTP with the store on PostgreSQL (DATABASE_URL). Needs a server: set
 * TEST_DATABASE_URL (e.g. from `eval "$(bash scripts/postgres-test-server.sh start)"`); each run
 * works in a database of its own, dropped afterwards.
 */
import { randomBytes } from "node:crypto";
import { Client } from "pg";
import { startTestService, type TestService } from "./harness";
import { shouldRunTheLifecycle } from "./lifecycle.behavior";

const url = process.env.TEST_DATABASE_URL;

describe("REST API lifecycle (PostgreSQL)", function () {
  this.timeout(30_000);
  if (!url) {
    it("runs the lifecycle suite when TEST_DATABASE_URL is set", function () {
      if (process.env.REQUIRE_POSTGRES) throw new Error("REQUIRE_POSTGRES is set but TEST_DATABASE_URL is not: start one with scripts/postgres-test-server.sh");
      console.warn(
        "\n  ############################################################################\n" +
          "  ##  SKIPPED: the REST API lifecycle on PostgreSQL. Set TEST_DATABASE_URL    ##\n" +
          "  ##  (scripts/postgres-test-server.sh start prints one) to run it.          ##\n" +
          "  ############################################################################\n",
      );
      this.skip();
    });
    return;
  }

  const database = `prt_http_${randomBytes(4).toString("hex")}`;
  let admin: Client | undefined;

  before(async () => {
    admin = new Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
  });
  after(async () => {
    await admin?.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin?.end();
  });

  // Nested, so the service stops (its `after`) before the database is dropped (ours).
  describe(`in database ${database}`, () => {
    shouldRunTheLifecycle(async (): Promise<TestService> => {
      const databaseUrl = new URL(url);
      databaseUrl.pathname = `/${database}`;
      const svc = await startTestService({ env: { DATABASE_URL: databaseUrl.toString() } });
      if (svc.handle.config.database.kind !== "postgres") throw new Error("the service did not use PostgreSQL");
      return svc;
    });
  });
});
