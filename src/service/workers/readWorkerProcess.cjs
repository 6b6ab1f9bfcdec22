/**
 * Entry point of a read-pool process. The service runs from its TypeScript sources (ts-node), so
 * this installs a minimal require hook that transpiles each file with TypeScript's
 * `transpileModule` — what ts-node's transpile-only mode does, without loading Node's `repl` and
 * `domain` (which tax every message) — then loads readWorker.ts. A compiled readWorker.js next to
 * this file is used as is.
 */
const fs = require("node:fs");
const path = require("node:path");

const compiled = path.join(__dirname, "readWorker.js");
if (fs.existsSync(compiled)) {
  require(compiled);
} else {
  const ts = require("typescript");
  const options = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, inlineSourceMap: true };
  require.extensions[".ts"] = (module, filename) =>
    module._compile(ts.transpileModule(fs.readFileSync(filename, "utf8"), { compilerOptions: options, fileName: filename }).outputText, filename);
  require(path.join(__dirname, "readWorker.ts"));
}
