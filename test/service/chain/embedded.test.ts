/**
 * The embedded chain against the real Anvil binary from npm: first start deploys and admits the
 * demo countries, a permit issued before a restart is still ISSUED after it, the deployment is
 * found again (no redeploy), and no Anvil process outlives its test.
 */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { createPublicClient, createWalletClient, http, keccak256, toHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { createRegistryClient } from "../../../src/sdk/chain/client";
import { packTerms, ZERO_HASH, type PermitInput } from "../../../src/sdk/chain/terms";
import { permitIdOf, permitNumberToBytes32 } from "../../../src/sdk/ids";
import { chainPaths, EmbeddedChainError, findAnvilBinary, loadOrCreateMnemonic, startAnvil, type AnvilHandle, type AnvilOptions } from "../../../src/service/chain/anvil";
import { bootstrapEmbedded, DEMO_COUNTRIES, type BootstrapResult } from "../../../src/service/chain/bootstrap";

const lines: string[] = [];
const log = (line: string) => lines.push(line);

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("embedded chain (Anvil)", function () {
  this.timeout(60_000);
  const dirs: string[] = [];
  const handles: AnvilHandle[] = [];

  async function start(dataDir: string, extra: Partial<AnvilOptions> = {}): Promise<AnvilHandle> {
    const handle = await startAnvil({ dataDir, log, stateInterval: 1, ...extra });
    handles.push(handle);
    return handle;
  }
  function tempDir(): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), "permit-registry-chain-"));
    dirs.push(dir);
    return dir;
  }

  afterEach(function () {
    if (this.currentTest?.state === "failed") console.log(lines.slice(-40).join("\n"));
    lines.length = 0;
  });

  after(async () => {
    await Promise.all(handles.map((h) => h.stop({ timeoutMs: 5_000 })));
    for (const h of handles) expect(isAlive(h.pid), `anvil pid ${h.pid} still running`).to.equal(false);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it("finds the Anvil binary from the npm package", () => {
    const binary = findAnvilBinary({});
    expect(binary).to.match(/@foundry-rs[\\/]anvil/);
    const out = spawnSync(binary, ["--version"], { encoding: "utf8" });
    expect(out.status).to.equal(0);
    expect(out.stdout).to.match(/anvil/i);
  });

  it("keeps a random mnemonic in DATA_DIR with mode 0600 and reuses it", () => {
    const dir = tempDir();
    const phrase = loadOrCreateMnemonic(dir, log);
    expect(phrase.split(" ")).to.have.length(12);
    expect(phrase).to.not.equal("test test test test test test test test test test test junk");
    if (process.platform !== "win32") expect(statSync(chainPaths(dir).mnemonic).mode & 0o777).to.equal(0o600);
    expect(loadOrCreateMnemonic(dir, log)).to.equal(phrase);
  });

  it("deploys on first start; after a restart the permit is still ISSUED and the deployment is reused", async () => {
    const dataDir = tempDir();
    const mnemonic = loadOrCreateMnemonic(dataDir, log);

    const first = await start(dataDir, { stateInterval: 3600 }); // no periodic dump: only SIGTERM saves it
    expect(first.rpcUrl).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(first.chainId).to.equal(31337);
    let persisted = 0;
    const t0 = Date.now();
    const boot = await bootstrapEmbedded({ rpcUrl: first.rpcUrl, dataDir, mnemonic, log, persistKeys: () => void persisted++ });
    const bootMs = Date.now() - t0;
    expect(boot.status).to.equal("deployed");
    if (boot.status !== "deployed") throw new Error("unreachable");
    expect(persisted).to.equal(1);
    expect(bootMs, "bootstrap time").to.be.below(10_000);
    expect(Object.keys(boot.countries)).to.deep.equal([...DEMO_COUNTRIES]);
    expect(boot.deploymentFile).to.equal(path.join(dataDir, "deployments", "embedded", "deployment.json"));
    expect(boot.deployment.network).to.equal("embedded");
    expect(boot.deployment.governance).to.equal(privateKeyToAccount(boot.governance.privateKey).address);
    const allKeys = Object.values(boot.countries).flatMap((k) => [k.admin, k.issuer, k.customs]);
    expect(new Set(allKeys.map((k) => k.address)).size).to.equal(DEMO_COUNTRIES.length * 3);
    for (const k of allKeys) expect(privateKeyToAccount(k.privateKey).address).to.equal(k.address);

    const publicClient = createPublicClient({ transport: http(first.rpcUrl), pollingInterval: 50 });
    const address = boot.deployment.registry.address;
    const reader = createRegistryClient({ publicClient, address });
    for (const code of DEMO_COUNTRIES) {
      const k = boot.countries[code];
      expect(await reader.accountOf(k.admin.address)).to.include({ country: code, role: "AUTHORITY_ADMIN", active: true });
      expect(await reader.accountOf(k.issuer.address)).to.include({ country: code, role: "ISSUER", active: true });
      expect(await reader.accountOf(k.customs.address)).to.include({ country: code, role: "CUSTOMS", active: true });
    }

    // Issue a CH → JP permit signed by the CH issuer's own key.
    const walletClient = createWalletClient({ transport: http(first.rpcUrl), account: privateKeyToAccount(boot.countries.CH.issuer.privateKey), pollingInterval: 50 });
    const registry = createRegistryClient({ publicClient, walletClient, address });
    const now = (await publicClient.getBlock()).timestamp;
    const input: PermitInput = {
      permitNumber: permitNumberToBytes32("CH-EMB-0001"),
      documentHash: keccak256(toHex("embedded chain test document")),
      terms: packTerms({ documentType: "CITES_EXPORT_PERMIT", exportingCountry: "CH", importingCountry: "JP", validUntil: now + 30n * 86_400n }),
      importPermitId: ZERO_HASH,
      originPermitId: ZERO_HASH,
      quantities: [1_000n],
    };
    const issued = await registry.issue(input);
    const permitId = permitIdOf("CH", "CH-EMB-0001");
    expect(issued.permitIds).to.deep.equal([permitId]);
    expect((await registry.permitState(permitId)).status).to.equal("ISSUED");

    await first.stop();
    expect(isAlive(first.pid), "first anvil gone after stop").to.equal(false);
    expect(existsSync(first.statePath)).to.equal(true);
    expect(existsSync(chainPaths(dataDir).pidFile)).to.equal(false);

    const second = await start(dataDir);
    const again = await bootstrapEmbedded({ rpcUrl: second.rpcUrl, dataDir, mnemonic, log });
    expect(again.status).to.equal("existing");
    expect(again.deployment.registry.address).to.equal(address);

    const publicClient2 = createPublicClient({ transport: http(second.rpcUrl), pollingInterval: 50 });
    const reader2 = createRegistryClient({ publicClient: publicClient2, address });
    const state = await reader2.permitState(permitId);
    expect(state.status).to.equal("ISSUED");
    expect(state.exportingCountry).to.equal("CH");
    // Events survive too: history, records and the trust list are rebuilt from logs.
    const history = await reader2.history(permitId);
    expect(history.map((h) => h.event)).to.deep.equal(["PermitIssued"]);
    expect(history[0].officer).to.equal(boot.countries.CH.issuer.address);
    const record = await reader2.readRecord(permitId, history);
    expect(await reader2.verifyRecord(record!)).to.equal("ISSUED");
    // The officers still have their funds and can keep signing after the restart.
    const wallet2 = createWalletClient({ transport: http(second.rpcUrl), account: privateKeyToAccount(boot.countries.CH.issuer.privateKey), pollingInterval: 50 });
    const registry2 = createRegistryClient({ publicClient: publicClient2, walletClient: wallet2, address });
    await registry2.cancel(permitId, "WITHDRAWN");
    expect((await reader2.permitState(permitId)).status).to.equal("CANCELLED");

    // A second launcher on the same data directory is refused while this one runs.
    const err = await startAnvil({ dataDir, log }).then(() => undefined, (e: unknown) => e);
    expect(err).to.be.instanceOf(EmbeddedChainError);
    expect(String((err as Error).message)).to.match(/already run by process/);
    expect(isAlive(second.pid)).to.equal(true);

    await second.stop();
    expect(isAlive(second.pid), "second anvil gone after stop").to.equal(false);

    // The chain lost its state but the record remains: reported, redeployed only when asked.
    rmSync(chainPaths(dataDir).state);
    rmSync(chainPaths(dataDir).statePrevious);
    const third = await start(dataDir);
    const missing = await bootstrapEmbedded({ rpcUrl: third.rpcUrl, dataDir, mnemonic, log });
    expect(missing.status).to.equal("contract-missing");
    expect((missing as Extract<BootstrapResult, { status: "contract-missing" }>).message).to.match(/no contract there/);
    const redeployed = await bootstrapEmbedded({ rpcUrl: third.rpcUrl, dataDir, mnemonic, log, redeployIfMissing: true, countries: ["CH"] });
    expect(redeployed.status).to.equal("redeployed");
    if (redeployed.status !== "redeployed") throw new Error("unreachable");
    expect(redeployed.previousDeployment?.registry.address).to.equal(address);
    expect(JSON.parse(readFileSync(redeployed.deploymentFile, "utf8")).registry.address).to.equal(redeployed.deployment.registry.address);
    await third.stop();
    expect(isAlive(third.pid)).to.equal(false);
  });

  it("chooses a free port by default and reports a taken port clearly, leaving no process", async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const taken = (server.address() as net.AddressInfo).port;
    try {
      const dataDir = tempDir();
      const err = await startAnvil({ dataDir, log, port: taken, startTimeoutMs: 10_000 }).then(() => undefined, (e: unknown) => e);
      expect(err).to.be.instanceOf(EmbeddedChainError);
      expect((err as Error).message).to.match(/port is taken/);
      expect(existsSync(chainPaths(dataDir).pidFile), "pid file removed").to.equal(false);

      const a = await start(dataDir);
      const b = await start(tempDir());
      expect(a.port).to.not.equal(taken);
      expect(a.port).to.not.equal(b.port);
      await Promise.all([a.stop(), b.stop()]);
      expect(isAlive(a.pid) || isAlive(b.pid)).to.equal(false);
    } finally {
      server.close();
    }
  });

  it("stops an Anvil orphaned by a killed previous run before starting", async () => {
    const dataDir = tempDir();
    const orphan = await start(dataDir);
    // Pretend its parent was a registry process that has since been killed.
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    const pidFile = chainPaths(dataDir).pidFile;
    const record = JSON.parse(readFileSync(pidFile, "utf8")) as { parentPid: number };
    writeFileSync(pidFile, JSON.stringify({ ...record, parentPid: Number(dead.stdout) }));

    const next = await start(dataDir);
    const exit = await orphan.exited;
    expect(exit.signal ?? exit.code).to.not.equal(undefined);
    expect(isAlive(orphan.pid)).to.equal(false);
    expect(next.pid).to.not.equal(orphan.pid);
    expect(lines.join("\n")).to.match(/left running by a previous run/);
    await next.stop();
    expect(isAlive(next.pid)).to.equal(false);
  });
});

