/**
 * Keeps the store's view of the chain: every registry event becomes a permit event (the
 * lifecycle history), and statuses and exported quantities follow. Resumable from the last
 * block it finished; idempotent per (transaction, log index).
 */
import { type Hex, type Log } from "viem";
import { parseRegistryLogs, unpackTerms } from "../../sdk/chain";
import { bytes2ToCountry } from "../../sdk/ids";
import type { ChainGateway } from "../domain/chainGateway";
import type { MirrorState } from "../domain/verifyReader";
import { repeatedFailures } from "../repeatedFailures";
import { INDEXER_STATE, noteChainWentBack, type JsonValue, type PermitStatus, type Store } from "../store";

const CURSOR = INDEXER_STATE.cursor;
const STATUS_AFTER: Record<string, { status: PermitStatus; from: PermitStatus[] }> = {
  PermitIssued: { status: "ISSUED", from: ["PENDING", "FAILED"] },
  ExportEndorsed: { status: "ENDORSED", from: ["PENDING", "ISSUED"] },
  ImportAccepted: { status: "USED", from: ["PENDING", "ISSUED", "ENDORSED"] },
  PermitCancelled: { status: "CANCELLED", from: ["PENDING", "ISSUED", "ENDORSED"] },
  PermitReplaced: { status: "REPLACED", from: ["PENDING", "ISSUED", "ENDORSED"] },
};

/** An event's arguments as JSON values: bigints as decimal strings (arguments are numbers, strings, booleans, arrays and plain objects). */
function jsonSafe(v: unknown): JsonValue {
  if (typeof v === "bigint") return v.toString();
  if (Array.isArray(v)) return v.map(jsonSafe);
  if (v !== null && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, jsonSafe(x)]));
  return v as JsonValue;
}

export type IndexerOptions = {
  store: Store;
  chain: ChainGateway;
  intervalMs: number;
  maxBlocksPerQuery?: number;
  /**
   * Blocks a transaction needs, counting its own, before its events are recorded (`CONFIRMATIONS`,
   * default 1: at the head). On a chain whose last blocks can still be replaced (Clique with several
   * signers) the store then never records an event that a reorganisation takes back.
   */
  confirmations?: number;
  log?: (msg: string) => void;
  /** After every sync, finished or failed: how current the mirror now is (the read pool's processes are told). */
  onSync?: (mirror: MirrorState) => void;
};

export class Indexer {
  #timer?: NodeJS.Timeout;
  #running: Promise<unknown> = Promise.resolve();
  #stopped = false;
  lastBlock?: bigint;
  lastBlockTime?: bigint;
  /** When the last sync finished (ms since epoch), and whether the latest attempt failed: how current the mirror is. */
  lastSyncedAt?: number;
  lastSyncFailed = false;

  constructor(private readonly o: IndexerOptions) {}

