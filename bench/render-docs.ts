/**
 * Re-renders docs/benchmarks.md from the recorded results (bench/results/peers.json and
 * verify.json) without measuring anything: after `npm run bench:verify` alone, or after editing
 * bench/lib/report.ts. Run: `npm run bench:docs`.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { renderBenchmarksDoc, type PeersResult, type VerifyResult } from "./lib/report";

const peersFile = "bench/results/peers.json";
if (!existsSync(peersFile)) {
  console.error(`${peersFile} is missing: run \`npm run bench:peers\` first.`);
  process.exit(1);
}
const peers = JSON.parse(readFileSync(peersFile, "utf8")) as PeersResult;
const verify = existsSync("bench/results/verify.json") ? (JSON.parse(readFileSync("bench/results/verify.json", "utf8")) as VerifyResult) : undefined;
writeFileSync("docs/benchmarks.md", renderBenchmarksDoc(peers, verify));
console.log(`wrote docs/benchmarks.md from ${peersFile}${verify ? " and bench/results/verify.json" : ""}`);
