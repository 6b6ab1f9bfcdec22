import { expect } from "chai";
import { formatIsoDate, lastValidDay, parseIsoDate } from "../../../src/sdk/document";

function last(issuedOn: string, months: number): string {
  return formatIsoDate(lastValidDay(parseIsoDate(issuedOn)!, months));
}

describe("calendar dates and validity periods", () => {
  it("parses only real calendar dates written YYYY-MM-DD", () => {
    expect(parseIsoDate("2026-11-20")).to.deep.equal({ year: 2026, month: 11, day: 20 });
    expect(parseIsoDate("2028-02-29")).to.deep.equal({ year: 2028, month: 2, day: 29 });
    for (const bad of ["2027-02-29", "2026-13-01", "2026-04-31", "2026-1-05", "2026-11-20T00:00:00Z", "20.11.2026", ""]) {
      expect(parseIsoDate(bad), bad).to.equal(undefined);
    }
  });

  it("ends a period of N months the day before the same date N months later (the samples)", () => {
    expect(last("2026-11-20", 6)).to.equal("2027-05-19"); // sample 01
    expect(last("2026-11-18", 6)).to.equal("2027-05-17"); // sample 02
    expect(last("2026-10-01", 12)).to.equal("2027-09-30"); // sample 03
    expect(last("2026-11-10", 6)).to.equal("2027-05-09"); // sample 06
  });

  it("clamps to the end of a shorter month before taking the day before", () => {
    expect(last("2026-08-31", 6)).to.equal("2027-02-27");
    expect(last("2027-08-31", 6)).to.equal("2028-02-28"); // leap year: 29 Feb − 1
    expect(last("2026-03-01", 6)).to.equal("2026-08-31");
    expect(last("2026-07-01", 6)).to.equal("2026-12-31");
    expect(last("2026-12-31", 12)).to.equal("2027-12-30");
  });
});
