/**
 * `permit-registry officers import`: officers whose keys exist brought into a running registry's
 * storage. The realistic case on a real chain: governance admits a new country (DE) with an admin
 * key made elsewhere; the operator imports the key beside the running service (external-chain
 * configuration, roles checked on the registry); the new admin's token works at once, and the
 * admin adds an issuer whose permit is anchored.
 */
import { expect } from "chai";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createWalletClient, http, parseEther } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { loadOrCreateMnemonic, mnemonicKey } from "../../src/service/chain/anvil";
import { GOVERNANCE_ACCOUNT_INDEX, deploymentsDir } from "../../src/service/chain/bootstrap";
import { OfficerKeysError, readOfficerKeys } from "../../src/service/domain/officerImport";
import { importOfficerKeysFile } from "../../src/service/operator";
import { startService } from "../../src/service/server";
import { dumpLogsOnFailure, issueAndAnchor, sample, startTestService, type TestService } from "./http/harness";

const ROOT = path.join(__dirname, "..", "..");

describe("officers import: keys made elsewhere, brought into a running registry", function () {
  this.timeout(60_000);
  let svc: TestService;
  let env: Record<string, string>;
  const fresh = () => {
    const privateKey = generatePrivateKey();
    return { address: privateKeyToAccount(privateKey).address, privateKey };
  };
  const deAdmin = fresh();
  const keysFile = (name: string, countries: unknown) => {
    const file = path.join(svc.dataDir, name);
    writeFileSync(file, JSON.stringify({ countries }));
    return file;
  };

  before(async function () {
    svc = await startTestService();
    // The registry's governance (the embedded chain's mnemonic account 0) admits DE with an admin key made outside the service.
    const governance = privateKeyToAccount(mnemonicKey(loadOrCreateMnemonic(svc.dataDir, () => undefined), GOVERNANCE_ACCOUNT_INDEX).privateKey);
    await svc.handle.chain.serialised(governance, (c) => c.admitCountry("DE", deAdmin.address));
    const wallet = createWalletClient({ account: governance, transport: http(svc.handle.chain.rpcUrl) });
    await svc.handle.chain.publicClient.waitForTransactionReceipt({ hash: await wallet.sendTransaction({ to: deAdmin.address, value: parseEther("10"), chain: null }) });
    // The operator's configuration for the same registry as an external chain (roles are checked on it).
    env = {
      DATA_DIR: svc.dataDir,
      RPC_URL: svc.handle.chain.rpcUrl,
      DEPLOYMENT: svc.handle.chain.deployment.network,
      DEPLOYMENTS_DIR: deploymentsDir(svc.dataDir),
      KEYSTORE_PASSPHRASE: readFileSync(path.join(svc.dataDir, "keystore-passphrase"), "utf8").trim(),
    };
  });
  after(async () => {
    await svc?.stop();
  });
  afterEach(dumpLogsOnFailure(() => svc));

  it("refuses a keys file whose key is not its address's, naming the entry", () => {
    const file = keysFile("wrong-key.json", { DE: { admin: { address: deAdmin.address, privateKey: fresh().privateKey } } });
    expect(() => readOfficerKeys(file)).to.throw(OfficerKeysError, /countries\.DE\.admin: the private key is not the key of/);
    expect(() => readOfficerKeys(keysFile("no-countries.json", undefined))).to.throw(OfficerKeysError, /no `countries` object/);
    expect(() => readOfficerKeys(keysFile("bad-country.json", { Germany: {} }))).to.throw(OfficerKeysError, /two-letter country code/);
  });

  it("imports nothing when an officer does not hold its role on the registry", async () => {
    const stranger = fresh();
    const file = keysFile("stranger.json", { DE: { admin: deAdmin, issuer: stranger } });
    const err = await importOfficerKeysFile(file, { env, fastKeystore: true }).then(() => undefined, (e: unknown) => e);
    expect(err).to.be.instanceOf(OfficerKeysError);
    expect((err as OfficerKeysError).refused).to.equal(true);
    expect((err as Error).message).to.include(`DE issuer ${stranger.address} is not an active ISSUER of DE`);
    expect(await svc.handle.store.findOfficerByAddress(deAdmin.address), "not even the admin").to.equal(undefined);
  });

  it("OFFICER_KEYS_FILE at start checks the roles on chain too: refuses to start for an officer without its role, imports those with theirs", async () => {
    const start = async (file: string) => {
      const dataDir = mkdtempSync(path.join(os.tmpdir(), "permit-registry-keys-at-start-"));
      try {
        const handle = await startService({
          env: { ...env, DATA_DIR: dataDir, PORT: "0", VERIFY_WORKERS: "0", KEYSTORE_PASSPHRASE: "a passphrase for this test", OFFICER_KEYS_FILE: file },
          fastKeystore: true,
          log: () => undefined,
        });
        try {
          return { credentials: JSON.parse(readFileSync(handle.credentialsFile!, "utf8")), officers: (await handle.store.listOfficers({ country: "DE" })).map((o) => [o.role, o.address]) };
        } finally {
          await handle.stop();
        }
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    };
    const stranger = fresh();
    const refused = await start(keysFile("start-stranger.json", { DE: { admin: deAdmin, issuer: stranger } })).then(() => undefined, (e: unknown) => e as Error);
    expect(refused, "the start is refused").to.be.instanceOf(Error);
    expect(refused!.message).to.match(/^OFFICER_KEYS_FILE .*start-stranger\.json: Nothing imported/);
    expect(refused!.message).to.include(`DE issuer ${stranger.address} is not an active ISSUER of DE`);
    expect(refused!.message).to.match(/then start again\.$/);

    const started = await start(keysFile("start-de.json", { DE: { admin: deAdmin } }));
    expect(started.officers).to.deep.equal([["ADMIN", deAdmin.address]]);
    expect(started.credentials.DE.admin).to.match(/^prt_/);
  });

  it("imports the new country's admin beside the running service; its token works at once, and it adds an issuer who anchors a permit", async () => {
    const report = await importOfficerKeysFile(keysFile("de.json", { DE: { admin: deAdmin } }), { env, fastKeystore: true });
    expect(report.checkedOnChain).to.equal(true);
    expect(report.imported.map((o) => [o.country, o.role, o.address])).to.deep.equal([["DE", "ADMIN", deAdmin.address]]);
    const token = report.imported[0]!.token;
    expect(JSON.parse(readFileSync(report.credentialsFile, "utf8")).DE.admin).to.equal(token);

    const me = await svc.api.get("/api/v1/me", { token });
    expect(me.status, me.text).to.equal(200);
    expect(me.body).to.include({ country: "DE", role: "ADMIN" });
    const added = await svc.api.post("/api/v1/officers", { token, json: { name: "DE issuer", role: "ISSUER" } });
    expect(added.status, added.text).to.equal(201);
    const doc = sample("chExportPythonSkins");
    doc.issuingCountry = "DE";
    doc.exporter.country = "DE";
    doc.permitNumber = doc.permitNumber.replace(/^CH/, "DE");
    const permit = await issueAndAnchor(svc.api, added.body.token, doc);
    expect(permit.status).to.equal("ISSUED");
  });

  it("keeps officers it already knows; the CLI says so (exit 0, --json)", async () => {
    const file = keysFile("de-again.json", { DE: { admin: deAdmin } });
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(path.join(ROOT, "node_modules", ".bin", "ts-node"), ["--transpile-only", path.join(ROOT, "src", "cli", "main.ts"), "officers", "import", file, "--json"], { cwd: ROOT, env: { ...process.env, ...env } }, (err, stdout, stderr) =>
        resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      ),
    );
    expect(run.code, run.stderr).to.equal(0);
    const report = JSON.parse(run.stdout);
    expect(report.imported).to.deep.equal([]);
    expect(report.alreadyKnown).to.deep.equal([{ country: "DE", key: "admin", address: deAdmin.address }]);
  });

  it("the CLI: a refusal exits 1, an unusable file 2, each with the reason", async () => {
    const cli = (file: string) =>
      new Promise<{ code: number; stderr: string }>((resolve) =>
        execFile(path.join(ROOT, "node_modules", ".bin", "ts-node"), ["--transpile-only", path.join(ROOT, "src", "cli", "main.ts"), "officers", "import", file], { cwd: ROOT, env: { ...process.env, ...env } }, (err, _stdout, stderr) =>
          resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stderr }),
        ),
      );
    const refused = await cli(keysFile("refused.json", { DE: { customs: fresh() } }));
    expect(refused.code, refused.stderr).to.equal(1);
    expect(refused.stderr).to.match(/is not an active CUSTOMS of DE/);
    const unusable = await cli(path.join(svc.dataDir, "missing.json"));
    expect(unusable.code, unusable.stderr).to.equal(2);
    expect(unusable.stderr).to.match(/not a readable JSON keys file/);
  });
});

