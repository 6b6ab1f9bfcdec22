/**
 * viem over Hardhat's in-process network, for tests and benchmarks. Hardhat's provider puts revert
 * bytes in `error.data` without a JSON-RPC code; a real node answers code 3 ("execution
 * reverted") with the data, which is what viem decodes into the contract's custom error.
 */
import { network } from "hardhat";
import { createPublicClient, createWalletClient, custom } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { hardhat } from "viem/chains";

/** Hardhat's default accounts (public test keys: never for real use). */
export const HARDHAT_MNEMONIC = "test test test test test test test test test test test junk";

export const hardhatProvider = {
  async request(args: { method: string; params?: unknown[] }) {
    try {
      return await network.provider.request(args);
    } catch (e) {
      const data = (e as { data?: unknown }).data;
      if (typeof data === "string") throw Object.assign(new Error((e as Error).message), { code: 3, data });
      throw e;
    }
  },
};

export const hardhatPublicClient = createPublicClient({ chain: hardhat, transport: custom(hardhatProvider) });
export const hardhatAccount = (index: number) => mnemonicToAccount(HARDHAT_MNEMONIC, { addressIndex: index });
export const hardhatWalletClient = (index: number) =>
  createWalletClient({ chain: hardhat, account: hardhatAccount(index), transport: custom(hardhatProvider) });
