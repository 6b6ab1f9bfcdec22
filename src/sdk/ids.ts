import { bytesToHex, hexToString, stringToHex, type Hex } from "viem";
import { keccak256 } from "./crypto";
import { PermitRegistryError } from "./errors";

const COUNTRY = /^[A-Z]{2}$/;
const utf8 = new TextEncoder();

/** Permit numbers are anchored as a right-padded UTF-8 `bytes32`, so at most 32 bytes. */
export const MAX_PERMIT_NUMBER_BYTES = 32;

export class PermitNumberTooLongError extends PermitRegistryError {
  override readonly name = "PermitNumberTooLongError" as const;
  constructor(permitNumber: string) {
    super(`Permit number "${permitNumber}" is longer than ${MAX_PERMIT_NUMBER_BYTES} bytes in UTF-8.`, {
      details: "The registry anchors permit numbers as bytes32; shorten the number.",
      meta: { permitNumber },
    });
  }
}

export class InvalidCountryCodeError extends PermitRegistryError {
  override readonly name = "InvalidCountryCodeError" as const;
  constructor(country: string) {
    super(`"${country}" is not an ISO 3166-1 alpha-2 code (two capital letters).`, { meta: { country } });
  }
}

/** `"CH"` → `0x4348` (the contract's `bytes2` country key). */
export function countryToBytes2(country: string): Hex {
  if (!COUNTRY.test(country)) throw new InvalidCountryCodeError(country);
  return stringToHex(country, { size: 2 });
}

/** `0x4348` → `"CH"`. */
export function bytes2ToCountry(value: Hex): string {
  const code = hexToString(value.slice(0, 6) as Hex);
  if (!/^[A-Z]{2}$/.test(code)) throw new InvalidCountryCodeError(code);
  return code;
}

/**
 * The permit number as the contract stores it — UTF-8, right-padded with zero bytes to 32 — or
 * `undefined` when it takes more than 32 bytes. The one place the bytes32 limit is decided (the
 * document schema asks it too).
 */
export function permitNumberBytes32(permitNumber: string): Uint8Array | undefined {
  const bytes = new Uint8Array(MAX_PERMIT_NUMBER_BYTES);
  // encodeInto stops before a character that does not fit, so anything unread is over 32 bytes.
  return utf8.encodeInto(permitNumber, bytes).read < permitNumber.length ? undefined : bytes;
}

/** {@link permitNumberBytes32} as hex, throwing when the number is too long. */
export function permitNumberToBytes32(permitNumber: string): Hex {
  const bytes = permitNumberBytes32(permitNumber);
  if (!bytes) throw new PermitNumberTooLongError(permitNumber);
  return bytesToHex(bytes);
}

/**
 * The on-chain key of a permit: `keccak256(bytes2 issuingCountry ‖ bytes32 permitNumber)`, the
 * same formula as `PermitIds.permitId` in the contracts, so one number can be anchored once per
 * issuing country.
 */
export function permitIdOf(issuingCountry: string, permitNumber: string): Hex {
  if (!COUNTRY.test(issuingCountry)) throw new InvalidCountryCodeError(issuingCountry);
  const number = permitNumberBytes32(permitNumber);
  if (!number) throw new PermitNumberTooLongError(permitNumber);
  // bytes2 country ‖ bytes32 number, as bytes (this runs once per verification).
  const key = new Uint8Array(2 + MAX_PERMIT_NUMBER_BYTES);
  key[0] = issuingCountry.charCodeAt(0);
  key[1] = issuingCountry.charCodeAt(1);
  key.set(number, 2);
  return keccak256(key);
}
