/**
 * A stateful property test: fast-check drives random sequences of registry operations (issue,
 * batch issue, endorse with random quantities, use, cancel, replace, non-compliance, the passing
 * of time, suspending countries, removing and re-registering officers), by the right actor or a
 * random wrong one, against the contract and a small TypeScript model of what the contract must
 * do. After every command the model's permits are compared with `permitState` (status, flags,
 * plain terms, expiry), the model's record commitments with the stored ones, and `verify`; a
 * transaction must revert exactly when the model says so, with the model's custom error and
 * arguments.
 *
 * MODEL_RUNS=1000 for more sequences (default 200); MODEL_SEED to replay one.
 */
import { expect } from "chai";
import fc from "fast-check";
import { ethers } from "hardhat";
import { loadFixture, time } from "@nomicfoundation/hardhat-network-helpers";
import type { HardhatEthersSigner } from "@nomicfoundation/hardhat-ethers/signers";
import { deployRegistryFixture, type RegistryFixture } from "../../scripts/lib/fixture";
import {
  DocType,
  Role,
  Status,
  Verification,
  ZERO32,
  commitmentOf,
  country,
  makeInput,
  permitIdOf,
  type PermitInputStruct,
  type PermitRecordStruct,
} from "../../scripts/lib/permits";
import { DAY, NO_COUNTRY } from "./helpers/fixtures";
import { stateOf } from "./helpers/views";

const NUM_RUNS = Number(process.env.MODEL_RUNS ?? 200);
const MAX_COMMANDS = 25;

// ---------------------------------------------------------------------------------------------
// Actors and the model

const CODES = ["CH", "JP", "FR"] as const;
type Code = (typeof CODES)[number];
type RoleName = "admin" | "issuer" | "customs";
type ActorKey = `${Code}.${RoleName}` | "stranger" | "governance";
const ACTOR_KEYS: ActorKey[] = [
  "governance",
  "stranger",
  ...CODES.flatMap((c) => (["admin", "issuer", "customs"] as const).map((r): ActorKey => `${c}.${r}`)),
];
const OFFICER_KEYS = ACTOR_KEYS.filter((k) => k.endsWith(".issuer") || k.endsWith(".customs"));
const ROLE_OF: Record<RoleName, number> = { admin: Role.AUTHORITY_ADMIN, issuer: Role.ISSUER, customs: Role.CUSTOMS };

type Account = { code: Code; role: number; active: boolean };

type MPermit = {
  id: string;
  docType: number;
  exporting: Code;
  importing: Code;
  issuing: Code;
  validUntil: bigint;
  issuedAt: bigint;
  issuer: string;
  documentHash: string;
  importPermitId: string;
  originPermitId: string;
  replaces: string;
  authorised: bigint[];
  exported: bigint[];
  status: number;
  flags: number;
};

type Model = {
  /** timestamp of the latest block */
  now: bigint;
  permits: Record<string, MPermit>;
  /** permit ids in issue order */
  order: string[];
  suspended: Code[];
  /** registered accounts (governance and stranger never are) */
  accounts: Partial<Record<ActorKey, Account>>;
  counter: number;
};

type Real = { f: RegistryFixture; signer: Record<ActorKey, HardhatEthersSigner> };

/** Addresses of the actors; the fixture's signers are deterministic. */
let ADDRESS: Record<ActorKey, string>;

const MAX_VALIDITY: Record<number, bigint> = {
  [DocType.CITES_EXPORT_PERMIT]: 184n * DAY,
  [DocType.CITES_IMPORT_PERMIT]: 366n * DAY,
  [DocType.CITES_REEXPORT_CERTIFICATE]: 184n * DAY,
  [DocType.CITES_OTHER_CERTIFICATE]: 1096n * DAY,
  [DocType.EPHYTO_CERTIFICATE]: 184n * DAY,
};

/** A revert the model predicts: the custom error's name and arguments. */
class Revert {
  constructor(
    readonly name: string,
    readonly args: unknown[] = [],
  ) {}
  toString() {
    return `${this.name}(${this.args.map(norm).join(", ")})`;
  }
}
const norm = (v: unknown) => (typeof v === "string" ? v.toLowerCase() : String(v));

// --- the contract's rules, in the contract's order ----------------------------------------------

function callerCountry(m: Model, who: ActorKey, role: number): Code {
  const a = m.accounts[who];
  if (!a || !a.active || a.role !== role || m.suspended.includes(a.code)) {
    throw new Revert("Unauthorized", [ADDRESS[who], role, a ? country(a.code) : NO_COUNTRY]);
  }
  return a.code;
}

