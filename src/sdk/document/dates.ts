/**
 * Calendar dates as the permit writes them (`YYYY-MM-DD`), with integer arithmetic only: no
 * `Date`, no time zone, so the service and a browser in any zone agree on every limit.
 */
export type CalendarDate = { year: number; month: number; day: number };

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Days in `month` (1-12) of `year`, Gregorian. */
function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Parses `YYYY-MM-DD`; `undefined` unless it is a real calendar date (so no `2026-02-30`). */
export function parseIsoDate(value: string): CalendarDate | undefined {
  const match = ISO_DATE.exec(value);
  if (!match) return undefined;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return { year, month, day };
}

/** `{2027, 5, 19}` → `"2027-05-19"`. */
export function formatIsoDate({ year, month, day }: CalendarDate): string {
  const pad = (n: number, width: number) => String(n).padStart(width, "0");
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/** Adds calendar months, clamping the day to the end of the target month (31 Aug + 6 → 28/29 Feb). */
export function addMonths(date: CalendarDate, months: number): CalendarDate {
  const index = date.year * 12 + (date.month - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return { year, month, day: Math.min(date.day, daysInMonth(year, month)) };
}

/** The day before `date`. */
export function previousDay({ year, month, day }: CalendarDate): CalendarDate {
  if (day > 1) return { year, month, day: day - 1 };
  if (month > 1) return { year, month: month - 1, day: daysInMonth(year, month - 1) };
  return { year: year - 1, month: 12, day: 31 };
}

/**
 * The last day a document issued on `issuedOn` may be valid for a validity of `months` calendar
 * months: `issuedOn + months − 1 day` (issued 2026-11-20, 6 months → 2027-05-19).
 */
export function lastValidDay(issuedOn: CalendarDate, months: number): CalendarDate {
  return previousDay(addMonths(issuedOn, months));
}

/** Compares two valid `YYYY-MM-DD` strings (fixed width, so lexicographic order is date order). */
export function compareIsoDates(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
