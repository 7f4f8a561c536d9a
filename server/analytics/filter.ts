import type { BBox } from '../domain/geometry.ts';
import type { ProblemTable } from './problem-table.ts';

/** A problem filter in the table's own terms (dictionary indexes, epoch ms). */
export interface ProblemFilter {
  bbox?: BBox;
  /** Allowed category indexes; undefined = all. */
  categories?: ReadonlySet<number>;
  statuses?: ReadonlySet<number>;
  sources?: ReadonlySet<number>;
  /** Allowed grid indexes; undefined = all. */
  grids?: ReadonlySet<number>;
  community?: number;
  unit?: number;
  /** reportedAt >= from */
  from?: number;
  /** reportedAt < to */
  to?: number;
  overdue?: boolean;
}

function mask(set: ReadonlySet<number> | undefined, size = 256): Uint8Array | null {
  if (!set) return null;
  const m = new Uint8Array(size);
  for (const v of set) m[v] = 1;
  return m;
}

/** Whether a filter lets every problem through. */
export function isEmptyFilter(f: ProblemFilter): boolean {
  return Object.values(f).every((v) => v === undefined);
}

/**
 * Compiles a filter into a row predicate over the table, or null when it matches every row (so
 * hot loops can skip the call). Overdue is evaluated against `now`: not closed and past the deadline.
 */
export function compileFilter(table: ProblemTable, f: ProblemFilter, now: number): ((i: number) => boolean) | null {
  if (isEmptyFilter(f)) return null;
  const categories = mask(f.categories);
  const statuses = mask(f.statuses);
  const sources = mask(f.sources);
  const grids = mask(f.grids, 1 << 16);
  const closed = table.statusIndex.get('closed') ?? -1;
  const { lon, lat, category, status, source, grid, community, unit, reportedAt, deadline } = table;
  const hasBox = f.bbox !== undefined;
  const [x0, y0, x1, y1] = f.bbox ?? [0, 0, 0, 0];
  const from = f.from ?? Number.NEGATIVE_INFINITY;
  const to = f.to ?? Number.POSITIVE_INFINITY;
  const c = f.community ?? -1;
  const u = f.unit ?? -1;
  const overdue = f.overdue === undefined ? -1 : f.overdue ? 1 : 0;
  return (i) => {
    const r = reportedAt[i];
    if (r < from || r >= to) return false;
    if (hasBox) {
      const x = lon[i];
      const y = lat[i];
      if (x < x0 || x > x1 || y < y0 || y > y1) return false;
    }
    if (categories !== null && categories[category[i]] === 0) return false;
    if (statuses !== null && statuses[status[i]] === 0) return false;
    if (sources !== null && sources[source[i]] === 0) return false;
    if (grids !== null && grids[grid[i]] === 0) return false;
    if (c >= 0 && community[i] !== c) return false;
    if (u >= 0 && unit[i] !== u) return false;
    if (overdue >= 0 && (status[i] !== closed && now > deadline[i] ? 1 : 0) !== overdue) return false;
    return true;
  };
}

/**
 * One page of matching problem ids in ascending id order after `afterId`. A small bbox is
 * answered from the spatial index's candidates; otherwise the columns are scanned in order (faster
 * here than the index's random access when the box holds many rows), stopping once the page is full.
 */
export function selectPage(
  table: ProblemTable,
  f: ProblemFilter,
  now: number,
  afterId: number,
  limit: number,
): { rows: number[]; ids: number[]; hasMore: boolean } {
  const match = compileFilter(table, f, now);
  const rows: number[] = [];
  const ids: number[] = [];
  // Rows are in id order: start at the first row after the cursor.
  let lo = 0;
  let hi = table.size;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (table.id[mid] <= afterId) lo = mid + 1;
    else hi = mid;
  }
  const start = lo;
  const take = (i: number): boolean => {
    if (match !== null && !match(i)) return true;
    if (ids.length === limit) return false;
    rows.push(i);
    ids.push(table.id[i]);
    return true;
  };
  if (f.bbox) {
    const index = table.spatialIndex();
    if (index.count(f.bbox) < table.size / 8) {
      for (const i of index.candidates(f.bbox)) if (i >= start && !take(i)) return { rows, ids, hasMore: true };
      for (let i = Math.max(start, index.size); i < table.size; i++) if (!take(i)) return { rows, ids, hasMore: true };
      return { rows, ids, hasMore: false };
    }
  }
  for (let i = start; i < table.size; i++) if (!take(i)) return { rows, ids, hasMore: true };
  return { rows, ids, hasMore: false };
}
