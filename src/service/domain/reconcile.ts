/**
 * Start-up reconciliation with the chain. An embedded chain restored from an older state (Anvil
 * killed before its state dump) has lost its last blocks; the store still holds what happened in
 * them. Outbox entries a stopped run had claimed are released; permits whose issuance was lost are
 * queued again (same salt, hash and signature: their QR codes stay valid); every later step that
 * was lost (endorsement, use at import, cancellation, replacement, non-compliance) is done again
 * with the same call, signed by the officer who did it. A step that cannot be done again is
 * logged with what its officer must do, and the store is left as the chain says.
 */
import type { Hex } from "viem";
import { CANCEL_REASON, NON_COMPLIANCE_REASON, permitInputOf, type PermitRecord as ChainRecord, type PermitStatus as ChainStatus, type RegistryClient } from "../../sdk/chain";
import { INDEXER_STATE, noteChainWentBack, type OfficerRecord, type PermitEvent, type PermitRecord, type PermitStatus, type Store } from "../store";
import type { OfficerAccounts } from "./accounts";
import type { ChainGateway } from "./chainGateway";
import type { IssuePayload } from "./permits";
import { fromIssueInput, toIssueInput } from "./permitDraft";

export type ReconcileDeps = {
  store: Store;
  chain: ChainGateway;
  accounts: OfficerAccounts;
  log: (line: string) => void;
  /** Brings the store's events and statuses up to the chain's head (the indexer's sync). */
  refresh: () => Promise<void>;
};

export type ReconcileOptions = {
  /** Release outbox leases at once (embedded chain: one service per DATA_DIR, so a held lease is a dead run's). */
  releaseLeases: boolean;
};

/** What reconciliation did, for the caller and tests. */
export type ReconcileResult = {
  /** Permits ISSUED above the head, without lost events, queued again. */
  requeued: number;
  /** Lost lifecycle steps (transactions) found in the store, and what became of them. */
  lost: number;
  replayed: number;
  /** Issuances of permits with lost events queued again (their later steps are to be done again). */
  issuesRequeued: number;
  /** Steps their officers must do again. */
  toRedo: number;
};


/** How each lost step is named in the log, and what its officer must do once it is not done again. */
const STEP: Record<string, { what: string; redo: (p: PermitRecord, data: Record<string, unknown>) => string }> = {
  PermitIssued: { what: "issuance", redo: () => "it is queued again" },
  ExportEndorsed: { what: "export endorsement", redo: (p) => `customs of ${p.exportingCountry} must endorse the export again` },
  ImportAccepted: { what: "acceptance at import", redo: (p) => `${p.importingCountry} must accept the import again` },
  PermitCancelled: { what: "cancellation", redo: (p, d) => `the issuer (${p.issuingCountry}) must cancel it again (reason ${CANCEL_REASON[Number(d.reason)]})` },
  PermitReplaced: { what: "replacement", redo: (p) => `the issuer (${p.issuingCountry}) must replace it again` },
  NonComplianceRecorded: { what: "notice of non-compliance", redo: (p, d) => `${p.importingCountry} must record the notice of non-compliance (${NON_COMPLIANCE_REASON[Number(d.reason)]}) again` },
};

/** Steps after which a permit is no longer valid: one whose issuance was lost with one of them is not anchored again. */
const CLOSING = new Set(["ImportAccepted", "PermitCancelled", "PermitReplaced"]);

/** The store's status for a permit the chain holds in `status`. */
const STORE_STATUS: Record<Exclude<ChainStatus, "NONE">, PermitStatus> = { ISSUED: "ISSUED", ENDORSED: "ENDORSED", USED: "USED", CANCELLED: "CANCELLED", REPLACED: "REPLACED" };

/** One lost transaction: a lifecycle step of `permitId` (a replacement also issued `replacementId`). */
type LostStep = { kind: string; permitId: Hex; event: PermitEvent; replacementId?: Hex };

