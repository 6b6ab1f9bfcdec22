/** The QR layer: EIP-712 anchor signatures, the `PR1:` payload codec, verify URLs and QR images. */
export * from "./errors";
export type { PermitAnchorFields } from "./anchor";
export * from "./sign";
export type { JsonObject, JsonValue } from "./json";
export { MAX_DOCUMENT_DEPTH } from "./json";
export * from "./payload";
export { BASE45_ALPHABET, MAX_INFLATED_BYTES } from "./transport";
export * from "./url";
export * from "./image";
