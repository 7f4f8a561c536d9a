import { startOfNextShanghaiMonth, startOfShanghaiDay, startOfShanghaiMonth, startOfShanghaiWeek, toShanghaiIso } from '../domain/calendar.ts';
import { statusCodes } from '../domain/lifecycle.ts';
import { compileFilter, type ProblemFilter } from './filter.ts';
import type { ProblemTable } from './problem-table.ts';

const HOUR = 3_600_000;
const DAY = 86_400_000;

export interface Summary {
  total: number;
  byStatus: Record<string, number>;
  closed: number;
  overdue: number;
  /** closed / total, 4 decimals; null when there is nothing to rectify. */
  rectificationRate: number | null;
  newToday: number;
  newThisWeek: number;
  /** Median hours from report to close, 0.1 h; null when nothing is closed. */
  medianHoursToClose: number | null;
}

/** The k-th smallest of the first n values (Hoare's selection; reorders the array). */
function select(values: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >>> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i] < pivot) i++;
      while (values[j] > pivot) j--;
      if (i <= j) {
        const t = values[i];
        values[i] = values[j];
        values[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return values[k];
  }
  return values[k];
}

/** The median of the first n values; reorders them. */
export function median(values: Float64Array, n: number): number | null {
  if (n === 0) return null;
  const upper = select(values, n, n >> 1);
  if (n % 2 === 1) return upper;
  let lower = Number.NEGATIVE_INFINITY;
  // After selection every value left of n/2 is <= upper: the lower middle is their maximum.
  for (let i = 0; i < n >> 1; i++) if (values[i] > lower) lower = values[i];
  return (lower + upper) / 2;
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

function emptyByStatus(): Record<string, number> {
  return Object.fromEntries(statusCodes.map((s) => [s, 0]));
}

/** Totals for the problems matching a filter, as of `now`. */
export function summarize(table: ProblemTable, f: ProblemFilter, now: number): Summary {
  const match = compileFilter(table, f, now);
  const counts = new Float64Array(statusCodes.length);
  const durations = new Float64Array(table.size);
  const closed = table.statusIndex.get('closed') ?? -1;
  const today = startOfShanghaiDay(now);
  const week = startOfShanghaiWeek(now);
  let total = 0;
  let overdue = 0;
  let newToday = 0;
  let newThisWeek = 0;
  let nClosed = 0;
  for (let i = 0; i < table.size; i++) {
    if (!match(i)) continue;
    total++;
    const s = table.status[i];
    counts[s]++;
    const reported = table.reportedAt[i];
    if (reported >= today) newToday++;
    if (reported >= week) newThisWeek++;
    if (s === closed) durations[nClosed++] = table.closedAt[i] - reported;
    else if (now > table.deadline[i]) overdue++;
  }
  const byStatus = emptyByStatus();
  statusCodes.forEach((code, i) => {
    byStatus[code] = counts[i];
  });
  const med = median(durations, nClosed);
  return {
    total,
    byStatus,
    closed: nClosed,
    overdue,
    rectificationRate: total === 0 ? null : round(nClosed / total, 4),
    newToday,
    newThisWeek,
    medianHoursToClose: med === null ? null : round(med / HOUR, 1),
  };
}

export interface AreaStats {
  total: number;
  byStatus: Record<string, number>;
  closed: number;
  overdue: number;
  rectificationRate: number | null;
}

/** Per-area totals (grid or community), indexed like the table's dictionary for that area. */
export function summarizeByArea(table: ProblemTable, f: ProblemFilter, now: number, area: 'grid' | 'community'): AreaStats[] {
  const n = area === 'grid' ? table.dictionaries.gridIds.length : table.dictionaries.communityIds.length;
  const column = area === 'grid' ? table.grid : table.community;
  const nStatus = statusCodes.length;
  const counts = new Float64Array(n * nStatus);
  const overdue = new Float64Array(n);
  const closed = table.statusIndex.get('closed') ?? -1;
  const match = compileFilter(table, f, now);
  for (let i = 0; i < table.size; i++) {
    if (!match(i)) continue;
    const a = column[i];
    const s = table.status[i];
    counts[a * nStatus + s]++;
    if (s !== closed && now > table.deadline[i]) overdue[a]++;
  }
  const out: AreaStats[] = [];
  for (let a = 0; a < n; a++) {
    const byStatus = emptyByStatus();
    let total = 0;
    statusCodes.forEach((code, s) => {
      byStatus[code] = counts[a * nStatus + s];
      total += counts[a * nStatus + s];
    });
    const nClosed = byStatus.closed;
    out.push({ total, byStatus, closed: nClosed, overdue: overdue[a], rectificationRate: total === 0 ? null : round(nClosed / total, 4) });
  }
  return out;
}

export type Interval = 'day' | 'week' | 'month';

/** Upper bound on the periods of one trend answer (about ten years of days). */
export const MAX_PERIODS = 3700;

export interface TrendPoint {
  period: string;
  start: string;
  reported: number;
  closed: number;
}

function periodStart(ms: number, interval: Interval): number {
  if (interval === 'day') return startOfShanghaiDay(ms);
  if (interval === 'week') return startOfShanghaiWeek(ms);
  return startOfShanghaiMonth(ms);
}

function nextPeriod(start: number, interval: Interval): number {
  if (interval === 'day') return start + DAY;
  if (interval === 'week') return start + 7 * DAY;
  return startOfNextShanghaiMonth(start);
}

function label(start: number, interval: Interval): string {
  const iso = toShanghaiIso(start);
  return interval === 'month' ? iso.slice(0, 7) : iso.slice(0, 10);
}

/**
 * Problems reported and problems closed per period (Asia/Shanghai days, ISO weeks from Monday,
 * calendar months), over [from, to) of the filter or, without them, from the first report to now.
 * The filter's dates bound the periods; its other fields select the problems.
 * Returns null when the range would hold more than MAX_PERIODS periods.
 */
export function trend(table: ProblemTable, f: ProblemFilter, now: number, interval: Interval): TrendPoint[] | null {
  const { from, to, ...rest } = f;
  const match = compileFilter(table, rest, now);
  let first = from;
  if (first === undefined) {
    first = Number.POSITIVE_INFINITY;
    for (let i = 0; i < table.size; i++) if (table.reportedAt[i] < first) first = table.reportedAt[i];
    if (first === Number.POSITIVE_INFINITY) first = now;
  }
  const end = Math.min(to ?? now + 1, now + 1);
  const starts: number[] = [];
  for (let s = periodStart(first, interval); s < end; s = nextPeriod(s, interval)) {
    if (starts.length === MAX_PERIODS) return null;
    starts.push(s);
  }
  const reported = new Float64Array(starts.length);
  const closed = new Float64Array(starts.length);
  const bucket = (t: number): number => {
    if (t < first || t >= end) return -1;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (starts[mid] <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  for (let i = 0; i < table.size; i++) {
    if (!match(i)) continue;
    const r = bucket(table.reportedAt[i]);
    if (r >= 0) reported[r]++;
    const c = table.closedAt[i];
    if (!Number.isNaN(c)) {
      const k = bucket(c);
      if (k >= 0) closed[k]++;
    }
  }
  return starts.map((s, k) => ({ period: label(s, interval), start: toShanghaiIso(s), reported: reported[k], closed: closed[k] }));
}
