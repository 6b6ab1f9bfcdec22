/**
 * Whether an officer is offered a lifecycle step (endorse an export, accept an import) on what was
 * scanned, and if not, why — in plain words, at once, instead of a form.
 *
 * Only a VALID verification of the paper's own code lets the step through: the step acts on the
 * genuine permit the code names, so a form offered under a forged or altered code would let the
 * officer complete it while holding forged paper. And only an officer of the country that takes
 * the step is offered it (the service refuses the others too, but only after the whole form).
 */
import type { PermitDocument } from "../../sdk/document";
import type { Verdict } from "../../sdk/verify";
import { country } from "./format";
import type { Officer, PermitView } from "./types";

export type StepKind = "endorse" | "accept";

type StepRule = {
  /** "Endorsement not offered." */
  name: string;
  /** What cannot happen: "the export cannot be endorsed". */
  cannot: string;
  /** The country whose officers take the step, from the permit or from a verified document. */
  countryOf(permit: PermitView): string | null;
  countryOfDocument(document: PermitDocument): string;
  /** "This permit is for an export from Sri Lanka (LK): only customs of Sri Lanka (LK) can endorse it." */
  whose(place: string): string;
};

const STEPS: Record<StepKind, StepRule> = {
  endorse: {
    name: "Endorsement",
    cannot: "the export cannot be endorsed",
    countryOf: (permit) => permit.exportingCountry,
    countryOfDocument: (document) => document.exporter.country,
    whose: (place) => `This permit is for an export from ${place}: only customs of ${place} can endorse it.`,
  },
  accept: {
    name: "Acceptance",
    cannot: "the import cannot be accepted",
    countryOf: (permit) => permit.importingCountry,
    countryOfDocument: (document) => document.importer.country,
    whose: (place) => `This permit is for an import into ${place}: only officers of ${place} can accept it.`,
  },
};

const HOLD = "do not accept the paper; hold the shipment and report the document.";

/** Why a verdict other than VALID stops the step; `cannot` is the step's "the export cannot be endorsed". */
const WHY: Record<Exclude<Verdict, "VALID">, (cannot: string) => string> = {
  TAMPERED: () => `This code does not match what was issued: ${HOLD}`,
  UNTRUSTED_SIGNER: () => `This code was not signed by an officer allowed to issue permits for its country: ${HOLD}`,
  NOT_ANCHORED: () => "No permit is recorded on the registry under this code: do not accept the paper. (A permit issued in the last few minutes may not be recorded yet; then retry shortly.)",
  MALFORMED: () => "This QR code is damaged or is not a permit code of this registry: scan it again, or check what was pasted.",
  CANCELLED: (cannot) => `The issuing authority cancelled this permit, so ${cannot}: do not accept the paper.`,
  REPLACED: (cannot) => `This permit was replaced by a newer one, so ${cannot} under it: ask for the replacement and scan its code.`,
  EXPIRED: (cannot) => `This permit is past its last day of validity, so ${cannot} under it.`,
  ALREADY_USED: (cannot) => `This permit was already used for an import and cannot be used again, so ${cannot} under it.`,
  CHAIN_UNREACHABLE: (cannot) => `The registry cannot reach its ledger just now, so ${cannot} at the moment. Retry in a minute.`,
};

export type Refusal = {
  /** Which rule: the verdict, or "COUNTRY". */
  reason: Verdict | "COUNTRY" | "NOT_SHOWN" | "DOCUMENT_TYPE";
  /** "Endorsement not offered." */
  title: string;
  text: string;
  /** Worth retrying as it is (the ledger was unreachable). */
  retry: boolean;
};

/** Why the verdict stops the step, or `undefined` when it is VALID. */
export function verdictRefusal(kind: StepKind, verdict: Verdict): Refusal | undefined {
  if (verdict === "VALID") return undefined;
  const why = WHY[verdict] ?? WHY.MALFORMED;
  return { reason: verdict, title: `${STEPS[kind].name} not offered.`, text: why(STEPS[kind].cannot), retry: verdict === "CHAIN_UNREACHABLE" };
}

/** Why the officer's country may not take the step, or `undefined` when it may. */
export function countryRefusal(kind: StepKind, officer: { country: string }, stepCountry: string | null | undefined): Refusal | undefined {
  if (!stepCountry || stepCountry === officer.country) return undefined;
  return {
    reason: "COUNTRY",
    title: `${STEPS[kind].name} not offered.`,
    text: `${STEPS[kind].whose(country(stepCountry))} You are signed in as an officer of ${country(officer.country)}.`,
    retry: false,
  };
}

/** Why this kind of document does not take the step: an import permit is not endorsed at export. */
export function documentTypeRefusal(kind: StepKind, documentType: string): Refusal | undefined {
  if (kind !== "endorse" || documentType !== "CITES_IMPORT_PERMIT") return undefined;
  return {
    reason: "DOCUMENT_TYPE",
    title: "Endorsement not offered.",
    text: "This is an import permit: it is not endorsed at export. Scan the export permit (or re-export certificate) that travels with the shipment and endorse that one.",
    retry: false,
  };
}

/** The step's country as a VALID verification's document says it (full QR codes only). */
export const documentCountry = (kind: StepKind, document: PermitDocument | undefined): string | undefined =>
  document ? STEPS[kind].countryOfDocument(document) : undefined;

export const permitCountry = (kind: StepKind, permit: PermitView): string | null => STEPS[kind].countryOf(permit);

/** A genuine permit the registry does not show this officer: it does not involve the officer's country. */
export function notShownRefusal(kind: StepKind, officer: Officer): Refusal {
  return {
    reason: "NOT_SHOWN",
    title: `${STEPS[kind].name} not offered.`,
    text: `The registry shows a permit only to officers of the countries it involves, and this one does not involve ${country(officer.country)}: ${STEPS[kind].cannot} here.`,
    retry: false,
  };
}
