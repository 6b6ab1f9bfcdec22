import {
  getAbiItem,
  pad,
  toEventSelector,
  type Account,
  type Address,
  type Chain,
  type Hex,
  type Log,
  type PublicClient,
  type Transport,
  type WalletClient,
} from "viem";
import { permitRegistryAbi } from "./generated/permitRegistry";
import { parseRegistryLogs } from "./logs";
import { waitForReceipt } from "./receipt";
import { decodeRegistryError } from "./errors";
import { commitmentOf, type PermitRecord } from "./record";
import { DOCUMENT_TYPE_NAME, DOCUMENT_TYPE_NUMBER, ZERO_HASH, unpackTerms, type PermitInput } from "./terms";
import { bytes2ToCountry, countryToBytes2 } from "../ids";

/** Lifecycle status as the contract stores it. */
export const STATUS = ["NONE", "ISSUED", "ENDORSED", "USED", "CANCELLED", "REPLACED"] as const;
export type PermitStatus = (typeof STATUS)[number];
/** Answers of the contract's `verify` view. */
export const VERIFICATION = ["UNKNOWN", "HASH_MISMATCH", "ISSUED", "ENDORSED", "USED", "CANCELLED", "REPLACED", "EXPIRED"] as const;
export type ChainVerification = (typeof VERIFICATION)[number];
export const ROLE = ["NONE", "AUTHORITY_ADMIN", "ISSUER", "CUSTOMS"] as const;
export type Role = (typeof ROLE)[number];
export const CANCEL_REASON = ["NONE", "LOST", "STOLEN", "DAMAGED", "WRONGLY_ISSUED", "WITHDRAWN", "OTHER"] as const;
export type CancelReason = Exclude<(typeof CANCEL_REASON)[number], "NONE">;
export const NON_COMPLIANCE_REASON = ["NONE", "QUANTITY_MISMATCH", "SPECIES_MISMATCH", "DOCUMENT_IRREGULARITY", "PEST_OR_DISEASE", "ILLEGAL_SPECIMENS", "OTHER"] as const;
export type NonComplianceReason = Exclude<(typeof NON_COMPLIANCE_REASON)[number], "NONE">;

const topicOf = (name: string) => toEventSelector(getAbiItem({ abi: permitRegistryAbi, name: name as never }) as never);
const OFFICER_REGISTERED = topicOf("OfficerRegistered");
const OFFICER_REMOVED = topicOf("OfficerRemoved");
const COUNTRY_ADMITTED = topicOf("CountryAdmitted");
const COUNTRY_ADMIN_CHANGED = topicOf("CountryAdminChanged");
const MEMBERSHIP_TOPICS = [COUNTRY_ADMITTED, COUNTRY_ADMIN_CHANGED, OFFICER_REGISTERED, OFFICER_REMOVED];
const PERMIT_ISSUED_SELECTOR = topicOf("PermitIssued").toLowerCase();

/** Per-transaction gas cap of Osaka (EIP-7825); batches are split to stay under it. */
export const TX_GAS_CAP = 16_777_216n;

export type PermitStateView = {
  status: PermitStatus;
  documentType: PermitRecord["documentType"];
  nonCompliance: boolean;
  exportingCountry: string;
  importingCountry: string;
  validUntil: bigint;
  expired: boolean;
  commitment: Hex;
};

export type HistoryEntry = {
  event: "PermitIssued" | "PermitLinked" | "ExportEndorsed" | "ImportAccepted" | "PermitCancelled" | "PermitReplaced" | "NonComplianceRecorded";
  officer?: Address;
  blockNumber: bigint;
  blockTime: bigint;
  txHash: Hex;
  logIndex: number;
  details: Record<string, unknown>;
};

export type TrustListEntry = { country: string; role: Role; address: Address; activeFrom: bigint; activeTo?: bigint };

