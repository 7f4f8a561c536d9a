import { startOfNextShanghaiMonth, startOfShanghaiDay, startOfShanghaiMonth, startOfShanghaiWeek, toShanghaiIso } from '../domain/calendar.ts';
import { statusCodes } from '../domain/lifecycle.ts';
import { BLOCK, BLOCK_SHIFT, kthOfSortedRuns, lowerBound } from './block-summary.ts';
import { compileFilter, type ProblemFilter } from './filter.ts';
import type { ProblemTable } from './problem-table.ts';

const HOUR = 3_600_000;
const DAY = 86_400_000;
const OFFSET = 8 * HOUR; // Asia/Shanghai, no daylight saving

export interface Summary {
  total: number;
  byStatus: Record<string, number>;
  closed: number;
  overdue: number;
  /** closed / total, 4 decimals; null when there is nothing to rectify. */
  rectificationRate: number | null;
  newToday: number;
  newThisWeek: number;
  /** Closed (销号) since 00:00 today / since Monday 00:00, Asia/Shanghai, among the matching problems. */
  closedToday: number;
  closedThisWeek: number;
  /** Median hours from report to close, 0.1 h; null when nothing is closed. */
  medianHoursToClose: number | null;
}

const MINUTE = 60_000;
const HISTOGRAM_BUCKETS = 1 << 17; // minutes: about 91 days, the last bucket holds the rest
const PER_MINUTE = 1 / MINUTE;

/** Histogram bucket (whole minutes, the last bucket open-ended) of a duration in ms. */
function minuteBucket(ms: number): number {
  const b = (ms * PER_MINUTE) | 0;
  return Math.min(b, HISTOGRAM_BUCKETS - 1);
}

/**
 * The median of the first n values, exactly, in linear time: `counts`, a histogram of whole
 * minutes over the same values, finds the bucket(s) of the middle rank(s); then only the values
 * in them are sorted. Values must be non-negative (durations in ms).
 */
export function medianWithHistogram(values: Float64Array, n: number, counts: Uint32Array): number | null {
  if (n === 0) return null;
  const lowRank = (n - 1) >> 1;
  const highRank = n >> 1;
  let below = 0;
  let b = 0;
  while (below + counts[b] <= lowRank) below += counts[b++];
  let bHigh = b;
  let belowHigh = below;
  while (belowHigh + counts[bHigh] <= highRank) belowHigh += counts[bHigh++];
  const lo = b * MINUTE;
  const hi = bHigh === HISTOGRAM_BUCKETS - 1 ? Number.POSITIVE_INFINITY : (bHigh + 1) * MINUTE;
  const middle: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v >= lo && v < hi) middle.push(v);
  }
  middle.sort((x, y) => x - y);
  return (middle[lowRank - below] + middle[highRank - below]) / 2;
}

