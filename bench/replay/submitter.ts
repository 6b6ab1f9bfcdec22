/**
 * Signs and sends the officers' transactions. Each officer (a country's issuer or customs key) is
 * an account with its own nonce counter, signing locally and sending to its country's node; its
 * transactions go out in nonce order, many per HTTP request (a JSON-RPC batch), so a busy officer
 * never waits for a round trip per transaction. Calldata is the registry's ABI, as the SDK encodes it.
 */
import { encodeFunctionData, keccak256, type Address, type Hex } from "viem";
import { privateKeyToAccount, type PrivateKeyAccount } from "viem/accounts";
import { permitRegistryAbi, toContractRecord, type PermitInput, type PermitRecord } from "../../src/sdk/chain";
import { rpc, rpcBatch } from "./rpc";

export type TxKind = "issue" | "endorse" | "use" | "cancel";

export type SentTx = {
  kind: TxKind;
  hash: Hex;
  gas: bigint;
  /** Permits the transaction anchors (issue) or acts on (1). */
  permits: number;
  officer: Officer;
  nonce: number;
  /** Wall-clock ms when the send request left, and when the block holding it was first seen. */
  submittedAt?: number;
  minedAt?: number;
  blockNumber?: number;
  gasUsed?: number;
  ok?: boolean;
  raw: Hex;
};

export class SendFailedError extends Error {
  override readonly name = "SendFailedError";
}

export type Officer = { country: string; role: "issuer" | "customs"; address: Address; url: string };

type OfficerState = Officer & { account: PrivateKeyAccount; nonce: number; outbox: SentTx[]; sending: boolean; attempts: number };

/** The contract's struct for a record: the SDK client's own conversion. */
export const contractRecord = toContractRecord;

const contractInput = (input: PermitInput) => ({ ...input, quantities: [...input.quantities] });

export type CallOf =
  | { kind: "issue"; inputs: PermitInput[] }
  | { kind: "endorse"; record: PermitRecord; exported: readonly bigint[] }
  | { kind: "use"; permitId: Hex }
  | { kind: "cancel"; permitId: Hex; reason: number };

export function calldataOf(call: CallOf): Hex {
  const encode = (functionName: string, args: readonly unknown[]) => encodeFunctionData({ abi: permitRegistryAbi, functionName: functionName as never, args: args as never });
  switch (call.kind) {
    case "issue":
      return call.inputs.length === 1 ? encode("issue", [contractInput(call.inputs[0])]) : encode("issueBatch", [call.inputs.map(contractInput)]);
    case "endorse":
      return encode("endorseExport", [contractRecord(call.record), [...call.exported]]);
    case "use":
      return encode("use", [call.permitId]);
    case "cancel":
      return encode("cancel", [call.permitId, call.reason]);
  }
}

export class Submitter {
  private readonly officers = new Map<string, OfficerState>();
  private failure?: Error;
  /** Sent and not yet seen in a block, by hash (the observer settles them). */
  readonly inFlight = new Map<Hex, SentTx>();
  inFlightGas = 0n;

  constructor(
    private readonly p: { chainId: number; registry: Address; feeCapWei: bigint; tipWei: bigint; onSent?: () => void },
  ) {}

  /** Registers an officer and reads its next nonce from the node. */
  async addOfficer(country: string, role: "issuer" | "customs", privateKey: Hex, url: string): Promise<Officer> {
    const account = privateKeyToAccount(privateKey);
    const nonce = Number(await rpc<Hex>(url, "eth_getTransactionCount", [account.address, "pending"]));
    const state: OfficerState = { country, role, address: account.address, url, account, nonce, outbox: [], sending: false, attempts: 0 };
    this.officers.set(`${country}:${role}`, state);
    return state;
  }

  officer(country: string, role: "issuer" | "customs"): Officer {
    const o = this.officers.get(`${country}:${role}`);
    if (!o) throw new Error(`no ${role} key for ${country}`);
    return o;
  }

  /** The fee cap a transaction of `gas` may carry: the whole budget, so a rising base fee strands it as late as possible. */
  maxFeeFor(gas: bigint): bigint {
    return this.p.feeCapWei / gas;
  }

  /** Signs the call as `officer` with the next nonce and queues it for sending. Throws once a send has failed for good. */
  async send(officer: Officer, kind: TxKind, call: CallOf, gas: bigint, permits: number): Promise<SentTx> {
    if (this.failure) throw this.failure;
    const o = this.officers.get(`${officer.country}:${officer.role}`)!;
    const nonce = o.nonce++;
    const raw = await o.account.signTransaction({
      type: "eip1559",
      chainId: this.p.chainId,
      nonce,
      to: this.p.registry,
      data: calldataOf(call),
      gas,
      maxFeePerGas: this.maxFeeFor(gas),
      maxPriorityFeePerGas: this.p.tipWei,
      value: 0n,
    });
    const tx: SentTx = { kind, hash: keccak256(raw), gas, permits, officer, nonce, raw };
    this.inFlight.set(tx.hash, tx);
    this.inFlightGas += gas;
    o.outbox.push(tx);
    void this.flush(o);
    return tx;
  }

  settle(tx: SentTx) {
    if (this.inFlight.delete(tx.hash)) this.inFlightGas -= tx.gas;
  }

  get error(): Error | undefined {
    return this.failure;
  }

  /** Sends an officer's queued transactions in one batch, in nonce order; retries rejected ones (same nonce) a few times. */
  private async flush(o: OfficerState): Promise<void> {
    if (o.sending || o.outbox.length === 0 || this.failure) return;
    o.sending = true;
    const batch = o.outbox.splice(0, o.outbox.length);
    const now = Date.now();
    for (const tx of batch) tx.submittedAt ??= now;
    let retry: SentTx[] = [];
    let lastError = "";
    try {
      const answers = await rpcBatch(o.url, batch.map((tx) => ({ method: "eth_sendRawTransaction", params: [tx.raw] })));
      answers.forEach((a, i) => {
        // A transaction the node already has (a retry of a send whose answer was lost) is fine.
        if (a.error && !/already known|known transaction|nonce too low/i.test(a.error.message)) {
          retry.push(batch[i]);
          lastError = a.error.message;
        }
      });
    } catch (err) {
      retry = batch;
      lastError = (err as Error).message;
    }
    if (retry.length) {
      if (++o.attempts > 20) this.failure = new SendFailedError(`${o.country} ${o.role}: transaction nonce ${retry[0].nonce} refused 20 times: ${lastError}`);
      else {
        if (o.attempts === 1 || o.attempts % 5 === 0) console.error(`  ! ${o.country} ${o.role}: ${retry.length} transaction(s) refused (${lastError}); retrying`);
        await new Promise((r) => setTimeout(r, 250 * o.attempts));
        o.outbox.unshift(...retry);
      }
    } else o.attempts = 0;
    o.sending = false;
    this.p.onSent?.();
    void this.flush(o);
  }
}
