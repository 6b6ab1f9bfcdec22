/**
 * Follows the chain head with standard JSON-RPC: every new block with its receipts
 * (`eth_getBlockReceipts`, or one `eth_getTransactionReceipt` per transaction on nodes without
 * it), many blocks per batch request. It settles the replay's transactions (mined, gas used,
 * success) and keeps each block's gas for the fullness figures. "Mined" is when this poller first
 * saw the block, so time to inclusion is exact to about one poll interval.
 */
import type { Hex } from "viem";
import { rpc, rpcBatch, type RpcAnswer } from "./rpc";

export type BlockStat = {
  number: number;
  timestamp: number;
  /** Seconds since the parent block. */
  interval: number;
  gasUsed: number;
  gasLimit: number;
  baseFeeGwei: number;
  transactions: number;
  /** Of which the replay's own. */
  ours: number;
  seenAt: number;
  /** The replay had more ready work than it could send when the block was seen: the block could have been full. */
  backlogged: boolean;
};

type RawBlock = { hash: Hex; parentHash: Hex; number: Hex; timestamp: Hex; gasUsed: Hex; gasLimit: Hex; baseFeePerGas?: Hex; transactions: Hex[] };
type RawReceipt = { transactionHash: Hex; status: Hex; gasUsed: Hex };

export type MinedTx = { hash: Hex; blockNumber: number; blockTimestamp: number; gasUsed: number; ok: boolean; seenAt: number };

export class BlockObserver {
  readonly blocks: BlockStat[] = [];
  private next = 0;
  private lastTimestamp = 0;
  private running = false;
  private loop?: Promise<void>;
  private blockReceipts = true;
  private highestSeen = -1;
  private readonly firstSeen = new Map<number, { seenAt: number; backlogged: boolean }>();
  private lastHash?: Hex;
  /** Reorgs deeper than `confirmations` (a step may then have used a replaced block's timestamp). */
  deepReorgs = 0;
  baseFeeWei = 0n;

  constructor(
    private readonly p: {
      url: string;
      pollMs: number;
      /** Blocks a block must be buried under before it is read (0 for automine). */
      confirmations: number;
      isOurs: (hash: Hex) => boolean;
      onMined: (tx: MinedTx) => void;
      backlogged: () => boolean;
      onBlock?: () => void;
    },
  ) {}

  /** Starts after the current head (earlier blocks are the deployment's). */
  async start(): Promise<void> {
    const head = await rpc<RawBlock>(this.p.url, "eth_getBlockByNumber", ["latest", false]);
    this.next = Number(head.number) + 1;
    this.lastHash = head.hash;
    this.lastTimestamp = Number(head.timestamp);
    this.baseFeeWei = BigInt(head.baseFeePerGas ?? "0x0");
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  private async run(): Promise<void> {
    while (this.running) {
      const started = Date.now();
      try {
        await this.poll();
      } catch (err) {
        console.error(`  ! block poller: ${(err as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, Math.max(0, this.p.pollMs - (Date.now() - started))));
    }
  }

  /**
   * Notes when each new height was first seen, then reads every block that is `confirmations`
   * deep (up to 50 per batch request) and settles what it holds: Clique forks of a block or two
   * resolve before a block is read, so no step builds on a block timestamp that a reorg replaces.
   */
  async poll(): Promise<void> {
    const head = Number(await rpc<Hex>(this.p.url, "eth_blockNumber"));
    const seenAt = Date.now();
    const backlogged = this.p.backlogged();
    for (let n = Math.max(this.highestSeen + 1, this.next); n <= head; n++) this.firstSeen.set(n, { seenAt, backlogged });
    this.highestSeen = Math.max(this.highestSeen, head);
    const safe = head - this.p.confirmations;
    while (this.next <= safe) {
      const numbers = Array.from({ length: Math.min(50, safe - this.next + 1) }, (_, i) => this.next + i);
      const calls = numbers.flatMap((n) => {
        const tag = `0x${n.toString(16)}`;
        return [{ method: "eth_getBlockByNumber", params: [tag, false] }, ...(this.blockReceipts ? [{ method: "eth_getBlockReceipts", params: [tag] }] : [])];
      });
      const answers = await rpcBatch(this.p.url, calls);
      const per = this.blockReceipts ? 2 : 1;
      if (this.blockReceipts && answers[1]?.error && /not (found|available|supported)|does not exist/i.test(answers[1].error.message)) {
        this.blockReceipts = false; // an older node: ask per transaction
        continue;
      }
      for (let i = 0; i < numbers.length; i++) {
        const block = unwrap<RawBlock>(answers[i * per], "eth_getBlockByNumber");
        const receipts = this.blockReceipts ? unwrap<RawReceipt[]>(answers[i * per + 1], "eth_getBlockReceipts") : await this.receiptsOf(block);
        const seen = this.firstSeen.get(numbers[i]) ?? { seenAt, backlogged };
        this.firstSeen.delete(numbers[i]);
        if (this.lastHash && block.parentHash !== this.lastHash) {
          this.deepReorgs++;
          console.error(`  ! block ${numbers[i]} does not build on the block read before it: a reorg deeper than ${this.p.confirmations} block(s)`);
        }
        this.lastHash = block.hash;
        this.record(block, receipts, seen.seenAt, seen.backlogged);
      }
      this.next += numbers.length;
    }
  }

  private async receiptsOf(block: RawBlock): Promise<RawReceipt[]> {
    const ours = block.transactions.filter((h) => this.p.isOurs(h));
    const answers = await rpcBatch(this.p.url, ours.map((h) => ({ method: "eth_getTransactionReceipt", params: [h] })));
    return answers.map((a) => unwrap<RawReceipt>(a, "eth_getTransactionReceipt"));
  }

  private record(block: RawBlock, receipts: RawReceipt[], seenAt: number, backlogged: boolean) {
    const timestamp = Number(block.timestamp);
    let ours = 0;
    for (const r of receipts) {
      if (!this.p.isOurs(r.transactionHash)) continue;
      ours++;
      this.p.onMined({ hash: r.transactionHash, blockNumber: Number(block.number), blockTimestamp: timestamp, gasUsed: Number(r.gasUsed), ok: r.status === "0x1", seenAt });
    }
    this.baseFeeWei = BigInt(block.baseFeePerGas ?? "0x0");
    this.blocks.push({
      number: Number(block.number),
      timestamp,
      interval: timestamp - this.lastTimestamp,
      gasUsed: Number(block.gasUsed),
      gasLimit: Number(block.gasLimit),
      baseFeeGwei: Number(this.baseFeeWei) / 1e9,
      transactions: block.transactions.length,
      ours,
      seenAt,
      backlogged,
    });
    this.lastTimestamp = timestamp;
    this.p.onBlock?.();
  }
}

function unwrap<T>(answer: RpcAnswer | undefined, method: string): T {
  if (!answer) throw new Error(`${method}: no answer`);
  if (answer.error) throw new Error(`${method}: ${answer.error.message}`);
  if (answer.result === null || answer.result === undefined) throw new Error(`${method}: null result (block not yet available)`);
  return answer.result as T;
}
