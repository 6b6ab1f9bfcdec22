/**
 * Entry point of a read-pool process. The service runs from its TypeScript sources (ts-node), so
 * this installs a minimal require hook that transpiles each file with TypeScript's
 * `transpileModule` — what ts-node's transpile-only mode does, without loading Node's `repl` and
 * `domain` (which tax every message) — then loads readWorker.ts. A compiled readWorker.js next to
 * this file is used as is.
 *
 * Transpiled files are cached under node_modules/.cache/permit-registry/ts/, keyed by a hash of
 * the source, the TypeScript version and the options: a helper that finds every file there starts
 * without loading TypeScript at all (TypeScript and transpiling were most of a helper's start).
 */
const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");

const compiled = path.join(__dirname, "readWorker.js");
if (fs.existsSync(compiled)) {
  require(compiled);
} else {
  const root = path.join(__dirname, "..", "..", "..");
  const cacheDir = path.join(root, "node_modules", ".cache", "permit-registry", "ts");
  const tsVersion = require("typescript/package.json").version;
  let ts;
  const transpile = (source, filename) => {
    ts ??= require("typescript");
    const options = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, inlineSourceMap: true };
    return ts.transpileModule(source, { compilerOptions: options, fileName: filename }).outputText;
  };
  require.extensions[".ts"] = (module, filename) => {
    const source = fs.readFileSync(filename, "utf8");
    const key = crypto.createHash("sha256").update(`${tsVersion}\0cjs-es2022-v1\0${filename}\0${source}`).digest("hex");
    const cached = path.join(cacheDir, `${key}.js`);
    let output;
    try {
      output = fs.readFileSync(cached, "utf8");
    } catch {
      output = transpile(source, filename);
      try {
        fs.mkdirSync(cacheDir, { recursive: true });
        const temporary = `${cached}.${process.pid}.tmp`;
        fs.writeFileSync(temporary, output);
        fs.renameSync(temporary, cached); // whole files only, even with helpers starting side by side
      } catch {
        // a read-only checkout: transpile each time
      }
    }
    module._compile(output, filename);
  };
  require(path.join(__dirname, "readWorker.ts"));
}
