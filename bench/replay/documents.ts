/**
 * Real permit documents for the synthetic ones: the SDK's sample documents
 * (test/sdk/document/fixtures) re-dated, re-numbered, re-addressed to the drawn countries and
 * given the drawn number of line items (species taken from the samples of the same kind), then
 * hashed with a salt and mapped to the contract's input exactly as the service does
 * (`documentHash`, `permitInputOf`).
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { bytesToHex, type Address, type Hex } from "viem";
import { documentHash, parsePermitDocument, type PermitDocument } from "../../src/sdk/document";
import { permitIdOf } from "../../src/sdk/ids";
import { ZERO_HASH, permitInputOf, type PermitInput, type PermitRecord } from "../../src/sdk/chain";
import type { DocumentKind } from "./config";
import { seededRandom, type SyntheticDocument } from "./model";

const FIXTURES = path.join(__dirname, "..", "..", "test", "sdk", "document", "fixtures");
const TYPE_OF: Record<DocumentKind, PermitDocument["documentType"]> = {
  export: "CITES_EXPORT_PERMIT",
  reexport: "CITES_REEXPORT_CERTIFICATE",
  import: "CITES_IMPORT_PERMIT",
  ephyto: "EPHYTO_CERTIFICATE",
};
/** Days of validity from the day of issue (within the contract's limits: 6 months, 12 for import permits). */
const VALID_DAYS: Record<DocumentKind, number> = { export: 150, reexport: 150, import: 300, ephyto: 30 };

type Item = PermitDocument["items"][number];

function loadSamples() {
  const docs = readdirSync(FIXTURES).filter((f) => f.endsWith(".json")).map((f) => JSON.parse(readFileSync(path.join(FIXTURES, f), "utf8")) as PermitDocument);
  const template = (type: string, pred: (d: PermitDocument) => boolean = () => true) => {
    const found = docs.find((d) => d.documentType === type && pred(d));
    if (!found) throw new Error(`no sample document of type ${type} in ${FIXTURES}`);
    return found;
  };
  const itemsOf = (pred: (d: PermitDocument) => boolean) => docs.filter(pred).flatMap((d) => d.items);
  return {
    templates: {
      export: template("CITES_EXPORT_PERMIT", (d) => !d.importPermit),
      appendixI: template("CITES_EXPORT_PERMIT", (d) => !!d.importPermit),
      reexport: template("CITES_REEXPORT_CERTIFICATE"),
      import: template("CITES_IMPORT_PERMIT"),
      ephyto: template("EPHYTO_CERTIFICATE"),
    },
    // The species pools: Appendix-II CITES lines for exports and re-exports, Appendix-I lines, plants for ePhyto.
    items: {
      cites: itemsOf((d) => d.documentType.startsWith("CITES") && d.items.every((i) => i.appendix !== "I")),
      // A re-exported line names the permit the specimens were first exported under (box 12).
      reexport: docs.flatMap((d) => d.items).filter((i) => "originPermit" in i && i.originPermit && i.appendix !== "I"),
      appendixI: itemsOf((d) => d.items.some((i) => i.appendix === "I")),
      ephyto: itemsOf((d) => d.documentType === "EPHYTO_CERTIFICATE"),
    },
  };
}

export type AnchoredDocument = { document: PermitDocument; input: PermitInput; permitId: Hex };

export class DocumentFactory {
  private readonly samples = loadSamples();
  /** Permit numbers unique to this run, so a replay against a long-lived chain never collides. */
  constructor(private readonly runTag: string) {}

  permitNumber(doc: SyntheticDocument): string {
    return `${doc.issuingCountry}-R${this.runTag}-${doc.index.toString(36).toUpperCase()}`;
  }

  permitId(doc: SyntheticDocument): Hex {
    return permitIdOf(doc.issuingCountry, this.permitNumber(doc));
  }

  /** The document as an authority would issue it `today` (chain validity runs on wall-clock dates). */
  document(doc: SyntheticDocument, today: Date): PermitDocument {
    const { templates, items } = this.samples;
    const random = seededRandom(doc.variant);
    const template = doc.appendixI ? templates.appendixI : templates[doc.kind];
    const pool = doc.kind === "ephyto" ? items.ephyto : doc.appendixI || doc.kind === "import" ? items.appendixI : doc.kind === "reexport" ? items.reexport : items.cites;
    const day = (offset: number) => new Date(today.getTime() + offset * 86_400_000).toISOString().slice(0, 10);
    const lines: Item[] = Array.from({ length: doc.lines }, (_, i) => {
      const item = pool[Math.floor(random() * pool.length)];
      const quantity = Math.max(1, Math.round(item.quantity * (0.2 + 1.6 * random())));
      return { ...item, line: i + 1, quantity };
    });
    const document = {
      ...template,
      permitNumber: this.permitNumber(doc),
      issuingCountry: doc.issuingCountry,
      issuedOn: day(0),
      validUntil: day(VALID_DAYS[doc.kind] - 1),
      exporter: { ...template.exporter, country: doc.exporter },
      importer: { ...template.importer, country: doc.importer },
      items: lines,
    } as PermitDocument;
    if (doc.importPermit) (document as { importPermit?: unknown }).importPermit = { country: doc.importPermit.issuingCountry, number: this.permitNumber(doc.importPermit) };
    return document;
  }

  /** Hashes the document with a salt drawn from its own seed and maps it to the contract's input. */
  anchor(doc: SyntheticDocument, today: Date): AnchoredDocument {
    const document = this.document(doc, today);
    const random = seededRandom(doc.variant ^ 0x5a17);
    const salt = bytesToHex(Uint8Array.from({ length: 32 }, () => Math.floor(random() * 256)));
    return { document, input: permitInputOf(document, documentHash(document, salt)), permitId: this.permitId(doc) };
  }

  /** Every kind of synthetic document passes the SDK's own validation (checked once at start). */
  selfCheck(today: Date): void {
    const base = { index: 0, exporter: "CH", importer: "JP", issuingCountry: "CH", issueAt: 0, variant: 42 };
    const importPermit: SyntheticDocument = { ...base, kind: "import", appendixI: false, lines: 1, issuingCountry: "JP" };
    const samples: SyntheticDocument[] = [
      { ...base, kind: "export", appendixI: false, lines: 5 },
      { ...base, kind: "reexport", appendixI: false, lines: 2 },
      { ...base, kind: "ephyto", appendixI: false, lines: 3 },
      importPermit,
      { ...base, kind: "export", appendixI: true, lines: 1, importPermit },
    ];
    for (const s of samples) parsePermitDocument(this.document(s, today));
  }
}

/** The record customs present to endorse: what the issue anchored, with its block time and issuer. */
export function recordOf(anchored: AnchoredDocument, doc: SyntheticDocument, issuedAt: bigint, issuer: Address): PermitRecord {
  const { input } = anchored;
  return {
    permitId: anchored.permitId,
    documentHash: input.documentHash,
    documentType: TYPE_OF[doc.kind],
    exportingCountry: doc.exporter,
    importingCountry: doc.importer,
    validUntil: input.terms >> 40n,
    issuedAt,
    issuer,
    importPermitId: input.importPermitId,
    originPermitId: input.originPermitId,
    replacesPermitId: ZERO_HASH,
    authorised: input.quantities,
    exported: [],
  };
}
