import type { ProblemTable } from './problem-table.ts';

/** Rows per block. */
export const BLOCK_SHIFT = 12;
export const BLOCK = 1 << BLOCK_SHIFT;

/** Index of the first value in sorted[from, to) that is >= x. */
export function lowerBound(sorted: Float64Array, from: number, to: number, x: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first value in sorted[from, to) that is > x. */
export function upperBound(sorted: Float64Array, from: number, to: number, x: number): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Per-block aggregates of the problem table (a zone map): for each block of BLOCK rows, the
 * counts per status, the range of report times, and sorted copies of report times, of the
 * deadlines of unclosed problems and of the report-to-close durations. A summary over whole
 * blocks then needs binary searches instead of a pass over every row. Blocks are recomputed
 * lazily when the table reports a change in them.
 */
export class BlockSummaries {
  private computed = new Int32Array(0);
  statusCounts = new Int32Array(0);
  minReported = new Float64Array(0);
  maxReported = new Float64Array(0);
  /** Within each block's row range: its report times, sorted. */
  sortedReported = new Float64Array(0);
  /** From each block's first row: deadlines of its unclosed problems, sorted (openCount of them). */
  openDeadlines = new Float64Array(0);
  openCount = new Int32Array(0);
  /** From each block's first row: report-to-close durations of its closed problems, sorted. */
  durations = new Float64Array(0);
  /** From each block's first row: closing times of its closed problems, sorted (closedCount of them). */
  closedTimes = new Float64Array(0);
  closedCount = new Int32Array(0);

  constructor(
    private readonly table: ProblemTable,
    private readonly nStatus: number,
    private readonly closedStatus: number,
  ) {}

  get blocks(): number {
    return (this.table.size + BLOCK - 1) >> BLOCK_SHIFT;
  }

  /** Brings every block up to date with the table. */
  refresh(): void {
    const t = this.table;
    const nBlocks = this.blocks;
    if (this.computed.length < nBlocks || this.sortedReported.length < nBlocks * BLOCK) this.grow(nBlocks);
    for (let b = 0; b < nBlocks; b++) {
      if (this.computed[b] !== t.blockVersion[b]) this.compute(b);
    }
  }

  private grow(nBlocks: number): void {
    const cap = Math.max(nBlocks, Math.ceil(this.computed.length * 1.5), 16);
    const computed = new Int32Array(cap).fill(-1);
    computed.set(this.computed);
    this.computed = computed;
    const grow = <T extends Int32Array | Float64Array>(a: T, n: number): T => {
      const g = new (a.constructor as new (n: number) => T)(n);
      g.set(a);
      return g;
    };
    this.statusCounts = grow(this.statusCounts, cap * this.nStatus);
    this.minReported = grow(this.minReported, cap);
    this.maxReported = grow(this.maxReported, cap);
    this.openCount = grow(this.openCount, cap);
    this.closedCount = grow(this.closedCount, cap);
    this.sortedReported = grow(this.sortedReported, cap * BLOCK);
    this.openDeadlines = grow(this.openDeadlines, cap * BLOCK);
    this.durations = grow(this.durations, cap * BLOCK);
    this.closedTimes = grow(this.closedTimes, cap * BLOCK);
  }

  private compute(b: number): void {
    const t = this.table;
    const start = b << BLOCK_SHIFT;
    const end = Math.min(start + BLOCK, t.size);
    this.statusCounts.fill(0, b * this.nStatus, (b + 1) * this.nStatus);
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    let open = 0;
    let closed = 0;
    for (let i = start; i < end; i++) {
      const s = t.status[i];
      this.statusCounts[b * this.nStatus + s]++;
      const r = t.reportedAt[i];
      if (r < min) min = r;
      if (r > max) max = r;
      this.sortedReported[i] = r;
      if (s === this.closedStatus) {
        const d = t.closedAt[i] - r;
        this.closedTimes[start + closed] = t.closedAt[i];
        this.durations[start + closed++] = Math.max(d, 0);
      } else if (!Number.isNaN(t.deadline[i])) {
        this.openDeadlines[start + open++] = t.deadline[i];
      }
    }
    this.sortedReported.subarray(start, end).sort();
    this.openDeadlines.subarray(start, start + open).sort();
    this.durations.subarray(start, start + closed).sort();
    this.closedTimes.subarray(start, start + closed).sort();
    this.minReported[b] = min;
    this.maxReported[b] = max;
    this.openCount[b] = open;
    this.closedCount[b] = closed;
    this.computed[b] = t.blockVersion[b];
  }
}

/** Sorted runs [from, to) of one array plus an extra sorted array: the k-th smallest of them all. */
export function kthOfSortedRuns(values: Float64Array, runs: readonly number[], extra: Float64Array, k: number): number {
  const countAtMost = (x: number) => {
    let n = upperBound(extra, 0, extra.length, x);
    for (let r = 0; r < runs.length; r += 2) n += upperBound(values, runs[r], runs[r + 1], x) - runs[r];
    return n;
  };
  let hi = extra.length > 0 ? extra[extra.length - 1] : 0;
  for (let r = 0; r < runs.length; r += 2) if (runs[r + 1] > runs[r] && values[runs[r + 1] - 1] > hi) hi = values[runs[r + 1] - 1];
  // Bisect over whole numbers for the smallest x with more than k values <= x; the answer lies in (x - 1, x].
  let lo = 0;
  let top = Math.ceil(hi);
  while (lo < top) {
    const mid = Math.floor((lo + top) / 2);
    if (countAtMost(mid) > k) top = mid;
    else lo = mid + 1;
  }
  const x = lo;
  const before = x > 0 ? countAtMost(x - 1) : 0;
  const window: number[] = [];
  const collect = (a: Float64Array, from: number, to: number) => {
    for (let i = upperBound(a, from, to, x - 1); i < to && a[i] <= x; i++) window.push(a[i]);
  };
  collect(extra, 0, extra.length);
  for (let r = 0; r < runs.length; r += 2) collect(values, runs[r], runs[r + 1]);
  window.sort((p, q) => p - q);
  return window[k - before];
}