export type WriteResult = { txHash: Hex; blockNumber: bigint; gasUsed: bigint };
export type IssueResult = WriteResult & { permitIds: Hex[] };

export type RegistryClientOptions = {
  publicClient: PublicClient<Transport, Chain | undefined>;
  /** Needed for writes: an account that signs (the officer doing the step). */
  walletClient?: WalletClient<Transport, Chain | undefined, Account>;
  address: Address;
  /** Block the registry was deployed at: log queries start there. */
  fromBlock?: bigint;
  /** Blocks to wait after a write's block (1 = the block itself). */
  confirmations?: number;
};

/**
 * A typed client for the PermitRegistry contract over any EVM JSON-RPC endpoint (standard
 * methods only). Writes return domain results decoded from receipt logs; every failure is a
 * typed SDK error (contract reverts decoded, network failures as ChainUnreachableError).
 *
 * @example
 * const registry = createRegistryClient({ publicClient, walletClient, address: deployment.registry.address });
 * const { permitIds } = await registry.issue(permitInputOf(document, hash));
 */
export function createRegistryClient(options: RegistryClientOptions) {
  const { publicClient, walletClient, address } = options;
  const fromBlock = options.fromBlock ?? 0n;
  const confirmations = options.confirmations ?? 1;
  /** Block times by block hash: a block number can be mined again with another time (a reorg, a dev chain's snapshot revert). */
  const blockTimes = new Map<Hex, bigint>();

  async function call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw decodeRegistryError(err);
    }
  }

  async function blockTime(blockNumber: bigint, blockHash?: Hex | null): Promise<bigint> {
    if (!blockHash) return (await publicClient.getBlock({ blockNumber })).timestamp;
    let t = blockTimes.get(blockHash);
    if (t === undefined) {
      t = (await publicClient.getBlock({ blockHash })).timestamp;
      if (blockTimes.size >= 10_000) blockTimes.clear();
      blockTimes.set(blockHash, t);
    }
    return t;
  }

  function requireWallet() {
    if (!walletClient) throw decodeRegistryError(new TypeError("A walletClient is needed for writes."));
    return walletClient;
  }

  /**
   * Simulates (so a revert decodes with its custom error), sends, waits, decodes the logs. With a
   * `gas` limit it sends at once (one execution instead of three: for large batches) and only
   * simulates if the transaction reverted, to say why.
   */
  async function write(functionName: string, args: readonly unknown[], gas?: bigint) {
    return settle(await send(functionName, args, gas), functionName, args);
  }

  function paramsOf(functionName: string, args: readonly unknown[]) {
    return { address, abi: permitRegistryAbi, functionName: functionName as never, args: args as never, account: requireWallet().account } as const;
  }

  /** Sends the transaction (simulated first unless `gas` is given); its hash. */
  async function send(functionName: string, args: readonly unknown[], gas?: bigint): Promise<Hex> {
    const wallet = requireWallet();
    const params = paramsOf(functionName, args);
    return call(async () => {
      if (gas === undefined) {
        const { request } = await publicClient.simulateContract(params as never);
        return wallet.writeContract(request as never);
      }
      return wallet.writeContract({ ...params, gas, chain: wallet.chain } as never);
    });
  }

  /** Waits for a sent transaction; a revert is re-simulated at its block to decode why. */
  async function settle(txHash: Hex, functionName: string, args: readonly unknown[]) {
    return call(async () => {
      const receipt = await waitForReceipt(publicClient, txHash, { confirmations });
      if (receipt.status !== "success") {
        await publicClient.simulateContract({ ...paramsOf(functionName, args), blockNumber: receipt.blockNumber - 1n } as never);
        throw new TypeError(`transaction ${txHash} reverted`);
      }
      const logs = receipt.logs.filter((l) => l.address.toLowerCase() === address.toLowerCase());
      return { txHash, blockNumber: receipt.blockNumber, gasUsed: receipt.gasUsed, logs };
    });
  }

  /** The ids of the permits a transaction issued: `PermitIssued`'s first indexed argument is the id itself, so no log is decoded. */
  const issuedIds = (logs: readonly { topics: readonly Hex[] }[]) =>
    logs.filter((l) => l.topics[0]?.toLowerCase() === PERMIT_ISSUED_SELECTOR && l.topics[1] !== undefined).map((l) => l.topics[1]!.toLowerCase() as Hex);

  /** eth_getLogs with a topic filter (standard JSON-RPC), from the deployment block to the head. */
  const getLogs = (topics: (Hex | Hex[] | null)[], toBlock?: bigint) =>
    call(
      async () =>
        (await publicClient.request({
          method: "eth_getLogs",
          params: [{ address, fromBlock: `0x${fromBlock.toString(16)}`, toBlock: toBlock === undefined ? "latest" : `0x${toBlock.toString(16)}`, topics }],
        } as never)) as unknown as Log[],
    ).then((logs) => logs.map((l) => ({ ...l, blockNumber: BigInt(l.blockNumber as unknown as string), logIndex: Number(l.logIndex), transactionIndex: Number(l.transactionIndex) }) as Log));

  const read = <T>(functionName: string, args: readonly unknown[] = []) =>
    call(() => publicClient.readContract({ address, abi: permitRegistryAbi, functionName: functionName as never, args: args as never }) as Promise<T>);

  const client = {
    address,
    publicClient,

    /** The latest block: the "as of" of every read. */
    async head(): Promise<{ blockNumber: bigint; blockTime: bigint }> {
      const block = await call(() => publicClient.getBlock());
      return { blockNumber: block.number!, blockTime: block.timestamp };
    },

    /** The contract's semantic version. */
    version: () => read<string>("version"),

    /** Stored lifecycle state of a permit, and whether it expired, in one call. */
    async permitState(permitId: Hex): Promise<PermitStateView> {
      const [state, expired] = await read<[{ status: number; flags: number; docType: number; exportingCountry: Hex; importingCountry: Hex; validUntil: number; commitment: Hex }, boolean]>("permitState", [permitId]);
      const known = state.status !== 0;
      return {
        status: STATUS[state.status],
        documentType: DOCUMENT_TYPE_NAME[state.docType],
        nonCompliance: (state.flags & 1) !== 0,
        exportingCountry: known ? bytes2ToCountry(state.exportingCountry) : "",
        importingCountry: known ? bytes2ToCountry(state.importingCountry) : "",
        validUntil: BigInt(state.validUntil),
        expired,
        commitment: state.commitment,
      };
    },

    /** The contract's `verify` view for a full record. */
    async verifyRecord(record: PermitRecord): Promise<ChainVerification> {
      return VERIFICATION[await read<number>("verify", [toContractRecord(record)])];
    },

    /** Every lifecycle event of a permit, oldest first, with block time and transaction. */
    async history(permitId: Hex): Promise<HistoryEntry[]> {
      // Every lifecycle event has the permit id as its first indexed argument: one query, filtered by the node.
      const logs = await getLogs([null, permitId]);
      const parsed = parseRegistryLogs({ logs });
      const entries: HistoryEntry[] = [];
      for (const log of parsed) {
        const args = log.args as Record<string, unknown>;
        const { permitId: _id, officer, ...details } = args;
        entries.push({
          event: log.eventName as HistoryEntry["event"],
          officer: officer as Address | undefined,
          blockNumber: log.blockNumber,
          blockTime: await call(() => blockTime(log.blockNumber, log.blockHash)),
          txHash: log.transactionHash,
          logIndex: log.logIndex,
          details,
        });
      }
      return entries;
    },

    /** Rebuilds a permit's current record from its events; undefined when never issued. */
    async readRecord(permitId: Hex, history?: HistoryEntry[]): Promise<PermitRecord | undefined> {
      const events = history ?? (await client.history(permitId));
      const issued = events.find((e) => e.event === "PermitIssued");
      if (!issued) return undefined;
      const linked = events.find((e) => e.event === "PermitLinked");
      const endorsed = events.find((e) => e.event === "ExportEndorsed");
      const terms = unpackTerms(issued.details.terms as bigint);
      // A replacement is issued in the same transaction as the PermitReplaced event naming it.
      const receipt = await call(() => publicClient.getTransactionReceipt({ hash: issued.txHash }));
      const replaced = parseRegistryLogs({ logs: receipt.logs, eventName: "PermitReplaced" }).find(
        (l) => l.args.replacementId === permitId,
      );
      return {
        permitId,
        documentHash: issued.details.documentHash as Hex,
        documentType: terms.documentType,
        exportingCountry: terms.exportingCountry,
        importingCountry: terms.importingCountry,
        validUntil: terms.validUntil,
        issuedAt: issued.blockTime,
        issuer: issued.officer!,
        importPermitId: (linked?.details.importPermitId as Hex) ?? ZERO_HASH,
        originPermitId: (linked?.details.originPermitId as Hex) ?? ZERO_HASH,
        replacesPermitId: replaced?.args.permitId ?? ZERO_HASH,
        authorised: issued.details.quantities as bigint[],
        exported: (endorsed?.details.exported as bigint[]) ?? [],
      };
    },

    /** Officers and authority admins with the time span they were active: the offline trust list. */
    async trustList(toBlock?: bigint): Promise<{ entries: TrustListEntry[]; blockNumber: bigint; blockTime: bigint }> {
      const head = toBlock ?? (await call(() => publicClient.getBlockNumber()));
      const logs = await getLogs([MEMBERSHIP_TOPICS], head);
      const parsed = parseRegistryLogs({ logs, eventName: ["CountryAdmitted", "CountryAdminChanged", "OfficerRegistered", "OfficerRemoved"] });
      const entries: TrustListEntry[] = [];
      const open = (address: Address) => entries.find((e) => e.address.toLowerCase() === address.toLowerCase() && e.activeTo === undefined);
      for (const log of parsed) {
        const time = await call(() => blockTime(log.blockNumber, log.blockHash));
        const a = log.args as Record<string, unknown>;
        const c = bytes2ToCountry(a.country as Hex);
        if (log.eventName === "CountryAdmitted") entries.push({ country: c, role: "AUTHORITY_ADMIN", address: a.admin as Address, activeFrom: time });
        if (log.eventName === "CountryAdminChanged") {
          const prev = open(a.previousAdmin as Address);
          if (prev) prev.activeTo = time;
          entries.push({ country: c, role: "AUTHORITY_ADMIN", address: a.newAdmin as Address, activeFrom: time });
        }
        if (log.eventName === "OfficerRegistered") entries.push({ country: c, role: ROLE[Number(a.role)], address: a.officer as Address, activeFrom: time });
        if (log.eventName === "OfficerRemoved") {
          const prev = open(a.officer as Address);
          if (prev) prev.activeTo = time;
        }
      }
      return { entries, blockNumber: head, blockTime: await call(() => blockTime(head)) };
    },

    /**
     * The spans during which `account` was an officer or authority admin (from its own
     * membership events only: cheap enough for every online verification).
     */
    async officerHistory(account: Address): Promise<TrustListEntry[]> {
      const topic = pad(account.toLowerCase() as Hex, { size: 32 });
      const [asOfficer, asAdmin, asNewAdmin, asOldAdmin] = await Promise.all([
        getLogs([[OFFICER_REGISTERED, OFFICER_REMOVED], null, topic]),
        getLogs([COUNTRY_ADMITTED, null, topic]),
        getLogs([COUNTRY_ADMIN_CHANGED, null, null, topic]),
        getLogs([COUNTRY_ADMIN_CHANGED, null, topic]),
      ]);
      const logs = [...asOfficer, ...asAdmin, ...asNewAdmin, ...asOldAdmin].sort((a, b) =>
        a.blockNumber === b.blockNumber ? Number(a.logIndex) - Number(b.logIndex) : Number(a.blockNumber! - b.blockNumber!),
      );
      const entries: TrustListEntry[] = [];
      for (const log of parseRegistryLogs({ logs })) {
        const time = await call(() => blockTime(log.blockNumber, log.blockHash));
        const a = log.args as Record<string, unknown>;
        const c = bytes2ToCountry(a.country as Hex);
        const open = entries.find((e) => e.activeTo === undefined);
        if (log.eventName === "OfficerRegistered") entries.push({ country: c, role: ROLE[Number(a.role)], address: account, activeFrom: time });
        else if (log.eventName === "CountryAdmitted") entries.push({ country: c, role: "AUTHORITY_ADMIN", address: account, activeFrom: time });
        else if (log.eventName === "CountryAdminChanged" && (a.newAdmin as string).toLowerCase() === account.toLowerCase()) {
          entries.push({ country: c, role: "AUTHORITY_ADMIN", address: account, activeFrom: time });
        } else if (open) open.activeTo = time; // OfficerRemoved, or replaced as admin
      }
      return entries;
    },

    /** Anchors one permit (signed by the wallet's issuer). */
    async issue(input: PermitInput): Promise<IssueResult> {
      const r = await write("issue", [toContractInput(input)]);
      return { txHash: r.txHash, blockNumber: r.blockNumber, gasUsed: r.gasUsed, permitIds: issuedIds(r.logs) };
    },

    /**
     * Anchors permits in as few transactions as the per-transaction gas cap allows (each all or
     * nothing): chunks of at most `chunkSize` (default 200) whose gas bound stays under the cap.
     */
    async issueBatch(inputs: readonly PermitInput[], opts: { chunkSize?: number; onProgress?: (done: number, total: number) => void } = {}): Promise<IssueResult[]> {
      const chunkSize = Math.max(1, opts.chunkSize ?? 200);
      const results: IssueResult[] = [];
      let done = 0;
      // All chunks are sent before any is waited for (one after another, so nonces follow): on a
      // chain with block times they share blocks instead of taking one block each.
      const sent: { txHash: Hex; args: readonly unknown[]; size: number }[] = [];
      for (const chunk of gasChunks(inputs, chunkSize)) {
        const gas = chunk.reduce((g, input) => g + permitGasBound(input), BATCH_BASE_GAS);
        const args = [chunk.map(toContractInput)] as const;
        sent.push({ txHash: await send("issueBatch", args, gas), args, size: chunk.length });
      }
      for (const { txHash, args, size } of sent) {
        const r = await settle(txHash, "issueBatch", args);
        results.push({ txHash: r.txHash, blockNumber: r.blockNumber, gasUsed: r.gasUsed, permitIds: issuedIds(r.logs) });
        done += size;
        opts.onProgress?.(done, inputs.length);
      }
      return results;
    },

    /** Customs of the exporting country endorse the export with the quantities that left (thousandths). */
    async endorseExport(record: PermitRecord, exported: readonly bigint[]): Promise<WriteResult> {
      const r = await write("endorseExport", [toContractRecord(record), exported]);
      return { txHash: r.txHash, blockNumber: r.blockNumber, gasUsed: r.gasUsed };
    },

    /** An officer of the importing country accepts the import: the permit is used. */
    async use(permitId: Hex): Promise<WriteResult> {
      const r = await write("use", [permitId]);
      return { txHash: r.txHash, blockNumber: r.blockNumber, gasUsed: r.gasUsed };
    },

    async cancel(permitId: Hex, reason: CancelReason): Promise<WriteResult> {
      const r = await write("cancel", [permitId, CANCEL_REASON.indexOf(reason)]);
      return { txHash: r.txHash, blockNumber: r.blockNumber, gasUsed: r.gasUsed };
    },

    /** Issues `input` as the replacement of `permitId`; returns the replacement's id. */
    async replace(permitId: Hex, input: PermitInput): Promise<WriteResult & { replacementId: Hex }> {
      const r = await write("replace", [permitId, toContractInput(input)]);
      return { txHash: r.txHash, blockNumber: r.blockNumber, gasUsed: r.gasUsed, replacementId: issuedIds(r.logs)[0] };
    },

    async recordNonCompliance(permitId: Hex, reason: NonComplianceReason): Promise<WriteResult> {
      const r = await write("recordNonCompliance", [permitId, NON_COMPLIANCE_REASON.indexOf(reason)]);
      return { txHash: r.txHash, blockNumber: r.blockNumber, gasUsed: r.gasUsed };
    },

    admitCountry: (country: string, admin: Address) => write("admitCountry", [countryToBytes2(country), admin]),
    changeCountryAdmin: (country: string, admin: Address) => write("changeCountryAdmin", [countryToBytes2(country), admin]),
    suspendCountry: (country: string) => write("suspendCountry", [countryToBytes2(country)]),
    restoreCountry: (country: string) => write("restoreCountry", [countryToBytes2(country)]),
    registerOfficer: (officer: Address, role: "ISSUER" | "CUSTOMS") => write("registerOfficer", [officer, ROLE.indexOf(role)]),
    removeOfficer: (officer: Address) => write("removeOfficer", [officer]),

    /** Country, role and status of an account. */
    async accountOf(account: Address) {
      const [country, role, active, since] = await read<[Hex, number, boolean, number]>("accountOf", [account]);
      return { country: active || role ? bytes2ToCountry(country) : "", role: ROLE[role], active, since: BigInt(since) };
    },
  };
  return client;
}

