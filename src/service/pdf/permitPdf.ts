/**
 * The printable permit: an A4 PDF laid out like the boxes of the standard CITES permit form
 * (Res. Conf. 12.3, Annex 2), with the security stamp (box 5b) replaced by the permit's QR code.
 * ePhyto certificates use the same grid with the ISPM 12 names for the boxes.
 *
 * Every field is untrusted text: it is cleaned (no control or bidi-override characters) and each
 * box clamps what it prints (wrap, then "…"), so no input can push one box into another or off
 * the page. Line items that do not fit on page 1 go on continuation sheets.
 */
import PDFDocument from "pdfkit";
import QRCode from "qrcode";
import type { Hex } from "viem";
import type { ChainVerification, PermitStatus } from "../../sdk/chain";
import {
  APPENDICES,
  DOCUMENT_TYPES,
  PURPOSES,
  SOURCES,
  TERMS,
  UNITS,
  isCitesDocumentType,
  isCodeOf,
  type PermitDocument,
  type PermitItem,
} from "../../sdk/document";
import { qrVersionFor, type QrErrorCorrectionLevel } from "../../sdk/qr";
import { loadPdfFonts, type PdfFontRole } from "./fonts";
import { clean, countryLabel, countryName, formatQuantity, formatTimestamp } from "./text";

/** Box 14 as customs filled it in at export. */
export type PermitPdfExportEndorsement = {
  /**
   * Quantity actually exported per line item, in document item order and in the item's unit
   * (decimal, as in the document; convert ledger thousandths with `fromFixedPoint`).
   */
  quantities: readonly (number | undefined)[];
  /** Bill of lading / air waybill number. */
  transportDocument?: string;
  /** Port (or border crossing) of export. */
  port?: string;
  /** Date of export: `YYYY-MM-DD`, or a Date / unix seconds (printed in UTC). */
  date?: string | Date | bigint;
  /** Name (or ledger address) of the customs officer. */
  officer?: string;
};

export type RenderPermitPdfParameters = {
  document: PermitDocument;
  /** Exactly what the QR code must hold (a verify URL `…#PR1:…` or a bare `PR1:…` payload). */
  qrText: string;
  /** The on-chain permit id (bytes32 hex), printed in the footer. */
  permitId: Hex;
  /** Ledger status at printing time; CANCELLED, REPLACED, EXPIRED (and failed checks) print a "not valid" watermark. */
  status?: PermitStatus | ChainVerification;
  /** When the permit was anchored (Date, or block time in unix seconds). */
  anchoredAt?: Date | bigint;
  /** When `status` was read: printed with it (on paper it is a snapshot; the QR code tells the status now). */
  statusAsOf?: Date;
  /** For a replacement: the number (or, when unknown, the id) of the permit it replaces, printed in box 5. */
  replaces?: string;
  /** Transaction that anchored the permit. */
  txHash?: Hex;
  /** Box 14, when the export has been endorsed; otherwise box 14 is printed empty. */
  exportEndorsement?: PermitPdfExportEndorsement;
  /** The URL printed in the footer; default: `qrText` up to its `#` when it is an http(s) URL. */
  verifyUrl?: string;
};

/** ECC level of the printed QR code (15 % of codewords recoverable: survives stamps and creases). */
export const PERMIT_PDF_QR_ECC: QrErrorCorrectionLevel = "M";
/** Line items on page 1 before the rest moves to continuation sheets. */
export const PERMIT_PDF_ITEMS_ON_FIRST_PAGE = 4;
/** Line items per continuation sheet. */
export const PERMIT_PDF_ITEMS_PER_CONTINUATION_PAGE = 12;

const PAGE_W = 595.28;
const PAGE_H = 841.89;
const M = 28;
const CONTENT_W = PAGE_W - 2 * M;
const RIGHT_W = 200;
const LEFT_W = CONTENT_W - RIGHT_W;
const X_RIGHT = M + LEFT_W;
const ROW_H = 55;
const TABLE_HEAD_H = 24;
const FOOTER_H = 26;
const FOOTER_Y = PAGE_H - M - FOOTER_H;

const INK = "#111111";
const LABEL = "#4a4a4a";
const RULE = "#333333";
const SHADE = "#eeeeee";
const RED = "#b00020";
const GREEN = "#1b5e20";

