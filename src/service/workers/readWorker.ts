/**
 * A process of the read pool. It reads permits (`readPermit`: QR decoding, document validation,
 * salted hash, signer recovery) for the service, and — once the service has told it where the
 * store is — answers whole verifications from the store's mirror of the chain (`MirrorVerifier`),
 * so the service's thread only moves bytes. Started by `readWorkerProcess.cjs`; talks over the IPC
 * channel; exits when asked or when the service is gone.
 */
import type { TrustListSnapshot } from "../../sdk/verify";
import { readPermit } from "../../sdk/verify";
import { draftPermit } from "../domain/permitDraft";
import { MirrorVerifier, type MirrorAnswer } from "../domain/verification";
import type { Server } from "node:http";
import type { Socket } from "node:net";
import { createConnectionServer } from "./connectionServer";
import type { MirrorState } from "../domain/verifyReader";
import { openStoreReader, type Store } from "../store";
import type { ReadRequest, ReadResponse } from "./readPool";

if (!process.send) throw new Error("readWorker runs as a child process of ReadPool (with an IPC channel)");
const send = (message: ReadResponse) => process.send!(message);
const failure = (err: unknown) => (err instanceof Error ? err.message : String(err));

let store: Store | undefined;
let verifier: MirrorVerifier | undefined;
let mirror: MirrorState = { lastSyncFailed: true }; // not current until the service says so
let trustList: TrustListSnapshot | undefined;

/** Set once the service asks this process to serve the connections it hands over. */
let server: Server | undefined;
/** Verifications answered on the connections this process serves, and those passed on to the service. */
const served = { answered: 0, fallbacks: 0 };
const answerFromMirror = async (qr: string): Promise<MirrorAnswer> => {
  const answer: MirrorAnswer = verifier ? await verifier.answer(qr) : { fallback: "this helper has no store" };
  if ("answer" in answer) served.answered++;
  else served.fallbacks++;
  return answer;
};

process.on("message", (request: ReadRequest, handle?: unknown) => {
  if ("connection" in request) {
    const socket = handle as Socket | undefined;
    if (!socket || !server) {
      socket?.destroy(); // this copy only: the service's is still open, and it serves the connection
      return send({ refused: request.connection });
    }
    server.emit("connection", socket);
    socket.resume(); // accepted paused, so that nothing was read before it came here
    send({ took: request.connection }); // the service lets go of its copy
    return;
  }
  if ("serve" in request) {
    server ??= createConnectionServer(request.serve, answerFromMirror);
    send({ serving: true });
    return;
  }
  if ("close" in request) {
    server?.closeAllConnections();
    process.disconnect(); // nothing else keeps this process alive: it exits
    void store?.close().catch(() => undefined);
    return;
  }
  if ("setup" in request) {
    try {
      store = openStoreReader(request.setup.database);
      verifier = new MirrorVerifier({ store, mirror: () => mirror, trustList: () => trustList });
    } catch (err) {
      console.error(`verification helper: cannot open the store (${failure(err)}); the service answers verifications itself`);
    }
    return;
  }
  if ("state" in request) {
    if (request.state.mirror) mirror = request.state.mirror;
    if (request.state.trustList) trustList = request.state.trustList;
    return;
  }
  const { id } = request;
  if ("count" in request) return send({ id, served });
  if ("verify" in request) {
    if (!verifier) return send({ id, fallback: "this helper has no store" });
    verifier.answer(request.verify).then(
      (answer) => send({ id, ...answer }),
      (err: unknown) => send({ id, error: failure(err) }),
    );
    return;
  }
  if ("draft" in request) {
    try {
      send({ id, drafts: request.draft.map((body) => draftPermit(body)) });
    } catch (err) {
      send({ id, error: failure(err) });
    }
    return;
  }
  readPermit(request.input).then(
    (reading) => send({ id, reading }),
    (err: unknown) => send({ id, error: failure(err) }),
  );
});
// The service went away (even by kill -9): nothing left to serve.
process.on("disconnect", () => process.exit(0));
// Loaded: a stop from now on is a crash, not a failed start (the pool restarts it at once).
send({ ready: true });
