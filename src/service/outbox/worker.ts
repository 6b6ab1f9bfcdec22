/**
 * The durable outbox: permits accepted with 201 are anchored in batches, each batch one
 * transaction signed by the issuing officer. Anchoring is exactly once because the contract
 * refuses a second permit with the same number: after a crash, a resent permit that the chain
 * already holds with our document hash counts as anchored.
 */
import type { Hex } from "viem";
import { ChainUnreachableError, RegistryRevertError } from "../../sdk/chain";
import type { OfficerAccounts } from "../domain/accounts";
import type { ChainGateway } from "../domain/chainGateway";
import type { IssuePayload } from "../domain/permits";
import { fromIssueInput } from "../domain/permitDraft";
import type { OutboxEntry, Store } from "../store";
import { repeatedFailures } from "../repeatedFailures";

/** Re-claimed entries checked on chain at once (two reads each). */
const ON_CHAIN_READS = 16;

/** What the chain holds under an entry's permit id. */
type OnChain = { kind: "none" } | { kind: "other" } | { kind: "ours"; txHash: Hex; blockNumber: bigint };

export type OutboxWorkerOptions = {
  store: Store;
  chain: ChainGateway;
  accounts: OfficerAccounts;
  /** Permits per claim (several transactions of `chunkSize` if larger). */
  batchSize: number;
  /** Permits per transaction, under the per-transaction gas cap. */
  chunkSize?: number;
  intervalMs: number;
  leaseMs?: number;
  log?: (msg: string) => void;
  /**
   * Called once a batch is mined, before its permits are marked: the indexer records the events
   * (and marks the permits ISSUED), so an ISSUED permit always shows its PermitIssued history.
   * When it resolves, the outbox leaves the permits' status to it; when it fails, the outbox marks them.
   */
  onMined?: () => Promise<void>;
};


export class OutboxWorker {
  #timer?: NodeJS.Timeout;
  #running?: Promise<void>;
  #stopped = false;
  /** Set while the chain is unreachable: the worker backs off instead of spinning. */
  chainUnreachableSince?: Date;

  constructor(private readonly o: OutboxWorkerOptions) {}

