import { compileFilter, type ProblemFilter } from './filter.ts';
import { NO_UNIT, type ProblemTable } from './problem-table.ts';

const DAY = 86_400_000;

/** A responsible unit's record over the problems assigned to it. */
export interface UnitStats {
  total: number;
  /** Not yet closed. */
  open: number;
  overdue: number;
  closed: number;
  /** Closed by their deadline / closed, 4 decimals; null when none is closed. */
  onTimeRate: number | null;
  /** Median days from report to close, 0.1 day; null when none is closed. */
  medianDaysToClose: number | null;
}

/**
 * Per responsible unit (in the order of the table's unit dictionary): how many problems it has,
 * how many are open and overdue, the share closed on time and the median time to close. Problems
 * with no unit yet are left out. Two passes: counts, then each unit's closing times sorted.
 */
export function summarizeUnits(table: ProblemTable, filter: ProblemFilter, now: number): UnitStats[] {
  const n = table.dictionaries.unitIds.length;
  const total = new Int32Array(n);
  const overdue = new Int32Array(n);
  const closed = new Int32Array(n);
  const onTime = new Int32Array(n);
  const closedCode = table.statusIndex.get('closed') ?? -1;
  const match = compileFilter(table, filter, now);
  const rows: number[] = [];
  for (let i = 0; i < table.size; i++) {
    const u = table.unit[i];
    if (u === NO_UNIT || (match !== null && !match(i))) continue;
    rows.push(i);
    total[u]++;
    if (table.status[i] === closedCode) {
      closed[u]++;
      const deadline = table.deadline[i];
      if (Number.isNaN(deadline) || table.closedAt[i] <= deadline) onTime[u]++;
    } else if (now > table.deadline[i]) overdue[u]++;
  }
  // Each unit's closing durations side by side, then the middle of each run.
  const offset = new Int32Array(n + 1);
  for (let u = 0; u < n; u++) offset[u + 1] = offset[u] + closed[u];
  const fill = offset.slice(0, n);
  const durations = new Float64Array(offset[n]);
  for (const i of rows) {
    if (table.status[i] !== closedCode) continue;
    durations[fill[table.unit[i]]++] = Math.max(table.closedAt[i] - table.reportedAt[i], 0);
  }
  return Array.from({ length: n }, (_, u) => {
    const run = durations.subarray(offset[u], offset[u + 1]).sort();
    const k = run.length;
    const mid = k === 0 ? null : k % 2 === 1 ? run[(k - 1) >> 1] : (run[k / 2 - 1] + run[k / 2]) / 2;
    return {
      total: total[u],
      open: total[u] - closed[u],
      overdue: overdue[u],
      closed: closed[u],
      onTimeRate: closed[u] === 0 ? null : Math.round((onTime[u] / closed[u]) * 10_000) / 10_000,
      medianDaysToClose: mid === null ? null : Math.round((mid / DAY) * 10) / 10,
    };
  });
}
