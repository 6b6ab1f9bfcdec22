/**
 * The load generator of bench/service.ts, in a plain Node process of its own: autocannon sending
 * POST /verify bodies round-robin over N connections for S seconds; prints autocannon's result as
 * JSON. Run apart from the benchmark's own process (Hardhat's runner loads Node's `domain`, a tax
 * on every request the generator makes that would come out of the service's share of the cores).
 *
 *   node bench/lib/verify-load.cjs <url> <connections> <seconds> <bodies.json>
 *
 * Each connection sends its next request as soon as its answer arrives (a closed loop: as fast as
 * the service goes). Not for an offered rate: autocannon's `overallRate` lets each connection send
 * at full speed until it has made its share of the second, then pause until the next one (bursts,
 * not a rate); bench/lib/vegeta.ts offers rates.
 */
const { readFileSync } = require("node:fs");
const autocannon = require("autocannon");

const [url, connections, seconds, bodiesFile] = process.argv.slice(2);
const bodies = JSON.parse(readFileSync(bodiesFile, "utf8"));
autocannon(
  {
    url,
    connections: Number(connections),
    duration: Number(seconds),
    requests: bodies.map((body) => ({ method: "POST", headers: { "content-type": "application/json" }, body })),
  },
  (err, result) => {
    if (err) {
      console.error(err);
      process.exit(1);
    }
    const cpu = process.cpuUsage();
    process.stdout.write(JSON.stringify({ ...result, loadGeneratorCpuSeconds: (cpu.user + cpu.system) / 1e6 }));
  },
);
