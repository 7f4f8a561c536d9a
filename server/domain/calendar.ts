import holidayData from '../../data/holidays.json' with { type: 'json' };
import type { TimeLimit } from './catalogue.ts';

/** China Standard Time has no daylight saving: a fixed +08:00 offset is exact. */
const OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;

/** A holiday calendar: public holidays and make-up workdays (调休), as YYYY-MM-DD dates. */
export interface HolidayCalendar {
  holidays: ReadonlySet<string>;
  makeupWorkdays: ReadonlySet<string>;
}

/** Builds a calendar from lists of YYYY-MM-DD dates. */
export function makeCalendar(holidays: readonly string[], makeupWorkdays: readonly string[]): HolidayCalendar {
  return { holidays: new Set(holidays), makeupWorkdays: new Set(makeupWorkdays) };
}

/** The calendar shipped in data/holidays.json. */
export const defaultCalendar: HolidayCalendar = makeCalendar(holidayData.holidays, holidayData.makeupWorkdays);

/** The Asia/Shanghai calendar date (YYYY-MM-DD) of an instant. */
export function shanghaiDate(ms: number): string {
  return new Date(ms + OFFSET_MS).toISOString().slice(0, 10);
}

/** The instant of 00:00 Asia/Shanghai on a YYYY-MM-DD date. */
export function shanghaiMidnight(date: string): number {
  return Date.parse(`${date}T00:00:00+08:00`);
}

/** The instant 00:00 Asia/Shanghai of the day holding `ms`. */
export function startOfShanghaiDay(ms: number): number {
  return Math.floor((ms + OFFSET_MS) / DAY_MS) * DAY_MS - OFFSET_MS;
}

/** The instant 00:00 Asia/Shanghai of the Monday of the week holding `ms`. */
export function startOfShanghaiWeek(ms: number): number {
  const day = startOfShanghaiDay(ms);
  const weekday = new Date(day + OFFSET_MS).getUTCDay(); // 0 = Sunday
  return day - ((weekday + 6) % 7) * DAY_MS;
}

/** The instant 00:00 Asia/Shanghai of the first day of the month holding `ms`. */
export function startOfShanghaiMonth(ms: number): number {
  const d = new Date(ms + OFFSET_MS);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) - OFFSET_MS;
}

/** The first instant of the next month after the month holding `ms`, in Asia/Shanghai. */
export function startOfNextShanghaiMonth(ms: number): number {
  const d = new Date(ms + OFFSET_MS);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - OFFSET_MS;
}

const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const datePrefixes = new Map<number, string>();

/**
 * ISO 8601 with the +08:00 offset, to the second, e.g. 2026-11-27T09:30:00+08:00. Bulk routes
 * format thousands per answer: the date part is remembered per day, the time assembled from parts.
 */
export function toShanghaiIso(ms: number): string {
  const local = ms + OFFSET_MS;
  const day = Math.floor(local / DAY_MS);
  let prefix = datePrefixes.get(day);
  if (prefix === undefined) {
    prefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
    if (datePrefixes.size > 20_000) datePrefixes.clear();
    datePrefixes.set(day, prefix);
  }
  const seconds = Math.floor((local - day * DAY_MS) / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return `${prefix}${TWO_DIGITS[h]}:${TWO_DIGITS[m]}:${TWO_DIGITS[seconds % 60]}+08:00`;
}

/**
 * Whether a date is a working day: a make-up workday always is; otherwise Monday to Friday
 * that is not a public holiday.
 */
export function isWorkday(date: string, calendar: HolidayCalendar = defaultCalendar): boolean {
  if (calendar.makeupWorkdays.has(date)) return true;
  if (calendar.holidays.has(date)) return false;
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/**
 * The rectification deadline (整改时限) for a problem reported at `fromMs`.
 * Hours are clock hours. N working days end at the same time of day on the N-th working day
 * after the reporting day (a report on Friday 15:00 with one working day is due Monday 15:00);
 * a report made on a rest day counts from that day, so its first working day is the next one.
 */
export function computeDeadline(fromMs: number, limit: TimeLimit, calendar: HolidayCalendar = defaultCalendar): number {
  if (limit.unit === 'hours') return fromMs + limit.value * 3600_000;
  const timeOfDay = fromMs - startOfShanghaiDay(fromMs);
  let day = startOfShanghaiDay(fromMs);
  let remaining = limit.value;
  while (remaining > 0) {
    day += DAY_MS;
    if (isWorkdayAt(day, calendar)) remaining--;
  }
  return day + timeOfDay;
}

// Deadlines are computed for every problem of a million-row import: remember each day's answer.
const workdayCache = new WeakMap<HolidayCalendar, Map<number, boolean>>();

function isWorkdayAt(midnightMs: number, calendar: HolidayCalendar): boolean {
  let cache = workdayCache.get(calendar);
  if (!cache) {
    cache = new Map();
    workdayCache.set(calendar, cache);
  }
  let answer = cache.get(midnightMs);
  if (answer === undefined) {
    answer = isWorkday(shanghaiDate(midnightMs), calendar);
    cache.set(midnightMs, answer);
  }
  return answer;
}