/** Why a step was not done again, and whether the permit's later steps can still be. */
class NotReplayed extends Error {
  override readonly name = "NotReplayed";
}

export async function reconcile(deps: ReconcileDeps, options: ReconcileOptions): Promise<ReconcileResult> {
  const { store, chain, log } = deps;
  if (options.releaseLeases) {
    // The embedded mode has one service per DATA_DIR: a lease still held now was held by a run that
    // died (kill -9) mid-batch. Waiting for it to expire would leave those permits PENDING for
    // minutes; re-claimed entries are checked on chain first, so nothing is anchored twice.
    const held = (await store.listOutbox({ state: "QUEUED", limit: 1_000_000 })).filter((e) => e.leaseUntil !== null);
    for (const e of held) await store.requeueOutbox(e.id, "released at start: the previous run stopped during its batch");
    if (held.length) log(`reconcile: released ${held.length} outbox entr${held.length === 1 ? "y" : "ies"} a stopped run had claimed`);
  }
  const head = Number(await chain.publicClient.getBlockNumber({ cacheTime: 0 }));
  // A chain that went back is remembered (before anything changes) until this is done: a start that
  // stops half-way finds the same lost steps at the next one, as does a start after the indexer saw
  // the chain go back while the service ran and new blocks have since passed the lost heights.
  // The indexer goes on from its cursor: after a chain that went back, from the head, so that what
  // is mined from now on (the steps done again below, the issuances queued again) is recorded.
  const cursor = await store.getIndexerCursor(INDEXER_STATE.cursor);
  const lostAbove = cursor !== undefined && cursor > head ? await noteChainWentBack(store, head) : await store.getIndexerCursor(INDEXER_STATE.lostAbove);
  const bound = lostAbove !== undefined ? Math.min(lostAbove, head) : head;
  // Lost: recorded above that block, in a transaction the chain does not hold (one done again with
  // the same hash, by an earlier start, is there).
  const lostEvents = await notOnChain(chain, await store.listPermitEventsAfter(bound));
  // Officers removed here whose role the chain holds (a removal lost with the chain's last blocks,
  // or one whose chain step failed): removed again first, at every start.
  await removeOfficersAgain(deps);

  const withLostEvents = new Set(lostEvents.map((e) => e.permitId.toLowerCase()));
  const requeued = await requeueLostIssues(deps, head, withLostEvents);
  const result: ReconcileResult = { requeued, lost: 0, replayed: 0, issuesRequeued: 0, toRedo: 0 };
  if (requeued) log(`reconcile: the chain lost ${requeued} anchored permit(s); queued again`);
  if (lostEvents.length > 0) await replayLostSteps(deps, bound, lostEvents, result);
  if (lostAbove !== undefined) await store.clearIndexerCursor(INDEXER_STATE.lostAbove);
  return result;
}

/** The events whose transaction the chain does not hold (no receipt). */
async function notOnChain(chain: ChainGateway, events: readonly PermitEvent[]): Promise<PermitEvent[]> {
  const held = new Map<string, boolean>();
  for (const hash of new Set(events.map((e) => e.txHash))) {
    try {
      await chain.publicClient.getTransactionReceipt({ hash: hash as Hex });
      held.set(hash, true);
    } catch (err) {
      if ((err as Error).name !== "TransactionReceiptNotFoundError") throw err; // the chain unreachable: the start fails, the mark stays
      held.set(hash, false);
    }
  }
  return events.filter((e) => !held.get(e.txHash));
}

/**
 * Officers removed in the store whose role the chain still holds (their removal was in lost blocks,
 * or its chain step failed and was not retried): removed again, signed by their country's
 * authority admin. A removed officer must not keep signing power on chain, whatever the store says.
 * One read per removed officer, at every start: nothing depends on noticing that the chain went back.
 */
