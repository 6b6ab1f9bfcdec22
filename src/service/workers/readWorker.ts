/**
 * A worker thread of the read pool: reads permits (`readPermit`: QR decoding, document
 * validation, salted hash, signer recovery) for the main thread, which keeps HTTP and the store.
 */
import { parentPort } from "node:worker_threads";
import { readPermit } from "../../sdk/verify";
import type { ReadRequest, ReadResponse } from "./readPool";

if (!parentPort) throw new Error("readWorker runs as a worker thread of ReadPool");
const port = parentPort;
port.on("message", (request: ReadRequest) => {
  if ("close" in request) return port.close(); // nothing else keeps this thread alive: it exits
  readPermit(request.input).then(
    (reading) => port.postMessage({ id: request.id, reading } satisfies ReadResponse),
    (err: unknown) => port.postMessage({ id: request.id, error: err instanceof Error ? err.message : String(err) } satisfies ReadResponse),
  );
});