/** The median of the first n values (non-negative durations in ms), exactly. */
export function median(values: Float64Array, n: number): number | null {
  const counts = new Uint32Array(HISTOGRAM_BUCKETS);
  for (let i = 0; i < n; i++) counts[minuteBucket(values[i])]++;
  return medianWithHistogram(values, n, counts);
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

function emptyByStatus(): Record<string, number> {
  return Object.fromEntries(statusCodes.map((s) => [s, 0]));
}

/**
 * Totals for the problems matching a filter, as of `now`. A filter of dates alone (the period
 * presets) is answered from per-block aggregates; any other filter by a pass over the rows.
 */
export function summarize(table: ProblemTable, f: ProblemFilter, now: number): Summary {
  const datesOnly = Object.entries(f).every(([k, v]) => v === undefined || k === 'from' || k === 'to');
  return datesOnly ? summarizeByBlocks(table, f.from, f.to, now) : summarizeByScan(table, f, now);
}

function summaryOf(
  counts: Int32Array,
  nClosed: number,
  rest: { total: number; overdue: number; newToday: number; newThisWeek: number; closedToday: number; closedThisWeek: number },
  med: number | null,
): Summary {
  const byStatus = emptyByStatus();
  statusCodes.forEach((code, i) => {
    byStatus[code] = counts[i];
  });
  return {
    total: rest.total,
    byStatus,
    closed: nClosed,
    overdue: rest.overdue,
    rectificationRate: rest.total === 0 ? null : round(nClosed / rest.total, 4),
    newToday: rest.newToday,
    newThisWeek: rest.newThisWeek,
    closedToday: rest.closedToday,
    closedThisWeek: rest.closedThisWeek,
    medianHoursToClose: med === null ? null : round(med / HOUR, 1),
  };
}

/** `summarize` for a date range, from the table's block aggregates; rows are read only in blocks the range cuts. */
export function summarizeByBlocks(table: ProblemTable, from: number | undefined, to: number | undefined, now: number): Summary {
  const blocks = table.blockSummaries();
  const lo = from ?? Number.NEGATIVE_INFINITY;
  const hi = to ?? Number.POSITIVE_INFINITY;
  const nStatus = statusCodes.length;
  const closed = table.statusIndex.get('closed') ?? -1;
  const today = startOfShanghaiDay(now);
  const week = startOfShanghaiWeek(now);
  const counts = new Int32Array(nStatus);
  const acc = { total: 0, overdue: 0, newToday: 0, newThisWeek: 0, closedToday: 0, closedThisWeek: 0 };
  const runs: number[] = [];
  const extra: number[] = [];
  let nClosed = 0;
  for (let b = 0; b < blocks.blocks; b++) {
    if (blocks.maxReported[b] < lo || blocks.minReported[b] >= hi) continue;
    const start = b << BLOCK_SHIFT;
    const end = Math.min(start + BLOCK, table.size);
    if (blocks.minReported[b] >= lo && blocks.maxReported[b] < hi) {
      for (let s = 0; s < nStatus; s++) counts[s] += blocks.statusCounts[b * nStatus + s];
      acc.total += end - start;
      acc.overdue += lowerBound(blocks.openDeadlines, start, start + blocks.openCount[b], now) - start;
      acc.newToday += end - lowerBound(blocks.sortedReported, start, end, today);
      acc.newThisWeek += end - lowerBound(blocks.sortedReported, start, end, week);
      const closedEnd = start + blocks.closedCount[b];
      acc.closedToday += closedEnd - lowerBound(blocks.closedTimes, start, closedEnd, today);
      acc.closedThisWeek += closedEnd - lowerBound(blocks.closedTimes, start, closedEnd, week);
      runs.push(start, start + blocks.closedCount[b]);
      nClosed += blocks.closedCount[b];
      continue;
    }
    for (let i = start; i < end; i++) {
      const r = table.reportedAt[i];
      if (r < lo || r >= hi) continue;
      acc.total++;
      const s = table.status[i];
      counts[s]++;
      if (r >= today) acc.newToday++;
      if (r >= week) acc.newThisWeek++;
      if (s === closed) {
        const c = table.closedAt[i];
        extra.push(Math.max(c - r, 0));
        nClosed++;
        if (c >= week) {
          acc.closedThisWeek++;
          if (c >= today) acc.closedToday++;
        }
      } else if (now > table.deadline[i]) acc.overdue++;
    }
  }
  let med: number | null = null;
  if (nClosed > 0) {
    const sortedExtra = Float64Array.from(extra).sort();
    const lowRank = (nClosed - 1) >> 1;
    const low = kthOfSortedRuns(blocks.durations, runs, sortedExtra, lowRank);
    med = nClosed % 2 === 1 ? low : (low + kthOfSortedRuns(blocks.durations, runs, sortedExtra, lowRank + 1)) / 2;
  }
  return summaryOf(counts, nClosed, acc, med);
}

/** `summarize` by a pass over every row: any filter. */
export function summarizeByScan(table: ProblemTable, f: ProblemFilter, now: number): Summary {
  const counts = new Int32Array(statusCodes.length);
  const durations = table.scratchValues();
  const histogram = new Uint32Array(HISTOGRAM_BUCKETS);
  const lastBucket = HISTOGRAM_BUCKETS - 1;
  const closed = table.statusIndex.get('closed') ?? -1;
  const today = startOfShanghaiDay(now);
  const week = startOfShanghaiWeek(now);
  let total = 0;
  let overdue = 0;
  let newToday = 0;
  let newThisWeek = 0;
  let closedToday = 0;
  let closedThisWeek = 0;
  let nClosed = 0;
  const { status, reportedAt, closedAt, deadline, size } = table;
  const match = compileFilter(table, f, now);
  // The hot loop of the wall's KPIs: locals only, bucket arithmetic inlined.
  for (let i = 0; i < size; i++) {
    if (match !== null && !match(i)) continue;
    total++;
    const s = status[i];
    counts[s]++;
    const reported = reportedAt[i];
    if (reported >= week) {
      newThisWeek++;
      if (reported >= today) newToday++;
    }
    if (s === closed) {
      const c = closedAt[i];
      if (c >= week) {
        closedThisWeek++;
        if (c >= today) closedToday++;
      }
      const ms = Math.max(c - reported, 0);
      durations[nClosed++] = ms;
      const bucket = (ms * PER_MINUTE) | 0;
      histogram[Math.min(bucket, lastBucket)]++;
    } else if (now > deadline[i]) overdue++;
  }
  return summaryOf(counts, nClosed, { total, overdue, newToday, newThisWeek, closedToday, closedThisWeek }, medianWithHistogram(durations, nClosed, histogram));
}

export interface AreaStats {
  total: number;
  byStatus: Record<string, number>;
  closed: number;
  overdue: number;
  rectificationRate: number | null;
  /** Problems that are recurrences (反弹) of one closed nearby in the 90 days before. */
  recurrences: number;
  /** recurrences / total, 4 decimals; null when total is 0. */
  recurrenceRate: number | null;
}

/** Per-area totals (grid or community) or per-category totals, indexed like the table's dictionary for that column. */
export function summarizeByArea(table: ProblemTable, f: ProblemFilter, now: number, area: 'grid' | 'community' | 'category'): AreaStats[] {
  const n = area === 'grid' ? table.dictionaries.gridIds.length : area === 'community' ? table.dictionaries.communityIds.length : table.categoryIndex.size;
  const column = area === 'grid' ? table.grid : area === 'community' ? table.community : table.category;
  const nStatus = statusCodes.length;
  const counts = new Float64Array(n * nStatus);
  const overdue = new Float64Array(n);
  const recurrences = new Float64Array(n);
  const closed = table.statusIndex.get('closed') ?? -1;
  const { status, deadline, recurrent } = table;
  const match = compileFilter(table, f, now);
  for (let i = 0; i < table.size; i++) {
    if (match !== null && !match(i)) continue;
    const a = column[i];
    const s = status[i];
    counts[a * nStatus + s]++;
    if (s !== closed && now > deadline[i]) overdue[a]++;
    recurrences[a] += recurrent[i];
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
    out.push({
      total,
      byStatus,
      closed: nClosed,
      overdue: overdue[a],
      rectificationRate: total === 0 ? null : round(nClosed / total, 4),
      recurrences: recurrences[a],
      recurrenceRate: total === 0 ? null : round(recurrences[a] / total, 4),
    });
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
  // Periods are whole Asia/Shanghai days: a lookup from day number to period avoids a search per row.
  const firstDay = Math.floor((startOfShanghaiDay(starts[0] ?? first) + OFFSET) / DAY);
  const lastDay = Math.floor((end + OFFSET) / DAY);
  const periodOfDay = new Int32Array(lastDay - firstDay + 1);
  for (let d = 0, k = 0; d < periodOfDay.length; d++) {
    const dayStart = (firstDay + d) * DAY - OFFSET;
    while (k + 1 < starts.length && starts[k + 1] <= dayStart) k++;
    periodOfDay[d] = k;
  }
  const bucket = (t: number): number => (t < first || t >= end ? -1 : periodOfDay[Math.floor((t + OFFSET) / DAY) - firstDay]);
  const reported = new Float64Array(starts.length);
  const closed = new Float64Array(starts.length);
  const { reportedAt, closedAt } = table;
  const match = compileFilter(table, rest, now);
  for (let i = 0; i < table.size; i++) {
    if (match !== null && !match(i)) continue;
    const r = bucket(reportedAt[i]);
    if (r >= 0) reported[r]++;
    const c = closedAt[i];
    if (!Number.isNaN(c)) {
      const k = bucket(c);
      if (k >= 0) closed[k]++;
    }
  }
  return starts.map((s, k) => ({ period: label(s, interval), start: toShanghaiIso(s), reported: reported[k], closed: closed[k] }));
}
