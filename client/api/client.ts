import type { FeatureCollection } from 'geojson';
import type { Summary } from '../../server/analytics/stats.ts';
import { decodePoints, type Points } from '../../server/domain/points-codec.ts';

/** The parts of /api/meta the client uses. */
export interface Meta {
  town: { id: string; name: string; code: string };
  bbox: [number, number, number, number];
  center: [number, number];
  demo: boolean;
  counts: { problems: number; grids: number; communities: number };
  categories: { code: string; name: string; color: string }[];
  statuses: { code: string; name: string }[];
  sources: { code: string; name: string }[];
  /** Server time, ISO 8601 +08:00: periods are counted from it. */
  now: string;
}

/** `/api/stats/summary`, as the server's analytics define it. */
export type { Summary } from '../../server/analytics/stats.ts';

/** A row of `/api/stats/grids`. */
export interface GridStats {
  id: string;
  name: string;
  manager: string;
  communityId: string;
  areaKm2: number;
  total: number;
  byStatus: Record<string, number>;
  closed: number;
  overdue: number;
  rectificationRate: number | null;
  perKm2: number;
}

/** A row of `/api/stats/communities`. */
export interface AreaRow {
  rank: number;
  id: string;
  name: string;
  total: number;
  closed: number;
  overdue: number;
  rectificationRate: number | null;
  perKm2: number;
}

/** A row of `/api/stats/categories`. */
export interface CategoryRow {
  code: string;
  name: string;
  color: string;
  total: number;
  closed: number;
  overdue: number;
  rectificationRate: number | null;
}

/** A period of `/api/stats/trend`. */
export interface TrendPoint {
  period: string;
  start: string;
  reported: number;
  closed: number;
}

/** A hotspot of `/api/hotspots`. */
export interface Hotspot {
  rank: number;
  name: string;
  center: [number, number];
  count: number;
  share: number;
  open: number;
  previous: number | null;
  change: number | null;
}

/** The properties of a problem in `/api/problems`. */
export interface ProblemRow {
  id: number;
  category: string;
  source: string;
  status: string;
  overdue: boolean;
  gridId: string;
  communityId: string;
  unitId: string | null;
  description: string;
  address: string;
  measure: string;
  reportedAt: string;
  deadline: string;
  closedAt: string | null;
}

/** `/api/problems/:id`: the row with names and its history. */
export interface ProblemDetail extends ProblemRow {
  categoryName: string;
  gridName: string;
  gridManager: string;
  communityName: string;
  unitName: string | null;
  siteName: string | null;
  history: { id: number; at: string; actor: string; action: string; fromStatus: string | null; toStatus: string; note: string; photos: string[] }[];
}

/** Appends parameters to a filter query ('' or '?…'). */
export function withParams(query: string, params: string): string {
  return query ? `${query}&${params}` : `?${params}`;
}

async function json<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

export const api = {
  meta: () => json<Meta>('/api/meta'),
  communities: () => json<FeatureCollection>('/api/communities'),
  grids: () => json<FeatureCollection>('/api/grids'),
  basemap: () => json<FeatureCollection>('/api/basemap'),
  summary: (query = '') => json<Summary>(`/api/stats/summary${query}`),
  sites: () => json<FeatureCollection>('/api/sites'),
  gridStats: async (query = '') => (await json<{ grids: GridStats[] }>(`/api/stats/grids${withParams(query, 'sort=id')}`)).grids,
  communityStats: async (query = '') => (await json<{ communities: AreaRow[] }>(`/api/stats/communities${withParams(query, 'sort=total')}`)).communities,
  categoryStats: async (query = '') => (await json<{ categories: CategoryRow[] }>(`/api/stats/categories${query}`)).categories,
  trend: async (query = '') => (await json<{ periods: TrendPoint[] }>(`/api/stats/trend${withParams(query, 'interval=month')}`)).periods,
  hotspots: async (query = '') => (await json<{ hotspots: Hotspot[] }>(`/api/hotspots${query}`)).hotspots,
  problem: (id: number) => json<{ properties: ProblemDetail }>(`/api/problems/${id}`).then((f) => f.properties),
  overdueIn: async (grid: string, query = '') =>
    (await json<{ features: { properties: ProblemRow }[] }>(`/api/problems${withParams(query, `grid=${grid}&overdue=true&limit=50`)}`)).features.map(
      (f) => f.properties,
    ),
  /** Problems as typed arrays (see server/domain/points-codec.ts). */
  async points(query = ''): Promise<Points> {
    const start = performance.now();
    const res = await fetch(`/api/problems/points${query}`);
    if (!res.ok) throw new Error(`points: HTTP ${res.status}`);
    const buffer = await res.arrayBuffer();
    const fetched = performance.now();
    const points = decodePoints(buffer);
    // Timings for `npm run bench:client` (and the browser's performance panel).
    performance.measure('points-fetch', { start, end: fetched });
    performance.measure('points-decode', { start: fetched, end: performance.now() });
    return points;
  },
};
