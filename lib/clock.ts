import { UserError } from './user-error.ts';

const DASH = 0x2d;
const COLON = 0x3a;

const isDigit = (code: number): boolean => code >= 0x30 && code <= 0x39;

/**
 * True when `text` is an ISO 8601 instant that says which offset it is in (Z or ±hh:mm) and names
 * a time that exists: Date.parse would accept 2026-02-30 and roll it over to March.
 *
 * The form is `YYYY-MM-DDTHH:MM[:SS[.fraction]](Z|±HH[:]MM)`, read by hand: this runs for every
 * time in every landed record, and a regular expression's match array cost more than the rest.
 */
export function isIsoInstant(text: string): boolean {
  const length = text.length;
  if (length < 17 || text.charCodeAt(4) !== DASH || text.charCodeAt(7) !== DASH || text.charCodeAt(10) !== 0x54 /* T */) return false;
  if (text.charCodeAt(13) !== COLON) return false;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  let second = 0;
  let at = 16;
  if (text.charCodeAt(at) === COLON) {
    second = digits(text, at + 1, 2);
    at += 3;
    if (text.charCodeAt(at) === 0x2e /* . */) {
      at += 1;
      const fraction = at;
      while (isDigit(text.charCodeAt(at))) at += 1;
      if (at === fraction) return false;
    }
  }
  let offsetHours = 0;
  let offsetMinutes = 0;
  const sign = text.charCodeAt(at);
  if (sign === 0x5a /* Z */) {
    at += 1;
  } else if (sign === 0x2b /* + */ || sign === DASH) {
    offsetHours = digits(text, at + 1, 2);
    at += text.charCodeAt(at + 3) === COLON ? 4 : 3;
    offsetMinutes = digits(text, at, 2);
    at += 2;
  } else {
    return false;
  }
  return (
    at === length &&
    // Years 0–99 stay refused, as when this was a Date round trip (Date.UTC reads them as 19xx).
    year >= 100 &&
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    hour < 24 &&
    minute < 60 &&
    second < 60 &&
    offsetHours < 24 &&
    offsetMinutes < 60
  );
}

/** The number written by `count` ASCII digits at `start`; NaN (which fails every check) if any is not one. */
function digits(text: string, start: number, count: number): number {
  let value = 0;
  for (let at = start; at < start + count; at += 1) {
    const code = text.charCodeAt(at);
    if (!isDigit(code)) return Number.NaN;
    value = value * 10 + (code - 0x30);
  }
  return value;
}

function daysInMonth(year: number, month: number): number {
  if (month !== 2) return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

/**
 * "Now" for everything that depends on the clock: `--as-of`, else `REPLYWATCH_NOW`, else the real
 * clock. Pinning it makes builds and tests reproducible.
 */
export function resolveNow(asOf?: string): Date {
  const pinned = asOf ?? process.env.REPLYWATCH_NOW;
  if (pinned === undefined || pinned === '') return new Date();
  return parseInstant(pinned, asOf !== undefined ? '--as-of' : 'REPLYWATCH_NOW');
}

/** An ISO 8601 instant given by the user (`what` names the flag or variable), or a one-line error. */
export function parseInstant(text: string, what: string): Date {
  if (!isIsoInstant(text)) throw new UserError(`${what} "${text}" is not an ISO 8601 time with an offset, e.g. 2026-11-27T18:30:00+05:30`);
  return new Date(text);
}