function requireRole(m: Model, who: ActorKey, role: number, code: Code) {
  if (callerCountry(m, who, role) !== code) throw new Revert("Unauthorized", [ADDRESS[who], role, country(code)]);
}

function requireOfficerOf(m: Model, who: ActorKey, code: Code) {
  const a = m.accounts[who];
  const officer = a && a.active && (a.role === Role.ISSUER || a.role === Role.CUSTOMS);
  if (!officer || a.code !== code || m.suspended.includes(code)) throw new Revert("NotOfficerOf", [ADDRESS[who], country(code)]);
}

function requireNotUsedOrClosed(p: MPermit) {
  if (p.status === Status.USED) throw new Revert("AlreadyUsed", [p.id]);
  if (p.status !== Status.ISSUED && p.status !== Status.ENDORSED) throw new Revert("PermitNotActive", [p.id, p.status]);
}

/** What an issuer sends, in readable form. */
type Draft = {
  number: string;
  docType: number;
  exporting: Code;
  importing: Code;
  validUntil: bigint;
  quantities: bigint[];
  importPermitId: string;
  originPermitId: string;
  documentHash: string;
};

const issuingOf = (d: { docType: number; exporting: Code; importing: Code }) => (d.docType === DocType.CITES_IMPORT_PERMIT ? d.importing : d.exporting);
const idOfDraft = (d: Draft) => permitIdOf(issuingOf(d), d.number);
const inputOf = (d: Draft): PermitInputStruct =>
  makeInput({ permitNumber: d.number, documentHash: d.documentHash, docType: d.docType, exporting: d.exporting, importing: d.importing, validUntil: d.validUntil, quantities: d.quantities, importPermitId: d.importPermitId, originPermitId: d.originPermitId });

function issueOne(m: Model, d: Draft, officerCountry: Code, who: ActorKey, ts: bigint, replaces: string) {
  const issuing = issuingOf(d);
  const id = idOfDraft(d);
  if (issuing !== officerCountry) throw new Revert("Unauthorized", [ADDRESS[who], Role.ISSUER, country(issuing)]);
  if (m.permits[id]) throw new Revert("PermitAlreadyExists", [id]);
  if (d.exporting === d.importing) throw new Revert("InvalidCountries", [id, country(d.exporting), country(d.importing)]);
  if (d.validUntil <= ts) throw new Revert("ValidityInPast", [id, d.validUntil, ts]);
  const max = ts + MAX_VALIDITY[d.docType]!;
  if (d.validUntil > max) throw new Revert("ValidityTooLong", [id, d.validUntil, max]);
  if (d.quantities.length === 0) throw new Revert("NoLineItems", [id]);
  const zero = d.quantities.findIndex((q) => q === 0n);
  if (zero >= 0) throw new Revert("ZeroQuantity", [id, zero + 1]);
  let flags = 0;
  if (d.importPermitId !== ZERO32) {
    const ip = m.permits[d.importPermitId];
    if (!ip || ip.docType !== DocType.CITES_IMPORT_PERMIT || d.docType === DocType.CITES_IMPORT_PERMIT || ip.exporting !== d.exporting || ip.importing !== d.importing) {
      throw new Revert("ImportPermitMismatch", [id, d.importPermitId]);
    }
    if (ip.status !== Status.ISSUED || ts > ip.validUntil) throw new Revert("ImportPermitNotUsable", [id, d.importPermitId, ip.status]);
    flags = 2;
  }
  m.permits[id] = {
    id, docType: d.docType, exporting: d.exporting, importing: d.importing, issuing, validUntil: d.validUntil, issuedAt: ts,
    issuer: ADDRESS[who], documentHash: d.documentHash, importPermitId: d.importPermitId, originPermitId: d.originPermitId,
    replaces, authorised: d.quantities, exported: [], status: Status.ISSUED, flags,
  };
  m.order.push(id);
}

function recordOf(p: MPermit): PermitRecordStruct {
  return {
    permitId: p.id, documentHash: p.documentHash, docType: p.docType, exportingCountry: country(p.exporting), importingCountry: country(p.importing),
    validUntil: p.validUntil, issuedAt: p.issuedAt, issuer: p.issuer, importPermitId: p.importPermitId, originPermitId: p.originPermitId,
    replacesPermitId: p.replaces, authorised: p.authorised, exported: p.exported,
  };
}

function verificationOf(m: Model, p: MPermit): number {
  if (p.status === Status.USED) return Verification.USED;
  if (p.status === Status.CANCELLED) return Verification.CANCELLED;
  if (p.status === Status.REPLACED) return Verification.REPLACED;
  if (m.now > p.validUntil) return Verification.EXPIRED;
  return p.status === Status.ENDORSED ? Verification.ENDORSED : Verification.ISSUED;
}