  start(): void {
    const failures = repeatedFailures("indexer", this.o.log);
    const tick = async () => {
      if (this.#stopped) return;
      await this.syncNow().then(failures.succeeded, failures.failed);
      if (!this.#stopped) this.#timer = setTimeout(tick, this.o.intervalMs);
    };
    this.#timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running.catch(() => undefined);
  }

  /** Indexes up to the current head (one run at a time). */
  syncNow(): Promise<void> {
    this.#running = this.#running
      .catch(() => undefined)
      .then(() => this.#sync())
      .then(
        () => {
          this.lastSyncFailed = false;
          this.lastSyncedAt = Date.now();
          this.#publish();
        },
        (err) => {
          this.lastSyncFailed = true;
          this.#publish();
          throw err;
        },
      );
    return this.#running as Promise<void>;
  }

  #publish(): void {
    const { lastBlock, lastBlockTime, lastSyncedAt, lastSyncFailed } = this;
    this.o.onSync?.({ lastBlock, lastBlockTime, lastSyncedAt, lastSyncFailed });
  }

  async #sync(): Promise<void> {
    const { store, chain } = this.o;
    // Uncached: right after a synchronous step the new block must be seen, not the one viem cached.
    const head = await chain.publicClient.getBlockNumber({ cacheTime: 0 });
    const cursor = await store.getIndexerCursor(CURSOR);
    let from = cursor === undefined ? BigInt(chain.deployment.registry.blockNumber) : BigInt(cursor) + 1n;
    // The chain went back (an embedded chain restored from an older state): index again from its
    // head, and remember that, or blocks mined up to the old cursor would never be read. What the
    // store holds of the lost blocks is set right at the next start (domain/reconcile.ts).
    if (cursor !== undefined && BigInt(cursor) > head) {
      from = head + 1n;
      // Marked for the next start's reconciliation: new blocks will soon pass the lost heights.
      await noteChainWentBack(store, Number(head));
      this.o.log?.(`indexer: the chain went back from block ${cursor} to ${head}; restart the service to reconcile the steps of the lost blocks`);
    }
    // Up to the last block with enough confirmations: with CONFIRMATIONS=2 on Clique, the head block,
    // which a reorganisation can still replace, is read at the next sync.
    const confirmed = head - BigInt(Math.max(1, this.o.confirmations ?? 1) - 1);
    const step = BigInt(this.o.maxBlocksPerQuery ?? 2_000);
    while (from <= confirmed) {
      const to = from + step - 1n < confirmed ? from + step - 1n : confirmed;
      const logs = (await chain.publicClient.getLogs({ address: chain.deployment.registry.address, fromBlock: from, toBlock: to })) as Log[];
      await this.#apply(logs);
      await store.setIndexerCursor(CURSOR, Number(to));
      from = to + 1n;
    }
    // The store now holds every event up to here (on a first run with nothing confirmed yet, up to
    // the block before the registry's: there is nothing of it to hold before).
    const recorded = from - 1n;
    if (recorded < 0n) return;
    this.lastBlockTime = (await chain.publicClient.getBlock({ blockNumber: recorded })).timestamp;
    this.lastBlock = recorded;
  }

  async #apply(logs: Log[]): Promise<void> {
    if (logs.length === 0) return;
    const { store, chain } = this.o;
    const events = parseRegistryLogs({ logs }).filter((log) => (log.args as Record<string, unknown>).permitId !== undefined); // membership events: the officers table is the service's own record
    if (events.length === 0) return;
    // Block times first (network), then every event in one transaction: a batch of hundreds of
    // permits is one commit, and the store is never locked while the chain is asked.
    const times = new Map<bigint, string>();
    await Promise.all(
      [...new Set(events.map((log) => log.blockNumber))].map(async (blockNumber) => {
        times.set(blockNumber, new Date(Number((await chain.publicClient.getBlock({ blockNumber })).timestamp) * 1000).toISOString());
      }),
    );
    await store.transaction(async (tx) => {
      for (const log of events) {
        const args = log.args as Record<string, unknown>;
        const permitId = args.permitId as Hex;
        const country = countryOf(log.eventName, args);
        const { permitId: _p, officer, ...data } = args;
        const fresh = await tx.appendPermitEvent({
          permitId,
          kind: log.eventName,
          officerAddress: (officer as Hex | undefined) ?? null,
          country,
          txHash: log.transactionHash,
          blockNumber: Number(log.blockNumber),
          blockTime: times.get(log.blockNumber)!,
          logIndex: log.logIndex,
          data: jsonSafe(data),
        });
        const current = fresh ? await tx.getPermitStatus(permitId) : undefined;
        if (!current) continue;
        const next = STATUS_AFTER[log.eventName];
        // A status already further along stays (events are applied in order).
        if (next && next.from.includes(current)) {
          await tx.updatePermitStatus(permitId, { status: next.status, ...(log.eventName === "PermitIssued" ? { txHash: log.transactionHash, blockNumber: Number(log.blockNumber) } : {}) }, next.from);
        }
        if (log.eventName === "PermitReplaced" && typeof args.replacementId === "string") await tx.setPermitReplaces(args.replacementId.toLowerCase(), permitId);
        if (log.eventName === "ExportEndorsed") {
          const lines = await tx.getPermitLines(permitId);
          const exported = args.exported as bigint[];
          for (let i = 0; i < lines.length; i++) await tx.setLineExported(permitId, lines[i].line, exported[i] ?? 0n);
        }
      }
    });
  }
}

function countryOf(event: string, args: Record<string, unknown>): string | null {
  const code = (args.issuingCountry ?? args.exportingCountry ?? args.importingCountry) as Hex | undefined;
  if (event === "PermitIssued") return unpackTerms(args.terms as bigint).documentType === "CITES_IMPORT_PERMIT" ? unpackTerms(args.terms as bigint).importingCountry : unpackTerms(args.terms as bigint).exportingCountry;
  if (event === "ImportAccepted" || event === "NonComplianceRecorded") return args.importingCountry ? bytes2ToCountry(args.importingCountry as Hex) : null;
  return code ? bytes2ToCountry(code) : null;
}
