import { resolveNow } from '../lib/clock.ts';

/** The demo's "now": as given, else the pinned "now", else the start of the current hour. */
export function demoEnd(end?: string): Date {
  if (end !== undefined || process.env.REPLYWATCH_NOW) return resolveNow(end);
  const now = new Date();
  now.setUTCMinutes(0, 0, 0);
  return now;
}