/** The actor who would normally do it: an active account with `role` in `code` (else the fixture's). */
function natural(m: Model, role: RoleName, code: Code): ActorKey {
  const found = ACTOR_KEYS.find((k) => {
    const a = m.accounts[k];
    return a && a.active && a.code === code && a.role === ROLE_OF[role];
  });
  return found ?? `${code}.${role}`;
}

const nth = (m: Model, i: number): MPermit => m.permits[m.order[i % m.order.length]!]!;

/** Mostly a permit for which `fits` holds (so lifecycles get far), sometimes any permit. */
function choose(m: Model, i: number, fits: (p: MPermit) => boolean): MPermit {
  const candidates = m.order.map((id) => m.permits[id]!).filter(fits);
  return candidates.length > 0 && i % 4 !== 3 ? candidates[i % candidates.length]! : nth(m, i);
}
const ACTIVE = (p: MPermit) => p.status === Status.ISSUED || p.status === Status.ENDORSED;
const NO_ENDORSEMENT_NEEDED = [DocType.CITES_IMPORT_PERMIT, DocType.CITES_OTHER_CERTIFICATE, DocType.EPHYTO_CERTIFICATE] as number[];

// ---------------------------------------------------------------------------------------------
// Running one step on both sides

type Outcome = { ok: true } | { ok: false; error: string };
/** how often each command ended in each outcome (printed with MODEL_STATS=1) */
const TALLY = new Map<string, number>();

async function send(tx: () => Promise<unknown>, real: Real): Promise<Outcome> {
  try {
    await tx();
    return { ok: true };
  } catch (e) {
    const data = (e as { data?: string }).data;
    if (typeof data !== "string") throw e;
    const parsed = real.f.registry.interface.parseError(data);
    if (!parsed) return { ok: false, error: `undecoded revert ${data}` };
    return { ok: false, error: new Revert(parsed.name, [...parsed.args]).toString() };
  }
}

/**
 * Applies `step` to a copy of the model (so a predicted revert leaves the model untouched),
 * sends `tx` in the next block, one second after the latest, and checks both agree.
 */
async function step(m: Model, real: Real, what: string, tx: () => Promise<unknown>, rule: (draft: Model, ts: bigint) => void) {
  const ts = m.now + 1n;
  const draft = structuredClone(m);
  draft.now = ts;
  let expected: Revert | null = null;
  try {
    rule(draft, ts);
  } catch (e) {
    if (!(e instanceof Revert)) throw e;
    expected = e;
  }
  await time.setNextBlockTimestamp(ts);
  const got = await send(tx, real);
  // a reverted transaction is mined too
  if (expected) m.now = ts;
  else Object.assign(m, draft);
  const key = `${what.split("(")[0]} → ${expected ? expected.name : "success"}`;
  TALLY.set(key, (TALLY.get(key) ?? 0) + 1);
  const want = expected ? `revert ${expected}` : "success";
  const saw = got.ok ? "success" : `revert ${got.error}`;
  expect(saw, what).to.equal(want);
  await compare(m, real);
}

/** The model and the chain agree on every permit, the clock and the accounts. */
async function compare(m: Model, real: Real) {
  const { registry } = real.f;
  expect(BigInt(await time.latest()), "latest block time").to.equal(m.now);
  await Promise.all(
    m.order.map(async (id) => {
      const p = m.permits[id]!;
      const [s, verification] = await Promise.all([stateOf(registry, id), registry.verify(recordOf(p))]);
      expect(s, `permitState of ${id}`).to.deep.equal({
        status: p.status, flags: p.flags, docType: p.docType, exportingCountry: country(p.exporting),
        importingCountry: country(p.importing), validUntil: p.validUntil, commitment: commitmentOf(recordOf(p)), expired: m.now > p.validUntil,
      });
      expect(Number(verification), `verify of ${id}`).to.equal(verificationOf(m, p));
    }),
  );
}

