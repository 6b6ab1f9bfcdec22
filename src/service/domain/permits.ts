/**
 * The permit lifecycle as the service runs it. Issuing is accepted into the durable outbox (the
 * permit is PENDING until its batch is mined); every later step is one transaction signed by the
 * officer who does it. Role and country are checked here for a friendly answer, and again by the
 * contract, which is the authority.
 */
import type { Hex } from "viem";
import { InvalidPermitDocumentError, toFixedPoint, type ValidationIssue } from "../../sdk/document";
import { encodeQrPayload, QrPayloadTooLargeError, qrVersionFor, signPermitAnchor, toVerifyUrl } from "../../sdk/qr";
import {
  decodeRegistryError,
  endOfDayUtc,
  ZERO_HASH,
  type CancelReason,
  type NonComplianceReason,
  type PermitRecord as ChainRecord,
} from "../../sdk/chain";
import { ChainUnreachableError } from "../../sdk/chain/errors";
import { ConflictError, ForbiddenError, InvalidRequestError, NotFoundError } from "../http/errors";
import { DuplicatePermitError, type JsonValue, type NewPermit, type OfficerRecord, type PermitRecord, type Store } from "../store";
import type { OfficerAccounts } from "./accounts";
import type { ChainGateway } from "./chainGateway";
import { recordIssuedCode } from "./issuedCodes";
import { draftPermit, fromIssueInput, type DraftResult, type IssueInput, type PermitDraft } from "./permitDraft";
import { permitView, type PermitView } from "./views";

/** The QR holds the full document up to this version (ECC M); larger permits get a reference QR. */
export const MAX_FULL_QR_VERSION = 25;

export type PermitServiceOptions = {
  store: Store;
  chain: ChainGateway;
  accounts: OfficerAccounts;
  publicBaseUrl: string;
  /**
   * Drafts a batch's documents elsewhere (the helper processes), `draftPermit` on each; the
   * service signs and stores them. Where it fails, the service drafts them itself.
   */
  draftMany?: (bodies: readonly unknown[]) => Promise<DraftResult[]>;
};

/** The stored parts of a permit the outbox needs to anchor it. */
export type IssuePayload = { issuerOfficerId: string; input: IssueInput };

/** Batches at least this large are drafted by `draftMany` (a smaller one is not worth the round trip). */
const DRAFT_ELSEWHERE_FROM = 8;


export class PermitService {
  constructor(private readonly deps: PermitServiceOptions) {}

