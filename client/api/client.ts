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
  /** 反弹: reported near one of the same category closed in the 90 days before. */
  recurrences: number;
  recurrenceRate: number | null;
}

/** The answer to a report: the new problem, open problems of its category nearby, and the closed one it repeats (反弹). */
export interface Created {
  problem: ProblemDetail;
  possibleDuplicates: { id: number; distanceM: number; status: string; reportedAt: string }[];
  recurrenceOf: { id: number; distanceM: number } | null;
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
  recurrences: number;
  recurrenceRate: number | null;
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
  /** Bumped by every change; sent back in If-Match. */
  version: number;
}

/** `/api/problems/:id`: the row with names and its history. */
export interface ProblemDetail extends ProblemRow {
  categoryName: string;
  gridName: string;
  gridManager: string;
  communityName: string;
  unitName: string | null;
  siteName: string | null;
  /** Photos before and after rectification, oldest first. */
  photos: Photo[];
  /** Masked (张** / 138****5678); admins reveal it with api.revealReporter (audited). */
  reporter: { name: string; phone: string } | null;
  /** A duplicate: the problem it was merged into. */
  mergedInto: number | null;
  /** The duplicates merged into this problem. */
  duplicates: number[];
  history: { id: number; at: string; actor: string; action: string; fromStatus: string | null; toStatus: string; note: string; photos: string[] }[];
}

/** A photo of a problem (EXIF removed; `lon`/`lat` were read from it before). */
export interface Photo {
  id: string;
  kind: 'before' | 'after';
  width: number;
  height: number;
  url: string;
  thumbUrl: string;
  lon: number | null;
  lat: number | null;
  createdAt: string;
  createdBy: string;
}

/** Appends parameters to a filter query ('' or '?…'). */
export function withParams(query: string, params: string): string {
  return query ? `${query}&${params}` : `?${params}`;
}

/** A refused or failed call: the server's field and reason (errors name both, in Chinese). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly field: string | null,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Fired on window when the server says the session has ended (idle timeout, sign-out elsewhere). */
export const SIGNED_OUT_EVENT = 'cw-signed-out';

async function failure(url: string, res: Response): Promise<ApiError> {
  if (res.status === 401) window.dispatchEvent(new Event(SIGNED_OUT_EVENT));
  const body = (await res.json().catch(() => null)) as { code?: string; field?: string | null; message?: string } | null;
  return new ApiError(res.status, body?.code ?? 'http_error', body?.field ?? null, body?.message ?? `${url}: HTTP ${res.status}`);
}

export async function json<T>(url: string): Promise<T> {
  const res = await fetch(url);
  if (!res.ok) throw await failure(url, res);
  return (await res.json()) as T;
}

/** A JSON request with a body; the browser adds the Origin header the server checks. */
export async function send<T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw await failure(url, res);
  return (res.status === 204 ? null : await res.json()) as T;
}

/** The signed-in user as the server describes it. */
export interface User {
  id: number;
  username: string;
  displayName: string;
  role: 'admin' | 'leader' | 'grid_manager' | 'unit' | 'display';
  unitId: string | null;
  gridIds: string[];
}

/** `/api/auth/me`: a user, or a display device (a wall screen reads aggregated data only). */
export interface Session {
  user: User | null;
  display: { name: string } | null;
}

export const ROLE_NAMES: Record<User['role'], string> = {
  admin: '创文办管理员',
  leader: '领导',
  grid_manager: '网格员',
  unit: '责任单位',
  display: '大屏',
};

export const api = {
  /** Any JSON route (admin pages). */
  get: <T>(url: string) => json<T>(url),
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
  revealReporter: (id: number) => json<{ name: string; phone: string }>(`/api/problems/${id}/reporter`),
  setMeasure: (id: number, version: number, measure: string) =>
    send<{ properties: ProblemDetail }>('PUT', `/api/problems/${id}/measure`, { measure }, { 'if-match': `"${version}"` }).then((f) => f.properties),
  transition: (id: number, version: number, body: { action: string; note?: string; photos?: string[]; unitId?: string }) =>
    send<{ properties: ProblemDetail }>('POST', `/api/problems/${id}/transitions`, body, { 'if-match': `"${version}"` }).then((f) => f.properties),
  async uploadPhoto(problemId: number, kind: 'before' | 'after', file: File): Promise<Photo> {
    const form = new FormData();
    form.append('kind', kind);
    form.append('file', file);
    const res = await fetch(`/api/problems/${problemId}/photos`, { method: 'POST', body: form });
    if (!res.ok) throw await failure('photos', res);
    return ((await res.json()) as { photo: Photo }).photo;
  },
  /** Reports a problem; `key` (Idempotency-Key) makes a retry after a lost answer safe. */
  report: (
    body: {
      lon: number;
      lat: number;
      category: string;
      source: string;
      description: string;
      address?: string;
      reporter?: { name: string; phone: string };
    },
    key: string,
  ): Promise<Created> =>
    send<Omit<Created, 'problem'> & { problem: { properties: ProblemDetail } }>('POST', '/api/problems', body, { 'idempotency-key': key }).then((a) => ({
      ...a,
      problem: a.problem.properties,
    })),
  /** Merges a duplicate report into the problem it repeats (admin): the duplicate is closed. */
  merge: (id: number, version: number, into: number, note?: string) =>
    send<ProblemDetail>('POST', `/api/problems/${id}/merge`, { into, ...(note ? { note } : {}) }, { 'if-match': `"${version}"` }),
  units: async () => (await json<{ units: { id: string; name: string }[] }>('/api/units')).units,
  /** Who is signed in, if anyone (no 401: the page decides between sign-in and the app). */
  session: () => json<Session>('/api/auth/session'),
  login: (username: string, password: string) => send<Session>('POST', '/api/auth/login', { username, password }),
  logout: () => send<null>('POST', '/api/auth/logout'),
  connectDisplay: (token: string) => send<Session>('POST', '/api/auth/display', { token }),
  changePassword: (current: string, next: string) => send<null>('POST', '/api/auth/password', { current, next }),
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
