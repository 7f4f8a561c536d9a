import { startOfShanghaiMonth, startOfShanghaiWeek } from '../domain/calendar.ts';
import { compileFilter, type ProblemFilter } from './filter.ts';
import type { ProblemTable } from './problem-table.ts';

const DAY = 86_400_000;

/** A span of time, [start, end). */
export interface Span {
  start: number;
  end: number;
}

/**
 * The spans 环比 compares as of `now`: this week so far against the same part of last week, and
 * this month so far against the same part of last month (cut at that month's end: 31 March
 * compares with 1–28 February).
 */
export function comparisonSpans(now: number): { week: [Span, Span]; month: [Span, Span] } {
  const week = startOfShanghaiWeek(now);
  const month = startOfShanghaiMonth(now);
  const lastMonth = startOfShanghaiMonth(month - 1);
  return {
    week: [
      { start: week, end: now },
      { start: week - 7 * DAY, end: now - 7 * DAY },
    ],
    month: [
      { start: month, end: now },
      { start: lastMonth, end: Math.min(lastMonth + (now - month), month) },
    ],
  };
}

/** A count now and in the span compared with, and the change (null when there was nothing before). */
export interface Change {
  current: number;
  previous: number;
  /** (current − previous) / previous, 4 decimals; null when previous is 0. */
  change: number | null;
}

export interface Comparison {
  week: { reported: Change; closed: Change };
  month: { reported: Change; closed: Change };
}

const changeOf = (current: number, previous: number): Change => ({
  current,
  previous,
  change: previous === 0 ? null : Math.round(((current - previous) / previous) * 10_000) / 10_000,
});

const inSpan = (t: number, s: Span) => t >= s.start && t < s.end;

/**
 * 环比: problems reported and closed this week and this month so far, against the same part of the
 * week and month before, among the problems matching `filter` (its dates are not used: the spans
 * are the comparison's own). One pass over the rows.
 */
export function compareSpans(table: ProblemTable, filter: ProblemFilter, now: number): Comparison {
  const spans = comparisonSpans(now);
  const match = compileFilter(table, { ...filter, from: undefined, to: undefined }, now);
  const closed = table.statusIndex.get('closed') ?? -1;
  const reported = [0, 0, 0, 0];
  const closedIn = [0, 0, 0, 0];
  const all = [spans.week[0], spans.week[1], spans.month[0], spans.month[1]];
  for (let i = 0; i < table.size; i++) {
    if (match !== null && !match(i)) continue;
    const r = table.reportedAt[i];
    const c = table.status[i] === closed ? table.closedAt[i] : Number.NaN;
    for (let k = 0; k < 4; k++) {
      if (inSpan(r, all[k])) reported[k]++;
      if (inSpan(c, all[k])) closedIn[k]++;
    }
  }
  return {
    week: { reported: changeOf(reported[0], reported[1]), closed: changeOf(closedIn[0], closedIn[1]) },
    month: { reported: changeOf(reported[2], reported[3]), closed: changeOf(closedIn[2], closedIn[3]) },
  };
}