export type RegistryClient = ReturnType<typeof createRegistryClient>;

/** An upper bound of the gas one permit adds to a batch (measured ~29.5k for two lines; see docs/gas.md). */
export function permitGasBound(input: PermitInput): bigint {
  const linked = input.importPermitId !== ZERO_HASH ? 30_000n : 0n;
  return 45_000n + 3_000n * BigInt(input.quantities.length) + linked + (input.originPermitId !== ZERO_HASH ? 3_000n : 0n);
}
const BATCH_BASE_GAS = 120_000n;

/** Splits `inputs` into chunks of at most `max` whose gas bound stays under the per-transaction cap. */
function gasChunks(inputs: readonly PermitInput[], max: number): PermitInput[][] {
  const chunks: PermitInput[][] = [];
  let current: PermitInput[] = [];
  let gas = BATCH_BASE_GAS;
  for (const input of inputs) {
    const g = permitGasBound(input);
    if (current.length > 0 && (current.length >= max || gas + g >= TX_GAS_CAP)) {
      chunks.push(current);
      current = [];
      gas = BATCH_BASE_GAS;
    }
    current.push(input);
    gas += g;
  }
  if (current.length) chunks.push(current);
  return chunks;
}

function toContractInput(input: PermitInput) {
  return { ...input, quantities: [...input.quantities] };
}

/** A record in the contract's struct form (as `endorseExport` and `verify` take it). */
export function toContractRecord(r: PermitRecord) {
  return {
    permitId: r.permitId,
    documentHash: r.documentHash,
    docType: DOCUMENT_TYPE_NUMBER[r.documentType],
    exportingCountry: countryToBytes2(r.exportingCountry),
    importingCountry: countryToBytes2(r.importingCountry),
    validUntil: Number(r.validUntil),
    issuedAt: Number(r.issuedAt),
    issuer: r.issuer,
    importPermitId: r.importPermitId,
    originPermitId: r.originPermitId,
    replacesPermitId: r.replacesPermitId,
    authorised: [...r.authorised],
    exported: [...r.exported],
  };
}

export { commitmentOf };
