/**
 * The measuring half of bench/verify.ts, run by it in a plain Node process: what a verifier runs
 * (a customs app, the CLI) loads the SDK and nothing else, whereas Hardhat's runner loads Node's
 * `domain` module, which taxes every promise and event emitter (about 10 % here). Reads the
 * fixture (QR text, trust list, clock) from the file named in argv[2]; prints one JSON object.
 *
 *   node -r ts-node/register/transpile-only bench/verify-offline.ts FIXTURE.json [--calibrate]
 */
import { readFileSync } from "node:fs";
import { generateKeyPairSync, randomBytes, sign, verify as cryptoVerify } from "node:crypto";
import { Session } from "node:inspector";
import {
  decodeQrImage, decodeQrPayload, documentHash, encodeQrPayload, extractQrPayload, nativeCrypto, permitIdOf, recoverPermitSigner, renderQrPng,
  renderQrSvg, toVerifyUrl, validatePermitDocument, verify, wasActiveIssuer, type FullQrPayload, type PermitDocument, type TrustListSnapshot,
} from "../src/sdk";
import { rate, round } from "./lib/measure";

export type OfflineFixture = { qr: string; trustList: TrustListSnapshot; now: string; chainId: number };

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
/** End-to-end runs; the machine is shared, so the best is the figure and all are recorded. */
const RUNS = 3;

async function main() {
  const fixture = JSON.parse(readFileSync(process.argv[2], "utf8")) as OfflineFixture;
  const { qr, trustList, chainId } = fixture;
  const now = BigInt(fixture.now);
  const check = await verify(qr, { trustList, now });
  if (check.verdict !== "VALID") throw new Error(`offline verify gives ${check.verdict}: ${JSON.stringify(check.checks)}`);

  // ---- Offline verify, end to end ----
  const runs: Awaited<ReturnType<typeof rate>>[] = [];
  runs.push(await rate(() => verify(qr, { trustList, now }), SECONDS, 2_000));
  console.error(`offline verify: ${runs[0].perSecond}/s (${runs[0].meanMicros} µs)`);
  // `--calibrate` (bench/service.ts): only this figure, as a measure of the machine's speed that day.
  if (process.argv.includes("--calibrate")) return void process.stdout.write(JSON.stringify({ offline: runs[0] }));

  // ---- Its stages, each alone ----
  const payload = decodeQrPayload(extractQrPayload(qr)) as FullQrPayload;
  const parsed = validatePermitDocument(payload.document);
  if (!parsed.ok) throw new Error("sample does not validate");
  const doc: PermitDocument = parsed.document;
  const hash = documentHash(doc, payload.salt);
  const anchor = { chainId, registry: payload.registry, permitId: payload.permitId, documentHash: hash };
  const signer = await recoverPermitSigner({ ...anchor, signature: payload.signature });
  const stageSeconds = Math.max(1, SECONDS / 3);
  const stageOps: [string, () => unknown][] = [
    ["read the QR text (base45 → inflate → CBOR)", () => decodeQrPayload(extractQrPayload(qr))],
    ["validate the document (schema and rules)", () => validatePermitDocument(payload.document)],
    ["permit id from country and number", () => permitIdOf(doc.issuingCountry, doc.permitNumber)],
    ["salted document hash (RFC 8785 JSON + keccak256)", () => documentHash(doc, payload.salt)],
    ["recover the EIP-712 signer (digest + secp256k1)", () => recoverPermitSigner({ ...anchor, signature: payload.signature })],
    ["trust-list lookup", () => wasActiveIssuer(trustList, doc.issuingCountry, signer, now)],
  ];
  const stageTimes: { stage: string; meanMicros: number }[] = [];
  for (const [stage, op] of stageOps) {
    const r = await rate(op, stageSeconds, 500);
    stageTimes.push({ stage, meanMicros: r.meanMicros });
    console.error(`  ${stage}: ${r.meanMicros} µs`);
  }
  // For comparison (not on the SDK's path): OpenSSL's secp256k1 ECDSA verify with a known public
  // key, what a verifier could do with the trust list's few candidate keys instead of recovering.
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "secp256k1" });
  const digest = randomBytes(32);
  const nativeSignature = sign(null, digest, { key: privateKey, dsaEncoding: "ieee-p1363" });
  const openssl = await rate(() => cryptoVerify(null, digest, { key: publicKey, dsaEncoding: "ieee-p1363" }, nativeSignature), stageSeconds, 20);
  console.error(`  (comparison) node:crypto secp256k1 verify: ${openssl.meanMicros} µs`);

  for (let i = 1; i < RUNS; i++) {
    runs.push(await rate(() => verify(qr, { trustList, now }), SECONDS, 200));
    console.error(`offline verify (run ${i + 1}): ${runs[i].perSecond}/s (${runs[i].meanMicros} µs)`);
  }
  const best = runs.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
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
    process: `plain Node ${process.version}, one thread (the SDK as a verifier loads it)`,
    nativeCrypto: nativeCrypto(),
    qrTextCharacters: qr.length,
    verifyUrlCharacters: url.length,
    offline: { ...best, runs: runs.map((r) => r.perSecond) },
    stages,
    comparison: { stage: "node:crypto (OpenSSL) secp256k1 verify with a known public key", meanMicros: openssl.meanMicros },
    profile,
    qr: qrTimes,
  };
  process.stdout.write(JSON.stringify(result));
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
    const { url, lineNumber } = node.callFrame;
    // Samples inside native addons carry whichever native name V8 last saw (one run showed the
    // secp256k1 recovery as "KeccakWrapper"), so they are pooled rather than misnamed.
    const functionName = url || /^\((garbage collector|program|idle)\)$/.test(node.callFrame.functionName) ? node.callFrame.functionName : "(native code: libsecp256k1, keccak, zlib, V8 builtins)";
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
