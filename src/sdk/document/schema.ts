/**
 * The permit document schema: the samples' shape is the API's input contract. One zod schema for
 * the SDK, the express service and the browser form, so this file stays free of Node-only imports.
 *
 * Objects are strict: an unknown key is rejected (`object.unknownKey`) rather than stripped, so the
 * document that passes validation is byte for byte the document that gets hashed.
 */
import { z } from "zod";
import { APPENDICES, DOCUMENT_TYPES, PURPOSES, SOURCES } from "./codes";
import { checkDocumentRules } from "./documentRules";
import { country, isoDate, keysOf, lineNumber, permitNumber, quantity, rule, text } from "./fields";

export { DocumentType } from "./codes";

/** Names and addresses; generous limits that still keep a document QR- and chain-friendly. */
const NAME = 200;
const ADDRESS = 500;
const LONG_TEXT = 2000;

/** Exporter / importer (boxes 3, 3a, 4). */
const partySchema = z.strictObject({ name: text(NAME), address: text(ADDRESS), country: country() });

/** A permit issued earlier, as box 12 (origin) and 12a (last re-export) name it. */
const priorPermitSchema = z.strictObject({ country: country(), number: permitNumber(), date: isoDate() });

/** One line item (boxes 7–12b). */
const itemSchema = z.strictObject({
  line: lineNumber(),
  scientificName: text(NAME),
  commonName: text(NAME).optional(),
  /** CITES only (box 10). */
  appendix: z.enum(keysOf(APPENDICES)).optional(),
  /** CITES only (box 10). */
  source: z.enum(keysOf(SOURCES)).optional(),
  /** A CITES term code on CITES documents, free text ("fresh fruit") on ePhyto certificates. */
  term: text(NAME),
  quantity: quantity(),
  /** A unit code on CITES documents ("" = number of specimens), free text on ePhyto certificates. */
  unit: z.string().refine((v) => v.length <= 20, rule("text.maxLength", "must be at most 20 characters")),
  description: text(LONG_TEXT).optional(),
  countryOfOrigin: country().optional(),
  /** Box 12: required on every line of a re-export certificate. */
  originPermit: priorPermitSchema.optional(),
  /** Box 12a: the last re-export certificate, or null when there was none. */
  lastReexport: priorPermitSchema.nullable().optional(),
});

/** The permit / certificate document. */
export const permitDocumentSchema = z
  .strictObject({
    documentType: z.enum(keysOf(DOCUMENT_TYPES)),
    permitNumber: permitNumber(),
    issuingCountry: country(),
    issuingAuthority: z.strictObject({ name: text(NAME), address: text(ADDRESS) }).optional(),
    issuedOn: isoDate(),
    validUntil: isoDate(),
    exporter: partySchema,
    importer: partySchema,
    /** CITES only (box 5a), required there. */
    purpose: z.enum(keysOf(PURPOSES)).optional(),
    /** The importing country's permit, required when exporting Appendix-I specimens. */
    importPermit: z.strictObject({ country: country(), number: permitNumber() }).optional(),
    specialConditions: text(LONG_TEXT).optional(),
    /** ePhyto additional declaration. */
    additionalDeclaration: text(LONG_TEXT).optional(),
    items: z.array(itemSchema).refine((items) => items.length > 0, rule("items.nonEmpty", "must list at least one line item")),
    signedBy: z.strictObject({ name: text(NAME), role: text(NAME).optional() }).optional(),
  })
  .superRefine((document, ctx) =>
    checkDocumentRules(document, (path, code, message) => ctx.addIssue({ code: "custom", path, message, params: { rule: code } })),
  );

/** A validated permit document. */
export type PermitDocument = z.infer<typeof permitDocumentSchema>;
/** One line item of a permit document. */
export type PermitItem = PermitDocument["items"][number];
