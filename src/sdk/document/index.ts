/** The permit-document layer: schema and rules, code lists, fixed-point quantities, canonical form and hash. */
export {
  APPENDICES,
  COUNTRIES,
  DOCUMENT_TYPES,
  DocumentType,
  PURPOSES,
  SOURCES,
  TERMS,
  UNITS,
  isCitesDocumentType,
  isCodeOf,
  isCountryCode,
  type Appendix,
  type CountryCode,
  type Purpose,
  type Source,
  type Term,
  type Unit,
} from "./codes";
export { permitDocumentSchema, type PermitDocument, type PermitItem } from "./schema";
export { RULES, type RuleCode } from "./rules";
export { MAX_VALIDITY_MONTHS } from "./documentRules";
export { lastValidDay, parseIsoDate, formatIsoDate, type CalendarDate } from "./dates";
export {
  formatPath,
  parsePermitDocument,
  validatePermitDocument,
  type ValidatePermitDocumentReturnType,
  type ValidationIssue,
} from "./validate";
export { MAX_FIXED_POINT, MAX_QUANTITY, QUANTITY_DECIMALS, decimalPlaces, fromFixedPoint, toFixedPoint } from "./fixedPoint";
export { canonicalBytes, canonicalJson } from "./canonical";
export { SALT_BYTES, assertSalt, documentHash, newSalt } from "./hash";
export {
  DocumentNotCanonicalizableError,
  FixedPointOutOfRangeError,
  InvalidPermitDocumentError,
  InvalidQuantityError,
  InvalidSaltError,
  SecureRandomUnavailableError,
  type InvalidQuantityReason,
} from "./errors";