async function compareAccounts(m: Model, real: Real) {
  await Promise.all(
    OFFICER_KEYS.map(async (k) => {
      const a = m.accounts[k]!;
      const [code, role, active] = await real.f.registry.accountOf(ADDRESS[k]);
      expect([code, Number(role), active], `account ${k}`).to.deep.equal([country(a.code), a.role, a.active]);
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Commands

/** `arb` about once in `1 + nulls` draws, else null */
const sometimes = <T,>(arb: fc.Arbitrary<T>, nulls: number) => fc.oneof({ weight: nulls, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: arb });
const actorArb = sometimes(fc.constantFrom(...ACTOR_KEYS), 6); // null: the natural actor
const pick = (choice: ActorKey | null, fallback: ActorKey) => choice ?? fallback;

const quantityArb = fc.oneof({ weight: 60, arbitrary: fc.integer({ min: 1, max: 40 }).map((n) => BigInt(n) * 500n) }, { weight: 1, arbitrary: fc.constant(0n) });
const linesArb = fc.oneof({ weight: 25, arbitrary: fc.array(quantityArb, { minLength: 1, maxLength: 3 }) }, { weight: 1, arbitrary: fc.constant([] as bigint[]) });
const validityArb = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 1, max: 150 }).map((days) => ({ days })) },
  { weight: 1, arbitrary: fc.constantFrom("max", "max+1", "now", "past") },
);
type Validity = { days: number } | "max" | "max+1" | "now" | "past";
const docTypeArb = fc.oneof(
  { weight: 6, arbitrary: fc.constant(DocType.CITES_EXPORT_PERMIT) },
  { weight: 4, arbitrary: fc.constant(DocType.CITES_IMPORT_PERMIT) },
  { weight: 1, arbitrary: fc.constant(DocType.CITES_REEXPORT_CERTIFICATE) },
  { weight: 1, arbitrary: fc.constant(DocType.CITES_OTHER_CERTIFICATE) },
  { weight: 2, arbitrary: fc.constant(DocType.EPHYTO_CERTIFICATE) },
);
const partnerArb = fc.oneof({ weight: 30, arbitrary: fc.constantFrom(1, 2) }, { weight: 1, arbitrary: fc.constant(0) });

const issueSpecArb = fc.record({
  issuing: fc.constantFrom(...CODES),
  partner: partnerArb,
  docType: docTypeArb,
  lines: linesArb,
  validity: validityArb,
  /** name an existing permit as import permit (taking its countries when it is one) */
  link: sometimes(fc.nat(), 4),
  origin: fc.boolean(),
  /** reuse the number of an existing permit */
  reuse: sometimes(fc.nat(), 12),
});
type IssueSpec = typeof issueSpecArb extends fc.Arbitrary<infer T> ? T : never;

function validUntilOf(v: Validity, docType: number, ts: bigint): bigint {
  if (v === "max") return ts + MAX_VALIDITY[docType]!;
  if (v === "max+1") return ts + MAX_VALIDITY[docType]! + 1n;
  if (v === "now") return ts;
  if (v === "past") return ts - DAY;
  return ts + BigInt(v.days) * DAY;
}

/** Turns a spec into a concrete permit for the model's current state (countries, links, number). */
function draftOf(m: Model, s: IssueSpec, ts: bigint): Draft {
  let docType = s.docType;
  let home: Code = s.issuing;
  let partner: Code = CODES[(CODES.indexOf(s.issuing) + s.partner) % 3]!;
  let exporting = docType === DocType.CITES_IMPORT_PERMIT ? partner : home;
  let importing = docType === DocType.CITES_IMPORT_PERMIT ? home : partner;
  let importPermitId = ZERO32;
  if (s.link !== null && m.order.length > 0) {
    // mostly an import permit (an Appendix-I export in the making), sometimes any permit
    const imports = m.order.filter((id) => m.permits[id]!.docType === DocType.CITES_IMPORT_PERMIT);
    const target = imports.length > 0 && s.link % 4 !== 3 ? m.permits[imports[s.link % imports.length]!]! : nth(m, s.link);
    importPermitId = target.id;
    if (target.docType === DocType.CITES_IMPORT_PERMIT && s.link % 5 !== 4) {
      docType = DocType.CITES_EXPORT_PERMIT; // an Appendix-I export that fits its import permit
      exporting = target.exporting;
      importing = target.importing;
      home = exporting;
      partner = importing;
    }
  } else if (s.link !== null) {
    importPermitId = permitIdOf("FR", "unknown import permit");
  }
  let number = `M-${++m.counter}`;
  if (s.reuse !== null && m.order.length > 0) {
    const target = nth(m, s.reuse);
    number = `M-reused-${target.id.slice(2, 10)}`;
    // reuse the number under the target's own issuing country: the same permit id
    if (target.issuing === issuingOf({ docType, exporting, importing })) number = numberOf.get(target.id) ?? number;
  }
  const d: Draft = {
    number, docType, exporting, importing, validUntil: validUntilOf(s.validity, docType, ts), quantities: s.lines,
    importPermitId, originPermitId: s.origin ? permitIdOf("US", `origin ${number}`) : ZERO32,
    documentHash: ethers.keccak256(ethers.toUtf8Bytes(`${number} ${m.counter}`)),
  };
  numberOf.set(idOfDraft(d), number);
  return d;
}
/** permit id → the number it was issued under (for the "reuse a number" case) */
const numberOf = new Map<string, string>();

class IssueCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly spec: IssueSpec, readonly actor: ActorKey | null) {}
  check = () => true;
  async run(m: Model, real: Real) {
    const d = draftOf(m, this.spec, m.now + 1n);
    const who = pick(this.actor, natural(m, "issuer", issuingOf(d)));
    const input = inputOf(d);
    await step(m, real, this.toString(), () => real.f.registry.connect(real.signer[who]).issue(input), (draft, ts) => {
      issueOne(draft, d, callerCountry(draft, who, Role.ISSUER), who, ts, ZERO32);
    });
  }
  toString = () => `issue(${JSON.stringify(this.spec, (_, v) => (typeof v === "bigint" ? `${v}` : v))}, by ${this.actor ?? "natural"})`;
}

class IssueBatchCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly specs: IssueSpec[], readonly actor: ActorKey | null) {}
  check = () => true;
  async run(m: Model, real: Real) {
    // draft all inputs first: later ones may reuse numbers of earlier ones in the batch
    const scratch = structuredClone(m);
    const drafts: Draft[] = [];
    for (const s of this.specs) {
      const d = draftOf(scratch, s, m.now + 1n);
      drafts.push(d);
      // let later specs see earlier ones (duplicates inside one batch)
      scratch.order.push(idOfDraft(d));
      scratch.permits[idOfDraft(d)] ??= { id: idOfDraft(d), issuing: issuingOf(d), docType: d.docType, exporting: d.exporting, importing: d.importing } as MPermit;
    }
    m.counter = scratch.counter;
    const who = pick(this.actor, natural(m, "issuer", issuingOf(drafts[0]!)));
    const inputs = drafts.map(inputOf);
    await step(m, real, this.toString(), () => real.f.registry.connect(real.signer[who]).issueBatch(inputs), (draft, ts) => {
      const home = callerCountry(draft, who, Role.ISSUER);
      for (const d of drafts) issueOne(draft, d, home, who, ts, ZERO32);
    });
  }
  toString = () => `issueBatch(${JSON.stringify(this.specs, (_, v) => (typeof v === "bigint" ? `${v}` : v))}, by ${this.actor ?? "natural"})`;
}

type EndorseKind = "exact" | "less" | "over" | "lines";
class EndorseCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly idx: number, readonly kind: EndorseKind, readonly seed: number, readonly tamper: boolean, readonly actor: ActorKey | null) {}
  check = (m: Readonly<Model>) => m.order.length > 0;
  async run(m: Model, real: Real) {
    const p = choose(m, this.idx, (q) => q.status === Status.ISSUED && q.docType !== DocType.CITES_IMPORT_PERMIT);
    const a = p.authorised;
    const exported =
      this.kind === "exact" ? a
      : this.kind === "less" ? a.map((q, i) => (q * BigInt((this.seed + i) % 5)) / 4n)
      : this.kind === "over" ? a.map((q, i) => (i === this.seed % a.length ? q + 1n : q))
      : this.seed % 2 ? [...a, 1n] : a.slice(1);
    const record = { ...recordOf(p), ...(this.tamper ? { documentHash: ethers.keccak256("0xbad0") } : {}) };
    const who = pick(this.actor, natural(m, "customs", p.exporting));
    await step(m, real, this.toString(), () => real.f.registry.connect(real.signer[who]).endorseExport(record, exported), (draft, ts) => {
      const q = draft.permits[p.id]!;
      requireRole(draft, who, Role.CUSTOMS, q.exporting);
      if (q.docType === DocType.CITES_IMPORT_PERMIT) throw new Revert("NotEndorsable", [q.id, q.docType]);
      if (q.status === Status.ENDORSED) throw new Revert("AlreadyEndorsed", [q.id]);
      if (q.status === Status.USED) throw new Revert("AlreadyUsed", [q.id]);
      if (q.status !== Status.ISSUED) throw new Revert("PermitNotActive", [q.id, q.status]);
      if (ts > q.validUntil) throw new Revert("PermitExpired", [q.id, q.validUntil, ts]);
      if (this.tamper) throw new Revert("RecordMismatch", [q.id]);
      if (exported.length !== q.authorised.length) throw new Revert("LineCountMismatch", [q.id, q.authorised.length, exported.length]);
      q.authorised.forEach((auth, i) => {
        if (exported[i]! > auth) throw new Revert("QuantityExceeded", [q.id, i + 1, auth, exported[i]]);
      });
      if (exported.every((x) => x === 0n)) throw new Revert("NothingExported", [q.id]);
      q.status = Status.ENDORSED;
      q.exported = exported;
    });
  }
  toString = () => `endorse(#${this.idx}, ${this.kind}/${this.seed}${this.tamper ? ", tampered record" : ""}, by ${this.actor ?? "natural"})`;
}

class UseCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly idx: number, readonly actor: ActorKey | null) {}
  check = (m: Readonly<Model>) => m.order.length > 0;
  async run(m: Model, real: Real) {
    const p = choose(m, this.idx, (q) => q.status === Status.ENDORSED || (q.status === Status.ISSUED && NO_ENDORSEMENT_NEEDED.includes(q.docType)));
    const who = pick(this.actor, natural(m, this.idx % 2 ? "customs" : "issuer", p.importing));
    await step(m, real, this.toString(), () => real.f.registry.connect(real.signer[who]).use(p.id), (draft, ts) => {
      const q = draft.permits[p.id]!;
      requireOfficerOf(draft, who, q.importing);
      if (q.status === Status.USED) throw new Revert("AlreadyUsed", [q.id]);
      if (q.status !== Status.ISSUED && q.status !== Status.ENDORSED) throw new Revert("PermitNotActive", [q.id, q.status]);
      const needsEndorsement = q.docType === DocType.CITES_EXPORT_PERMIT || q.docType === DocType.CITES_REEXPORT_CERTIFICATE;
      if (needsEndorsement && q.status !== Status.ENDORSED) throw new Revert("ExportNotEndorsed", [q.id]);
      if (ts > q.validUntil) throw new Revert("PermitExpired", [q.id, q.validUntil, ts]);
      q.status = Status.USED;
      if (q.flags & 2) {
        const ip = draft.permits[q.importPermitId]!;
        if (ip.status !== Status.ISSUED || ts > ip.validUntil) throw new Revert("ImportPermitNotUsable", [q.id, ip.id, ip.status]);
        ip.status = Status.USED;
      }
    });
  }
  toString = () => `use(#${this.idx}, by ${this.actor ?? "natural"})`;
}

class CancelCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly idx: number, readonly reason: number, readonly actor: ActorKey | null) {}
  check = (m: Readonly<Model>) => m.order.length > 0;
  async run(m: Model, real: Real) {
    const p = choose(m, this.idx, ACTIVE);
    const who = pick(this.actor, natural(m, "issuer", p.issuing));
    await step(m, real, this.toString(), () => real.f.registry.connect(real.signer[who]).cancel(p.id, this.reason), (draft) => {
      const q = draft.permits[p.id]!;
      requireRole(draft, who, Role.ISSUER, q.issuing);
      if (this.reason === 0) throw new Revert("ReasonRequired");
      requireNotUsedOrClosed(q);
      q.status = Status.CANCELLED;
    });
  }
  toString = () => `cancel(#${this.idx}, reason ${this.reason}, by ${this.actor ?? "natural"})`;
}

class ReplaceCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly idx: number, readonly sameTerms: boolean, readonly spec: IssueSpec, readonly actor: ActorKey | null) {}
  check = (m: Readonly<Model>) => m.order.length > 0;
  async run(m: Model, real: Real) {
    const p = choose(m, this.idx, ACTIVE);
    const fresh = draftOf(m, this.spec, m.now + 1n);
    // usually the same terms with new quantities and validity; sometimes an arbitrary permit
    const d: Draft = this.sameTerms
      ? { ...fresh, docType: p.docType, exporting: p.exporting, importing: p.importing, importPermitId: p.importPermitId, originPermitId: p.originPermitId, validUntil: validUntilOf(this.spec.validity, p.docType, m.now + 1n) }
      : fresh;
    numberOf.set(idOfDraft(d), d.number);
    const who = pick(this.actor, natural(m, "issuer", p.issuing));
    const input = inputOf(d);
    await step(m, real, this.toString(), () => real.f.registry.connect(real.signer[who]).replace(p.id, input), (draft, ts) => {
      const q = draft.permits[p.id]!;
      requireRole(draft, who, Role.ISSUER, q.issuing);
      requireNotUsedOrClosed(q);
      issueOne(draft, d, q.issuing, who, ts, q.id);
      q.status = Status.REPLACED;
    });
  }
  toString = () => `replace(#${this.idx}, ${this.sameTerms ? "same terms" : "other terms"}, by ${this.actor ?? "natural"})`;
}

class NonComplianceCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly idx: number, readonly reason: number, readonly actor: ActorKey | null) {}
  check = (m: Readonly<Model>) => m.order.length > 0;
  async run(m: Model, real: Real) {
    const p = choose(m, this.idx, (q) => q.status === Status.ENDORSED || q.status === Status.USED);
    const who = pick(this.actor, natural(m, "customs", p.importing));
    await step(m, real, this.toString(), () => real.f.registry.connect(real.signer[who]).recordNonCompliance(p.id, this.reason), (draft) => {
      const q = draft.permits[p.id]!;
      requireOfficerOf(draft, who, q.importing);
      if (this.reason === 0) throw new Revert("ReasonRequired");
      if (q.status === Status.CANCELLED || q.status === Status.REPLACED) throw new Revert("PermitNotActive", [q.id, q.status]);
      if (q.status !== Status.ENDORSED && q.status !== Status.USED) throw new Revert("NotYetShipped", [q.id, q.status]);
      q.flags |= 1;
    });
  }
  toString = () => `recordNonCompliance(#${this.idx}, reason ${this.reason}, by ${this.actor ?? "natural"})`;
}

/** Time passes: by a random amount, or to one second before / at / after a permit's last second. */
class AdvanceTimeCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly by: { seconds: number } | { idx: number; offset: number }) {}
  check = () => true;
  async run(m: Model, real: Real) {
    let target: bigint;
    if ("seconds" in this.by) target = m.now + BigInt(this.by.seconds);
    else {
      if (m.order.length === 0) return;
      // the next transaction (one second after the latest block) lands at validUntil + offset
      target = nth(m, this.by.idx).validUntil + BigInt(this.by.offset) - 1n;
    }
    if (target <= m.now) return;
    await time.increaseTo(target);
    m.now = target;
    await compare(m, real);
  }
  toString = () => `advanceTime(${JSON.stringify(this.by)})`;
}

class SuspensionCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly code: Code, readonly op: "suspend" | "restore" | null, readonly actor: ActorKey | null) {}
  check = () => true;
  async run(m: Model, real: Real) {
    const suspended = m.suspended.includes(this.code);
    const op = this.op ?? (suspended ? "restore" : "suspend");
    const who = pick(this.actor, "governance");
    const c = country(this.code);
    await step(m, real, this.toString(), () => (op === "suspend" ? real.f.registry.connect(real.signer[who]).suspendCountry(c) : real.f.registry.connect(real.signer[who]).restoreCountry(c)), (draft) => {
      if (who !== "governance") throw new Revert("AccessControlUnauthorizedAccount", [ADDRESS[who], ZERO32]);
      if (op === "suspend") {
        if (suspended) throw new Revert("CountrySuspendedError", [c]);
        draft.suspended.push(this.code);
      } else {
        if (!suspended) throw new Revert("CountryNotSuspended", [c]);
        draft.suspended = draft.suspended.filter((s) => s !== this.code);
      }
    });
  }
  toString = () => `${this.op ?? "toggle suspension of"} ${this.code} (by ${this.actor ?? "governance"})`;
}

class OfficerCommand implements fc.AsyncCommand<Model, Real> {
  constructor(readonly target: ActorKey, readonly op: "remove" | "register" | null, readonly role: number, readonly actor: ActorKey | null) {}
  check = () => true;
  async run(m: Model, real: Real) {
    const account = m.accounts[this.target]!;
    const op = this.op ?? (account.active ? "remove" : "register");
    const home = this.target.slice(0, 2) as Code;
    const who = pick(this.actor, natural(m, "admin", op === "remove" ? account.code : home));
    const officer = ADDRESS[this.target];
    const registry = real.f.registry.connect(real.signer[who]);
    await step(m, real, this.toString(), () => (op === "remove" ? registry.removeOfficer(officer) : registry.registerOfficer(officer, this.role)), (draft, ts) => {
      const adminCountry = callerCountry(draft, who, Role.AUTHORITY_ADMIN);
      const a = draft.accounts[this.target]!;
      if (op === "remove") {
        if (!a.active || a.code !== adminCountry) throw new Revert("OfficerNotFound", [officer, country(adminCountry)]);
        a.active = false;
      } else {
        if (a.active) throw new Revert("AccountAlreadyRegistered", [officer, country(a.code), a.role]);
        draft.accounts[this.target] = { code: adminCountry, role: this.role, active: true };
      }
      void ts;
    });
    await compareAccounts(m, real);
  }
  toString = () => `${this.op ?? "toggle"} officer ${this.target}${this.op === "register" ? ` as ${this.role}` : ""} (by ${this.actor ?? "natural"})`;
}

