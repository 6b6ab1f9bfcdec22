import type { Migration } from "./index";

/**
 * The QR codes this service handed out (as an image, SVG or PDF), by the SHA-256 of their payload,
 * with what reading each one gave when it was handed out: a verification of the very same code
 * reuses that reading (a pure function of the code's text) instead of decoding, validating,
 * hashing and recovering its signer again. See `domain/issuedCodes.ts`.
 */
export const issuedCodes: Migration = {
  version: 10,
  name: "issued_codes",
  sql: () => `
    CREATE TABLE issued_codes (
      digest TEXT PRIMARY KEY,
      permit_id TEXT NOT NULL REFERENCES permits (permit_id),
      reading TEXT NOT NULL,
      created_at TEXT NOT NULL
    );
  `,
};
