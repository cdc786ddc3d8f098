import { UserError } from './user-error.ts';

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

/** True when `text` is an ISO 8601 instant that says which offset it is in (Z or ±hh:mm). */
export function isIsoInstant(text: string): boolean {
  return ISO_WITH_OFFSET.test(text) && !Number.isNaN(Date.parse(text));
}

/**
 * "Now" for everything that depends on the clock: `--as-of`, else `REPLYWATCH_NOW`, else the real
 * clock. Pinning it makes builds and tests reproducible.
 */
export function resolveNow(asOf?: string): Date {
  const pinned = asOf ?? process.env.REPLYWATCH_NOW;
  if (pinned === undefined || pinned === '') return new Date();
  const source = asOf !== undefined ? '--as-of' : 'REPLYWATCH_NOW';
  if (!isIsoInstant(pinned)) {
    throw new UserError(`${source} "${pinned}" is not an ISO 8601 time with an offset, e.g. 2026-11-27T18:30:00+05:30`);
  }
  return new Date(pinned);
}
