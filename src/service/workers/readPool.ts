/**
 * Processes that do the CPU-bound work of `POST /verify` and of issuing, so that the service uses
 * more than one core and its thread stays free for HTTP, signing and storing. Three kinds of request:
 * - `verify(qr)`: the whole answer, from the store's mirror of the chain (each process opens the
 *   store read-only; the service publishes the indexer's progress and the trust list to them).
 *   What the mirror cannot answer alone comes back as a `fallback`, and the service answers it.
 * - `read(input)`: the CPU-bound half only (`readPermit`: decode the QR, validate the document,
 *   salted hash, signer recovery), e.g. for an uploaded image.
 * - `draft(bodies)`: a batch of permit documents to issue, validated, salted and hashed
 *   (`draftPermit`); the service signs and stores them.
 * And, once told to `serve`, the HTTP connections the service hands them (`handOff`): each answers
 * POST /verify's common case itself and passes every other request on to the service.
 * A process that dies is replaced and its requests fail (the route then works on the main
 * thread); nothing hangs. One that dies before it has loaded (a broken install, no memory) is
 * started again after a growing pause, not in a loop; while no process runs, requests fail at once.
 *
 * Processes, not worker threads: the native secp256k1 addon keeps a process-wide static
 * reference to the JavaScript environment that loaded it, so a worker thread that loaded it and
 * then exited corrupted the heap at process exit (seen in CI as `free(): invalid next size`).
 */
import { fork, type ChildProcess } from "node:child_process";
import type { Socket } from "node:net";
import path from "node:path";
import type { PermitReading, TrustListSnapshot, VerifyInput } from "../../sdk/verify";
import type { DatabaseConfig } from "../config";
import type { DraftResult } from "../domain/permitDraft";
import type { MirrorAnswer } from "../domain/verification";
import type { MirrorState } from "../domain/verifyReader";

/** What the processes know of the service's mirror: published by the service as it changes. */
export type MirrorPublication = { mirror?: MirrorState; trustList?: TrustListSnapshot };

/**
 * What a process needs to serve HTTP connections the service hands it (see {@link ReadPool.handOff}):
 * POST /verify's common case it answers itself; every other request it passes on to the service's
 * own listener at `forwardTo` (loopback), adding the caller's address to `X-Forwarded-For`.
 */
export type ServeSetup = { forwardTo: { host: string; port: number }; limitBytes: number };

export type ReadRequest =
  | { id: number; input: VerifyInput }
  | { id: number; verify: string }
  | { id: number; draft: readonly unknown[] }
  | { setup: { database: DatabaseConfig } }
  | { state: MirrorPublication }
  | { serve: ServeSetup }
  /** How many verifications it answered on the connections it serves, and how many it passed on. */
  | { id: number; count: true }
  /** Sent with a connection's socket as its handle; answered `took` with the same number. */
  | { connection: number }
  | { close: true };
export type ServedCounts = { answered: number; fallbacks: number };
export type ReadResponse = { ready: true } | { serving: true } | { took: number } | { refused: number } | { id: number; served: ServedCounts } | { id: number; reading: PermitReading } | ({ id: number } & MirrorAnswer) | { id: number; drafts: DraftResult[] } | { id: number; error: string };

/** Permit documents per draft request (a few milliseconds of a helper's time). */
export const DRAFT_CHUNK = 25;

export class ReadPoolError extends Error {
  override readonly name = "ReadPoolError";
}

type Waiter = { resolve: (r: never) => void; reject: (e: Error) => void };
type Slot = {
  child: ChildProcess;
  pending: Map<number, Waiter>;
  /** Whether the process said it has loaded (a stop after that is a crash, not a failed start). */
  ready: boolean;
  /** Stops in a row of processes in this place that died before they had loaded. */
  failedStarts: number;
  /** Set while waiting to start the next process in this place. */
  restart?: NodeJS.Timeout;
  /** Whether it said it serves the connections it is handed. */
  serving: boolean;
  /** Connections sent to it that it has not said it took yet, and who serves each if it never does. */
  handedOff: Map<number, { socket: Socket; serveHere: (socket: Socket) => void }>;
};
type Queued = Waiter & { request: (id: number) => ReadRequest };