async function removeOfficersAgain(deps: ReconcileDeps): Promise<void> {
  const { store, chain, accounts, log } = deps;
  const officers = await store.listOfficers({ includeRemoved: true });
  for (const officer of officers.filter((o) => !o.active && o.role !== "ADMIN")) {
    const onChain = await chain.reader.accountOf(officer.address);
    if (!onChain.active || onChain.country !== officer.country) continue; // removed on chain too, or never there
    const admin = officers.find((o) => o.active && o.role === "ADMIN" && o.country === officer.country && o.encryptedKey !== null);
    const who = `${officer.name} (${officer.address}, ${officer.role.toLowerCase()} of ${officer.country})`;
    try {
      if (!admin) throw new Error(`the service holds no key of ${officer.country}'s authority admin`);
      const account = await accounts.account(admin);
      await chain.serialised(account, (c) => c.removeOfficer(officer.address));
      log(`reconcile: officer ${who} was removed, but the chain lost the removal; removed again, signed by ${admin.name}`);
    } catch (err) {
      log(`! reconcile: officer ${who} was removed, but the chain lost the removal and it could not be done again (${chainMessage(err)}): ${officer.country}'s authority admin must remove ${officer.address} on chain`);
    }
  }
}

/** Permits ISSUED in a block above the head that the chain does not hold (and no lost event names): queued again. */
async function requeueLostIssues(deps: ReconcileDeps, head: number, skip: ReadonlySet<string>): Promise<number> {
  const { store, chain } = deps;
  let requeued = 0;
  let cursor: string | undefined;
  do {
    const page = await store.listPermits({ status: ["ISSUED"], anchoredAfterBlock: head, limit: 500, cursor });
    for (const p of page.items) {
      if (skip.has(p.permitId.toLowerCase())) continue;
      if ((await chain.reader.permitState(p.permitId)).status !== "NONE") continue;
      await store.transaction((tx) => requeueIssue(tx, p));
      requeued++;
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return requeued;
}

/** What anchored the stored permit: its document's input with the stored hash and authorised quantities. */
async function issueInputOf(store: Store, p: PermitRecord): Promise<IssuePayload["input"]> {
  const lines = await store.getPermitLines(p.permitId);
  return toIssueInput({ ...permitInputOf(JSON.parse(p.documentJson), p.documentHash), quantities: lines.map((l) => l.authorised) });
}

/** The permit back to PENDING and its anchoring queued, as it was issued (call inside a transaction). */
async function requeueIssue(tx: Store, p: PermitRecord): Promise<void> {
  const payload: IssuePayload = { issuerOfficerId: p.issuerOfficerId!, input: await issueInputOf(tx, p) };
  await tx.updatePermitStatus(p.permitId, { status: "PENDING", txHash: null, blockNumber: null });
  await tx.enqueueOutbox({ kind: "ISSUE", permitId: p.permitId, payload: payload as never });
}

/** The lost transactions in chain order, one step each (a replacement's issuance is part of its step). */
function stepsOf(events: readonly PermitEvent[]): LostStep[] {
  const byTx = new Map<string, PermitEvent[]>();
  for (const e of events) byTx.set(e.txHash, [...(byTx.get(e.txHash) ?? []), e]);
  const steps: LostStep[] = [];
  for (const group of byTx.values()) {
    const replaced = group.find((e) => e.kind === "PermitReplaced");
    if (replaced) {
      steps.push({ kind: replaced.kind, permitId: replaced.permitId, event: replaced, replacementId: (replaced.data as { replacementId: Hex }).replacementId });
      continue;
    }
    // Using an Appendix-I export also uses its import permit, in the same transaction: one step, the
    // export permit's use (its event comes last); doing both again would refuse the second.
    const uses = group.filter((e) => e.kind === "ImportAccepted");
    const use = uses.reduce<PermitEvent | undefined>((last, e) => (!last || e.logIndex > last.logIndex ? e : last), undefined);
    for (const e of group) {
      if (e.kind === "PermitLinked" || (e.kind === "ImportAccepted" && e !== use)) continue;
      steps.push({ kind: e.kind, permitId: e.permitId, event: e });
    }
  }
  return steps;
}

async function replayLostSteps(deps: ReconcileDeps, head: number, lostEvents: readonly PermitEvent[], result: ReconcileResult): Promise<void> {
  const { store, chain, log } = deps;
  const steps = stepsOf(lostEvents);
  result.lost = steps.length;
  const replacements = new Set(steps.flatMap((s) => (s.replacementId ? [s.replacementId.toLowerCase()] : [])));
  const requestId = `reconcile-${new Date().toISOString()}`;
  const permits = new Map<string, PermitRecord>();
  /** Permits whose later lost steps can no longer be done again, and why. */
  const blocked = new Map<string, string>();

  // 1. The store forgets the lost events and follows the chain: a permit the chain no longer has is
  //    queued again (a replacement waits for its replacement step), any other takes the chain's status.
  for (const permitId of new Set(lostEvents.map((e) => e.permitId))) {
    const permit = await store.getPermit(permitId);
    const { status } = await chain.reader.permitState(permitId);
    const record = status === "NONE" ? undefined : await chain.reader.readRecord(permitId); // asked before the store is locked
    await store.transaction(async (tx) => {
      if (!permit) return;
      permits.set(permitId.toLowerCase(), permit);
      if (status !== "NONE") return followChain(tx, permit, status, record);
      if (replacements.has(permitId.toLowerCase())) return;
      const closing = steps.find((s) => s.permitId.toLowerCase() === permitId.toLowerCase() && CLOSING.has(s.kind));
      if (closing) {
        // Anchored again, it would verify VALID until someone did the closing step again: a permit
        // cancelled as stolen, or an import permit already used, must not come back valid.
        const what = STEP[closing.kind]!.what;
        const reason = `the chain lost its issuance and its ${what} with its last blocks; it is not anchored again, so that it does not come back valid. Issue it again only if it should exist`;
        await tx.updatePermitStatus(permitId, { status: "FAILED", failureReason: reason });
        await forgetEndorsement(tx, permit);
        blocked.set(permitId.toLowerCase(), `its issuance and its ${what} were lost; it is FAILED, not anchored again`);
        log(`! reconcile: permit ${describe(permit)}: ${reason}.`);
        return;
      }
      if (permit.status !== "PENDING") await requeueIssue(tx, permit); // PENDING: queued again by a start that stopped half-way
      await forgetEndorsement(tx, permit);
      result.issuesRequeued++;
      blocked.set(permitId.toLowerCase(), "its issuance was lost too and is queued again; do it once the permit is ISSUED");
      const later = steps.filter((s) => s.permitId.toLowerCase() === permitId.toLowerCase() && s.kind !== "PermitIssued").map((s) => STEP[s.kind]?.what ?? s.kind);
      log(
        `! reconcile: permit ${describe(permit)}: the chain lost its issuance; queued again with the same signature (its QR code stays valid)` +
          (later.length ? `. Its later steps (${later.join(", ")}) were lost too and must be done again once it is ISSUED` : ""),
      );
    });
  }

  // 2. Each lost step again, in chain order, signed by the officer who did it.
  for (const step of steps) {
    const permit = permits.get(step.permitId.toLowerCase());
    if (!permit || step.kind === "PermitIssued") continue;
    const data = step.event.data as Record<string, unknown>;
    const { what, redo } = STEP[step.kind] ?? { what: step.kind, redo: () => "its officer must do it again" };
    const officer = step.event.officerAddress ? await store.findOfficerByAddress(step.event.officerAddress) : undefined;
    const by = officer ? `${officer.name} (${officer.address})` : (step.event.officerAddress ?? "an unknown officer");
    let outcome: { txHash: Hex } | NotReplayed;
    try {
      const why = blocked.get(step.permitId.toLowerCase());
      if (why) throw new NotReplayed(`an earlier step of the permit was not done again (${why})`);
      outcome = await replay(deps, step, permit, officer, permits);
    } catch (err) {
      outcome = err instanceof NotReplayed ? err : new NotReplayed(chainMessage(err));
    }
    if (outcome instanceof NotReplayed) {
      result.toRedo++;
      blocked.set(step.permitId.toLowerCase(), `its ${what} was lost`);
      const replacement = step.replacementId ? await failReplacement(store, step, permit, outcome.message) : "";
      if (step.replacementId) blocked.set(step.replacementId.toLowerCase(), "its replacement step could not be made again; it is FAILED");
      log(`! reconcile: permit ${describe(permit)}: its ${what} by ${by} (transaction ${step.event.txHash}, block ${step.event.blockNumber}) was lost with the chain's last blocks and could not be done again: ${outcome.message}. ${capitalise(redo(permit, data))}.${replacement}`);
    } else {
      result.replayed++;
      log(`reconcile: permit ${describe(permit)}: its lost ${what} was done again, signed by ${by} (transaction ${outcome.txHash})`);
    }
    await store
      .appendAudit({
        requestId,
        officerId: officer?.id ?? null,
        role: officer?.role ?? null,
        country: officer?.country ?? step.event.country,
        action: `RECONCILE ${step.kind}`,
        permitId: step.permitId,
        result: outcome instanceof NotReplayed ? 409 : 200,
        txHash: outcome instanceof NotReplayed ? null : outcome.txHash,
        detail: { lostTxHash: step.event.txHash, lostBlock: step.event.blockNumber, replayed: !(outcome instanceof NotReplayed), ...(outcome instanceof NotReplayed ? { reason: outcome.message } : {}) },
      })
      .catch((err) => log(`! reconcile: could not record the audit entry of ${step.permitId}: ${(err as Error).message}`));
  }

  // 3. The store forgets the lost events (only now: a start that stops before this finds them again),
  //    records the replayed ones, and every affected permit becomes as the chain says.
  for (const permitId of new Set(lostEvents.map((e) => e.permitId))) {
    await store.deletePermitEvents(permitId, [...new Set(lostEvents.filter((e) => e.permitId === permitId).map((e) => e.txHash))]);
  }
  await deps.refresh().catch((err) => log(`! reconcile: the store could not be refreshed from the chain yet (${(err as Error).message}); the indexer catches up`));
  for (const permit of permits.values()) {
    const { status } = await chain.reader.permitState(permit.permitId);
    if (status === "NONE") continue; // queued again, or a replacement that FAILED
    const record = await chain.reader.readRecord(permit.permitId);
    await store.transaction((tx) => followChain(tx, permit, status, record, true));
  }
  log(
    `reconcile: the chain lost ${result.lost} lifecycle step(s) of ${permits.size} permit(s) in blocks above ${head}: ` +
      `${result.replayed} done again, ${result.issuesRequeued} issuance(s) queued again, ${result.toRedo} to be done again by their officers (see above)`,
  );
}

/** Does `step` again with the same call, signed by `officer`; a NotReplayed when it cannot be done. */
async function replay(deps: ReconcileDeps, step: LostStep, permit: PermitRecord, officer: OfficerRecord | undefined, permits: ReadonlyMap<string, PermitRecord>): Promise<{ txHash: Hex }> {
  const { store, chain, accounts } = deps;
  if (!officer) throw new NotReplayed(`the service does not know the signer ${step.event.officerAddress ?? "(none recorded)"}`);
  if (!officer.active) throw new NotReplayed(`officer ${officer.name} was removed on ${officer.removedAt ?? "an earlier day"}`);
  if (!officer.encryptedKey) throw new NotReplayed(`officer ${officer.name} signs with an external key, which the service does not hold`);
  const account = await accounts.account(officer);
  const data = step.event.data as Record<string, unknown>;
  const write = <T>(fn: (c: RegistryClient) => Promise<T>) => chain.serialised(account, fn);
  switch (step.kind) {
    case "ExportEndorsed": {
      const record = await chain.reader.readRecord(permit.permitId);
      if (!record) throw new NotReplayed("the chain does not hold the permit");
      return write((c) => c.endorseExport(record, (data.exported as string[]).map(BigInt)));
    }
    case "ImportAccepted":
      return write((c) => c.use(permit.permitId));
    case "PermitCancelled":
      return write((c) => c.cancel(permit.permitId, CANCEL_REASON[Number(data.reason)] as never));
    case "NonComplianceRecorded":
      return write((c) => c.recordNonCompliance(permit.permitId, NON_COMPLIANCE_REASON[Number(data.reason)] as never));
    case "PermitReplaced": {
      const replacement = permits.get(step.replacementId!.toLowerCase()) ?? (await store.getPermit(step.replacementId!));
      if (!replacement) throw new NotReplayed(`the store does not hold the replacement ${step.replacementId}`);
      const state = await chain.reader.permitState(replacement.permitId);
      if (state.status !== "NONE") throw new NotReplayed(`the chain already holds the replacement ${replacement.permitNumber} (${state.status.toLowerCase()})`);
      const input = await issueInputOf(store, replacement);
      const done = await write((c) => c.replace(permit.permitId, fromIssueInput(input)));
      await store.updatePermitStatus(replacement.permitId, { status: "ISSUED", failureReason: null, txHash: done.txHash, blockNumber: Number(done.blockNumber) });
      return done;
    }
    default:
      throw new NotReplayed(`the service does not know how to do a ${step.kind} again`);
  }
}

/** A lost replacement that could not be made again: FAILED (never a plain issue: the old permit would stay valid). */
async function failReplacement(store: Store, step: LostStep, old: PermitRecord, why: string): Promise<string> {
  const reason = `The replacement of ${old.permitNumber} was lost with the chain's last blocks and could not be made again (${why}). The issuer must replace ${old.permitNumber} again with this document.`;
  const replacement = await store.getPermit(step.replacementId!);
  if (!replacement) return "";
  await store.transaction(async (tx) => {
    await tx.updatePermitStatus(replacement.permitId, { status: "FAILED", failureReason: reason, txHash: null, blockNumber: null });
    await forgetEndorsement(tx, replacement);
  });
  return ` Its replacement ${describe(replacement)} is FAILED.`;
}

/**
 * The store's status and exported quantities as the chain holds the permit; with `final`, box 14
 * too (kept until then: an endorsement done again keeps the transport document and port given with it).
 */
async function followChain(tx: Store, permit: PermitRecord, status: Exclude<ChainStatus, "NONE">, record: ChainRecord | undefined, final = false): Promise<void> {
  await tx.updatePermitStatus(permit.permitId, { status: STORE_STATUS[status] });
  const lines = await tx.getPermitLines(permit.permitId);
  for (const [i, l] of lines.entries()) await tx.setLineExported(permit.permitId, l.line, record?.exported[i] ?? 0n);
  // Box 14 came with an endorsement the chain no longer has: customs give it again when they endorse again.
  if (final && !record?.exported.length && (permit.exportTransportDocument || permit.exportPort)) await tx.setExportShipment(permit.permitId, { transportDocument: null, port: null });
}

/** A permit the chain does not hold has no endorsement: no exported quantities, no box 14. */
async function forgetEndorsement(tx: Store, permit: PermitRecord): Promise<void> {
  for (const l of await tx.getPermitLines(permit.permitId)) if (l.exported !== 0n) await tx.setLineExported(permit.permitId, l.line, 0n);
  if (permit.exportTransportDocument || permit.exportPort) await tx.setExportShipment(permit.permitId, { transportDocument: null, port: null });
}

const describe = (p: PermitRecord) => `${p.permitNumber} (${p.permitId})`;
const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const chainMessage = (err: unknown) => ((err as { shortMessage?: string }).shortMessage ?? (err as Error).message ?? String(err)).split("\n")[0]!.replace(/\.$/, "");
