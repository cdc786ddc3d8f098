import { DateTime, IANAZone } from 'luxon';
import type { Config } from '../../lib/config.ts';
import { UserError } from '../../lib/user-error.ts';

type MuteWindow = Config['alerts']['muteWindows'][number];
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/**
 * The mute window `at` falls in, by wall-clock time in `timezone`, or null. Start is inclusive and
 * end exclusive; a window whose end is before its start runs past midnight and belongs to the day
 * it starts on (fri 19:00–10:00 mutes Friday evening to Saturday 10:00). Start = end mutes nothing.
 */
export function isMuted(windows: MuteWindow[], timezone: string, at: Date): string | null {
  const local = DateTime.fromJSDate(at, { zone: timezone });
  const minute = local.hour * 60 + local.minute;
  const today = DAYS[local.weekday - 1]!;
  const yesterday = DAYS[(local.weekday + 5) % 7]!;
  const muting = windows.find((window) => {
    const start = minutesOf(window.start);
    const end = minutesOf(window.end);
    if (start < end) return window.days.includes(today) && minute >= start && minute < end;
    if (end < start) return (window.days.includes(today) && minute >= start) || (window.days.includes(yesterday) && minute < end);
    return false;
  });
  return muting?.name ?? null;
}

/** Fails at start, not at the first evaluation, on a zone luxon does not know. */
export function checkTimezone(timezone: string): void {
  if (!IANAZone.isValidZone(timezone)) throw new UserError(`time zone "${timezone}" is not an IANA zone name, e.g. Asia/Kolkata`);
}

function minutesOf(hhmm: string): number {
  const [hours, minutes] = hhmm.split(':').map(Number);
  return hours! * 60 + minutes!;
}
