/**
 * The service's door to the chain: one reader, and per officer a viem client signing with that
 * officer's own key. Writes from one account are serialised (one nonce at a time), so the outbox
 * and a synchronous step by the same officer never race for a nonce.
 */
import { createPublicClient, createWalletClient, http, type Address, type Chain, type LocalAccount, type PublicClient, type Transport } from "viem";
import { createRegistryClient, type DeploymentRecord, type RegistryClient } from "../../sdk/chain";

export type ChainGatewayOptions = {
  rpcUrl: string;
  deployment: DeploymentRecord;
  confirmations?: number;
};

/** How long a verification waits for the chain, once, before its answer is CHAIN_UNREACHABLE. */
export const VERIFY_CHAIN_TIMEOUT_MS = 5_000;

export class ChainGateway {
  readonly publicClient: PublicClient<Transport, Chain | undefined>;
  readonly reader: RegistryClient;
  /**
   * The reader for POST /verify: one attempt of at most {@link VERIFY_CHAIN_TIMEOUT_MS} per call,
   * so that a customs officer learns within seconds that the chain cannot be reached (the offline
   * checks still run), instead of after the retries the service's own work can afford to wait for.
   */
  readonly verifyReader: RegistryClient;
  readonly deployment: DeploymentRecord;
  readonly chainId: number;
  readonly rpcUrl: string;
  readonly #confirmations: number;
  readonly #writers = new Map<Address, RegistryClient>();
  readonly #queues = new Map<Address, Promise<unknown>>();

  constructor(options: ChainGatewayOptions) {
    this.rpcUrl = options.rpcUrl;
    this.deployment = options.deployment;
    this.chainId = options.deployment.chainId;
    this.#confirmations = options.confirmations ?? 1;
    this.publicClient = createPublicClient({
      transport: http(options.rpcUrl, { retryCount: 1, timeout: 10_000 }),
      pollingInterval: 100,
    }) as PublicClient<Transport, Chain | undefined>;
    this.reader = this.#registry(this.publicClient);
    this.verifyReader = this.#registry(createPublicClient({ transport: http(options.rpcUrl, { retryCount: 0, timeout: VERIFY_CHAIN_TIMEOUT_MS }) }) as PublicClient<Transport, Chain | undefined>);
  }

  /** The deployment's registry over `publicClient` (and signing with `walletClient`). */
  #registry(publicClient: PublicClient<Transport, Chain | undefined>, walletClient?: Parameters<typeof createRegistryClient>[0]["walletClient"]): RegistryClient {
    return createRegistryClient({
      publicClient,
      walletClient,
      address: this.deployment.registry.address,
      fromBlock: BigInt(this.deployment.registry.blockNumber),
      confirmations: this.#confirmations,
    });
  }

  /** A registry client that signs with `account`. */
  writer(account: LocalAccount): RegistryClient {
    let client = this.#writers.get(account.address);
    if (!client) {
      const walletClient = createWalletClient({
        account,
        chain: { id: this.chainId, name: this.deployment.network, nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 }, rpcUrls: { default: { http: [this.rpcUrl] } } },
        transport: http(this.rpcUrl, { retryCount: 1, timeout: 30_000 }),
      });
      client = this.#registry(this.publicClient, walletClient);
      this.#writers.set(account.address, client);
    }
    return client;
  }

  /** Runs `fn` with `account`'s writer after every earlier write of that account has settled. */
  serialised<T>(account: LocalAccount, fn: (client: RegistryClient) => Promise<T>): Promise<T> {
    const previous = this.#queues.get(account.address) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => fn(this.writer(account)));
    this.#queues.set(account.address, next);
    return next;
  }

  async head(): Promise<{ blockNumber: bigint; blockTime: bigint }> {
    const block = await this.publicClient.getBlock();
    return { blockNumber: block.number!, blockTime: block.timestamp };
  }
}
