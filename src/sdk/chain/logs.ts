/**
 * Decodes the registry's event logs. viem's `parseEventLogs` hashes every ABI event's signature
 * for every log it looks at (keccak in JavaScript, ~10 µs each), which made log decoding the
 * largest cost of anchoring and indexing; here the selectors are hashed once, at load, and each
 * log is decoded with the one event its first topic names. Same output shape as `parseEventLogs`
 * (the log plus `eventName` and `args`), same rule: a log that does not decode is skipped.
 */
import { decodeAbiParameters, getAddress, toEventSelector, type AbiEvent, type AbiParameter, type Hex, type Log, type ParseEventLogsReturnType } from "viem";
import { permitRegistryAbi } from "./generated/permitRegistry";

type RegistryAbi = typeof permitRegistryAbi;
type EventName = Extract<RegistryAbi[number], { type: "event" }>["name"];

const EVENTS = new Map<Hex, AbiEvent>(
  permitRegistryAbi.filter((item): item is Extract<RegistryAbi[number], { type: "event" }> => item.type === "event").map((item) => [toEventSelector(item as AbiEvent), item as AbiEvent]),
);

/** Dynamic indexed arguments are stored as their hash: the topic is the value (viem's rule). */
function decodeTopic(param: AbiParameter, topic: Hex): unknown {
  if (param.type === "string" || param.type === "bytes" || param.type === "tuple" || /^(.*)\[(\d+)?\]$/.test(param.type)) return topic;
  return decodeAbiParameters([param], topic)[0];
}

function decodeLog(event: AbiEvent, log: Log): Record<string, unknown> | undefined {
  const args: Record<string, unknown> = {};
  const topics = log.topics.slice(1) as Hex[];
  const indexed = event.inputs.filter((i) => i.indexed);
  if (topics.length !== indexed.length) return undefined;
  indexed.forEach((param, i) => (args[param.name!] = decodeTopic(param, topics[i])));
  const plain = event.inputs.filter((i) => !i.indexed);
  if (plain.length > 0) {
    if (!log.data || log.data === "0x") return undefined;
    const values = decodeAbiParameters(plain, log.data);
    plain.forEach((param, i) => (args[param.name!] = values[i]));
  }
  return args;
}

const WORD = 64; // hex characters in a 32-byte word

/**
 * `PermitIssued(bytes32 indexed permitId, address indexed officer, bytes32 documentHash, uint256 terms, uint256[] quantities)`
 * read word by word: the indexer meets one per permit anchored, and viem's generic decoder cost
 * ~35 µs each. Anything but the canonical layout (the array right after the two words, its length
 * matching the data, an address topic with zero padding) is left to the generic decoder, which
 * rules on it; a test checks both give the same on random values.
 */
function decodePermitIssued(log: Log): Record<string, unknown> | undefined {
  const { data, topics } = log;
  const words = (data.length - 2) / WORD;
  if (topics.length !== 3 || !Number.isInteger(words) || words < 4 || !/^0x0{24}/.test(topics[2]!)) return undefined;
  const word = (i: number) => data.slice(2 + i * WORD, 2 + (i + 1) * WORD);
  if (BigInt(`0x${word(2)}`) !== 96n || BigInt(`0x${word(3)}`) !== BigInt(words - 4)) return undefined;
  return {
    permitId: topics[1],
    officer: getAddress(`0x${topics[2]!.slice(26)}`),
    documentHash: `0x${word(0)}`,
    terms: BigInt(`0x${word(1)}`),
    quantities: Array.from({ length: words - 4 }, (_, i) => BigInt(`0x${word(4 + i)}`)),
  };
}

/**
 * `parseEventLogs({ abi: permitRegistryAbi, logs, eventName })`, with the selectors precomputed.
 *
 * @example
 * const issued = parseRegistryLogs({ logs: receipt.logs, eventName: "PermitIssued" });
 */
export function parseRegistryLogs<const N extends EventName | EventName[] | undefined = undefined>(parameters: {
  logs: (Log | Log<bigint, number, false>)[];
  eventName?: N;
}): ParseEventLogsReturnType<RegistryAbi, N, true> {
  const names = parameters.eventName === undefined ? undefined : new Set<string>(([] as string[]).concat(parameters.eventName as string | string[]));
  const out: unknown[] = [];
  for (const log of parameters.logs) {
    const event = log.topics[0] ? EVENTS.get(log.topics[0].toLowerCase() as Hex) : undefined;
    if (!event || (names && !names.has(event.name))) continue;
    let args: Record<string, unknown> | undefined;
    try {
      args = (event.name === "PermitIssued" ? decodePermitIssued(log as Log) : undefined) ?? decodeLog(event, log as Log);
    } catch {
      args = undefined; // data that does not decode: skipped, as parseEventLogs skips it
    }
    if (args) out.push({ ...log, args, eventName: event.name });
  }
  return out as ParseEventLogsReturnType<RegistryAbi, N, true>;
}