export type ReadPoolOptions = {
  /** Hears about processes that died. */
  log?: (msg: string) => void;
  /** The service's store, for `verify` (without it every `verify` is a fallback). */
  database?: DatabaseConfig;
  /**
   * Requests one process holds at a time (default 16); the rest wait in one queue here and go to
   * whichever process frees up first. A process that pauses (garbage collection, the scheduler)
   * then delays only the few requests it holds, not a long queue of its own.
   */
  perProcess?: number;
  /** Node options for the processes (e.g. `--max-old-space-size=256`); none by default. */
  execArgv?: string[];
};

/** Pause before starting again after the first failed start; doubled after each one, up to the maximum. */
const FIRST_RESTART_PAUSE_MS = 1_000;
const MAX_RESTART_PAUSE_MS = 60_000;

export class ReadPool {
  readonly #slots: Slot[] = [];
  readonly #options: ReadPoolOptions;
  readonly #published: MirrorPublication = {};
  #serve?: ServeSetup;
  /** Where the next connection goes (round robin over the processes that serve). */
  #nextConnection = 0;
  readonly #queue: Queued[] = [];
  readonly #perProcess: number;
  /** Verifications the processes answered, those they handed back to the service (`fallback`), and permit documents they drafted. */
  readonly stats = { answered: 0, fallbacks: 0, drafted: 0 };
  #nextId = 1;
  #closed = false;

  /** `size` processes (at least one). */
  constructor(
    readonly size: number,
    options: ReadPoolOptions = {},
  ) {
    this.#options = options;
    this.#perProcess = Math.max(1, options.perProcess ?? 16);
    for (let i = 0; i < Math.max(1, size); i++) this.#slots.push(this.#spawn(0));
  }

