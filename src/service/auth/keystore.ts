/**
 * Officers' signing keys, held by the service so that every on-chain step is signed by the officer
 * who did it. Each key is sealed with AES-256-GCM under a key derived by scrypt from the keystore
 * passphrase (own salt per entry); the officer's address is bound as additional authenticated data,
 * so an entry moved to another officer's row fails to open instead of signing as the wrong person.
 */
import { createCipheriv, createDecipheriv, randomBytes, scrypt } from "node:crypto";
import { getAddress, isHex, parseSignature, serializeTransaction, type Address, type Hex, type LocalAccount } from "viem";
import { keccak256 } from "../../sdk/crypto";
import { signDigestNative } from "../../sdk/qr/recover";
import { typedDataDigest } from "../../sdk/qr/digest";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { MalformedKeystoreEntryError, WrongPassphraseError } from "./errors";

/** scrypt cost; N = 2^15 takes ~100 ms and 32 MiB, which is why unlocked accounts should be cached. */
export type ScryptParams = { N: number; r: number; p: number };
export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };

/** What `officers.encrypted_key` holds: this object as JSON. Parameters travel with it. */
type KeystoreEnvelope = {
  version: 1;
  address: Address;
  kdf: { name: "scrypt"; salt: string } & ScryptParams;
  cipher: { name: "aes-256-gcm"; iv: string; tag: string };
  ciphertext: string;
};

export type OfficerKeystoreOptions = {
  passphrase: string;
  /** Lower only in tests. */
  scrypt?: ScryptParams;
};

export type CreateOfficerKeyReturnType = { address: Address; encryptedKey: string; account: LocalAccount };

/**
 * Seals and opens officers' private keys under one passphrase.
 * @example
 * const keystore = new OfficerKeystore({ passphrase });
 * const { address, encryptedKey } = await keystore.create();
 * const account = await keystore.unlock(encryptedKey); // viem LocalAccount
 */
export class OfficerKeystore {
  readonly #passphrase: string;
  readonly #scrypt: ScryptParams;

  constructor(options: OfficerKeystoreOptions) {
    if (!options.passphrase) throw new MalformedKeystoreEntryError("the keystore passphrase is empty");
    this.#passphrase = options.passphrase;
    this.#scrypt = options.scrypt ?? DEFAULT_SCRYPT_PARAMS;
  }

  /** Generates a fresh secp256k1 key and returns it sealed, with its address and usable account. */
  async create(): Promise<CreateOfficerKeyReturnType> {
    const privateKey = generatePrivateKey();
    const account = privateKeyToAccount(privateKey);
    return { address: account.address, encryptedKey: await this.encrypt(privateKey), account };
  }

  /** Seals an existing private key (e.g. one imported by an operator). */
  async encrypt(privateKey: Hex): Promise<string> {
    if (!isHex(privateKey) || privateKey.length !== 66) throw new MalformedKeystoreEntryError("a private key is 32 bytes as 0x-prefixed hex");
    const address = privateKeyToAccount(privateKey).address;
    const salt = randomBytes(32);
    const iv = randomBytes(12);
    const key = await deriveKey(this.#passphrase, salt, this.#scrypt);
    const cipher = createCipheriv("aes-256-gcm", key, iv);
    cipher.setAAD(Buffer.from(address.toLowerCase(), "utf8"));
    const ciphertext = Buffer.concat([cipher.update(Buffer.from(privateKey.slice(2), "hex")), cipher.final()]);
    const envelope: KeystoreEnvelope = {
      version: 1,
      address,
      kdf: { name: "scrypt", salt: salt.toString("base64"), ...this.#scrypt },
      cipher: { name: "aes-256-gcm", iv: iv.toString("base64"), tag: cipher.getAuthTag().toString("base64") },
      ciphertext: ciphertext.toString("base64"),
    };
    return JSON.stringify(envelope);
  }

  /**
   * Opens a sealed key as a viem account that can sign transactions and typed data.
   * @throws {WrongPassphraseError} when the passphrase (or the bound address) does not match.
   * @throws {MalformedKeystoreEntryError} when `encryptedKey` is not an envelope of this format.
   */
  async unlock(encryptedKey: string): Promise<LocalAccount> {
    const envelope = parseEnvelope(encryptedKey);
    const key = await deriveKey(this.#passphrase, Buffer.from(envelope.kdf.salt, "base64"), envelope.kdf);
    let privateKey: Buffer;
    try {
      const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(envelope.cipher.iv, "base64"));
      decipher.setAAD(Buffer.from(envelope.address.toLowerCase(), "utf8"));
      decipher.setAuthTag(Buffer.from(envelope.cipher.tag, "base64"));
      privateKey = Buffer.concat([decipher.update(Buffer.from(envelope.ciphertext, "base64")), decipher.final()]);
    } catch (cause) {
      throw new WrongPassphraseError(envelope.address, cause);
    }
    const hexKey = `0x${privateKey.toString("hex")}` as Hex;
    const account = privateKeyToAccount(hexKey);
    if (account.address !== envelope.address) throw new MalformedKeystoreEntryError("the key does not belong to the recorded address");
    // Typed-data signatures (the QR anchor of every permit issued) through libsecp256k1 when
    // available: the same bytes, ~20× faster than pure JavaScript.
    // Transactions likewise: the outbox signs batches of hundreds of permits, whose calldata viem
    // would hash in JavaScript (keccak is most of the cost); same serialisation, same signature.
    return {
      ...account,
      signTypedData: async (typedData) => signDigestNative(typedDataDigest(typedData), hexKey) ?? account.signTypedData(typedData),
      signTransaction: async (transaction, options) => {
        const serializer = options?.serializer ?? serializeTransaction;
        if (transaction.type === "eip4844") return account.signTransaction(transaction, options);
        const signature = signDigestNative(keccak256(await serializer(transaction)), hexKey);
        if (!signature) return account.signTransaction(transaction, options);
        return (await serializer(transaction, parseSignature(signature))) as never;
      },
    };
  }
}

function deriveKey(passphrase: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // maxmem must exceed 128·N·r, or node refuses the default N = 2^15.
    scrypt(passphrase, salt, 32, { ...params, maxmem: 256 * params.N * params.r }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

function parseEnvelope(text: string): KeystoreEnvelope {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new MalformedKeystoreEntryError("not JSON", cause);
  }
  const e = value as Partial<KeystoreEnvelope> | null;
  if (!e || e.version !== 1) throw new MalformedKeystoreEntryError("unknown version");
  if (e.kdf?.name !== "scrypt" || e.cipher?.name !== "aes-256-gcm") throw new MalformedKeystoreEntryError("unknown kdf or cipher");
  if (typeof e.ciphertext !== "string" || typeof e.address !== "string") throw new MalformedKeystoreEntryError("missing fields");
  const { N, r, p } = e.kdf;
  if (![N, r, p].every((n) => Number.isInteger(n) && n! > 0) || N! > 2 ** 20) throw new MalformedKeystoreEntryError("bad scrypt parameters");
  try {
    return { ...(e as KeystoreEnvelope), address: getAddress(e.address) };
  } catch (cause) {
    throw new MalformedKeystoreEntryError("bad address", cause);
  }
}
