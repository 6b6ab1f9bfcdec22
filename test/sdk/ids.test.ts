import { expect } from "chai";
import fc from "fast-check";
import { concatHex, keccak256 } from "viem";
import { countryToBytes2, InvalidCountryCodeError, permitIdOf, permitNumberToBytes32, PermitNumberTooLongError } from "../../src/sdk/ids";

describe("permit ids", function () {
  /** The definition, spelled with viem's generic helpers: keccak256(bytes2 country ‖ bytes32 number). */
  const reference = (country: string, number: string) => keccak256(concatHex([countryToBytes2(country), permitNumberToBytes32(number)]));
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

  it("accepts exactly 32 bytes of UTF-8 and refuses 33, wherever a multi-byte character falls", function () {
    expect(permitIdOf("CH", "x".repeat(32))).to.equal(reference("CH", "x".repeat(32)));
    expect(() => permitIdOf("CH", "x".repeat(33))).to.throw(PermitNumberTooLongError);
    expect(permitIdOf("CH", "x".repeat(29) + "€")).to.equal(reference("CH", "x".repeat(29) + "€")); // 29 + 3 bytes
    expect(() => permitIdOf("CH", "x".repeat(30) + "€")).to.throw(PermitNumberTooLongError); // 30 + 3 bytes
    expect(() => permitIdOf("Ch", "CH-1")).to.throw(InvalidCountryCodeError);
  });
});
