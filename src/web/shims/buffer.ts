/** Injected by the bundler wherever browser code meets Node's global `Buffer` (the base45 package uses it). */
export { Buffer } from "buffer";
