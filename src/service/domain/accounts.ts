/**
 * Officers' signing accounts, unlocked from the keystore on first use and kept in memory
 * (unlocking runs scrypt, ~100 ms). A removed officer's account is forgotten at once.
 */
import type { LocalAccount } from "viem";
import type { OfficerKeystore } from "../auth/keystore";
import type { OfficerRecord } from "../store";
import { ForbiddenError } from "../http/errors";

export class OfficerAccounts {
  readonly #keystore: OfficerKeystore;
  readonly #unlocked = new Map<string, Promise<LocalAccount>>();

  constructor(keystore: OfficerKeystore) {
    this.#keystore = keystore;
  }

  /** The officer's signing account. */
  account(officer: OfficerRecord): Promise<LocalAccount> {
    if (!officer.encryptedKey) {
      throw new ForbiddenError(`Officer ${officer.name} signs with an external key; the service cannot sign for them.`);
    }
    let account = this.#unlocked.get(officer.id);
    if (!account) {
      account = this.#keystore.unlock(officer.encryptedKey);
      account.catch(() => this.#unlocked.delete(officer.id));
      this.#unlocked.set(officer.id, account);
    }
    return account;
  }

  forget(officerId: string): void {
    this.#unlocked.delete(officerId);
  }
}
