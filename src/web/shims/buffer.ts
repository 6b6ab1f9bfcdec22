/** Injected by the bundler wherever browser code meets Node's global `Buffer` (SDK code paths written for Node use it). */
export { Buffer } from "buffer";