  /** Validates, signs and queues a permit for anchoring; answers at once with status PENDING. */
  async issue(officer: OfficerRecord, body: unknown): Promise<PermitView> {
    requireRole(officer, "ISSUER", "issue permits");
    const prepared = await this.prepareIssue(officer, draftPermit(documentBody(body)));
    const { store } = this.deps;
    await store.transaction((tx) => this.#queue(tx, prepared));
    return this.view(prepared.permit.permitId);
  }

  /**
   * The batch form of {@link issue}: each document is validated and signed on its own (a bad one
   * is reported at its index and does not stop the others), and the good ones are stored and
   * queued in one transaction — what lets a clerk's batch of hundreds be accepted in one go.
   * If that transaction fails (say a concurrent request took one of the numbers), each permit is
   * stored on its own instead, so every result is still exact.
   */
  async issueMany(officer: OfficerRecord, bodies: readonly unknown[]): Promise<({ ok: true; view: PermitView } | { ok: false; error: unknown })[]> {
    const results: ({ ok: true; view: PermitView } | { ok: false; error: unknown })[] = new Array(bodies.length);
    const prepared: { index: number; permit: Awaited<ReturnType<PermitService["prepareIssue"]>> }[] = [];
    const numbers = new Map<string, number>();
    requireRole(officer, "ISSUER", "issue permits"); // the whole request, as for one permit: a 403, not a 207 of 403s
    const drafts = await this.#draftAll(bodies);
    for (const [index, draft] of drafts.entries()) {
      try {
        const permit = await this.prepareIssue(officer, draft);
        const key = `${permit.permit.issuingCountry}/${permit.permit.permitNumber}`;
        const first = numbers.get(key);
        if (first !== undefined) throw new ConflictError(`Permit number ${permit.permit.permitNumber} is given twice in this batch (also at index ${first}); each permit needs its own number.`);
        numbers.set(key, index);
        prepared.push({ index, permit });
      } catch (error) {
        results[index] = { ok: false, error };
      }
    }
    const { store, publicBaseUrl } = this.deps;
    const viewOf = (record: PermitRecord, permit: (typeof prepared)[number]["permit"]) =>
      permitView(record, permit.permit.lines.map((l) => ({ ...l, exported: 0n })), [], publicBaseUrl);
    try {
      const records = await store.transaction(async (tx) => {
        const out: PermitRecord[] = [];
        for (const { permit } of prepared) out.push(await this.#queue(tx, permit));
        return out;
      });
      records.forEach((record, k) => (results[prepared[k].index] = { ok: true, view: viewOf(record, prepared[k].permit) }));
    } catch {
      for (const { index, permit } of prepared) {
        try {
          const record = await store.transaction((tx) => this.#queue(tx, permit));
          results[index] = { ok: true, view: viewOf(record, permit) };
        } catch (error) {
          results[index] = { ok: false, error };
        }
      }
    }
    return results;
  }

  /** Checks role, document and country, and signs: everything of issuing but storing. */
  private async prepareIssue(officer: OfficerRecord, drafted: DraftResult) {
    requireRole(officer, "ISSUER", "issue permits");
    const draft = this.#drafted(drafted);
    this.#requireOwnCountry(officer, draft.permit.issuingCountry, "issue permits of");
    await this.#requireUsableImportPermit(draft);
    return this.#prepare(officer, draft);
  }

  /**
   * A permit naming an import permit (an Appendix-I export) is refused at once (422) when the chain
   * says that import permit cannot be relied on — not anchored and not waiting in this service's
   * outbox, not an import permit for this trade, or no longer usable — rather than accepted and
   * then FAILED by the chain. Without the chain the check is left to the chain (issuing works
   * while the chain is down).
   */
  async #requireUsableImportPermit(draft: PermitDraft): Promise<void> {
    const importPermitId = draft.input.importPermitId;
    if (importPermitId === ZERO_HASH) return;
    const named = (JSON.parse(draft.permit.documentJson) as { importPermit?: { country: string; number: string } }).importPermit;
    const label = named ? `${named.country} ${named.number}` : importPermitId;
    let state: Awaited<ReturnType<ChainGateway["reader"]["permitState"]>>;
    try {
      state = await this.deps.chain.verifyReader.permitState(importPermitId);
    } catch (err) {
      if (decodeRegistryError(err) instanceof ChainUnreachableError) return;
      throw err;
    }
    const refuse = (rule: string, message: string) => {
      throw new InvalidPermitDocumentError([{ path: "importPermit", rule, message } as unknown as ValidationIssue]);
    };
    if (state.status === "NONE") {
      const waiting = await this.deps.store.getPermit(importPermitId);
      if (waiting?.status === "PENDING") return; // anchored before this one: the outbox sends in order
      refuse("importPermit.anchored", `names import permit ${label}, which is not on the ledger: issue this permit once the import permit is ISSUED (check its country and number)`);
    }
    if (state.documentType !== "CITES_IMPORT_PERMIT" || state.exportingCountry !== draft.permit.exportingCountry || state.importingCountry !== draft.permit.importingCountry) {
      refuse("importPermit.matches", `names ${label}, which is not an import permit for this trade (${draft.permit.exportingCountry} to ${draft.permit.importingCountry})`);
    }
    if (state.expired || state.status !== "ISSUED") {
      refuse("importPermit.usable", `names import permit ${label}, which is ${state.expired ? "expired" : state.status.toLowerCase()}: it can no longer be relied on`);
    }
  }

  /** Each body drafted: by `draftMany` for a large batch, here otherwise (and if `draftMany` fails). */
  async #draftAll(bodies: readonly unknown[]): Promise<DraftResult[]> {
    const { draftMany } = this.deps;
    if (draftMany && bodies.length >= DRAFT_ELSEWHERE_FROM) {
      const results = await draftMany(bodies).catch(() => undefined);
      if (results?.length === bodies.length) return results;
    }
    return bodies.map((body) => draftPermit(body));
  }

  #drafted(result: DraftResult): PermitDraft {
    if (!result.ok) throw new InvalidPermitDocumentError(result.issues);
    return result.draft;
  }