const INVALID_STATUSES = new Set(["CANCELLED", "REPLACED", "EXPIRED", "HASH_MISMATCH", "UNKNOWN", "NONE"]);

type Doc = PDFKit.PDFDocument;
type Area = { x: number; y: number; w: number; h: number };
type Run = { text: string; font?: PdfFontRole; size?: number; color?: string; gap?: number; maxLines?: number };

/**
 * Renders the permit as an A4 PDF.
 *
 * @throws QrPayloadTooLargeError when `qrText` does not fit in a QR code at level M.
 * @example
 * const pdf = await renderPermitPdf({ document, qrText: toVerifyUrl(encodeQrPayload(payload)), permitId });
 */
export async function renderPermitPdf(parameters: RenderPermitPdfParameters): Promise<Buffer> {
  const { document, qrText, permitId } = parameters;
  qrVersionFor(qrText, PERMIT_PDF_QR_ECC); // typed error before any drawing
  const qr = QRCode.create(qrText, { errorCorrectionLevel: PERMIT_PDF_QR_ECC });
  const fonts = loadPdfFonts();
  const cites = isCitesDocumentType(document.documentType);
  const title = documentTitle(document);
  const created = parameters.anchoredAt !== undefined ? toDate(parameters.anchoredAt) : dateAtNoonUtc(document.issuedOn);

  const doc = new PDFDocument({
    size: "A4",
    margin: 0,
    bufferPages: true,
    compress: true,
    lang: "en",
    displayTitle: true,
    info: {
      Title: `${title} ${clean(document.permitNumber, 40)}`,
      Author: clean(document.issuingAuthority?.name, 200) || countryName(document.issuingCountry),
      Subject: `${DOCUMENT_TYPES[document.documentType] ?? "Permit"} — permit id ${permitId}`,
      Creator: "permit-registry",
      Producer: "permit-registry (pdfkit)",
      // Fixed, so the same permit always renders to the same bytes.
      CreationDate: created ?? new Date(0),
    },
  });
  for (const role of Object.keys(fonts) as PdfFontRole[]) doc.registerFont(role, fonts[role]);
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("data", (chunk: Buffer) => chunks.push(chunk));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });

  const items = document.items;
  const firstPageItems =
    items.length <= PERMIT_PDF_ITEMS_ON_FIRST_PAGE ? items : items.slice(0, PERMIT_PDF_ITEMS_ON_FIRST_PAGE - 1);
  const rest = items.slice(firstPageItems.length);
  const continuation: PermitItem[][] = [];
  for (let i = 0; i < rest.length; i += PERMIT_PDF_ITEMS_PER_CONTINUATION_PAGE)
    continuation.push(rest.slice(i, i + PERMIT_PDF_ITEMS_PER_CONTINUATION_PAGE));
  const pages = 1 + continuation.length;
  const footer = footerLines(parameters);

  // ---- page 1 ----
  watermark(doc, parameters.status);
  header(doc, document, title, cites, parameters);
  let y = M + 64;

  const b1 = box(doc, { x: M, y, w: 230, h: 40 }, cites ? "1  Permit / certificate No." : "Certificate No.");
  // The number is at most 32 UTF-8 bytes: shrink to fit rather than cut it.
  const number = clean(document.permitNumber, 40);
  const size = fitSize(doc, number, "bold", 14, 5.5, b1.w);
  doc.font("bold").fontSize(size).fillColor(INK).text(number, b1.x, b1.y + 3, { width: b1.w, height: size * 2.6, ellipsis: "…" });
  const b2 = box(doc, { x: M + 230, y, w: LEFT_W - 230, h: 40 }, cites ? "2  Valid until" : "Valid until");
  flow(doc, b2, [
    { text: clean(document.validUntil, 20), font: "bold", size: 12 },
    { text: "last day of validity", size: 6.5, color: LABEL },
  ]);
  y += 40;

  const party = (p: PermitDocument["importer"], role: string): Run[] => [
    { text: clean(p.name), font: "bold", size: 9, maxLines: 2 },
    { text: clean(p.address), size: 8, maxLines: 2 },
    { text: `${role}: ${countryLabel(p.country)}`, size: 8, gap: 2, maxLines: 1 },
  ];
  flow(doc, box(doc, { x: M, y, w: LEFT_W, h: 70 }, cites ? "3  Importer (name and address)  ·  3a  Country of import" : "Consignee (name and address)"), party(document.importer, cites ? "Country of import" : "Country of destination"));
  y += 70;
  flow(doc, box(doc, { x: M, y, w: LEFT_W, h: 70 }, cites ? "4  Exporter / re-exporter (name, address and country)" : "Exporter (name and address)"), party(document.exporter, "Country"));
  y += 70;
  const authority = document.issuingAuthority;
  flow(doc, box(doc, { x: M, y, w: LEFT_W, h: 60 }, cites ? "6  Name, address and country of the issuing Management Authority" : "Issuing National Plant Protection Organization"), [
    { text: clean(authority?.name) || `Management Authority of ${countryName(document.issuingCountry)}`, font: "bold", size: 9, maxLines: 2 },
    { text: clean(authority?.address), size: 8, maxLines: 1 },
    { text: countryLabel(document.issuingCountry), size: 8, maxLines: 1 },
  ]);
  y += 60;

  qrBox(doc, { x: X_RIGHT, y: M + 64, w: RIGHT_W, h: y - (M + 64) }, qr.modules, qr.version, cites);

  const conditions: Run[] = [];
  const conditionText = cites ? document.specialConditions : document.additionalDeclaration;
  if (parameters.replaces) conditions.push({ text: `Replaces permit ${clean(parameters.replaces, 66)}, which is no longer valid.`, font: "bold", size: 8 });
  if (document.importPermit)
    conditions.push({ text: `Import permit: ${clean(document.importPermit.number, 40)} (${countryLabel(document.importPermit.country)})`, font: "bold", size: 8 });
  if (!cites && document.specialConditions) conditions.push({ text: clean(document.specialConditions), size: 8 });
  if (cites && document.additionalDeclaration) conditions.push({ text: clean(document.additionalDeclaration), size: 8 });
  conditions.unshift({ text: clean(conditionText) || (conditions.length ? "" : "None."), size: 8 });
  flow(doc, box(doc, { x: M, y, w: LEFT_W, h: 58 }, cites ? "5  Special conditions" : "Additional declaration"), conditions.filter((r) => r.text));
  const purpose = document.purpose;
  flow(
    doc,
    box(doc, { x: X_RIGHT, y, w: RIGHT_W, h: 58 }, cites ? "5a  Purpose of the transaction" : "Date of issue"),
    cites
      ? [
          { text: purpose ? clean(purpose, 4) : "—", font: "bold", size: 12 },
          { text: purpose && isCodeOf(PURPOSES, purpose) ? PURPOSES[purpose] : "", size: 8 },
        ]
      : [{ text: clean(document.issuedOn, 20), font: "bold", size: 12 }],
  );
  y += 58;

  const box13H = 62;
  const box14H = 92;
  const box14Y = FOOTER_Y - box14H;
  const box13Y = box14Y - box13H;
  const columns = tableColumns(cites);
  y = tableHeader(doc, columns, y);
  for (const item of firstPageItems) {
    tableRow(doc, columns, y, item, parameters.exportEndorsement, items.indexOf(item));
    y += ROW_H;
  }
  if (rest.length > 0) {
    const first = rest[0].line;
    const last = rest[rest.length - 1].line;
    const area = { x: M, y, w: CONTENT_W, h: ROW_H };
    doc.rect(area.x, area.y, area.w, area.h).lineWidth(0.5).strokeColor(RULE).stroke();
    flow(doc, inset(area), [
      {
        text: `${rest.length} more line item${rest.length === 1 ? "" : "s"} (line ${first} to ${last}) on the continuation sheet${continuation.length === 1 ? "" : "s"}, page${continuation.length === 1 ? "" : "s"} 2${continuation.length > 1 ? `–${pages}` : ""}.`,
        font: "bold",
        size: 8.5,
      },
    ]);
    y += ROW_H;
  }
  // Empty ruled rows down to box 13, so the grid reads as one form.
  for (; y + ROW_H <= box13Y + 0.5; y += ROW_H) emptyRow(doc, columns, y, ROW_H);
  if (y < box13Y - 0.5) emptyRow(doc, columns, y, box13Y - y);

  box13(doc, { x: M, y: box13Y, w: CONTENT_W, h: box13H }, document, parameters, cites);
  box14(doc, { x: M, y: box14Y, w: CONTENT_W, h: box14H }, document, parameters);
  pageFooter(doc, footer, 1, pages);

  // ---- continuation sheets ----
  continuation.forEach((pageItems, index) => {
    doc.addPage({ size: "A4", margin: 0 });
    watermark(doc, parameters.status);
    doc.font("bold").fontSize(11).fillColor(INK).text(`Continuation sheet — ${title}`, M, M, { width: CONTENT_W, height: 16, ellipsis: "…" });
    doc
      .font("regular")
      .fontSize(8.5)
      .fillColor(INK)
      .text(`${cites ? "Permit / certificate" : "Certificate"} No. ${clean(document.permitNumber, 40)}  ·  issued ${clean(document.issuedOn, 20)} by ${countryName(document.issuingCountry)}  ·  valid until ${clean(document.validUntil, 20)}`, M, M + 18, { width: CONTENT_W, height: 24, ellipsis: "…" });
    let cy = tableHeader(doc, columns, M + 48);
    for (const item of pageItems) {
      tableRow(doc, columns, cy, item, parameters.exportEndorsement, items.indexOf(item));
      cy += ROW_H;
    }
    pageFooter(doc, footer, index + 2, pages);
  });

  doc.end();
  return done;
}

