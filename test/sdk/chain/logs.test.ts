/**
 * The registry's log decoder against viem's parseEventLogs on PermitIssued logs built from random
 * values, canonical and mangled: the word-by-word fast path must give exactly what the generic
 * decoder gives, or hand the log to it. (A full lifecycle on the real contract is compared in
 * test/sdk/verify/verify.test.ts.)
 */
import { expect } from "chai";
import fc from "fast-check";
import { encodeAbiParameters, encodeEventTopics, getAddress, parseEventLogs, type Hex, type Log } from "viem";
import { parseRegistryLogs, permitRegistryAbi } from "../../../src/sdk/chain";

const hex = (bytes: number) => fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => `0x${Buffer.from(b).toString("hex")}` as Hex);
const uint256 = fc.bigInt({ min: 0n, max: 2n ** 256n - 1n });

function permitIssuedLog(v: { permitId: Hex; officer: Hex; documentHash: Hex; terms: bigint; quantities: bigint[] }): Log {
  const topics = encodeEventTopics({ abi: permitRegistryAbi, eventName: "PermitIssued", args: { permitId: v.permitId, officer: getAddress(v.officer) } });
  const data = encodeAbiParameters([{ type: "bytes32" }, { type: "uint256" }, { type: "uint256[]" }], [v.documentHash, v.terms, v.quantities]);
  return {
    address: "0x5FbDB2315678afecb367f032d93F642f64180aa3", topics: topics as [Hex, ...Hex[]], data,
    blockHash: `0x${"11".repeat(32)}`, blockNumber: 7n, logIndex: 0, transactionHash: `0x${"22".repeat(32)}`, transactionIndex: 0, removed: false,
  };
}

/** Ways a log's bytes can be off: cut short, a word too many, another array offset or length, padding in the address topic. */
const mangle = fc.constantFrom(
  (l: Log) => l,
  (l: Log) => ({ ...l, data: l.data.slice(0, -64) as Hex }),
  (l: Log) => ({ ...l, data: `${l.data}${"00".repeat(32)}` as Hex }),
  (l: Log) => ({ ...l, data: `${l.data.slice(0, 2 + 128)}${(160).toString(16).padStart(64, "0")}${l.data.slice(2 + 192)}` as Hex }),
  (l: Log) => ({ ...l, data: `${l.data.slice(0, 2 + 192)}${(999).toString(16).padStart(64, "0")}${l.data.slice(2 + 256)}` as Hex }),
  (l: Log) => ({ ...l, topics: [l.topics[0]!, l.topics[1]!, `0x${"ff".repeat(12)}${l.topics[2]!.slice(26)}` as Hex] as [Hex, ...Hex[]] }),
  (l: Log) => ({ ...l, topics: l.topics.slice(0, 2) as [Hex, ...Hex[]] }),
);

describe("registry log decoder: PermitIssued", () => {
  it("gives exactly viem's parseEventLogs, for canonical and mangled logs", () => {
    fc.assert(
      fc.property(
        fc.record({ permitId: hex(32), officer: hex(20), documentHash: hex(32), terms: uint256, quantities: fc.array(uint256, { maxLength: 6 }) }),
        mangle,
        (values, change) => {
          const log = change(permitIssuedLog(values));
          let expected: unknown;
          try {
            expected = parseEventLogs({ abi: permitRegistryAbi, logs: [log] });
          } catch {
            expected = [];
          }
          expect(parseRegistryLogs({ logs: [log] })).to.deep.equal(expected);
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 300) },
    );
  });

  it("reads a canonical log's values", () => {
    const values = { permitId: `0x${"ab".repeat(32)}` as Hex, officer: "0x8ba1f109551bd432803012645ac136ddd64dba72" as Hex, documentHash: `0x${"cd".repeat(32)}` as Hex, terms: 42n, quantities: [1n, 2n ** 255n] };
    const [decoded] = parseRegistryLogs({ logs: [permitIssuedLog(values)] });
    expect(decoded?.eventName).to.equal("PermitIssued");
    expect(decoded?.args).to.deep.equal({ ...values, officer: getAddress(values.officer) });
  });
});
