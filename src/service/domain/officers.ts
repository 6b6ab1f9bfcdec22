/**
 * Officers: each has its own signing key (sealed in the keystore) and a bearer token (stored
 * hashed). An authority admin adds and removes its country's officers; removal revokes the token
 * and the on-chain role at once.
 */
import { randomUUID } from "node:crypto";
import type { Address } from "viem";
import { waitForReceipt } from "../../sdk/chain";
import { causedBy } from "../../sdk/errors";
import { generateToken } from "../auth/tokens";
import type { OfficerKeystore } from "../auth/keystore";
import { ForbiddenError, NotFoundError } from "../http/errors";
import { DuplicateOfficerError, type OfficerRecord, type OfficerRole, type Store } from "../store";
import type { OfficerAccounts } from "./accounts";
import type { ChainGateway } from "./chainGateway";
import { requireRole } from "./permits";

export type OfficerView = Omit<OfficerRecord, "tokenHash" | "encryptedKey"> & { externalKey: boolean };
export const officerView = ({ tokenHash: _t, encryptedKey, ...o }: OfficerRecord): OfficerView => ({ ...o, externalKey: encryptedKey === null });

export class OfficerService {
  constructor(private readonly deps: { store: Store; chain: ChainGateway; keystore: OfficerKeystore; accounts: OfficerAccounts }) {}

  /** Adds an officer of the admin's country: key, on-chain role (signed by the admin), token. */
  async add(admin: OfficerRecord, body: { name: string; role: "ISSUER" | "CUSTOMS"; address?: Address }): Promise<{ officer: OfficerView; token: string }> {
    requireRole(admin, "ADMIN", "add officers");
    const key = body.address ? undefined : await this.deps.keystore.create();
    const address = (body.address ?? key!.address) as Address;
    // Known here (a removed officer's address too: addresses are never reused in the store): refused
    // before the chain grants a role the store then could not hold.
    if (await this.deps.store.findOfficerByAddress(address)) throw new DuplicateOfficerError(address);
    const adminAccount = await this.deps.accounts.account(admin);
    await this.deps.chain.serialised(adminAccount, (c) => c.registerOfficer(address, body.role));
    if (key) await this.#fund(adminAccount, address);
    const token = generateToken();
    const officer = await this.deps.store.insertOfficer({
      id: randomUUID(),
      country: admin.country,
      role: body.role,
      name: body.name,
      address,
      tokenHash: token.tokenHash,
      encryptedKey: key?.encryptedKey ?? null,
    });
    return { officer: officerView(officer), token: token.token };
  }

  /**
   * Removes an officer of the admin's country: token revoked and on-chain role removed at once.
   * The token goes first, so the officer can do nothing from this moment. If the chain step then
   * fails (the chain unreachable: a 503), removing the same officer again finishes it on chain;
   * only an officer gone from the chain as well is "not found". `unanchoredPermits`: the permits the
   * officer issued that were still waiting to be anchored; they are not anchored (they end FAILED,
   * saying why) and must be issued again by another issuer.
   */
  async remove(admin: OfficerRecord, officerId: string): Promise<OfficerView & { unanchoredPermits: number }> {
    requireRole(admin, "ADMIN", "remove officers");
    const officer = await this.deps.store.getOfficer(officerId);
    if (!officer) throw new NotFoundError(`No active officer ${officerId}.`);
    if (officer.country !== admin.country) throw new ForbiddenError(`Officer ${officerId} belongs to ${officer.country}; you administer ${admin.country}.`);
    if (officer.role === "ADMIN") throw new ForbiddenError("An authority admin is changed by governance, not removed here.");
    const removed = officer.active ? await this.deps.store.removeOfficer(officerId) : officer; // the token stops working now
    this.deps.accounts.forget(officerId);
    const unanchored = officer.role === "ISSUER" ? await this.#unanchoredPermits(officerId) : 0;
    const adminAccount = await this.deps.accounts.account(admin);
    try {
      await this.deps.chain.serialised(adminAccount, (c) => c.removeOfficer(officer.address));
    } catch (err) {
      if (!officer.active && causedBy(err, "OfficerNotFoundError")) throw new NotFoundError(`No active officer ${officerId}.`, { cause: err });
      throw err;
    }
    return { ...officerView(removed), unanchoredPermits: unanchored };
  }

  async #unanchoredPermits(officerId: string): Promise<number> {
    let count = 0;
    let cursor: string | undefined;
    do {
      const page = await this.deps.store.listPermits({ issuerOfficerId: officerId, status: "PENDING", limit: 500, cursor });
      count += page.items.length;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    return count;
  }

  async list(admin: OfficerRecord, includeRemoved = false): Promise<OfficerView[]> {
    requireRole(admin, "ADMIN", "list officers");
    return (await this.deps.store.listOfficers({ country: admin.country, includeRemoved })).map(officerView);
  }

  /** New service-held keys need gas: the admin tops them up from its own balance (PoA gas is free of value). */
  async #fund(from: Awaited<ReturnType<OfficerAccounts["account"]>>, to: Address): Promise<void> {
    const { publicClient } = this.deps.chain;
    const balance = await publicClient.getBalance({ address: from.address });
    const amount = balance / 20n;
    if (amount === 0n) return;
    await this.deps.chain.serialised(from, async () => {
      const { createWalletClient, http } = await import("viem");
      const w = createWalletClient({ account: from, transport: http(this.deps.chain.rpcUrl) });
      const hash = await w.sendTransaction({ to, value: amount, chain: null });
      await waitForReceipt(publicClient, hash);
    });
  }
}

export type { OfficerRole };
