import { expect } from "chai";
import fc from "fast-check";
import {
  FixedPointOutOfRangeError,
  InvalidQuantityError,
  MAX_FIXED_POINT,
  MAX_QUANTITY,
  decimalPlaces,
  fromFixedPoint,
  toFixedPoint,
} from "../../../src/sdk/document";

function reasonOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).to.be.instanceOf(InvalidQuantityError);
    return (err as InvalidQuantityError).reason;
  }
  return undefined;
}

describe("fixed-point quantities (thousandths)", () => {
  it("converts the samples' quantities exactly", () => {
    expect(toFixedPoint(14.5)).to.equal(14500n);
    expect(toFixedPoint(12.75)).to.equal(12750n);
    expect(toFixedPoint(120)).to.equal(120000n);
    expect(toFixedPoint(18400)).to.equal(18400000n);
    expect(toFixedPoint(0.001)).to.equal(1n);
    expect(toFixedPoint(1.005)).to.equal(1005n); // 1.005 * 1000 is 1004.9999999999999 in floating point
  });

  it("round-trips the largest quantities, where a float has little room to spare", () => {
    for (const value of [MAX_FIXED_POINT, MAX_FIXED_POINT - 1n, 999_999_999_999_001n, 8_994_931_048_670_362n / 10n]) {
      expect(toFixedPoint(fromFixedPoint(value))).to.equal(value);
    }
  });

  it("converts back to the same number", () => {
    expect(fromFixedPoint(14500n)).to.equal(14.5);
    expect(fromFixedPoint(12750n)).to.equal(12.75);
    expect(fromFixedPoint(1n)).to.equal(0.001);
    expect(fromFixedPoint(0n)).to.equal(0);
  });

  it("rejects more than 3 decimals, including float error such as 0.1 + 0.2", () => {
    expect(reasonOf(() => toFixedPoint(0.1 + 0.2))).to.equal("quantity.maxDecimals3");
    expect(reasonOf(() => toFixedPoint(12.7501))).to.equal("quantity.maxDecimals3");
    expect(reasonOf(() => toFixedPoint(1e-7))).to.equal("quantity.maxDecimals3");
  });

  it("rejects negative, non-finite and too large quantities", () => {
    expect(reasonOf(() => toFixedPoint(-1))).to.equal("quantity.nonNegative");
    expect(reasonOf(() => toFixedPoint(Number.NaN))).to.equal("quantity.finite");
    expect(reasonOf(() => toFixedPoint(Infinity))).to.equal("quantity.finite");
    expect(reasonOf(() => toFixedPoint(1e13))).to.equal("quantity.max");
    expect(toFixedPoint(MAX_QUANTITY)).to.equal(MAX_FIXED_POINT);
    expect(reasonOf(() => toFixedPoint(1e12))).to.equal("quantity.max");
  });

  it("rejects fixed-point values without an exact number", () => {
    expect(() => fromFixedPoint(-1n)).to.throw(FixedPointOutOfRangeError);
    expect(() => fromFixedPoint(MAX_FIXED_POINT + 1n)).to.throw(FixedPointOutOfRangeError);
  });

  it("counts decimals as JSON writes the number", () => {
    expect(decimalPlaces(14.5)).to.equal(1);
    expect(decimalPlaces(1200)).to.equal(0);
    expect(decimalPlaces(1e21)).to.equal(0);
    expect(decimalPlaces(0.1 + 0.2)).to.equal(17);
    expect(decimalPlaces(1.5e-7)).to.equal(8);
  });

  it("round-trips every value in range: thousandths → number → thousandths", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MAX_FIXED_POINT }), (value) => {
        expect(toFixedPoint(fromFixedPoint(value))).to.equal(value);
      }),
    );
  });

  it("agrees with the decimal text for any quantity typed with up to 3 decimals", () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: MAX_FIXED_POINT }), fc.integer({ min: 0, max: 3 }), (thousandths, decimals) => {
        const scale = 10n ** BigInt(3 - decimals);
        const value = thousandths - (thousandths % scale); // drop the digits beyond `decimals`
        const whole = (value / 1000n).toString();
        const fraction = (value % 1000n).toString().padStart(3, "0").slice(0, decimals);
        const text = decimals === 0 ? whole : `${whole}.${fraction}`;
        expect(toFixedPoint(Number(text))).to.equal(value);
      }),
    );
  });
});
