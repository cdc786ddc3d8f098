import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../pipeline/project-paths.ts';

const IST_OFFSET_MS = 330 * 60_000;
const DAY_MS = 86_400_000;

/** Opening hours of the demo business, read from the same seeds the models use (Asia/Kolkata). */
export interface BusinessCalendar {
  isOpen(at: number): boolean;
  /** The next moment the business opens at or after `at` (`at` itself when open). */
  nextOpening(at: number): number;
  /** Local hour of day 0–23 and ISO weekday 1–7 in India. */
  localHour(at: number): number;
  localWeekday(at: number): number;
  isHoliday(at: number): boolean;
}

interface Stretch {
  opens: number;
  closes: number;
}

function minutesOf(time: string): number {
  const [hours, minutes] = time.split(':').map(Number) as [number, number];
  return hours * 60 + minutes;
}

function readSeed(name: string): string[][] {
  const lines = readFileSync(join(PROJECT_ROOT, 'seeds', `${name}.csv`), 'utf8').trim().split('\n').slice(1);
  return lines.map((line) => line.split(','));
}

export function loadBusinessCalendar(): BusinessCalendar {
  const hoursByWeekday = new Map<number, Stretch[]>();
  for (const [weekday, opens, closes] of readSeed('business_hours')) {
    const stretches = hoursByWeekday.get(Number(weekday)) ?? [];
    stretches.push({ opens: minutesOf(opens!), closes: minutesOf(closes!) });
    hoursByWeekday.set(Number(weekday), stretches);
  }
  const holidays = new Set(readSeed('holidays').map(([date]) => date));

  const localDate = (at: number): string => new Date(at + IST_OFFSET_MS).toISOString().slice(0, 10);
  const localMinute = (at: number): number => Math.floor(((at + IST_OFFSET_MS) % DAY_MS) / 60_000);
  const localWeekday = (at: number): number => {
    const day = new Date(at + IST_OFFSET_MS).getUTCDay();
    return day === 0 ? 7 : day;
  };
  const stretchesOn = (at: number): Stretch[] => (holidays.has(localDate(at)) ? [] : (hoursByWeekday.get(localWeekday(at)) ?? []));
  const isOpen = (at: number): boolean => {
    const minute = localMinute(at);
    return stretchesOn(at).some((stretch) => minute >= stretch.opens && minute < stretch.closes);
  };

  return {
    isOpen,
    nextOpening(at) {
      if (isOpen(at)) return at;
      const midnight = istMidnight(at);
      for (let day = 0; day < 30; day += 1) {
        const dayStart = midnight + day * DAY_MS;
        for (const stretch of stretchesOn(dayStart + 1)) {
          const opens = dayStart + stretch.opens * 60_000;
          if (opens >= at) return opens;
        }
      }
      return at;
    },
    localHour: (at) => Math.floor(localMinute(at) / 60),
    localWeekday,
    isHoliday: (at) => holidays.has(localDate(at)),
  };
}

/** An instant as ISO 8601 in India time, e.g. 2026-11-27T18:30:05+05:30. */
export function istIso(at: number): string {
  return `${new Date(at + IST_OFFSET_MS).toISOString().slice(0, 19)}+05:30`;
}

/** Local midnight (India) of the day containing `at`. */
export function istMidnight(at: number): number {
  return at - ((((at + IST_OFFSET_MS) % DAY_MS) + DAY_MS) % DAY_MS);
}

export { DAY_MS };
