export * from "./client";
export * from "./deployment";
export * from "./errors";
export * from "./logs";
export * from "./receipt";
export * from "./record";
export * from "./terms";
export { permitRegistryAbi, permitRegistryBytecode } from "./generated/permitRegistry";