  start(): void {
    this.#stopped = false; // started again after a stop (an operator's pause, a test)
    const failures = repeatedFailures("outbox", this.o.log);
    const tick = async () => {
      if (this.#stopped) return;
      let busy = false;
      this.#running = this.runOnce().then((anchored) => {
        busy = anchored > 0;
        // A run that found the chain unreachable re-queued its entries and returned; one that had
        // nothing to send proves nothing: only an anchored batch says the outbox works again.
        if (this.chainUnreachableSince) failures.failed(new Error(`the chain cannot be reached (since ${this.chainUnreachableSince.toISOString()}); the queued permits are sent once it answers`));
        else if (anchored > 0) failures.succeeded();
      }, failures.failed);
      await this.#running;
      // After a run that anchored something, look again at once: a backlog drains back to back,
      // and the interval only paces an idle (or unreachable) queue.
      const wait = this.chainUnreachableSince ? Math.max(this.o.intervalMs, 1000) : busy ? 0 : this.o.intervalMs;
      if (!this.#stopped) this.#timer = setTimeout(tick, wait);
    };
    this.#timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }

  /** Claims queued entries and anchors them; returns how many permits were anchored. */
  async runOnce(): Promise<number> {
    const entries = await this.o.store.claimOutboxBatch({ limit: this.o.batchSize, leaseMs: this.o.leaseMs ?? 120_000 });
    if (entries.length === 0) return 0;
    const byIssuer = new Map<string, OutboxEntry[]>();
    for (const e of entries) {
      const issuer = (e.payload as unknown as IssuePayload).issuerOfficerId;
      byIssuer.set(issuer, [...(byIssuer.get(issuer) ?? []), e]);
    }
    let anchored = 0;
    for (const [issuerId, group] of byIssuer) anchored += await this.#anchorGroup(issuerId, group);
    return anchored;
  }

  async #anchorGroup(issuerId: string, entries: OutboxEntry[]): Promise<number> {
    const { store, chain, accounts } = this.o;
    const officer = await store.getOfficer(issuerId);
    if (!officer) {
      for (const e of entries) await this.#fail(e, "the issuing officer no longer exists");
      return 0;
    }
    // Entries claimed before (a crash, a lost transaction) may already be on chain: asked of the
    // chain ON_CHAIN_READS at a time (a batch requeued after a lost transaction is hundreds).
    const retried = entries.filter((e) => e.attempts > 1);
    const found = new Map<OutboxEntry, OnChain>();
    for (let i = 0; i < retried.length; i += ON_CHAIN_READS) {
      const chunk = retried.slice(i, i + ON_CHAIN_READS);
      (await Promise.all(chunk.map((e) => this.#onChain(e)))).forEach((f, j) => found.set(chunk[j]!, f));
    }
    const fresh: OutboxEntry[] = [];
    for (const e of entries) {
      const onChain = found.get(e);
      if (onChain && onChain.kind !== "none") {
        await this.#record(e, onChain); // anchored before, or failed: another document holds the number
        continue;
      }
      fresh.push(e);
    }
    if (fresh.length === 0) return 0;
    // Removed before these were sent: the chain would refuse them (the role is revoked, or about to be).
    if (!officer.active) {
      const reason = `its issuer (${officer.name}, officer ${officer.id}) was removed before it was anchored; issue it again with an active issuer`;
      for (const e of fresh) await this.#fail(e, reason);
      return 0;
    }
    const account = await accounts.account(officer);
    try {
      const results = await chain.serialised(account, (c) =>
        c.issueBatch(fresh.map((e) => fromIssueInput((e.payload as unknown as IssuePayload).input)), { chunkSize: this.o.chunkSize ?? 200 }),
      );
      this.chainUnreachableSince = undefined;
      const indexed = this.o.onMined
        ? await this.o.onMined().then(() => true, (err) => (this.o.log?.(`outbox: indexing the batch: ${(err as Error).message}`), false))
        : false;
      const txOf = new Map<string, { txHash: Hex; blockNumber: bigint }>();
      for (const r of results) for (const id of r.permitIds) txOf.set(id.toLowerCase(), r);
      // One store transaction for the whole group.
      await store.transaction(async (tx) => {
        for (const e of fresh) {
          const mined = txOf.get(String(e.permitId).toLowerCase());
          if (mined) await this.#anchoredIn(e, mined.txHash, mined.blockNumber, tx, { statusSet: indexed });
        }
      });
      return fresh.length;
    } catch (err) {
      if (err instanceof ChainUnreachableError) {
        this.chainUnreachableSince ??= new Date();
        for (const e of fresh) await store.requeueOutbox(e.id, "the chain is unreachable; will retry");
        return 0;
      }
      if (err instanceof RegistryRevertError && fresh.length > 1) return this.#oneByOne(account, fresh);
      if (err instanceof RegistryRevertError) {
        if (await this.#alreadyAnchored(fresh[0])) return 1;
        await this.#fail(fresh[0], err.shortMessage);
        return 0;
      }
      for (const e of fresh) await store.requeueOutbox(e.id, (err as Error).message);
      throw err;
    }
  }

  /** A batch was refused: anchor each permit alone, so one bad permit fails alone. */
  async #oneByOne(account: Awaited<ReturnType<OfficerAccounts["account"]>>, entries: OutboxEntry[]): Promise<number> {
    let anchored = 0;
    for (const e of entries) {
      try {
        const r = await this.o.chain.serialised(account, (c) => c.issue(fromIssueInput((e.payload as unknown as IssuePayload).input)));
        await this.#anchoredIn(e, r.txHash, r.blockNumber);
        anchored++;
      } catch (err) {
        if (err instanceof ChainUnreachableError) {
          await this.o.store.requeueOutbox(e.id, "the chain is unreachable; will retry");
        } else if (err instanceof RegistryRevertError) {
          if (await this.#alreadyAnchored(e)) anchored++;
          else await this.#fail(e, err.shortMessage);
        } else {
          await this.o.store.requeueOutbox(e.id, (err as Error).message);
        }
      }
    }
    return anchored;
  }

  /** True (and recorded) when the chain already holds this permit with our document hash. */
  async #alreadyAnchored(e: OutboxEntry): Promise<boolean> {
    return this.#record(e, await this.#onChain(e));
  }

  /** What the chain holds under the entry's permit id: nothing, this document (where), or another one. */
  async #onChain(e: OutboxEntry): Promise<OnChain> {
    const permitId = e.permitId as Hex;
    const payload = e.payload as unknown as IssuePayload;
    const state = await this.o.chain.reader.permitState(permitId);
    if (state.status === "NONE") return { kind: "none" };
    const history = await this.o.chain.reader.history(permitId);
    const issued = history.find((h) => h.event === "PermitIssued");
    if (!issued || String(issued.details.documentHash).toLowerCase() !== payload.input.documentHash.toLowerCase()) return { kind: "other" };
    return { kind: "ours", txHash: issued.txHash, blockNumber: issued.blockNumber };
  }

  /** Records what {@link #onChain} found; true when the entry is anchored (nothing left to send). */
  async #record(e: OutboxEntry, found: OnChain): Promise<boolean> {
    if (found.kind === "none") return false;
    if (found.kind === "other") {
      await this.#fail(e, "another permit with this number is already anchored on chain");
      return false;
    }
    await this.#anchoredIn(e, found.txHash, found.blockNumber);
    return true;
  }

  /** Records an entry anchored; and its permit ISSUED, unless the indexer has (`statusSet`). */
  async #anchoredIn(e: OutboxEntry, txHash: Hex, blockNumber: bigint, within?: Store, options: { statusSet?: boolean } = {}): Promise<void> {
    const store = within ?? this.o.store;
    await store.transaction(async (tx) => {
      await tx.markOutboxMined(e.id, { txHash });
      if (e.permitId && !options.statusSet) await tx.updatePermitStatus(e.permitId, { status: "ISSUED", txHash, blockNumber: Number(blockNumber) }, ["PENDING"]).catch(() => undefined);
    });
  }

  async #fail(e: OutboxEntry, reason: string): Promise<void> {
    const { store } = this.o;
    await store.transaction(async (tx) => {
      await tx.markOutboxFailed(e.id, reason);
      if (e.permitId) await tx.updatePermitStatus(e.permitId, { status: "FAILED", failureReason: reason }, ["PENDING"]).catch(() => undefined);
    });
  }
}
