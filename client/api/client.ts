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
  gridStats: async (query = '') => (await json<{ grids: GridStats[] }>(`/api/stats/grids?sort=id${query ? `&${query.slice(1)}` : ''}`)).grids,
  /** Problems as typed arrays (see server/domain/points-codec.ts). */
  async points(query = ''): Promise<Points> {
    const res = await fetch(`/api/problems/points${query}`);
    if (!res.ok) throw new Error(`points: HTTP ${res.status}`);
    return decodePoints(await res.arrayBuffer());
  },
};