const permitIdx = fc.nat({ max: 63 });
const COMMANDS = [
  fc.tuple(issueSpecArb, actorArb).map(([s, a]) => new IssueCommand(s, a)),
  fc.tuple(issueSpecArb, actorArb).map(([s, a]) => new IssueCommand(s, a)),
  fc
    .tuple(fc.array(issueSpecArb, { minLength: 1, maxLength: 4 }), fc.oneof({ weight: 6, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }), actorArb)
    // one issuing country per batch, except sometimes
    .map(([s, mixed, a]) => new IssueBatchCommand(mixed ? s : s.map((x) => ({ ...x, issuing: s[0]!.issuing })), a)),
  fc
    .tuple(permitIdx, fc.constantFrom<EndorseKind>("exact", "less", "less", "over", "lines"), fc.nat({ max: 100 }), fc.oneof({ weight: 6, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }), actorArb)
    .map(([i, k, s, t, a]) => new EndorseCommand(i, k, s, t, a)),
  fc.tuple(permitIdx, fc.constantFrom<EndorseKind>("exact", "less"), fc.nat({ max: 100 }), actorArb).map(([i, k, s, a]) => new EndorseCommand(i, k, s, false, a)),
  fc.tuple(permitIdx, actorArb).map(([i, a]) => new UseCommand(i, a)),
  fc.tuple(permitIdx, actorArb).map(([i, a]) => new UseCommand(i, a)),
  fc.tuple(permitIdx, fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 1, max: 6 }) }, { weight: 1, arbitrary: fc.constant(0) }), actorArb).map(([i, r, a]) => new CancelCommand(i, r, a)),
  fc.tuple(permitIdx, fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }), issueSpecArb, actorArb).map(([i, same, s, a]) => new ReplaceCommand(i, same, s, a)),
  fc.tuple(permitIdx, fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 1, max: 6 }) }, { weight: 1, arbitrary: fc.constant(0) }), actorArb).map(([i, r, a]) => new NonComplianceCommand(i, r, a)),
  fc
    .oneof(
      fc.oneof(fc.integer({ min: 1, max: 3600 }), fc.integer({ min: 1, max: 90 }).map((d) => d * 86_400)).map((seconds) => ({ seconds })),
      fc.record({ idx: permitIdx, offset: fc.constantFrom(-1, 0, 1) }),
    )
    .map((by) => new AdvanceTimeCommand(by)),
  fc.tuple(fc.constantFrom(...CODES), sometimes(fc.constantFrom("suspend" as const, "restore" as const), 4), sometimes(fc.constantFrom(...ACTOR_KEYS), 5)).map(([c, op, a]) => new SuspensionCommand(c, op, a)),
  fc
    .tuple(fc.constantFrom(...OFFICER_KEYS), sometimes(fc.constantFrom("remove" as const, "register" as const), 4), fc.constantFrom(Role.ISSUER, Role.CUSTOMS), sometimes(fc.constantFrom(...ACTOR_KEYS), 5))
    .map(([t, op, r, a]) => new OfficerCommand(t, op, r, a)),
];

// ---------------------------------------------------------------------------------------------

async function setup(): Promise<{ model: Model; real: Real }> {
  const f = await loadFixture(deployRegistryFixture);
  const signer = { governance: f.governance, stranger: f.stranger } as Record<ActorKey, HardhatEthersSigner>;
  const accounts: Model["accounts"] = {};
  for (const code of CODES) {
    for (const role of ["admin", "issuer", "customs"] as const) {
      signer[`${code}.${role}`] = f[code][role];
      accounts[`${code}.${role}`] = { code, role: ROLE_OF[role], active: true };
    }
  }
  ADDRESS = Object.fromEntries(ACTOR_KEYS.map((k) => [k, signer[k].address])) as Record<ActorKey, string>;
  numberOf.clear();
  const model: Model = { now: BigInt(await time.latest()), permits: {}, order: [], suspended: [], accounts, counter: 0 };
  return { model, real: { f, signer } };
}

describe("PermitRegistry against a model (stateful property test)", function () {
  this.timeout(0);

  it(`random sequences of operations by right and wrong actors keep the contract and the model in agreement (${NUM_RUNS} runs)`, async function () {
    const started = Date.now();
    let commands = 0;
    await fc.assert(
      fc.asyncProperty(fc.commands(COMMANDS, { maxCommands: MAX_COMMANDS, size: "max" }), async (cmds) => {
        commands += [...cmds].length;
        await fc.asyncModelRun(setup, cmds);
      }),
      { numRuns: NUM_RUNS, seed: process.env.MODEL_SEED ? Number(process.env.MODEL_SEED) : undefined, verbose: 1 },
    );
    if (process.env.MODEL_STATS) console.log([...TALLY.entries()].sort().map(([k, v]) => `        ${k}: ${v}`).join("\n"));
    console.log(`      (${NUM_RUNS} runs, ${commands} commands generated, ${((Date.now() - started) / 1000).toFixed(1)} s)`);
  });
});
