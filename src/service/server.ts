/**
 * Starts the whole registry: configuration → store → chain (embedded Anvil, or an external RPC
 * endpoint with a deployment record) → demo authorities on first embedded start → outbox,
 * indexer, trust list → HTTP. Reconciles with the chain at start (domain/reconcile.ts): outbox
 * entries a crash left in flight are re-claimed, permits the chain lost are anchored again, and
 * lifecycle steps it lost are done again.
 */
import { mkdirSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from "node:net";
import path from "node:path";
import { readDeployment, type DeploymentRecord } from "../sdk/chain";
import { exportTrustList, type TrustListSnapshot } from "../sdk/verify";
import { JSON_LIMIT_BYTES, createApp } from "./app";
import { OfficerKeystore } from "./auth/keystore";
import { resolveKeystorePassphrase } from "./auth/passphrase";
import { startAnvil, loadOrCreateMnemonic, type AnvilHandle } from "./chain/anvil";
import { bootstrapEmbedded, deploymentsDir, type BootstrapKeys } from "./chain/bootstrap";
import { loadConfig, type ConfigOverrides, type ServiceConfig } from "./config";
import { OfficerAccounts } from "./domain/accounts";
import { ChainGateway } from "./domain/chainGateway";
import { OfficerService } from "./domain/officers";
import { checkRolesOnChain, importOfficers, readOfficerKeys, writeCredentials, type OfficerKeys } from "./domain/officerImport";
import { PermitService } from "./domain/permits";
import { reconcile } from "./domain/reconcile";
import { Indexer } from "./indexer/indexer";
import { StoreVerifyReader } from "./domain/verifyReader";
import { ReadPool } from "./workers/readPool";
import { verifyFastPath } from "./routes/verify";
import { OutboxWorker } from "./outbox/worker";
import { openStore, type Store } from "./store";

export type ServiceHandle = {
  url: string;
  config: ServiceConfig;
  store: Store;
  chain: ChainGateway;
  outbox: OutboxWorker;
  indexer: Indexer;
  /** The helper processes of POST /verify (VERIFY_WORKERS > 0). */
  readPool?: ReadPool;
  credentialsFile?: string;
  stop(): Promise<void>;
};

export type StartOptions = {
  env?: NodeJS.ProcessEnv;
  overrides?: ConfigOverrides;
  /** Lower scrypt cost (tests only). */
  fastKeystore?: boolean;
  webDir?: string;
  log?: (line: string) => void;
};

export async function startService(options: StartOptions = {}): Promise<ServiceHandle> {
  const log = options.log ?? ((line: string) => console.log(line));
  const config = loadConfig(options.env ?? process.env, options.overrides);
  for (const w of config.warnings) log(`! ${w}`);
  mkdirSync(config.dataDir, { recursive: true });

  const passphrase = await resolveKeystorePassphrase(config.keystore);
  const keystore = new OfficerKeystore({ passphrase, ...(options.fastKeystore ? { scrypt: { N: 2 ** 10, r: 8, p: 1 } } : {}) });
  const store = await openStore(config.database);
  const stops: (() => Promise<void>)[] = [() => store.close()];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((err) => log(`! while stopping: ${(err as Error).message}`));
  };

  try {
    let anvil: AnvilHandle | undefined;
    let deployment: DeploymentRecord;
    let rpcUrl: string;
    let credentialsFile: string | undefined;
    if (config.chain.kind === "embedded") {
      const mnemonic = loadOrCreateMnemonic(config.dataDir, log);
      anvil = await startAnvil({ dataDir: config.dataDir, mnemonic, log });
      stops.push(() => anvil!.stop());
      rpcUrl = anvil.rpcUrl;
      const boot = await bootstrapEmbedded({
        rpcUrl,
        dataDir: config.dataDir,
        mnemonic,
        log,
        persistKeys: async (keys) => {
          credentialsFile = await storeDemoAuthorities(store, keystore, keys, config.dataDir);
        },
      });
      if (boot.status === "contract-missing") {
        throw new Error(`${boot.message}\nThe embedded chain lost its contracts (its state file is gone). Move ${config.dataDir} aside to start fresh.`);
      }
      deployment = boot.deployment;
      credentialsFile ??= path.join(config.dataDir, "demo-credentials.json");
    } else {
      rpcUrl = config.chain.rpcUrl;
      deployment = readDeployment(config.chain.deployment, config.chain.deploymentsDir);
    }

    const chain = new ChainGateway({ rpcUrl, deployment, confirmations: config.confirmations });
    const actual = await chain.publicClient.getChainId();
    if (actual !== deployment.chainId) {
      throw new Error(`The chain at ${rpcUrl} has chain id ${actual}, but the deployment record "${deployment.network}" is for ${deployment.chainId}. Point RPC_URL and DEPLOYMENT at the same network.`);
    }
    // An external chain's officers come from their operator: OFFICER_KEYS_FILE names a keys file
    // like the one `permit-registry network up` writes ({ countries: { CH: { admin, issuer, customs } } }).
    // New officers must hold their roles on chain, as for `permit-registry officers import`.
    const keysFile = config.chain.kind === "external" ? (options.env ?? process.env).OFFICER_KEYS_FILE : undefined;
    if (keysFile) credentialsFile = await importOfficerKeys(store, keystore, chain, keysFile, config.dataDir, log);
    const accounts = new OfficerAccounts(keystore);
    // A getter: with PORT=0 the base URL gets its real port only once the server listens (below).
    // Helper processes for POST /verify (they read the store themselves, so not an in-memory
    // database) and for drafting batches of permits to issue.
    const shareable = config.database.kind === "postgres" || config.database.path !== ":memory:";
    const readPool = config.verifyWorkers > 0 ? new ReadPool(config.verifyWorkers, { log, database: shareable ? config.database : undefined }) : undefined;
    if (readPool) stops.push(() => readPool.close());
    const permits = new PermitService({
      store, chain, accounts,
      get publicBaseUrl() { return config.publicBaseUrl; },
      draftMany: readPool ? (bodies) => readPool.draft(bodies) : undefined,
    });
    const officers = new OfficerService({ store, chain, keystore, accounts });
    const indexer = new Indexer({
      store, chain, intervalMs: 500, log, confirmations: config.confirmations,
      onSync: (mirror) => readPool?.publish({ mirror }),
    });
    permits.onChainStep = () => indexer.syncNow();
    permits.onRefreshFailed = (permitId, err) => log(`! ${permitId}: the step is on chain but the store could not be refreshed yet (${(err as Error).message}); the indexer catches up`);
    const outbox = new OutboxWorker({ store, chain, accounts, batchSize: config.outbox.batchSize, intervalMs: config.outbox.intervalMs, log, onMined: () => indexer.syncNow() });

    await reconcile({ store, chain, accounts, log, refresh: () => indexer.syncNow() }, { releaseLeases: config.chain.kind === "embedded" });

    let trustList: TrustListSnapshot | undefined;
    const refreshTrustList = async () => {
      trustList = await exportTrustList(chain.reader, chain.chainId).catch(() => trustList);
      if (trustList) readPool?.publish({ trustList });
    };
    await refreshTrustList();
    const trustTimer = setInterval(refreshTrustList, 30_000);
    stops.push(async () => clearInterval(trustTimer));

    indexer.start();
    outbox.start();
    stops.push(() => indexer.stop(), () => outbox.stop());

    const verifyReader = new StoreVerifyReader({ store, mirror: () => indexer, fallback: chain.verifyReader, trustList: () => trustList });
    const verifyRatePerMinute = config.verifyRateLimit;
    const app = createApp({
      store, chain, permits, officers, verifyReader,
      readPermit: readPool ? (input) => readPool.read(input) : undefined,
      trustList: () => trustList,
      outboxDepth: () => store.countOutbox("QUEUED"),
      indexer: () => indexer,
      webDir: options.webDir,
      verifyRatePerMinute,
      log: { info: log, error: (m, ctx) => log(`! ${m} ${ctx?.err instanceof Error ? ctx.err.stack : ""}`) },
    });
    // POST /verify's common case skips express (see verifyFastPath); a rate limit keeps it in express.
    const fast = readPool && verifyRatePerMinute === 0 ? verifyFastPath({ mirror: (qr) => readPool.verify(qr), limitBytes: JSON_LIMIT_BYTES }) : undefined;
    const own: Server = createServer(fast ? (req, res) => fast(req, res, () => app(req, res)) : app);
    stops.push(closing(own));
    if (fast) {
      // The helpers serve the connections (ReadPool.handOff): they answer POST /verify's common case
      // themselves and pass the rest on to express here, on loopback.
      const forwarded: Server = createServer(app);
      await listen(forwarded, 0, "127.0.0.1");
      stops.push(closing(forwarded));
      readPool!.serve({ forwardTo: { host: "127.0.0.1", port: (forwarded.address() as AddressInfo).port }, limitBytes: JSON_LIMIT_BYTES });
    }
    // Connections are accepted paused: one goes to a helper unread, or (no helper serving yet, or none) is served here.
    const serveHere = (socket: Socket) => {
      own.emit("connection", socket);
      socket.resume();
    };
    const server = createNetServer({ pauseOnConnect: true, noDelay: true }, (socket) => {
      if (fast && readPool!.handOff(socket, serveHere)) return;
      serveHere(socket);
    });
    await listen(server, config.port, config.host).catch((err: NodeJS.ErrnoException) => {
      throw err.code === "EADDRINUSE" ? new Error(`Port ${config.port} on ${config.host} is in use. Stop what uses it, or start with PORT=<another port>.`) : err;
    });
    // Stops run last first: this one before the servers above. The listener stops accepting at once;
    // its close callback is not awaited (it would wait on the helpers' bookkeeping of the connections
    // handed to them): the service's thread ends its own connections, the helpers theirs as they close.
    stops.push(async () => {
      server.close();
      own.closeAllConnections();
      await readPool?.close();
    });
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : config.port;
    const url = `http://${config.host.includes(":") ? `[${config.host}]` : config.host}:${port}`;
    // PORT=0: links and QR codes must carry the port the OS chose, unless PUBLIC_BASE_URL says otherwise.
    if (config.port === 0 && /:0$/.test(config.publicBaseUrl)) config.publicBaseUrl = config.publicBaseUrl.replace(/:0$/, `:${port}`);
    return { url, config, store, chain, outbox, indexer, readPool, credentialsFile, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** External chain: imports the officers of a keys file (OFFICER_KEYS_FILE); officers already known are kept. */
async function importOfficerKeys(store: Store, keystore: OfficerKeystore, chain: ChainGateway, file: string, dataDir: string, log: (line: string) => void): Promise<string> {
  let keys: OfficerKeys;
  let imported;
  try {
    keys = readOfficerKeys(file);
    ({ imported } = await importOfficers({ store, keystore }, keys, { name: (country, key) => `${country} ${key}`, beforeImport: (fresh) => checkRolesOnChain(chain, fresh, "start again") }));
  } catch (err) {
    throw new Error(`OFFICER_KEYS_FILE ${file}: ${(err as Error).message}`, { cause: err });
  }
  const credentials = writeCredentials(dataDir, "credentials.json", imported);
  log(`imported officers of ${Object.keys(keys.countries).join(", ")} from ${file}; their tokens are in ${credentials}`);
  return credentials;
}

/** First embedded start: the demo authorities' keys go into the keystore and their tokens to a file. */
async function storeDemoAuthorities(store: Store, keystore: OfficerKeystore, keys: BootstrapKeys, dataDir: string): Promise<string> {
  const { imported } = await importOfficers({ store, keystore }, keys, { name: (country, key) => `${country} demo ${key}` });
  return writeCredentials(dataDir, "demo-credentials.json", imported);
}

export { deploymentsDir };

/** A stop that ends the server's connections and closes it. */
const closing = (server: Server) => () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); });

/** Listens, or fails with the listen error. */
function listen(server: NetServer, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}