// ---------------------------------------------------------------------------------------------
// Header, QR, boxes 13 / 14, footer

function documentTitle(document: PermitDocument): string {
  if (document.documentType === "EPHYTO_CERTIFICATE") return "PHYTOSANITARY CERTIFICATE";
  return (DOCUMENT_TYPES[document.documentType] ?? "Permit").replace(/^CITES /, "").toUpperCase();
}

function header(doc: Doc, document: PermitDocument, title: string, cites: boolean, p: RenderPermitPdfParameters): void {
  doc
    .font("bold")
    .fontSize(6.6)
    .fillColor(LABEL)
    .text(
      cites ? "CONVENTION ON INTERNATIONAL TRADE IN ENDANGERED SPECIES OF WILD FAUNA AND FLORA" : "INTERNATIONAL PLANT PROTECTION CONVENTION (IPPC)",
      M,
      M,
      { width: LEFT_W - 6, height: 10, ellipsis: "…" },
    );
  doc.font("bold").fontSize(19).fillColor(INK).text(title, M, M + 11, { width: LEFT_W - 6, height: 24, ellipsis: "…" });
  if (cites) {
    const options: [string, string][] = [
      ["CITES_EXPORT_PERMIT", "Export"],
      ["CITES_REEXPORT_CERTIFICATE", "Re-export"],
      ["CITES_IMPORT_PERMIT", "Import"],
      ["CITES_OTHER_CERTIFICATE", "Other"],
    ];
    let x = M;
    for (const [type, label] of options) {
      const checked = document.documentType === type;
      doc.rect(x, M + 40, 8, 8).lineWidth(0.7).strokeColor(INK).stroke();
      if (checked)
        doc.moveTo(x + 1.5, M + 41.5).lineTo(x + 6.5, M + 46.5).moveTo(x + 6.5, M + 41.5).lineTo(x + 1.5, M + 46.5).lineWidth(1.2).stroke();
      doc.font(checked ? "bold" : "regular").fontSize(8).fillColor(INK).text(label, x + 11, M + 40, { width: 60, height: 10, lineBreak: false });
      x += 62;
    }
  } else {
    doc.font("regular").fontSize(8).fillColor(INK).text("Electronic phytosanitary certificate (ePhyto), ISPM 12", M, M + 40, { width: LEFT_W, height: 10, ellipsis: "…" });
  }

  // Right: issuing country and ledger status.
  const x = X_RIGHT + 10;
  const w = RIGHT_W - 10;
  doc.font("regular").fontSize(7).fillColor(LABEL).text("Issuing country", x, M, { width: w, height: 9, ellipsis: "…" });
  doc.font("bold").fontSize(9).fillColor(INK).text(countryLabel(document.issuingCountry), x, M + 8, { width: w, height: 11, ellipsis: "…" });
  const status = p.status;
  const invalid = status !== undefined && INVALID_STATUSES.has(status);
  const colour = status === undefined ? LABEL : invalid ? RED : GREEN;
  doc.rect(x, M + 23, w, 30).lineWidth(1).strokeColor(colour).stroke();
  const asOf = status !== undefined && p.statusAsOf ? ` ON ${p.statusAsOf.toISOString().slice(0, 10)} (SCAN FOR NOW)` : "";
  doc.font("regular").fontSize(6.5).fillColor(colour).text(`LEDGER STATUS${asOf}`, x + 4, M + 25, { width: w - 8, height: 8, lineBreak: false });
  const statusText = status === undefined ? "scan the QR code to check" : clean(status, 20).replace(/_/g, " ");
  doc.font("bold").fontSize(status === undefined ? 8 : 10).fillColor(colour).text(statusText, x + 4, M + 33, { width: w - 8, height: 12, ellipsis: "…" });
  if (p.anchoredAt !== undefined)
    doc.font("regular").fontSize(6.5).fillColor(LABEL).text(`anchored ${formatTimestamp(p.anchoredAt)}`, x + 4, M + 45, { width: w - 8, height: 8, ellipsis: "…" });
  doc.fillColor(INK);
}