  /** Stores a prepared permit: a new row, or over the FAILED row of the same number. */
  #save(store: Store, prepared: { permit: NewPermit; revive: boolean }): Promise<PermitRecord> {
    return prepared.revive ? store.reviveFailedPermit(prepared.permit) : store.insertPermit(prepared.permit);
  }

  /** Stores a prepared permit and queues it for anchoring (call inside a transaction). */
  async #queue(tx: Store, prepared: Awaited<ReturnType<PermitService["prepareIssue"]>>): Promise<PermitRecord> {
    const record = await this.#save(tx, prepared);
    await tx.enqueueOutbox({ kind: "ISSUE", permitId: prepared.permit.permitId, payload: prepared.payload });
    return record;
  }

  /**
   * The permit for an officer: one of a country that issued, exports or imports it. To officers of
   * other countries it does not exist (404), as in their list: a permit holds names and addresses.
   */
  async viewFor(officer: OfficerRecord, permitId: string): Promise<PermitView> {
    return this.#viewOf(await this.#readable(officer, permitId));
  }

  /** The text of the permit's QR code, for an officer of a country the permit involves (recorded as handed out). */
  async qrTextFor(officer: OfficerRecord, permitId: string): Promise<string> {
    const qrText = this.#qrTextOf(await this.#readable(officer, permitId));
    await recordIssuedCode(this.deps.store, qrText);
    return qrText;
  }

  /** The permit's view and QR text for an officer (what its PDF prints), from one read of the permit (recorded as handed out). */
  async viewAndQrTextFor(officer: OfficerRecord, permitId: string): Promise<{ view: PermitView; qrText: string }> {
    const permit = await this.#readable(officer, permitId);
    const qrText = this.#qrTextOf(permit); // a FAILED permit has none: 409 before anything else is read
    const [view] = await Promise.all([this.#viewOf(permit), recordIssuedCode(this.deps.store, qrText)]);
    return { view, qrText };
  }

  async #readable(officer: OfficerRecord, permitId: string): Promise<PermitRecord> {
    const permit = await this.#stored(permitId);
    const involved = [permit.issuingCountry, permit.exportingCountry, permit.importingCountry];
    if (!involved.includes(officer.country)) throw new NotFoundError(`No permit ${permitId} among those ${officer.country} issued, exports or imports.`);
    return permit;
  }

  async view(permitId: string): Promise<PermitView> {
    return this.#viewOf(await this.#stored(permitId));
  }

  async #viewOf(permit: PermitRecord): Promise<PermitView> {
    const { store, publicBaseUrl } = this.deps;
    const [lines, events] = await Promise.all([store.getPermitLines(permit.permitId), store.listPermitEvents(permit.permitId)]);
    // The permits it replaces and is replaced by, by number too (an officer knows permits by number).
    const replacedBy = events.find((e) => e.kind === "PermitReplaced")?.data as { replacementId?: unknown } | undefined;
    const link = async (id: unknown) => {
      if (typeof id !== "string") return null;
      const other = await store.getPermit(id.toLowerCase());
      return { permitId: id.toLowerCase() as Hex, permitNumber: other?.permitNumber ?? null };
    };
    // Who signed each step, by name and role where this service knows the address.
    const addresses = [...new Set(events.flatMap((e) => (e.officerAddress ? [e.officerAddress.toLowerCase()] : [])))];
    const [replaces, replacement, officers] = await Promise.all([
      link(permit.replacesPermitId),
      link(replacedBy?.replacementId),
      Promise.all(addresses.map((a) => store.findOfficerByAddress(a))),
    ]);
    const known = new Map(officers.flatMap((o, i) => (o ? [[addresses[i]!, o] as const] : [])));
    return permitView(permit, lines, events, publicBaseUrl, { replaces, replacedBy: replacement }, known);
  }

  /** The text of the permit's QR code: the verify URL with the signed payload after `#`. */
  #qrTextOf(permit: PermitRecord): string {
    if (permit.status === "FAILED") {
      throw new ConflictError(`The permit was never anchored (${permit.failureReason ?? "refused"}), so it has no QR code or PDF that would verify. Issue it again (the same number may be used), after correcting what the reason names.`);
    }
    if (!permit.signature) throw new ConflictError("The permit has no signature yet.");
    const { chain, publicBaseUrl } = this.deps;
    const common = { chainId: chain.chainId, registry: chain.deployment.registry.address, permitId: permit.permitId, salt: permit.salt, signature: permit.signature };
    const verifyBase = `${publicBaseUrl}/verify`;
    try {
      const full = toVerifyUrl(encodeQrPayload({ mode: "full", ...common, document: JSON.parse(permit.documentJson) }), verifyBase);
      if (qrVersionFor(full, "M") <= MAX_FULL_QR_VERSION) return full;
    } catch (err) {
      // too large for a payload (over 64 KiB of CBOR) or for any QR: the reference mode below
      if (!(err instanceof QrPayloadTooLargeError)) throw err;
    }
    return toVerifyUrl(encodeQrPayload({ mode: "reference", ...common, documentHash: permit.documentHash }), verifyBase);
  }

  /** Customs of the exporting country endorse the export with the quantities that actually left. */
  async endorse(officer: OfficerRecord, permitId: string, body: { items: { line: number; quantity: number }[]; transportDocument?: string; port?: string }): Promise<PermitView> {
    requireRole(officer, "CUSTOMS", "endorse exports");
    const permit = await this.#stored(permitId);
    this.#requireOwnCountry(officer, permit.exportingCountry, "endorse exports of");
    const record = await this.#chainRecord(permit.permitId);
    const lines = await this.deps.store.getPermitLines(permit.permitId);
    const given = new Map<number, number>();
    for (const item of body.items) {
      if (!lines.some((l) => l.line === item.line)) throw new InvalidPermitDocumentError([{ path: `items[${body.items.indexOf(item)}].line`, rule: "endorsement.lineUnknown", message: `the permit has no line ${item.line}` }] as never, "endorsement");
      if (given.has(item.line)) throw new InvalidPermitDocumentError([{ path: `items[${body.items.indexOf(item)}].line`, rule: "endorsement.lineUnique", message: `line ${item.line} is given twice` }] as never);
      given.set(item.line, item.quantity);
    }
    const exported = lines.map((l) => {
      const q = given.get(l.line) ?? 0;
      try {
        return toFixedPoint(q);
      } catch (cause) {
        const index = body.items.findIndex((item) => item.line === l.line); // the request's item, not the permit's line
        throw new InvalidPermitDocumentError([{ path: `items[${index}].quantity`, rule: "quantity.maxDecimals3", message: (cause as Error).message }] as never, "endorsement");
      }
    });
    await this.#write(officer, (c) => c.endorseExport(record, exported));
    // Box 14, off chain. The step is done on chain: a store that fails here loses only these two
    // fields (the audit log keeps them too), not the answer.
    const shipment = { transportDocument: body.transportDocument?.trim() || null, port: body.port?.trim() || null };
    if (shipment.transportDocument || shipment.port) {
      await this.deps.store.setExportShipment(permit.permitId, shipment).catch((err: unknown) => this.onRefreshFailed?.(permit.permitId, err));
    }
    return this.#refreshed(permit.permitId);
  }

  /** An officer of the importing country accepts the import: the permit is used. */
  async use(officer: OfficerRecord, permitId: string): Promise<PermitView> {
    requireRole(officer, ["ISSUER", "CUSTOMS"], "accept imports");
    const permit = await this.#stored(permitId);
    this.#requireOwnCountry(officer, permit.importingCountry, "accept imports into");
    await this.#write(officer, (c) => c.use(permit.permitId));
    return this.#refreshed(permit.permitId);
  }

  async cancel(officer: OfficerRecord, permitId: string, reason: CancelReason): Promise<PermitView> {
    requireRole(officer, "ISSUER", "cancel permits");
    const permit = await this.#stored(permitId);
    this.#requireOwnCountry(officer, permit.issuingCountry, "cancel permits of");
    if (permit.status === "PENDING") throw new ConflictError("The permit is not anchored yet; wait until it is ISSUED, then cancel it.");
    await this.#write(officer, (c) => c.cancel(permit.permitId, reason));
    return this.#refreshed(permit.permitId);
  }

  /** Issues `body` as the replacement of `permitId` and marks the old permit replaced, atomically on chain. */
  async replace(officer: OfficerRecord, permitId: string, body: unknown): Promise<PermitView> {
    requireRole(officer, "ISSUER", "replace permits");
    const old = await this.#stored(permitId);
    this.#requireOwnCountry(officer, old.issuingCountry, "replace permits of");
    if (old.status === "PENDING") throw new ConflictError("The permit is not anchored yet; wait until it is ISSUED, then replace it.");
    const draft = this.#drafted(draftPermit(documentBody(body)));
    this.#requireOwnCountry(officer, draft.permit.issuingCountry, "issue permits of");
    // What the contract would refuse, refused before anything is stored (a refused request leaves no
    // FAILED replacement behind). Only a refusal the chain alone can see (a race) stores one.
    const { status } = await this.deps.chain.reader.permitState(old.permitId);
    if (status === "NONE") throw new ConflictError("The permit is not anchored on chain (any more); it can't be replaced.");
    if (status !== "ISSUED" && status !== "ENDORSED") throw new ConflictError(`The permit is ${status.toLowerCase()} and can't be replaced.`);
    const prepared = await this.#prepare(officer, draft);
    await this.#save(this.deps.store, prepared);
    try {
      const { replacementId, txHash, blockNumber } = await this.#write(officer, (c) => c.replace(old.permitId, fromIssueInput(draft.input)));
      await this.onChainStep?.(replacementId).catch(() => undefined); // both permits' histories, as after every other step
      await this.deps.store.updatePermitStatus(replacementId, { status: "ISSUED", txHash, blockNumber: Number(blockNumber) }, ["PENDING"]).catch(() => undefined); // unless the indexer already did
      await this.deps.store.updatePermitStatus(old.permitId, { status: "REPLACED" }).catch(() => undefined);
      await this.deps.store.setPermitReplaces(replacementId, old.permitId).catch(() => undefined); // the indexer records it too
    } catch (err) {
      await this.deps.store.updatePermitStatus(prepared.permit.permitId, { status: "FAILED", failureReason: (err as Error).message }).catch(() => undefined);
      throw err;
    }
    return this.view(prepared.permit.permitId);
  }

  async recordNonCompliance(officer: OfficerRecord, permitId: string, reason: NonComplianceReason): Promise<PermitView> {
    requireRole(officer, ["ISSUER", "CUSTOMS"], "record non-compliance");
    const permit = await this.#stored(permitId);
    this.#requireOwnCountry(officer, permit.importingCountry, "record non-compliance for imports into");
    await this.#write(officer, (c) => c.recordNonCompliance(permit.permitId, reason));
    return this.#refreshed(permit.permitId);
  }

  /** Signs a draft as `officer`: the permit to store and the outbox payload. */
  async #prepare(officer: OfficerRecord, draft: PermitDraft) {
    const { chain, accounts } = this.deps;
    const { permitId, documentHash } = draft.permit;
    const account = await accounts.account(officer);
    const signature = await signPermitAnchor({ account, chainId: chain.chainId, registry: chain.deployment.registry.address, permitId: permitId as Hex, documentHash: documentHash as Hex });
    const payload: IssuePayload = { issuerOfficerId: officer.id, input: draft.input };
    const permit: NewPermit = { ...draft.permit, issuerOfficerId: officer.id, signature };
    // A number is taken once stored, except by a permit that FAILED and that the chain does not
    // hold: then this attempt takes its place (a retry after the chain refused the first one).
    const existing = await this.deps.store.getPermitByNumber(permit.issuingCountry, permit.permitNumber);
    const revive = existing?.status === "FAILED" && (await chain.reader.permitState(permitId as Hex)).status === "NONE";
    if (existing && !revive) throw new DuplicatePermitError(permit.issuingCountry, permit.permitNumber);
    return { permit, payload: payload as unknown as JsonValue, revive };
  }

  #requireOwnCountry(officer: OfficerRecord, country: string | null, what: string): void {
    if (officer.country !== country) throw new ForbiddenError(`Officers of ${officer.country} may not ${what} ${country ?? "another country"}.`);
  }

  async #stored(permitId: string): Promise<PermitRecord> {
    const permit = await this.deps.store.getPermit(permitId);
    if (!permit) throw new NotFoundError(`No permit ${permitId}.`);
    return permit;
  }

  async #chainRecord(permitId: Hex): Promise<ChainRecord> {
    const record = await this.deps.chain.reader.readRecord(permitId);
    if (!record) throw new ConflictError("The permit is not anchored yet; wait until it is ISSUED.");
    return record;
  }

  /** One transaction signed by `officer`; a network failure becomes a 503-style ChainUnreachableError. */
  async #write<T>(officer: OfficerRecord, fn: (client: ReturnType<ChainGateway["writer"]>) => Promise<T>): Promise<T> {
    const account = await this.deps.accounts.account(officer);
    return this.deps.chain.serialised(account, fn);
  }

  /** After a synchronous step: pull the permit's new events from the chain into the store, then answer. */
  async #refreshed(permitId: Hex): Promise<PermitView> {
    try {
      await this.onChainStep?.(permitId);
    } catch (err) {
      // The step is on chain: answer it as done. The store shows it after the indexer's next sync.
      this.onRefreshFailed?.(permitId, err);
    }
    return this.view(permitId);
  }

  /** Set by the service: brings the store up to date with the chain after a step (the indexer). */
  onChainStep?: (permitId: Hex) => Promise<void>;
  /** Told when that refresh failed after a step succeeded on chain (the answer is still a success). */
  onRefreshFailed?: (permitId: Hex, err: unknown) => void;
}

/**
 * The body of an issue or a replacement: a JSON object (the permit document, validated by
 * `draftPermit`: 422 naming the field). An array or no body at all is a malformed request (400).
 */
function documentBody(body: unknown): unknown {
  const what = 'send one permit document as a JSON object, or a batch as `{ "permits": [ ... ] }` (POST /permits)';
  if (Array.isArray(body)) throw new InvalidRequestError(`The request body is a JSON array: ${what}.`);
  if (body === undefined || body === null || typeof body !== "object") throw new InvalidRequestError(`The request body is empty: ${what}.`);
  return body;
}

export function requireRole(officer: OfficerRecord, role: OfficerRecord["role"] | OfficerRecord["role"][], what: string): void {
  const roles = Array.isArray(role) ? role : [role];
  if (!roles.includes(officer.role)) {
    throw new ForbiddenError(`Only ${roles.map((r) => r.toLowerCase()).join(" or ")} officers may ${what}; you are ${officer.role.toLowerCase()} of ${officer.country}.`);
  }
}

export { ChainUnreachableError };
