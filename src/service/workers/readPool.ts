/**
 * Processes for the CPU-bound half of verification (`readPermit`), so that `POST /verify` uses
 * more than one core: the service's thread parses HTTP, reads the store and answers; the pool's
 * processes decode QR codes, validate documents, hash and recover signers. A process that dies is
 * replaced and its requests fail (the route then reads on the main thread), nothing hangs.
 *
 * Processes, not worker threads: the native secp256k1 addon keeps a process-wide static
 * reference to the JavaScript environment that loaded it, so a worker thread that loaded it and
 * then exited corrupted the heap at process exit (seen in CI as `free(): invalid next size`).
 */
import { fork, type ChildProcess } from "node:child_process";
import path from "node:path";
import type { PermitReading, VerifyInput } from "../../sdk/verify";

export type ReadRequest = { id: number; input: VerifyInput } | { close: true };
export type ReadResponse = { id: number; reading: PermitReading } | { id: number; error: string };

export class ReadPoolError extends Error {
  override readonly name = "ReadPoolError";
}

type Slot = { child: ChildProcess; pending: Map<number, { resolve: (r: PermitReading) => void; reject: (e: Error) => void }> };

export class ReadPool {
  readonly #slots: Slot[] = [];
  #nextId = 1;
  #closed = false;

  /** `size` processes (at least one); `log` hears about processes that died. */
  constructor(
    readonly size: number,
    private readonly log?: (msg: string) => void,
  ) {
    for (let i = 0; i < Math.max(1, size); i++) this.#slots.push(this.#spawn());
  }

  #spawn(): Slot {
    const child = fork(path.join(__dirname, "readWorkerProcess.cjs"), [], {
      serialization: "advanced", // structured clone: images travel as bytes
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      execArgv: [],
    });
    const slot: Slot = { child, pending: new Map() };
    // Idle processes never keep the service alive.
    child.unref();
    child.channel?.unref();
    child.on("message", (m: ReadResponse) => {
      const waiter = slot.pending.get(m.id);
      if (!waiter) return;
      slot.pending.delete(m.id);
      if (slot.pending.size === 0) child.channel?.unref();
      if ("error" in m) waiter.reject(new ReadPoolError(`reading the permit failed: ${m.error}`));
      else waiter.resolve(m.reading);
    });
    let replaced = false;
    const replace = (why: string) => {
      if (replaced) return;
      replaced = true;
      for (const waiter of slot.pending.values()) waiter.reject(new ReadPoolError(`a verification process stopped (${why}); retry`));
      slot.pending.clear();
      const index = this.#slots.indexOf(slot);
      if (this.#closed || index < 0) return;
      this.log?.(`read pool: process stopped (${why}); starting another`);
      this.#slots[index] = this.#spawn();
    };
    child.on("error", (err) => replace(err.message));
    child.on("exit", (code, signal) => replace(signal ? `signal ${signal}` : `exit code ${code}`));
    return slot;
  }

  /** The helper processes' ids (for operators and tests). */
  get pids(): number[] {
    return this.#slots.map((s) => s.child.pid!).filter((pid) => pid !== undefined);
  }

  /** Reads one permit in the least busy process. */
  read(input: VerifyInput): Promise<PermitReading> {
    if (this.#closed) return Promise.reject(new ReadPoolError("the read pool is closed"));
    const slot = this.#slots.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
    const id = this.#nextId++;
    return new Promise<PermitReading>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.child.channel?.ref(); // an answer is awaited
      slot.child.send({ id, input } satisfies ReadRequest, (err) => {
        if (!err || !slot.pending.delete(id)) return;
        reject(new ReadPoolError(`could not reach a verification process: ${err.message}`));
      });
    });
  }

  /** Asks each process to exit and waits for it (killed after 5 s if it does not). */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(
      this.#slots.map(
        ({ child }) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
            child.once("exit", () => {
              clearTimeout(timer);
              resolve();
            });
            if (child.connected) child.send({ close: true } satisfies ReadRequest, () => undefined);
            else child.kill("SIGTERM");
          }),
      ),
    );
  }
}