function watermark(doc: Doc, status: RenderPermitPdfParameters["status"]): void {
  if (status === undefined || !INVALID_STATUSES.has(status)) return;
  const lines = [clean(status, 20).replace(/_/g, " "), "NOT VALID"];
  const width = 560;
  const size = Math.min(...lines.map((line) => fitSize(doc, line, "bold", 80, 20, width)));
  doc.save();
  doc.rotate(-35, { origin: [PAGE_W / 2, PAGE_H / 2] });
  doc.font("bold").fontSize(size).fillColor(RED).fillOpacity(0.13);
  const lineHeight = doc.currentLineHeight(true);
  lines.forEach((line, i) => {
    doc.text(line, (PAGE_W - width) / 2, PAGE_H / 2 - lineHeight + i * lineHeight, { width, align: "center", lineBreak: false });
  });
  doc.restore();
  doc.fillOpacity(1).fillColor(INK);
}

function qrBox(doc: Doc, area: Area, modules: QRCode.BitMatrix, version: number, cites: boolean): void {
  const content = box(doc, area, cites ? "5b  Security stamp — replaced by the QR code" : "Security feature: QR code");
  const caption = 22;
  const quiet = 4;
  const side = Math.min(content.w, content.h - caption);
  const module = side / (modules.size + 2 * quiet);
  const x0 = content.x + (content.w - side) / 2;
  const y0 = content.y + 2;
  doc.rect(x0, y0, side, side).fillColor("#ffffff").fill();
  // Dark modules as horizontal runs in one path: no hairline seams between adjacent squares.
  for (let row = 0; row < modules.size; row++) {
    let col = 0;
    while (col < modules.size) {
      if (!modules.get(row, col)) {
        col++;
        continue;
      }
      const start = col;
      while (col < modules.size && modules.get(row, col)) col++;
      doc.rect(x0 + (quiet + start) * module, y0 + (quiet + row) * module, (col - start) * module, module);
    }
  }
  doc.fillColor("#000000").fill();
  doc
    .font("regular")
    .fontSize(6.5)
    .fillColor(LABEL)
    .text(
      `Scan to verify the issuer's signature, the ledger status and the export endorsement. QR version ${version}, error correction M.`,
      content.x,
      y0 + side + 3,
      { width: content.w, height: caption - 2, align: "center", ellipsis: "…" },
    );
  doc.fillColor(INK);
}

