/**
 * Code lists of the permit document, each a constant `code → human label` so a web form can build
 * its pickers from the same data the validator checks against. Pure data: no Node-only imports.
 */
export { COUNTRIES, isCountryCode, type CountryCode } from "./countries";

/** The kinds of document the registry anchors. CITES form "document type"; ePhyto per ISPM 12. */
export const DOCUMENT_TYPES = {
  CITES_EXPORT_PERMIT: "CITES export permit",
  CITES_IMPORT_PERMIT: "CITES import permit",
  CITES_REEXPORT_CERTIFICATE: "CITES re-export certificate",
  CITES_OTHER_CERTIFICATE: "CITES other certificate",
  EPHYTO_CERTIFICATE: "Phytosanitary certificate (ePhyto)",
} as const;

/** The document type values, usable as an enum: `DocumentType.CITES_EXPORT_PERMIT`. */
export const DocumentType = {
  CITES_EXPORT_PERMIT: "CITES_EXPORT_PERMIT",
  CITES_IMPORT_PERMIT: "CITES_IMPORT_PERMIT",
  CITES_REEXPORT_CERTIFICATE: "CITES_REEXPORT_CERTIFICATE",
  CITES_OTHER_CERTIFICATE: "CITES_OTHER_CERTIFICATE",
  EPHYTO_CERTIFICATE: "EPHYTO_CERTIFICATE",
} as const satisfies { [K in keyof typeof DOCUMENT_TYPES]: K };
export type DocumentType = (typeof DocumentType)[keyof typeof DocumentType];

/** `true` for the four CITES document types, to which the CITES code lists apply. */
export function isCitesDocumentType(type: DocumentType): boolean {
  return type !== DocumentType.EPHYTO_CERTIFICATE;
}

/** CITES Appendices (box 10). */
export const APPENDICES = {
  I: "Appendix I",
  II: "Appendix II",
  III: "Appendix III",
} as const;
export type Appendix = keyof typeof APPENDICES;

/** CITES source codes (box 10), Res. Conf. 12.3. */
export const SOURCES = {
  W: "Taken from the wild",
  X: "Taken in the marine environment not under the jurisdiction of any State",
  R: "Ranched",
  D: "Appendix-I animals bred in captivity / plants propagated in registered operations",
  A: "Artificially propagated plants",
  C: "Animals bred in captivity",
  F: "Born in captivity (F1 or later), not meeting 'bred in captivity'",
  Y: "Assisted production",
  U: "Source unknown",
  I: "Confiscated or seized",
  O: "Pre-Convention",
} as const;
export type Source = keyof typeof SOURCES;

/** CITES purpose-of-transaction codes (box 5a), Res. Conf. 12.3. */
export const PURPOSES = {
  B: "Breeding in captivity or artificial propagation",
  E: "Educational",
  G: "Botanical garden",
  H: "Hunting trophy",
  L: "Law enforcement / judicial / forensic",
  M: "Medical (including biomedical research)",
  N: "Reintroduction or introduction into the wild",
  P: "Personal",
  Q: "Circus or travelling exhibition",
  S: "Scientific",
  T: "Commercial",
  Z: "Zoo",
} as const;
export type Purpose = keyof typeof PURPOSES;

/**
 * CITES term codes (box 9, description of specimens), from the CITES annual-report guidelines.
 * Holds the common terms and the other frequently used ones; extend here (and only here) when a
 * permit needs a further official term.
 */
export const TERMS = {
  BAL: "baleen",
  BAR: "bark",
  BOC: "bone carvings",
  BOD: "bodies",
  BON: "bones",
  BOP: "bone pieces",
  CAL: "calipee",
  CAP: "carapaces",
  CAR: "carvings",
  CAV: "caviar",
  CHP: "timber chips",
  CLA: "claws",
  COR: "raw corals",
  COS: "cosmetics",
  CUL: "cultures of artificially propagated plants",
  DER: "derivatives",
  DPL: "dried plants",
  EAR: "ears",
  EGG: "eggs",
  EGL: "eggs (live)",
  EXT: "extract",
  FEA: "feathers",
  FIB: "fibres",
  FIN: "fins",
  FLO: "flowers",
  FOO: "feet",
  FRU: "fruit",
  GAB: "gall bladders",
  GAL: "gall",
  GAR: "garments",
  GEN: "genitalia",
  HAI: "hair",
  HOC: "horn carvings",
  HOP: "horn pieces",
  HOR: "horns",
  IVC: "ivory carvings",
  IVP: "ivory pieces",
  LEA: "leather products",
  LIV: "live",
  LOG: "logs",
  LPL: "leather products (large)",
  LPS: "leather products (small)",
  LVS: "leaves",
  MEA: "meat",
  MED: "medicine",
  MUS: "musk",
  OIL: "oil",
  PLY: "plywood",
  POW: "powder",
  QUI: "quills",
  ROO: "roots",
  SAW: "sawn wood",
  SCA: "scales",
  SEE: "seeds",
  SHE: "shells",
  SHO: "shoes",
  SKE: "skeletons",
  SKI: "skins",
  SKP: "skin pieces",
  SKU: "skulls",
  SPE: "scientific specimens",
  STE: "stems",
  TAI: "tails",
  TEE: "teeth",
  TIM: "timber",
  TIP: "timber pieces",
  TRO: "trophies",
  TUS: "tusks",
  VEN: "veneer sheets",
  WAX: "wax",
  WPR: "wood products",
} as const;
export type Term = keyof typeof TERMS;

/** Units of quantity (box 11). The empty string means "number of specimens". */
export const UNITS = {
  "": "number of specimens",
  kg: "kilograms",
  g: "grams",
  l: "litres",
  ml: "millilitres",
  m: "metres",
  m2: "square metres",
  m3: "cubic metres",
  cm3: "cubic centimetres",
} as const;
export type Unit = keyof typeof UNITS;

/** `true` when `value` is one of the codes of `list` (own keys only, so `"toString"` is not a code). */
export function isCodeOf<T extends Record<string, string>>(list: T, value: unknown): value is keyof T & string {
  return typeof value === "string" && Object.hasOwn(list, value);
}
