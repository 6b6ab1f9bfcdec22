/** What the API returns for a permit: the store's record, its lines, history and links. */
import type { Hex } from "viem";
import { fromFixedPoint, type PermitDocument } from "../../sdk/document";
import type { OfficerRecord, PermitEvent, PermitLine, PermitRecord } from "../store";

export type PermitView = {
  permitId: Hex;
  permitNumber: string;
  issuingCountry: string;
  documentType: string;
  status: PermitRecord["status"];
  failureReason: string | null;
  documentHash: Hex;
  exportingCountry: string | null;
  importingCountry: string | null;
  validUntil: string | null;
  txHash: Hex | null;
  blockNumber: number | null;
  lines: { line: number; scientificName?: string; unit?: string; authorised: number; exported: number | null }[];
  /** `by`: the officer this service knows at `officer`'s address (removed since or not), null when it knows none there. */
  history: { event: string; officer: Hex | null; by: HistoryOfficer | null; country: string | null; txHash: Hex; blockNumber: number; at: string | null; data: unknown }[];
  nonCompliance: boolean;
  /** Box 14 as customs gave it with the export endorsement: null before it, a field null if not given. */
  exportShipment: { transportDocument: string | null; port: string | null } | null;
  /** For a replacement, the permit it replaces; for a REPLACED permit, its replacement (the number when this service holds it). */
  replaces: PermitLink | null;
  replacedBy: PermitLink | null;
  document: PermitDocument;
  links: { self: string; qrPng: string; qrSvg: string; pdf: string; verify: string };
  createdAt: string;
  updatedAt: string;
};

export type PermitLink = { permitId: Hex; permitNumber: string | null };
/** Who signed a lifecycle step, as this service's officer list names them. */
export type HistoryOfficer = { name: string; role: OfficerRecord["role"]; country: string };

export function permitView(
  permit: PermitRecord,
  lines: PermitLine[],
  events: PermitEvent[],
  baseUrl: string,
  links: { replaces: PermitLink | null; replacedBy: PermitLink | null } = { replaces: null, replacedBy: null },
  /** The officers at the events' addresses (lowercase), as the store knows them. */
  officers: ReadonlyMap<string, OfficerRecord> = new Map(),
): PermitView {
  const by = (address: Hex | null): HistoryOfficer | null => {
    const officer = address ? officers.get(address.toLowerCase()) : undefined;
    return officer ? { name: officer.name, role: officer.role, country: officer.country } : null;
  };
  const document = JSON.parse(permit.documentJson) as PermitDocument;
  const items = new Map(document.items.map((i) => [i.line, i]));
  const endorsed = events.some((e) => e.kind === "ExportEndorsed");
  const self = `${baseUrl}/api/v1/permits/${permit.permitId}`;
  return {
    permitId: permit.permitId,
    permitNumber: permit.permitNumber,
    issuingCountry: permit.issuingCountry,
    documentType: permit.docType,
    status: permit.status,
    failureReason: permit.failureReason,
    documentHash: permit.documentHash,
    exportingCountry: permit.exportingCountry,
    importingCountry: permit.importingCountry,
    validUntil: permit.validUntil,
    txHash: permit.txHash,
    blockNumber: permit.blockNumber,
    lines: lines.map((l) => ({
      line: l.line,
      scientificName: items.get(l.line)?.scientificName,
      unit: items.get(l.line)?.unit,
      authorised: fromFixedPoint(l.authorised),
      exported: endorsed ? fromFixedPoint(l.exported) : null,
    })),
    history: events.map((e) => ({ event: e.kind, officer: e.officerAddress, by: by(e.officerAddress), country: e.country, txHash: e.txHash, blockNumber: e.blockNumber, at: e.blockTime, data: e.data })),
    nonCompliance: events.some((e) => e.kind === "NonComplianceRecorded"),
    exportShipment: endorsed ? { transportDocument: permit.exportTransportDocument, port: permit.exportPort } : null,
    replaces: links.replaces,
    replacedBy: links.replacedBy,
    document,
    links: { self, qrPng: `${self}/qr.png`, qrSvg: `${self}/qr.svg`, pdf: `${self}/pdf`, verify: `${baseUrl}/verify` },
    createdAt: permit.createdAt,
    updatedAt: permit.updatedAt,
  };
}
