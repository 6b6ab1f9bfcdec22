/** permit-registry SDK: documents, QR codes, chain clients and verification. */
export * from "./errors";
export * from "./ids";
export { nativeCrypto } from "./crypto";
export * from "./document";
export * from "./qr";
export * from "./chain";
export * from "./verify";
// Both layers define the salt size (32 bytes); one export.
export { SALT_BYTES } from "./document";
