/**
 * A process of the read pool: reads permits (`readPermit`: QR decoding, document validation,
 * salted hash, signer recovery) for the service, which keeps HTTP and the store. Started by
 * `readWorkerProcess.cjs`; talks over the IPC channel; exits when asked or when the service is gone.
 */
import { readPermit } from "../../sdk/verify";
import type { ReadRequest, ReadResponse } from "./readPool";

if (!process.send) throw new Error("readWorker runs as a child process of ReadPool (with an IPC channel)");
const send = (message: ReadResponse) => process.send!(message);
process.on("message", (request: ReadRequest) => {
  if ("close" in request) return process.disconnect(); // nothing else keeps this process alive: it exits
  readPermit(request.input).then(
    (reading) => send({ id: request.id, reading }),
    (err: unknown) => send({ id: request.id, error: err instanceof Error ? err.message : String(err) }),
  );
});
// The service went away (even by kill -9): nothing left to serve.
process.on("disconnect", () => process.exit(0));
