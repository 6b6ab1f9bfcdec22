/**
 * Waiting for a transaction's receipt by asking for the receipt itself, every polling interval,
 * until it is there and `confirmations` deep.
 *
 * viem's `waitForTransactionReceipt` asks again only when it sees a new block. Anvil in automine
 * mode sometimes answers "no receipt" for a transaction it has just mined (foundry-rs/foundry#10944,
 * seen here under load), and an idle automine chain mines no further block: the wait then lasted
 * viem's whole 180 s timeout while the transaction sat mined. Asking for the receipt does not
 * depend on new blocks, on any chain.
 */
import { TransactionReceiptNotFoundError, WaitForTransactionReceiptTimeoutError, type Hash, type PublicClient, type TransactionReceipt } from "viem";
import { isNetworkError } from "./errors";

export type WaitForReceiptOptions = {
  /** Blocks deep, the receipt's own block counting as one (default 1). */
  confirmations?: number;
  /** Gives up with viem's `WaitForTransactionReceiptTimeoutError` after this long (default 180 s, as viem). */
  timeoutMs?: number;
  /** Between two asks (default: the client's `pollingInterval`). */
  pollingIntervalMs?: number;
};

/**
 * The receipt of `hash` once mined (and `confirmations` deep). "No receipt yet" and failures to
 * reach the node are waited out (a node restarting does not lose a sent transaction): at the
 * timeout, the last failure to reach the node is thrown if there was one, else viem's timeout
 * error. Any other error from the node is thrown at once. The receipt is asked again at each step,
 * so a transaction that a reorganisation moved to another block is reported where it now is.
 *
 * @example
 * const receipt = await waitForReceipt(publicClient, hash, { confirmations: 2 });
 */
export async function waitForReceipt(
  client: Pick<PublicClient, "getTransactionReceipt" | "getBlockNumber" | "pollingInterval">,
  hash: Hash,
  options: WaitForReceiptOptions = {},
): Promise<TransactionReceipt> {
  const confirmations = BigInt(Math.max(1, options.confirmations ?? 1));
  const interval = options.pollingIntervalMs ?? client.pollingInterval;
  const deadline = performance.now() + (options.timeoutMs ?? 180_000);
  let unreachable: unknown;
  for (;;) {
    try {
      const receipt = await client.getTransactionReceipt({ hash });
      if (confirmations === 1n || (await client.getBlockNumber({ cacheTime: 0 })) - receipt.blockNumber + 1n >= confirmations) return receipt;
      unreachable = undefined;
    } catch (err) {
      if (err instanceof TransactionReceiptNotFoundError) unreachable = undefined;
      else if (isNetworkError(err)) unreachable = err;
      else throw err;
    }
    if (performance.now() >= deadline) throw unreachable ?? new WaitForTransactionReceiptTimeoutError({ hash });
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}
