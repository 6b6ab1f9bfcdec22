/**
 * Offline verification rate on one core and QR encode/decode times (issue #3's benchmark; goal
 * ≥ 5,000 offline verifications per second). Times each stage of the offline path on its own and
 * takes a CPU profile of the verify loop, so a shortfall says where the time goes.
 * Writes bench/results/verify.json. Run: `npm run bench:verify` (part of `npm run bench`).
 *
 * The permit is issued on Hardhat's in-process network and the trust list exported from it, as a
 * verifier would have them; everything measured afterwards is off chain, in one thread of a plain
 * Node process (bench/verify-offline.ts), as a verifier runs it.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ethers } from "hardhat";
import type { Hex } from "viem";
import { deployRegistryFixture } from "../scripts/lib/fixture";
import { exportTrustList, verify } from "../src/sdk";
import { issueWithQr, publicClient, registryClients, samplePermit } from "./lib/chain";
import { machine } from "./lib/measure";
import type { OfflineFixture } from "./verify-offline";

const GOAL = 5_000;

async function main() {
  const f = await deployRegistryFixture();
  const address = (await f.registry.getAddress()) as Hex;
  const chainNow = new Date(Number((await ethers.provider.getBlock("latest"))!.timestamp) * 1000);
  const document = samplePermit(chainNow, "CH-2026-V00001");
  const { qr, chainId } = await issueWithQr(address, document);
  const trustList = await exportTrustList(registryClients(address).reader, await publicClient.getChainId());
  const now = BigInt(Math.floor(chainNow.getTime() / 1000));
  const check = await verify(qr, { trustList, now });
  if (check.verdict !== "VALID") throw new Error(`offline verify gives ${check.verdict}: ${JSON.stringify(check.checks)}`);

  const dir = mkdtempSync(join(tmpdir(), "bench-verify-"));
  const fixtureFile = join(dir, "fixture.json");
  writeFileSync(fixtureFile, JSON.stringify({ qr, trustList, now: now.toString(), chainId } satisfies OfflineFixture));
  console.error("measuring in a plain Node process (bench/verify-offline.ts) ...");
  const child = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", join(__dirname, "verify-offline.ts"), fixtureFile], {
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
    env: { ...process.env, TS_NODE_PROJECT: join(__dirname, "..", "tsconfig.json") },
    maxBuffer: 16 * 1024 * 1024,
  });
  rmSync(dir, { recursive: true, force: true });
  if (child.status !== 0) throw new Error(`bench/verify-offline.ts failed (exit ${child.status ?? child.signal})`);
  const measured = JSON.parse(child.stdout);

  const result = {
    date: new Date().toISOString(),
    machine: machine(),
    goal: GOAL,
    process: measured.process,
    nativeCrypto: measured.nativeCrypto,
    input: {
      sample: "01-ch-export-python-skins (re-dated)",
      qrTextCharacters: measured.qrTextCharacters,
      verifyUrlCharacters: measured.verifyUrlCharacters,
      trustListOfficers: trustList.officers.length,
    },
    offline: { ...measured.offline, meetsGoal: measured.offline.perSecond >= GOAL },
    stages: measured.stages,
    comparison: measured.comparison,
    profile: measured.profile,
    qr: measured.qr,
  };
  mkdirSync("bench/results", { recursive: true });
  writeFileSync("bench/results/verify.json", JSON.stringify(result, null, 2) + "\n");
  const best = measured.offline.perSecond as number;
  console.log(`offline verify ${best}/s (goal ${GOAL}/s: ${best >= GOAL ? "met" : "missed"}); wrote bench/results/verify.json`);
}

main().then(
  () => process.exit(0),
  (err) => { console.error(err); process.exit(1); },
);