function box13(doc: Doc, area: Area, document: PermitDocument, p: RenderPermitPdfParameters, cites: boolean): void {
  const c = box(doc, area, cites ? "13  Issued by (place, date, name of the official, signature and seal)" : "Place and date of issue, name of the authorized officer, signature");
  const w1 = 110;
  const w2 = 150;
  const w3 = c.w - w1 - w2 - 16;
  flow(doc, { x: c.x, y: c.y, w: w1, h: c.h }, [
    { text: "Place", size: 6.5, color: LABEL },
    { text: countryName(document.issuingCountry) || "—", font: "bold", size: 8.5, maxLines: 2 },
    { text: "Date", size: 6.5, color: LABEL, gap: 2 },
    { text: clean(document.issuedOn, 20), font: "bold", size: 8.5, maxLines: 1 },
  ]);
  const signer = document.signedBy;
  const official: Run[] = [
    { text: "Name of the official", size: 6.5, color: LABEL },
    { text: signer ? clean(signer.name) : "—", font: "bold", size: 8.5, maxLines: 2 },
    { text: signer?.role ? clean(signer.role) : "", size: 7.5, maxLines: 2 },
  ];
  flow(doc, { x: c.x + w1 + 8, y: c.y, w: w2, h: c.h }, official);
  const seal: Run[] = [
    { text: "Signature and seal", size: 6.5, color: LABEL },
    { text: "Electronic: the issuing officer's signature over the document hash, anchored on the permit ledger.", size: 7 },
  ];
  if (p.anchoredAt !== undefined) seal.push({ text: `Anchored ${formatTimestamp(p.anchoredAt)}`, size: 7 });
  if (p.txHash) seal.push({ text: `tx ${clean(p.txHash, 80)}`, font: "mono", size: 5.6 });
  flow(doc, { x: c.x + w1 + w2 + 16, y: c.y, w: w3, h: c.h }, seal);
}