  #spawn(failedStarts: number): Slot {
    const child = fork(path.join(__dirname, "readWorkerProcess.cjs"), [], {
      serialization: "advanced", // structured clone: images travel as bytes
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      execArgv: this.#options.execArgv ?? [],
    });
    const slot: Slot = { child, pending: new Map(), ready: false, failedStarts, serving: false, handedOff: new Map() };
    // Idle processes never keep the service alive.
    child.unref();
    child.channel?.unref();
    child.on("message", (m: ReadResponse) => {
      if ("ready" in m) {
        slot.ready = true;
        return;
      }
      if ("serving" in m) {
        slot.serving = true;
        return;
      }
      if ("took" in m || "refused" in m) {
        const id = "took" in m ? m.took : m.refused;
        const handed = slot.handedOff.get(id);
        slot.handedOff.delete(id);
        if (!handed || handed.socket.destroyed) return;
        // Taken: the service's copy of the socket is closed (not ended: the connection stays open in
        // the helper). Refused: the service serves it.
        if ("took" in m) handed.socket.destroy();
        else handed.serveHere(handed.socket);
        return;
      }
      const waiter = slot.pending.get(m.id);
      if (!waiter) return;
      slot.pending.delete(m.id);
      if (slot.pending.size === 0) child.channel?.unref();
      this.#pump();
      if ("error" in m) waiter.reject(new ReadPoolError(`the verification process failed: ${m.error}`));
      else if ("reading" in m) waiter.resolve(m.reading as never);
      else if ("served" in m) waiter.resolve(m.served as never);
      else if ("drafts" in m) {
        this.stats.drafted += m.drafts.length;
        waiter.resolve(m.drafts as never);
      }
      else if ("answer" in m) {
        this.stats.answered++;
        waiter.resolve({ answer: m.answer } as never);
      } else {
        this.stats.fallbacks++;
        waiter.resolve({ fallback: m.fallback } as never);
      }
    });
    // Messages on one channel arrive in order: the store and the latest state before any request.
    if (this.#options.database) child.send({ setup: { database: this.#options.database } } satisfies ReadRequest);
    if (this.#published.mirror || this.#published.trustList) child.send({ state: this.#published } satisfies ReadRequest);
    if (this.#serve) child.send({ serve: this.#serve } satisfies ReadRequest);
    let replaced = false;
    const replace = (why: string) => {
      if (replaced) return;
      replaced = true;
      for (const waiter of slot.pending.values()) waiter.reject(new ReadPoolError(`a verification process stopped (${why}); retry`));
      slot.pending.clear();
      // Connections it never said it took are still the service's, unread: served there.
      for (const { socket, serveHere } of slot.handedOff.values()) if (!socket.destroyed) serveHere(socket);
      slot.handedOff.clear();
      const index = this.#slots.indexOf(slot);
      if (this.#closed || index < 0) return;
      // A process that had loaded crashed (e.g. on one request): start another at once.
      if (slot.ready) {
        this.#options.log?.(`read pool: process stopped (${why}); starting another`);
        this.#slots[index] = this.#spawn(0);
        return this.#pump();
      }
      // Starting again at once would only fail again, as fast as processes can be started.
      slot.failedStarts++;
      const pause = Math.min(MAX_RESTART_PAUSE_MS, FIRST_RESTART_PAUSE_MS * 2 ** (slot.failedStarts - 1));
      this.#options.log?.(
        `read pool: process stopped at start (${why}, ${slot.failedStarts} in a row); starting another in ${pause / 1000} s. ` +
          "Meanwhile the service's thread answers what it would have. If this repeats, run the service with VERIFY_WORKERS=0 and check its install (npm ci).",
      );
      slot.restart = setTimeout(() => {
        slot.restart = undefined;
        if (this.#closed || this.#slots[index] !== slot) return;
        this.#slots[index] = this.#spawn(slot.failedStarts);
        this.#pump();
      }, pause);
      slot.restart.unref();
      this.#pump(); // with no process running, the queue fails at once
    };
    child.on("error", (err) => replace(err.message));
    child.on("exit", (code, signal) => replace(signal ? `signal ${signal}` : `exit code ${code}`));
    return slot;
  }

  /** How many processes have loaded and take requests (for operators and tests). */
  get readyCount(): number {
    return this.#ready().length;
  }

  /** The processes that have loaded and take requests. */
  #ready(): Slot[] {
    return this.#slots.filter((s) => s.restart === undefined && s.ready && s.child.connected);
  }

  /** The running helper processes' ids (for operators and tests). */
  get pids(): number[] {
    return this.#slots.filter((s) => s.restart === undefined).map((s) => s.child.pid!).filter((pid) => pid !== undefined);
  }

  /** Reads one permit in the least busy process. */
  read(input: VerifyInput): Promise<PermitReading> {
    return this.#ask((id) => ({ id, input }));
  }

  /** Verifies a QR text or verify URL from the mirror, in the least busy process: the answer's JSON, or a fallback. */
  verify(qr: string): Promise<MirrorAnswer> {
    return this.#ask((id) => ({ id, verify: qr }));
  }

  /**
   * Drafts a batch of permit documents (`draftPermit` on each), results in the batch's order. A
   * large batch goes in chunks of {@link DRAFT_CHUNK}, spread over the processes: it is drafted
   * sooner, and a verification queued behind a chunk waits for a few milliseconds, not for the batch.
   */
  async draft(bodies: readonly unknown[]): Promise<DraftResult[]> {
    const chunks: (readonly unknown[])[] = [];
    for (let i = 0; i < bodies.length; i += DRAFT_CHUNK) chunks.push(bodies.slice(i, i + DRAFT_CHUNK));
    const drafted = await Promise.all(chunks.map((chunk) => this.#ask<DraftResult[]>((id) => ({ id, draft: chunk }))));
    return drafted.flat();
  }

  /**
   * From now on the processes (and those started later) serve the connections {@link handOff} gives
   * them: each answers POST /verify's common case itself and passes every other request on to the
   * service at `setup.forwardTo`. The service's thread then only accepts connections and answers
   * what is passed on.
   */
  serve(setup: ServeSetup): void {
    this.#serve = setup;
    for (const { child } of this.#slots) if (child.connected) child.send({ serve: setup } satisfies ReadRequest, () => undefined);
  }

  /**
   * Gives a newly accepted connection (paused, nothing read from it) to the next process that serves
   * connections; the service keeps its copy until the process says it took it, and serves it with
   * `serveHere` if the process stops first. False when none serves (none started yet, all
   * restarting): the caller serves it. A process that dies after taking connections takes them with
   * it; their callers connect again.
   */
  handOff(socket: Socket, serveHere: (socket: Socket) => void): boolean {
    const serving = this.#slots.filter((s) => s.serving && s.restart === undefined && s.child.connected);
    if (serving.length === 0) return false;
    const slot = serving[this.#nextConnection++ % serving.length]!;
    const id = this.#nextId++;
    slot.handedOff.set(id, { socket, serveHere });
    slot.child.send({ connection: id } satisfies ReadRequest, socket, { keepOpen: true }, (err) => {
      if (!err || !slot.handedOff.delete(id)) return;
      serveHere(socket); // its process went away while it was sent
    });
    return true;
  }

  /**
   * The verifications each running process answered on the connections it serves (by process id),
   * and those it passed on to the service (the mirror could not answer them alone), since it started.
   * `stats` counts only the verifications the service's thread handed over itself.
   */
  async served(): Promise<Map<number, ServedCounts>> {
    const running = this.#ready();
    const counts = await Promise.all(
      running.map((slot) => new Promise<ServedCounts>((resolve, reject) => this.#send(slot, (id) => ({ id, count: true }), { resolve: resolve as (r: never) => void, reject }))),
    );
    return new Map(running.map((slot, i) => [slot.child.pid!, counts[i]!]));
  }

  /** Tells every process (and those started later) how current the mirror is, or the new trust list. */
  publish(state: MirrorPublication): void {
    if (state.mirror) this.#published.mirror = state.mirror;
    if (state.trustList) this.#published.trustList = state.trustList;
    if (this.#closed) return;
    for (const { child } of this.#slots) if (child.connected) child.send({ state } satisfies ReadRequest, () => undefined);
  }

  #ask<T>(request: (id: number) => ReadRequest): Promise<T> {
    if (this.#closed) return Promise.reject(new ReadPoolError("the read pool is closed"));
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ request, resolve: resolve as (r: never) => void, reject });
      this.#pump();
    });
  }

  /** Hands queued requests, oldest first, to the least busy processes that have room. */
  #pump(): void {
    while (this.#queue.length > 0) {
      const running = this.#slots.filter((s) => s.restart === undefined && s.child.connected);
      if (running.length === 0) {
        // Between a process's stop and its replacement's start: the callers answer these themselves.
        if (this.#slots.every((s) => s.restart !== undefined)) {
          for (const waiter of this.#queue.splice(0)) waiter.reject(new ReadPoolError("no verification process is running (they stop at start; see the service's log); retry"));
        }
        return;
      }
      const slot = running.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
      if (slot.pending.size >= this.#perProcess) return;
      const { request, resolve, reject } = this.#queue.shift()!;
      this.#send(slot, request, { resolve, reject });
    }
  }

  /** Sends `request` to this process; `waiter` gets its answer, or the error if it cannot be sent. */
  #send(slot: Slot, request: (id: number) => ReadRequest, waiter: Waiter): void {
    const id = this.#nextId++;
    slot.pending.set(id, waiter);
    slot.child.channel?.ref(); // an answer is awaited
    slot.child.send(request(id), (err) => {
      if (!err || !slot.pending.delete(id)) return;
      waiter.reject(new ReadPoolError(`could not reach a verification process: ${err.message}`));
      this.#pump();
    });
  }

  /** Asks each process to exit and waits for it (killed after 5 s if it does not). */
  async close(): Promise<void> {
    this.#closed = true;
    for (const slot of this.#slots) clearTimeout(slot.restart);
    for (const waiter of this.#queue.splice(0)) waiter.reject(new ReadPoolError("the read pool is closed"));
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
