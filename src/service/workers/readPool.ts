/**
 * Worker threads for the CPU-bound half of verification (`readPermit`), so that `POST /verify`
 * uses more than one core: the main thread parses HTTP, reads the store and answers; the
 * workers decode QR codes, validate documents, hash and recover signers. A worker that dies is
 * replaced and its requests fail (the route answers 503), nothing hangs.
 */
import path from "node:path";
import { Worker } from "node:worker_threads";
import type { PermitReading, VerifyInput } from "../../sdk/verify";

export type ReadRequest = { id: number; input: VerifyInput } | { close: true };
export type ReadResponse = { id: number; reading: PermitReading } | { id: number; error: string };

export class ReadPoolError extends Error {
  override readonly name = "ReadPoolError";
}

type Slot = { worker: Worker; pending: Map<number, { resolve: (r: PermitReading) => void; reject: (e: Error) => void }> };

/**
 * How a worker is started: the compiled file, or — running from TypeScript sources, as `npm start`
 * does — through a minimal require hook that transpiles each file with TypeScript's
 * `transpileModule` (what ts-node's transpile-only mode does). Not ts-node itself: it loads Node's
 * `repl`, and with it `domain`, which taxes every message the worker handles (~25 % fewer
 * verifications measured); not tsx: its hook runs esbuild's service inside the worker, and
 * terminating such a worker aborted Node in libuv.
 */
function workerSource(): { source: string; eval: boolean } {
  const file = path.join(__dirname, `readWorker${path.extname(__filename)}`);
  if (!file.endsWith(".ts")) return { source: file, eval: false };
  const hook = `
    const ts = require(${JSON.stringify(require.resolve("typescript"))});
    const fs = require("node:fs");
    const options = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, inlineSourceMap: true };
    require.extensions[".ts"] = (module, filename) =>
      module._compile(ts.transpileModule(fs.readFileSync(filename, "utf8"), { compilerOptions: options, fileName: filename }).outputText, filename);
    require(${JSON.stringify(file)});`;
  return { source: hook, eval: true };
}

export class ReadPool {
  readonly #slots: Slot[] = [];
  #nextId = 1;
  #closed = false;

  /** `size` worker threads (at least one); `log` hears about workers that died. */
  constructor(
    readonly size: number,
    private readonly log?: (msg: string) => void,
  ) {
    for (let i = 0; i < Math.max(1, size); i++) this.#slots.push(this.#spawn());
  }

  #spawn(): Slot {
    const { source, eval: isEval } = workerSource();
    const worker = new Worker(source, { eval: isEval });
    const slot: Slot = { worker, pending: new Map() };
    worker.unref(); // idle workers never keep the process alive
    worker.on("message", (m: ReadResponse) => {
      const waiter = slot.pending.get(m.id);
      if (!waiter) return;
      slot.pending.delete(m.id);
      if ("error" in m) waiter.reject(new ReadPoolError(`reading the permit failed: ${m.error}`));
      else waiter.resolve(m.reading);
    });
    const replace = (why: string) => {
      for (const waiter of slot.pending.values()) waiter.reject(new ReadPoolError(`a verification worker stopped (${why}); retry`));
      slot.pending.clear();
      const index = this.#slots.indexOf(slot);
      if (this.#closed || index < 0) return;
      this.log?.(`read pool: worker stopped (${why}); starting another`);
      this.#slots[index] = this.#spawn();
    };
    worker.on("error", (err) => replace(err.message));
    worker.on("exit", (code) => replace(`exit code ${code}`));
    return slot;
  }

  /** Reads one permit on the least busy worker. */
  read(input: VerifyInput): Promise<PermitReading> {
    if (this.#closed) return Promise.reject(new ReadPoolError("the read pool is closed"));
    const slot = this.#slots.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    const id = this.#nextId++;
    return new Promise<PermitReading>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ id, input } satisfies ReadRequest);
    });
  }

  /**
   * Asks each worker to finish and exit on its own, and waits for that (up to 30 s; the workers
   * never keep the process alive). Never `terminate()`: a worker stopped from outside while it
   * loads or runs the native crypto addons can abort the whole process (seen in CI: libuv
   * assertions and heap corruption).
   */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(
      this.#slots.map(
        (s) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => {
              this.log?.("read pool: a worker did not exit within 30 s; leaving it (it does not keep the process alive)");
              resolve();
            }, 30_000);
            timer.unref();
            s.worker.once("exit", () => {
              clearTimeout(timer);
              resolve();
            });
            s.worker.postMessage({ close: true } satisfies ReadRequest);
          }),
      ),
    );
  }
}
