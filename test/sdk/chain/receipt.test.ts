/**
 * waitForReceipt on Hardhat's in-process network, with Anvil's automine race reproduced in front
 * of it: the node answers "no receipt" once for a transaction it has already mined, and no other
 * block follows.
 */
import { expect } from "chai";
import { network } from "hardhat";
import { HttpRequestError, createPublicClient, custom, keccak256, toHex, type Hash } from "viem";
import { hardhat } from "viem/chains";
import { hardhatProvider, hardhatWalletClient } from "../../../scripts/lib/hardhatViem";
import { decodeRegistryError, waitForReceipt } from "../../../src/sdk";

/** A client over the network whose node has the receipt of a hash in `late` only `LATE_MS` after it was put there. */
const LATE_MS = 150;
function clientWithLateReceipts() {
  const late = new Map<string, number>();
  const asked: string[] = [];
  const client = createPublicClient({
    chain: hardhat,
    pollingInterval: 20,
    transport: custom({
      async request(args: { method: string; params?: unknown[] }) {
        asked.push(args.method);
        if (args.method === "eth_getTransactionReceipt") {
          const since = late.get(String((args.params as string[])[0]).toLowerCase());
          if (since !== undefined && performance.now() - since < LATE_MS) return null;
        }
        return hardhatProvider.request(args);
      },
    }),
  });
  return { client, markLate: (hash: Hash) => late.set(hash.toLowerCase(), performance.now()), asked };
}

const send = () => hardhatWalletClient(1).sendTransaction({ to: hardhatWalletClient(2).account.address, value: 1n });

describe("waitForReceipt", () => {
  it("finds a mined transaction whose receipt the node did not have at first, with no further block", async () => {
    const { client, markLate, asked } = clientWithLateReceipts();
    const hash = await send();
    const head = await client.getBlockNumber({ cacheTime: 0 });
    markLate(hash);
    const receipt = await waitForReceipt(client, hash, { timeoutMs: 5_000 });
    expect(receipt).to.include({ transactionHash: hash, status: "success", blockNumber: head });
    expect(asked.filter((m) => m === "eth_getTransactionReceipt").length).to.be.greaterThan(1); // "no receipt" first
    expect(await client.getBlockNumber({ cacheTime: 0 })).to.equal(head); // no block was needed
  });

  it("waits until the receipt is `confirmations` blocks deep", async () => {
    const { client } = clientWithLateReceipts();
    const hash = await send();
    let settled = false;
    const waiting = waitForReceipt(client, hash, { confirmations: 2, timeoutMs: 5_000 }).then((r) => ((settled = true), r));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(settled, "one block deep is not two").to.equal(false);
    await network.provider.send("evm_mine", []);
    const receipt = await waiting;
    expect(receipt.transactionHash).to.equal(hash);
    expect((await client.getBlockNumber({ cacheTime: 0 })) - receipt.blockNumber).to.equal(1n);
  });

  it("gives up after its timeout for a transaction the node never saw", async () => {
    const { client } = clientWithLateReceipts();
    const unknown: Hash = keccak256(toHex("never sent"));
    const started = performance.now();
    const err = await waitForReceipt(client, unknown, { timeoutMs: 200 }).then(() => undefined, (e: Error) => e);
    expect(err?.name).to.equal("WaitForTransactionReceiptTimeoutError");
    expect(performance.now() - started).to.be.within(200, 2_000);
  });

  it("waits out a node it cannot reach, and answers once the node is back", async () => {
    const { client: reachable, markLate } = clientWithLateReceipts();
    const hash = await send();
    markLate(hash);
    let down = true;
    const client = createPublicClient({
      chain: hardhat,
      pollingInterval: 20,
      transport: custom({
        request: async (args: { method: string; params?: unknown[] }) => {
          if (down) throw new HttpRequestError({ url: "http://127.0.0.1:8545", details: "connect ECONNREFUSED 127.0.0.1:8545" });
          return reachable.request(args as never);
        },
      }, { retryCount: 0 }),
    });
    const waiting = waitForReceipt(client, hash, { timeoutMs: 5_000 });
    await new Promise((resolve) => setTimeout(resolve, 200));
    down = false;
    expect((await waiting).transactionHash).to.equal(hash);
  });

  it("gives the failure to reach the node, not a timeout, when the node stays unreachable", async () => {
    const client = createPublicClient({
      chain: hardhat,
      pollingInterval: 20,
      transport: custom({ request: async () => { throw new HttpRequestError({ url: "http://127.0.0.1:8545", details: "connect ECONNREFUSED 127.0.0.1:8545" }); } }, { retryCount: 0 }),
    });
    const err = await waitForReceipt(client, keccak256(toHex("x")), { timeoutMs: 200 }).then(() => undefined, (e: Error) => e);
    expect(err?.message).to.contain("ECONNREFUSED");
    expect(decodeRegistryError(err).name).to.equal("ChainUnreachableError");
  });

  it("throws at once an error that is the node's answer", async () => {
    const client = createPublicClient({
      chain: hardhat,
      pollingInterval: 20,
      transport: custom({ request: async () => { throw Object.assign(new Error("invalid argument 0: hex string has length 2, want 64"), { code: -32602 }); } }, { retryCount: 0 }),
    });
    const started = performance.now();
    const err = await waitForReceipt(client, keccak256(toHex("x")), { timeoutMs: 5_000 }).then(() => undefined, (e: Error) => e);
    expect(err?.message).to.contain("invalid argument");
    expect(performance.now() - started).to.be.below(1_000);
  });
});
