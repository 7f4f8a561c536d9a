import type { BBox } from '../domain/geometry.ts';
import type { ProblemTable } from './problem-table.ts';

/** A problem filter in the table's own terms (dictionary indexes, epoch ms). */
export interface ProblemFilter {
  bbox?: BBox;
  /** Allowed category indexes; undefined = all. */
  categories?: ReadonlySet<number>;
  statuses?: ReadonlySet<number>;
  sources?: ReadonlySet<number>;
  grid?: number;
  community?: number;
  unit?: number;
  /** reportedAt >= from */
  from?: number;
  /** reportedAt < to */
  to?: number;
  overdue?: boolean;
}

function mask(set: ReadonlySet<number> | undefined): Uint8Array | null {
  if (!set) return null;
  const m = new Uint8Array(256);
  for (const v of set) m[v] = 1;
  return m;
}

/**
 * Compiles a filter into a row predicate over the table. Overdue is evaluated against `now`:
 * not closed and past the deadline.
 */
export function compileFilter(table: ProblemTable, f: ProblemFilter, now: number): (i: number) => boolean {
  const categories = mask(f.categories);
  const statuses = mask(f.statuses);
  const sources = mask(f.sources);
  const closed = table.statusIndex.get('closed') ?? -1;
  const { lon, lat, category, status, source, grid, community, unit, reportedAt, deadline } = table;
  const b = f.bbox;
  const from = f.from ?? Number.NEGATIVE_INFINITY;
  const to = f.to ?? Number.POSITIVE_INFINITY;
  return (i) => {
    if (reportedAt[i] < from || reportedAt[i] >= to) return false;
    if (b && (lon[i] < b[0] || lon[i] > b[2] || lat[i] < b[1] || lat[i] > b[3])) return false;
    if (categories && categories[category[i]] === 0) return false;
    if (statuses && statuses[status[i]] === 0) return false;
    if (sources && sources[source[i]] === 0) return false;
    if (f.grid !== undefined && grid[i] !== f.grid) return false;
    if (f.community !== undefined && community[i] !== f.community) return false;
    if (f.unit !== undefined && unit[i] !== f.unit) return false;
    if (f.overdue !== undefined) {
      const overdue = status[i] !== closed && now > deadline[i];
      if (overdue !== f.overdue) return false;
    }
    return true;
  };
}

/** One page of matching problem ids, in ascending id order, after the id `afterId`. */
export function selectPage(
  table: ProblemTable,
  f: ProblemFilter,
  now: number,
  afterId: number,
  limit: number,
): { ids: number[]; matched: number; hasMore: boolean } {
  const match = compileFilter(table, f, now);
  const ids: number[] = [];
  let matched = 0;
  let hasMore = false;
  for (let i = 0; i < table.size; i++) {
    if (!match(i)) continue;
    matched++;
    if (table.id[i] <= afterId) continue;
    if (ids.length < limit) ids.push(table.id[i]);
    else hasMore = true;
  }
  return { ids, matched, hasMore };
}
