import { getAddress, toHex, type Address, type Hex } from "viem";

/** Clique's extraData: 32 bytes of vanity, the signers' addresses, then room for a 65-byte seal. */
const VANITY_BYTES = 32;
const SEAL_BYTES = 65;

export type CliqueGenesisParameters = {
  chainId: number;
  /** Seconds between blocks (Clique `period`). */
  periodSeconds: number;
  /** Blocks between checkpoints, where pending votes are reset (Clique `epoch`). */
  epoch?: number;
  gasLimit: bigint;
  signers: readonly Address[];
  /** Balances in wei by address. */
  alloc: Record<Address, bigint>;
  /** Unix time of the genesis block; defaults to now. */
  timestamp?: number;
};

/** Sorts signers the way Clique stores them (ascending by address bytes). */
export function sortSigners(signers: readonly Address[]): Address[] {
  return [...signers].map((s) => getAddress(s)).sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));
}

/** `0x` ‖ 32 zero bytes ‖ sorted signer addresses ‖ 65 zero bytes. */
export function cliqueExtraData(signers: readonly Address[]): Hex {
  const body = sortSigners(signers).map((s) => s.slice(2).toLowerCase()).join("");
  return `0x${"00".repeat(VANITY_BYTES)}${body}${"00".repeat(SEAL_BYTES)}`;
}

/**
 * A go-ethereum Clique genesis with every fork up to London active from block 0 — and nothing
 * after: geth's Clique engine refuses Shanghai and later (no withdrawals in PoA), so there is no
 * `shanghaiTime`/`cancunTime`, and contracts are compiled for london (no PUSH0).
 *
 * @example
 * const genesis = cliqueGenesis({ chainId: 1973, periodSeconds: 1, gasLimit: 30_000_000n, signers, alloc });
 */
export function cliqueGenesis(p: CliqueGenesisParameters) {
  if (p.signers.length === 0) throw new RangeError("a Clique network needs at least one signer");
  return {
    config: {
      chainId: p.chainId,
      homesteadBlock: 0,
      eip150Block: 0,
      eip155Block: 0,
      eip158Block: 0,
      byzantiumBlock: 0,
      constantinopleBlock: 0,
      petersburgBlock: 0,
      istanbulBlock: 0,
      muirGlacierBlock: 0,
      berlinBlock: 0,
      londonBlock: 0,
      arrowGlacierBlock: 0,
      grayGlacierBlock: 0,
      clique: { period: p.periodSeconds, epoch: p.epoch ?? 30_000 },
    },
    nonce: "0x0",
    timestamp: toHex(p.timestamp ?? Math.floor(Date.now() / 1000)),
    extraData: cliqueExtraData(p.signers),
    gasLimit: toHex(p.gasLimit),
    difficulty: "0x1",
    mixHash: `0x${"00".repeat(32)}`,
    coinbase: `0x${"00".repeat(20)}`,
    alloc: Object.fromEntries(
      Object.entries(p.alloc).map(([address, balance]) => [address.toLowerCase().replace(/^0x/, ""), { balance: toHex(balance) }]),
    ),
    number: "0x0",
    gasUsed: "0x0",
    parentHash: `0x${"00".repeat(32)}`,
  };
}

export type CliqueGenesis = ReturnType<typeof cliqueGenesis>;