function box14(doc: Doc, area: Area, document: PermitDocument, p: RenderPermitPdfParameters): void {
  const cites = isCitesDocumentType(document.documentType);
  const c = box(doc, area, `${cites ? "14  " : ""}Export endorsement: quantity actually exported, transport document, port, date, officer`);
  const e = p.exportEndorsement;
  const leftW = c.w * 0.5;
  const right = { x: c.x + leftW + 8, y: c.y, w: c.w - leftW - 8, h: c.h };
  const field = (label: string, value: string): Run[] => [
    { text: label, size: 6.5, color: LABEL },
    { text: value || " ", font: "bold", size: 8 },
  ];
  if (!e) {
    flow(doc, { x: c.x, y: c.y, w: leftW, h: c.h }, [
      { text: "Not endorsed on this copy.", font: "bold", size: 8.5 },
      {
        text: "Customs record the export endorsement (quantities that actually left, transport document, port, date, officer) on the permit ledger. Scan the QR code to see whether and in what quantities the goods left the exporting country.",
        font: "italic",
        size: 7.5,
        gap: 2,
      },
    ]);
    emptyFields(doc, right, ["Bill of lading / air waybill No.", "Port of export", "Date", "Officer"]);
    return;
  }
  const lines: Run[] = [{ text: "Quantity actually exported", size: 6.5, color: LABEL }];
  document.items.forEach((item, index) => {
    const q = e.quantities[index];
    lines.push({
      text: `Line ${item.line}: ${q === undefined ? "—" : `${formatQuantity(q)} ${unitShort(document, item)}`.trim()}  (authorised ${formatQuantity(item.quantity)})`,
      font: "bold",
      size: 7.5,
    });
  });
  flow(doc, { x: c.x, y: c.y, w: leftW, h: c.h }, lines);
  const date = e.date === undefined ? "" : typeof e.date === "string" ? clean(e.date, 30) : formatTimestamp(e.date);
  const twoCols = (runs: Run[][]) => {
    const half = (right.w - 6) / 2;
    flow(doc, { x: right.x, y: right.y, w: half, h: right.h }, [...runs[0], ...runs[1]]);
    flow(doc, { x: right.x + half + 6, y: right.y, w: half, h: right.h }, [...runs[2], ...runs[3]]);
  };
  twoCols([
    field("Bill of lading / air waybill No.", clean(e.transportDocument, 120)),
    field("Port of export", clean(e.port, 120)),
    field("Date", date),
    field("Officer", clean(e.officer, 120)),
  ]);
}

function emptyFields(doc: Doc, area: Area, labels: string[]): void {
  const half = (area.w - 6) / 2;
  labels.forEach((label, i) => {
    const x = area.x + (i % 2) * (half + 6);
    const y = area.y + Math.floor(i / 2) * 34;
    doc.font("regular").fontSize(6.5).fillColor(LABEL).text(label, x, y, { width: half, height: 9, ellipsis: "…" });
    doc.moveTo(x, y + 24).lineTo(x + half, y + 24).lineWidth(0.4).dash(1.5, { space: 1.5 }).strokeColor(LABEL).stroke().undash();
  });
  doc.fillColor(INK);
}

function footerLines(p: RenderPermitPdfParameters): { id: string; verify: string } {
  const url = clean(p.verifyUrl ?? baseUrlOf(p.qrText), 160);
  return {
    id: clean(p.permitId, 80),
    verify: url ? `Verify: scan the QR code or open ${url}` : "Verify: scan the QR code with the permit-registry verifier.",
  };
}

