/** What the REST API answers, as the pages read it (JSON: bigints arrive as strings). test/web/api-types.check.ts checks these against the service's types. */
import type { PermitDocument } from "../../sdk/document";
import type { Verdict } from "../../sdk/verify";

export type Role = "ADMIN" | "ISSUER" | "CUSTOMS";
export type Officer = { id: string; country: string; role: Role; name: string; address: string; active?: boolean; externalKey?: boolean; createdAt?: string };

export type PermitStatus = "PENDING" | "ISSUED" | "ENDORSED" | "USED" | "CANCELLED" | "REPLACED" | "FAILED";

export type PermitView = {
  permitId: string;
  permitNumber: string;
  issuingCountry: string;
  documentType: string;
  status: PermitStatus;
  failureReason: string | null;
  documentHash: string;
  exportingCountry: string | null;
  importingCountry: string | null;
  validUntil: string | null;
  txHash: string | null;
  blockNumber: number | null;
  lines: { line: number; scientificName?: string; unit?: string; authorised: number; exported: number | null }[];
  history: { event: string; officer: string | null; by: { name: string; role: string; country: string } | null; country: string | null; txHash: string; blockNumber: number; at: string | null; data: unknown }[];
  nonCompliance: boolean;
  exportShipment: { transportDocument: string | null; port: string | null } | null;
  document: PermitDocument;
  links: { self: string; qrPng: string; qrSvg: string; pdf: string; verify: string };
  createdAt: string;
  updatedAt: string;
};

export type PermitSummary = Pick<PermitView, "permitId" | "permitNumber" | "issuingCountry" | "documentType" | "exportingCountry" | "importingCountry" | "validUntil" | "status" | "failureReason" | "createdAt">;

/** GET /reports/summary. */
export type PermitCounts = {
  country: string;
  total: number;
  byStatus: Partial<Record<PermitStatus, number>>;
  byMonth: { month: string; permits: number }[];
  partners: { country: string; permits: number }[];
};

type Num = string | number | bigint;
export type Check = { result: "passed" | "failed" | "skipped"; reason: string };
export type Verification = {
  verdict: Verdict;
  mode: "online" | "offline";
  checks: { signature: Check; hash: Check; status: Check };
  permitId?: string;
  signer?: string;
  document?: PermitDocument;
  lines?: { line: number; authorised: number; exported?: number | null; unit?: string }[];
  history?: { event: string; officer?: string; blockNumber: Num; blockTime: Num; txHash: string; details: Record<string, unknown> }[];
  nonCompliance?: { reason: string; officer?: string; txHash: string; blockTime: Num }[];
  replacementId?: string;
  asOf?: { blockNumber: Num; blockTime: Num };
  trustList?: { blockNumber: string; blockTime: string; ageSeconds: number };
  error?: string;
};

export type TrustList = { format: string; chainId: number; registry: string; blockNumber: string; blockTime: string; takenAt: string; officers: unknown[] };
