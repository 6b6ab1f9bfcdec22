/** The printable permit: an A4 PDF laid out like the CITES permit form, with the QR code in box 5b. */
export {
  PERMIT_PDF_ITEMS_ON_FIRST_PAGE,
  PERMIT_PDF_ITEMS_PER_CONTINUATION_PAGE,
  PERMIT_PDF_QR_ECC,
  renderPermitPdf,
  type PermitPdfExportEndorsement,
  type RenderPermitPdfParameters,
} from "./permitPdf";
export { MAX_FIELD_CHARS } from "./text";