function baseUrlOf(qrText: string): string {
  if (!/^https?:\/\//i.test(qrText)) return "";
  const hash = qrText.indexOf("#");
  return hash < 0 ? qrText : qrText.slice(0, hash);
}

function pageFooter(doc: Doc, footer: { id: string; verify: string }, page: number, pages: number): void {
  const y = FOOTER_Y + 5;
  doc.font("regular").fontSize(6.5).fillColor(LABEL).text("Permit id", M, y + 1, { width: 40, height: 9, lineBreak: false });
  doc.font("mono").fontSize(7).fillColor(INK).text(footer.id, M + 34, y, { width: CONTENT_W - 100, height: 9, ellipsis: "…" });
  doc.font("regular").fontSize(7).fillColor(INK).text(footer.verify, M, y + 10, { width: CONTENT_W - 70, height: 9, ellipsis: "…" });
  doc.font("regular").fontSize(7).fillColor(LABEL).text(`Page ${page} of ${pages}`, M + CONTENT_W - 65, y + 10, { width: 65, height: 9, align: "right", lineBreak: false });
  doc.fillColor(INK);
}

// ---------------------------------------------------------------------------------------------
// Line-item table (boxes 7–12a)

type Column = { head: string; w: number; cell: (item: PermitItem, exported: number | undefined, cites: boolean) => Run[] };

function tableColumns(cites: boolean): Column[] {
  const line: Column = { head: "Line", w: 22, cell: (item) => [{ text: String(item.line), font: "bold", size: 9 }] };
  const names = (head: string, w: number): Column => ({
    head,
    w,
    cell: (item) => [
      { text: clean(item.scientificName), font: "italic", size: 8.5, maxLines: 3 },
      { text: clean(item.commonName), size: 7.5, maxLines: 2 },
    ],
  });
  const quantity = (head: string, w: number): Column => ({
    head,
    w,
    cell: (item, exported, c) => {
      const runs: Run[] = [{ text: `${formatQuantity(item.quantity)} ${c ? (item.unit ? clean(item.unit, 20) : "") : clean(item.unit, 20)}`.trim(), font: "bold", size: 9 }];
      const label = c && isCodeOf(UNITS, item.unit) ? UNITS[item.unit] : "";
      if (label) runs.push({ text: label, size: 6.8 });
      if (exported !== undefined) runs.push({ text: `exported: ${formatQuantity(exported)}`, font: "bold", size: 7, color: GREEN, gap: 2 });
      return runs;
    },
  });
  if (!cites) {
    return [
      line,
      names("Botanical name / common name", 140),
      {
        head: "Description of the consignment",
        w: 130,
        cell: (item) => [
          { text: clean(item.term), font: "bold", size: 8, maxLines: 2 },
          { text: clean(item.description), size: 7 },
        ],
      },
      quantity("Quantity", 80),
      { head: "Place of origin", w: 167, cell: (item) => [{ text: countryLabel(item.countryOfOrigin) || "—", size: 8 }] },
    ];
  }
  return [
    line,
    names("7/8  Scientific name / common name", 104),
    {
      head: "9  Description of specimens, marks",
      w: 92,
      cell: (item) => {
        const term = clean(item.term, 40);
        return [
          { text: isCodeOf(TERMS, term) ? `${term} — ${TERMS[term]}` : term, font: "bold", size: 8, maxLines: 2 },
          { text: clean(item.description), size: 7 },
        ];
      },
    },
    {
      head: "10  Appendix and source",
      w: 64,
      cell: (item) => [
        { text: `${item.appendix && isCodeOf(APPENDICES, item.appendix) ? item.appendix : "—"}  /  ${item.source ? clean(item.source, 4) : "—"}`, font: "bold", size: 8.5 },
        { text: item.source && isCodeOf(SOURCES, item.source) ? `Source: ${SOURCES[item.source]}` : "", size: 6.5 },
      ],
    },
    quantity("11  Quantity (incl. unit)", 62),
    {
      head: "12  Country of origin, permit No., date",
      w: 104,
      cell: (item) => priorPermit(item.countryOfOrigin ?? item.originPermit?.country, item.originPermit),
    },
    {
      head: "12a  Last re-export: country, cert. No., date",
      w: 91,
      cell: (item) => (item.lastReexport ? priorPermit(item.lastReexport.country, item.lastReexport) : [{ text: "—", size: 8 }]),
    },
  ];
}

function priorPermit(country: string | undefined, permit: { country: string; number: string; date: string } | null | undefined): Run[] {
  const runs: Run[] = [{ text: countryLabel(country) || "—", font: "bold", size: 7.8, maxLines: 2 }];
  if (permit) {
    const other = permit.country !== country ? ` (${clean(permit.country, 4)})` : "";
    runs.push({ text: `No. ${clean(permit.number, 40)}${other}`, size: 7.2, maxLines: 2 });
    runs.push({ text: `of ${clean(permit.date, 20)}`, size: 7.2 });
  }
  return runs;
}

function tableHeader(doc: Doc, columns: Column[], y: number): number {
  let x = M;
  for (const column of columns) {
    doc.rect(x, y, column.w, TABLE_HEAD_H).fillColor(SHADE).fill();
    doc.rect(x, y, column.w, TABLE_HEAD_H).lineWidth(0.5).strokeColor(RULE).stroke();
    doc.font("bold").fontSize(6.3).fillColor(LABEL).text(column.head, x + 3, y + 3, { width: column.w - 6, height: TABLE_HEAD_H - 4, ellipsis: "…" });
    x += column.w;
  }
  doc.fillColor(INK);
  return y + TABLE_HEAD_H;
}

function emptyRow(doc: Doc, columns: Column[], y: number, height: number): void {
  let x = M;
  for (const column of columns) {
    doc.rect(x, y, column.w, height).lineWidth(0.5).strokeColor(RULE).stroke();
    x += column.w;
  }
}

function tableRow(doc: Doc, columns: Column[], y: number, item: PermitItem, endorsement: PermitPdfExportEndorsement | undefined, index: number): void {
  const cites = columns.length > 5;
  const exported = endorsement?.quantities[index];
  let x = M;
  for (const column of columns) {
    doc.rect(x, y, column.w, ROW_H).lineWidth(0.5).strokeColor(RULE).stroke();
    flow(doc, inset({ x, y, w: column.w, h: ROW_H }), column.cell(item, exported, cites));
    x += column.w;
  }
}

// ---------------------------------------------------------------------------------------------
// Primitives

/** A labelled form box; returns the area inside it for content. */
function box(doc: Doc, area: Area, label: string): Area {
  doc.rect(area.x, area.y, area.w, area.h).lineWidth(0.75).strokeColor(RULE).stroke();
  doc.font("bold").fontSize(6.3).fillColor(LABEL).text(label, area.x + 4, area.y + 3, { width: area.w - 8, height: 8, ellipsis: "…" });
  doc.fillColor(INK);
  return { x: area.x + 4, y: area.y + 12, w: area.w - 8, h: area.h - 15 };
}

function inset(area: Area): Area {
  return { x: area.x + 3, y: area.y + 3, w: area.w - 6, h: area.h - 5 };
}

/**
 * Stacks paragraphs in `area`, each wrapped to its width; the paragraph that reaches the bottom
 * ends in "…" and the rest are dropped.
 */
function flow(doc: Doc, area: Area, runs: Run[]): void {
  let y = area.y;
  const bottom = area.y + area.h;
  for (const run of runs) {
    if (!run.text) continue;
    const size = run.size ?? 8;
    y += run.gap ?? 0;
    doc.font(run.font ?? "regular").fontSize(size);
    const lineHeight = doc.currentLineHeight(true);
    if (y + lineHeight > bottom + 0.5) break;
    const height = Math.min(bottom - y, run.maxLines ? run.maxLines * lineHeight + 0.1 : Infinity);
    doc.fillColor(run.color ?? INK).text(run.text, area.x, y, { width: area.w, height, ellipsis: "…", lineGap: 0 });
    y = doc.y;
  }
  doc.fillColor(INK);
}

/** The largest size between `min` and `max` at which `text` fits `width` on one line. */
function fitSize(doc: Doc, text: string, font: PdfFontRole, max: number, min: number, width: number): number {
  for (let size = max; size > min; size -= 0.5) if (doc.font(font).fontSize(size).widthOfString(text) <= width) return size;
  return min;
}

function unitShort(document: PermitDocument, item: PermitItem): string {
  if (!isCitesDocumentType(document.documentType)) return clean(item.unit, 20);
  return item.unit ? clean(item.unit, 20) : "specimens";
}

function toDate(value: Date | bigint): Date | undefined {
  const date = value instanceof Date ? value : new Date(Number(value) * 1000);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function dateAtNoonUtc(iso: string): Date | undefined {
  const date = new Date(`${iso}T12:00:00Z`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
