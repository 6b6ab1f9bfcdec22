import { expect } from "chai";
import path from "node:path";
import os from "node:os";
import { ConfigError, defaultVerifyWorkers, describeConfig, loadConfig } from "../../src/service/config";

const cwd = "/srv/registry";

function problemsOf(fn: () => unknown): { variable: string; message: string }[] {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(ConfigError);
    expect((err as ConfigError).name).to.equal("ConfigError");
    return [...(err as ConfigError).problems];
  }
  return expect.fail("expected a ConfigError");
}

describe("service configuration", () => {
  it("defaults to the embedded mode: loopback, SQLite and a generated keystore passphrase in DATA_DIR", () => {
    const config = loadConfig({}, {}, cwd);
    expect(config).to.deep.include({
      port: 8080,
      host: "127.0.0.1",
      dataDir: "/srv/registry/data",
      database: { kind: "sqlite", path: "/srv/registry/data/registry.sqlite" },
      chain: { kind: "embedded", deployment: "embedded" },
      confirmations: 1,
      publicBaseUrl: "http://127.0.0.1:8080",
      outbox: { batchSize: 50, intervalMs: 200 },
      verifyRateLimit: 0,
      logLevel: "info",
      keystore: { kind: "generated", file: "/srv/registry/data/keystore-passphrase" },
    });
    expect(config.warnings.join("\n")).to.match(/KEYSTORE_PASSPHRASE is not set/);
  });

  it("answers POST /verify with one helper process per core, at most 4, and none on one core; VERIFY_WORKERS overrides", () => {
    expect([1, 2, 3, 4, 8, 64].map(defaultVerifyWorkers)).to.deep.equal([0, 2, 3, 4, 4, 4]);
    expect(loadConfig({}, {}, cwd).verifyWorkers).to.equal(defaultVerifyWorkers(os.availableParallelism()));
    expect(loadConfig({ VERIFY_WORKERS: "0" }, {}, cwd).verifyWorkers).to.equal(0);
    expect(loadConfig({ VERIFY_WORKERS: "7" }, {}, cwd).verifyWorkers).to.equal(7);
    expect(problemsOf(() => loadConfig({ VERIFY_WORKERS: "65" }, {}, cwd)).map((p) => p.variable)).to.deep.equal(["VERIFY_WORKERS"]);
    // Not silently "no limit": a rate limit that is not a number is refused.
    expect(problemsOf(() => loadConfig({ VERIFY_RATE_LIMIT: "ten" }, {}, cwd))[0]).to.include({ variable: "VERIFY_RATE_LIMIT" });
  });

  it("reads every variable, and flags win over the environment", () => {
    const config = loadConfig(
      {
        PORT: "9000",
        HOST: "0.0.0.0",
        DATA_DIR: "/var/lib/registry",
        DATABASE_URL: "postgres://registry:secret@db:5432/registry",
        RPC_URL: "http://10.0.0.5:8545",
        DEPLOYMENT: "poa-prod",
        CONFIRMATIONS: "3",
        PUBLIC_BASE_URL: "https://permits.example.org/",
        OUTBOX_BATCH_SIZE: "200",
        OUTBOX_INTERVAL_MS: "1000",
        VERIFY_RATE_LIMIT: "600",
        LOG_LEVEL: "debug",
        KEYSTORE_PASSPHRASE: "correct horse battery staple",
      },
      { PORT: 9100 },
      cwd,
    );
    expect(config).to.deep.include({
      port: 9100,
      host: "0.0.0.0",
      dataDir: "/var/lib/registry",
      database: { kind: "postgres", url: "postgres://registry:secret@db:5432/registry" },
      chain: { kind: "external", rpcUrl: "http://10.0.0.5:8545", deployment: "poa-prod", deploymentsDir: path.join(cwd, "deployments") },
      confirmations: 3,
      publicBaseUrl: "https://permits.example.org",
      outbox: { batchSize: 200, intervalMs: 1000 },
      verifyRateLimit: 600,
      logLevel: "debug",
      keystore: { kind: "passphrase", passphrase: "correct horse battery staple" },
      warnings: [],
    });
    const shown = JSON.stringify(describeConfig(config));
    expect(shown).to.not.contain("secret");
    expect(shown).to.not.contain("horse");
  });

  it("treats empty variables as unset and accepts a sqlite: DATABASE_URL", () => {
    const config = loadConfig({ PORT: "", DATABASE_URL: "sqlite:./other.sqlite" }, {}, cwd);
    expect(config.port).to.equal(8080);
    expect(config.database).to.deep.equal({ kind: "sqlite", path: path.join(cwd, "other.sqlite") });
  });

  it("points QR codes at localhost, with a warning, when bound to every interface", () => {
    const config = loadConfig({ HOST: "0.0.0.0", PORT: "8081" }, {}, cwd);
    expect(config.publicBaseUrl).to.equal("http://localhost:8081");
    expect(config.warnings.join("\n")).to.match(/set PUBLIC_BASE_URL/);
    expect(loadConfig({ HOST: "::1" }, {}, cwd).publicBaseUrl).to.equal("http://[::1]:8080");
  });

  it("names each unusable variable, what was given and what to do, all at once", () => {
    const problems = problemsOf(() =>
      loadConfig({ PORT: "eighty", CONFIRMATIONS: "0", DATABASE_URL: "mysql://x", LOG_LEVEL: "loud", RPC_URL: "not a url", OUTBOX_BATCH_SIZE: "-5" }, {}, cwd),
    );
    const byVariable = Object.fromEntries(problems.map((p) => [p.variable, p.message]));
    expect(Object.keys(byVariable).sort()).to.deep.equal(["CONFIRMATIONS", "DATABASE_URL", "LOG_LEVEL", "OUTBOX_BATCH_SIZE", "PORT", "RPC_URL"]);
    expect(byVariable.PORT).to.equal('must be a whole number; e.g. PORT=8080 (got "eighty")');
    expect(byVariable.CONFIRMATIONS).to.match(/between 1 and 1000/);
    expect(byVariable.DATABASE_URL).to.match(/postgres:\/\/.*leave it unset for SQLite/);
    expect(byVariable.LOG_LEVEL).to.match(/one of fatal, error, warn, info/);
    expect(byVariable.RPC_URL).to.match(/http:\/\/ or https:\/\/ URL/);
  });

  it("says which flag was wrong when the bad value came from an override", () => {
    const problems = problemsOf(() => loadConfig({ PORT: "8080" }, { PORT: 70_000 }, cwd));
    expect(problems).to.deep.equal([{ variable: "PORT (from a flag)", message: 'must be between 0 and 65535; e.g. PORT=8080 (got "70000")' }]);
  });

  it("requires DEPLOYMENT and KEYSTORE_PASSPHRASE with an external chain", () => {
    const problems = problemsOf(() => loadConfig({ RPC_URL: "http://127.0.0.1:8545" }, {}, cwd));
    expect(problems.map((p) => p.variable)).to.deep.equal(["DEPLOYMENT", "KEYSTORE_PASSPHRASE"]);
    expect(problems[0]!.message).to.match(/deployments\/<name>\//);
  });

  it("never echoes a rejected passphrase", () => {
    const [problem] = problemsOf(() => loadConfig({ KEYSTORE_PASSPHRASE: "short" }, {}, cwd));
    expect(problem).to.deep.equal({ variable: "KEYSTORE_PASSPHRASE", message: "must be at least 12 characters; choose a long random passphrase and keep it secret" });
  });

  it("puts every problem in the error message", () => {
    try {
      loadConfig({ PORT: "65536" }, {}, cwd);
      expect.fail("expected a ConfigError");
    } catch (err) {
      expect((err as Error).message).to.contain("Invalid configuration (1 problem)");
      expect((err as Error).message).to.contain("- PORT: must be between 0 and 65535");
    }
  });
});
