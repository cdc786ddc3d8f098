import { UserError } from './user-error.ts';

const ISO_WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-](\d{2}):?(\d{2}))$/;

/**
 * True when `text` is an ISO 8601 instant that says which offset it is in (Z or ±hh:mm) and names
 * a time that exists: Date.parse would accept 2026-02-30 and roll it over to March.
 */
export function isIsoInstant(text: string): boolean {
  const match = ISO_WITH_OFFSET.exec(text);
  if (!match) return false;
  const [year, month, day, hour, minute, second = '0', offsetHours = '0', offsetMinutes = '0'] = match.slice(1).map((part) => part ?? '0');
  const calendar = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  return (
    calendar.getUTCFullYear() === Number(year) &&
    calendar.getUTCMonth() === Number(month) - 1 &&
    calendar.getUTCDate() === Number(day) &&
    Number(hour) < 24 &&
    Number(minute) < 60 &&
    Number(second) < 60 &&
    Number(offsetHours) < 24 &&
    Number(offsetMinutes) < 60
  );
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
