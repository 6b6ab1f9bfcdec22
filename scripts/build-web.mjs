#!/usr/bin/env node
/**
 * Bundles the web pages (src/web/pages/*.ts) into src/web/public/js/ with esbuild: one ES module
 * per page plus shared chunks, no CDN, nothing fetched at run time. The output is generated and
 * git-ignored; `npm start` and the browser tests run this first (about a second).
 *
 * Each script is also written precompressed (\`.br\`, \`.gz\` beside it), which the service sends to a
 * browser that accepts it: about a quarter of the bytes over a border post's slow link, and no
 * compression work per request.
 *
 * The pages import pure SDK modules (schema, code lists, QR readers, the verify function for the
 * offline mode). Two Node-only imports under them get browser stand-ins: `node:zlib` (fflate) and
 * `jimp` (never called in the browser); `Buffer` comes from the `buffer` package. The native
 * crypto bindings (`keccak`, `secp256k1`) stay out: the SDK only loads them under Node.
 *
 *   node scripts/build-web.mjs [--watch]
 */
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import * as esbuild from "esbuild";

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const web = path.join(root, "src", "web");
const outdir = path.join(web, "public", "js");
const pages = readdirSync(path.join(web, "pages")).filter((f) => f.endsWith(".ts")).map((f) => path.join(web, "pages", f));

const options = {
  entryPoints: pages,
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "browser",
  target: ["es2022"],
  minify: true,
  sourcemap: true,
  legalComments: "none",
  logLevel: "warning",
  alias: {
    "node:zlib": path.join(web, "shims", "zlib.ts"),
    jimp: path.join(web, "shims", "jimp.ts"),
  },
  inject: [path.join(web, "shims", "buffer.ts")],
  // Native bindings the SDK loads only under Node (src/sdk/crypto.ts); the browser uses viem's code.
  external: ["keccak", "secp256k1", "node:module", "node:path"],
  define: { "process.env.NODE_ENV": '"production"', global: "globalThis" },
};

if (process.argv.includes("--watch")) {
  // Compressed copies of an earlier build would outlive the scripts they were made from.
  for (const file of existsSync(outdir) ? readdirSync(outdir).filter((f) => /\.js\.(br|gz)$/.test(f)) : []) rmSync(path.join(outdir, file));
  for (const o of [options, { ...options, entryPoints: { offline: path.join(web, "lib", "offline.ts") }, splitting: false }]) await (await esbuild.context(o)).watch();
  console.log(`== web: watching ${pages.length} pages → ${path.relative(root, outdir)}`);
} else {
  const started = Date.now();
  rmSync(outdir, { recursive: true, force: true });
  // The offline verifier (loaded by the verify page) as one file with every lazy import inlined,
  // so that it works once loaded, with no network.
  const results = await Promise.all([
    esbuild.build({ ...options, metafile: true }),
    esbuild.build({ ...options, entryPoints: { offline: path.join(web, "lib", "offline.ts") }, splitting: false, metafile: true }),
  ]);
  const bytes = results.flatMap((r) => Object.values(r.metafile.outputs)).reduce((n, o) => n + o.bytes, 0);
  // Brotli at quality 7: within 1 % of its best here, in a tenth of the time (0.2 s for every script).
  let sent = 0;
  for (const file of readdirSync(outdir).filter((f) => f.endsWith(".js"))) {
    const source = readFileSync(path.join(outdir, file));
    const br = brotliCompressSync(source, { params: { [constants.BROTLI_PARAM_QUALITY]: 7, [constants.BROTLI_PARAM_SIZE_HINT]: source.length } });
    writeFileSync(path.join(outdir, `${file}.br`), br);
    writeFileSync(path.join(outdir, `${file}.gz`), gzipSync(source, { level: 9 }));
    sent += br.length;
  }
  console.log(`== web: ${pages.length} pages → ${path.relative(root, outdir)} (${Math.round(bytes / 1024)} KiB with source maps; scripts sent as ${Math.round(sent / 1024)} KiB with brotli; ${Date.now() - started} ms)`);
}
