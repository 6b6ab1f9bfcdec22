/**
 * Field-level building blocks of the permit schema. Each check carries its rule code in the zod
 * issue's `params.rule`, which `validate.ts` turns into a `ValidationIssue`.
 */
import { z } from "zod";
import { MAX_PERMIT_NUMBER_BYTES, permitNumberBytes32 } from "../ids";
import { isCountryCode } from "./countries";
import { parseIsoDate } from "./dates";
import { decimalPlaces, MAX_QUANTITY, QUANTITY_DECIMALS } from "./fixedPoint";
import type { RuleCode } from "./rules";

/** The refine options that tag an issue with its rule code. */
export function rule(code: RuleCode, message: string) {
  return { message, params: { rule: code } };
}

/** Tuple of an object's keys, for `z.enum` over a code list. */
export function keysOf<T extends Record<string, string>>(list: T): [keyof T & string, ...(keyof T & string)[]] {
  return Object.keys(list) as [keyof T & string, ...(keyof T & string)[]];
}

/** Printable ASCII is always in NFC: most names and addresses skip the normalisation pass. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** Text that is not blank and NFC-normalised (so the same name always hashes the same). */
function nonBlank() {
  return z
    .string()
    .refine((v) => v.trim().length > 0, rule("text.nonEmpty", "must not be empty"))
    .refine((v) => PRINTABLE_ASCII.test(v) || v === v.normalize("NFC"), rule("text.nfc", "must be in Unicode Normalization Form C"));
}

/** Free text: not blank, NFC, at most `max` UTF-16 code units. */
export function text(max: number) {
  return nonBlank().refine((v) => v.length <= max, rule("text.maxLength", `must be at most ${max} characters`));
}

// eslint-disable-next-line no-control-regex
const CONTROL_OR_EDGE_SPACE = /[\u0000-\u001f\u007f-\u009f]|^\s|\s$/;

/** A permit or certificate number (box 1): anchored as bytes32, so at most 32 UTF-8 bytes. */
export function permitNumber() {
  return nonBlank()
    .refine(
      (v) => permitNumberBytes32(v) !== undefined,
      rule("permitNumber.maxBytes32", `must be at most ${MAX_PERMIT_NUMBER_BYTES} bytes in UTF-8`),
    )
    .refine((v) => !CONTROL_OR_EDGE_SPACE.test(v), rule("permitNumber.format", "must not contain control characters or start/end with whitespace"));
}

/** An assigned ISO 3166-1 alpha-2 code. */
export function country() {
  return z.string().refine(isCountryCode, rule("country.iso3166", "must be an assigned ISO 3166-1 alpha-2 code, e.g. \"CH\""));
}

/** A calendar date `YYYY-MM-DD`. */
export function isoDate() {
  return z.string().refine((v) => parseIsoDate(v) !== undefined, rule("date.iso8601", "must be a calendar date YYYY-MM-DD"));
}

/** A line number: a positive integer. */
export function lineNumber() {
  return z.number().refine((v) => Number.isSafeInteger(v) && v > 0, rule("line.positiveInteger", "must be a positive integer"));
}

/** A quantity: > 0, at most 3 decimals, exactly representable as thousandths. */
export function quantity() {
  return z
    .number()
    .refine((v) => v > 0, rule("quantity.positive", "must be greater than 0"))
    .refine((v) => decimalPlaces(v) <= QUANTITY_DECIMALS, rule("quantity.maxDecimals3", "must have at most 3 decimals"))
    .refine((v) => v <= MAX_QUANTITY, rule("quantity.max", `must be at most ${MAX_QUANTITY}`));
}
