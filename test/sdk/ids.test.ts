import { expect } from "chai";
import fc from "fast-check";
import { concatBytes, concatHex, keccak256, stringToBytes, stringToHex } from "viem";
import { countryToBytes2, InvalidCountryCodeError, permitIdOf, permitNumberToBytes32, PermitNumberTooLongError } from "../../src/sdk/ids";

describe("permit ids", function () {
  /** The definition spelled out independently: keccak256(bytes2 country ‖ UTF-8 number right-padded to 32 bytes). */
  const reference = (country: string, number: string) => {
    if (!/^[A-Z]{2}$/.test(country)) throw Object.assign(new Error(country), { name: "InvalidCountryCodeError" });
    const utf8 = new TextEncoder().encode(number);
    if (utf8.length > 32) throw Object.assign(new Error(number), { name: "PermitNumberTooLongError" });
    const padded = new Uint8Array(32);
    padded.set(utf8);
    return keccak256(concatBytes([stringToBytes(country), padded]));
  };
  const outcome = (f: () => string) => {
    try {
      return f();
    } catch (err) {
      return (err as Error).name;
    }
  };

  it("equals keccak256(bytes2 country ‖ bytes32 number) for any number, and refuses the same inputs", function () {
    const units = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 40 }).map((u) => String.fromCharCode(...u));
    const ascii = fc.string({ maxLength: 40 });
    fc.assert(
      fc.property(fc.constantFrom("CH", "FR", "JP", "ch", "C", "CHE"), fc.oneof(ascii, units), (country, number) => {
        expect(outcome(() => permitIdOf(country, number))).to.equal(outcome(() => reference(country, number)));
      }),
      { numRuns: 2000 },
    );
  });

  it("the contract's bytes32 of a number, and the id, agree with viem's generic helpers", function () {
    for (const number of ["CH-2026-004711", "x".repeat(32), "Å".repeat(16), "😀"]) {
      expect(permitNumberToBytes32(number)).to.equal(stringToHex(number, { size: 32 }));
      expect(permitIdOf("CH", number)).to.equal(keccak256(concatHex([countryToBytes2("CH"), permitNumberToBytes32(number)])));
    }
    expect(() => permitNumberToBytes32("Å".repeat(17))).to.throw(PermitNumberTooLongError);
  });

  it("accepts exactly 32 bytes of UTF-8 and refuses 33, wherever a multi-byte character falls", function () {
    expect(permitIdOf("CH", "x".repeat(32))).to.equal(reference("CH", "x".repeat(32)));
    expect(() => permitIdOf("CH", "x".repeat(33))).to.throw(PermitNumberTooLongError);
    expect(permitIdOf("CH", "x".repeat(29) + "€")).to.equal(reference("CH", "x".repeat(29) + "€")); // 29 + 3 bytes
    expect(() => permitIdOf("CH", "x".repeat(30) + "€")).to.throw(PermitNumberTooLongError); // 30 + 3 bytes
    expect(() => permitIdOf("Ch", "CH-1")).to.throw(InvalidCountryCodeError);
  });
});
