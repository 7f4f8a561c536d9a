import type { FeatureCollection } from 'geojson';
import type { Static } from 'typebox';
import { decodePoints, type Points } from '../../server/domain/points-codec.ts';
import type { Answer, ApiRoute } from '../../server/schemas/api.ts';
import type { Me, PublicUser } from '../../server/schemas/auth.ts';
import type { Meta as MetaSchema } from '../../server/schemas/meta.ts';
import type { Created as CreatedSchema, Photo as PhotoSchema, ProblemDetail as ProblemDetailSchema, ProblemFeature } from '../../server/schemas/problems.ts';
import type {
  AREA_SORT_KEYS,
  AreaRow as AreaRowSchema,
  CategoryRow as CategoryRowSchema,
  HotspotRow,
  Summary as SummarySchema,
  TrendPeriod,
  UNIT_SORT_KEYS,
} from '../../server/schemas/stats.ts';

// The answers' types come from the routes' TypeBox schemas (one contract): a route that changes
// its answer changes these types, and the type check finds every page that reads it.

/** `/api/meta`: the town, its catalogues, the server's time (ISO 8601 +08:00; periods are counted from it). */
export type Meta = Static<typeof MetaSchema>;
/** `/api/stats/summary`. */
export type Summary = Static<typeof SummarySchema>;
/** A row of `/api/stats/grids` and `/api/stats/communities`. */
export type AreaRow = Static<typeof AreaRowSchema>;
/** The orders `/api/stats/grids` and `/api/stats/communities` rank by. */
export type AreaSort = (typeof AREA_SORT_KEYS)[number];
/** A row of `/api/stats/grids` (a grid's row carries its community and manager). */
export type GridStats = AreaRow & { communityId: string; manager: string };
/** A row of `/api/stats/categories`. */
export type CategoryRow = Static<typeof CategoryRowSchema>;
/** A period of `/api/stats/trend`. */
export type TrendPoint = Static<typeof TrendPeriod>;
/** A hotspot of `/api/hotspots`. */
export type Hotspot = Static<typeof HotspotRow>;
/** The properties of a problem in `/api/problems`. */
export type ProblemRow = Static<typeof ProblemFeature>['properties'];
/** `/api/problems/:id`: the row with names, photos, the masked reporter and its history. */
export type ProblemDetail = Static<typeof ProblemDetailSchema>['properties'];
/** A photo of a problem. */
export type Photo = Static<typeof PhotoSchema>;
/** The answer to a report, with the problem's properties unwrapped from its Feature. */
export type Created = Omit<Static<typeof CreatedSchema>, 'problem'> & { problem: ProblemDetail };

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

export async function failure(url: string, res: Response): Promise<ApiError> {
  if (res.status === 401) window.dispatchEvent(new Event(SIGNED_OUT_EVENT));
  const body = (await res.json().catch(() => null)) as { code?: string; field?: string | null; message?: string } | null;
  return new ApiError(res.status, body?.code ?? 'http_error', body?.field ?? null, body?.message ?? `${url}: HTTP ${res.status}`);
}

/** Where a call goes besides its route: the route's `:params`, a query ('' or '?…'), a JSON body, headers. */
export interface CallOptions {
  params?: Record<string, string | number>;
  query?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * Calls a route by its key in the API contract (`'GET /api/meta'`, `'POST /api/problems/:id/merge'`)
 * and answers what that route's schema says it answers. A JSON body goes with its content type; the
 * browser adds the Origin header the server checks on writes.
 */
export async function call<R extends ApiRoute>(route: R, options: CallOptions = {}): Promise<Answer<R>> {
  const space = route.indexOf(' ');
  const method = route.slice(0, space);
  const path = route.slice(space + 1).replace(/:(\w+)/g, (_, name: string) => {
    const value = options.params?.[name];
    if (value === undefined) throw new Error(`${route}: no value for :${name}`);
    return encodeURIComponent(String(value));
  });
  const url = `${path}${options.query ?? ''}`;
  const { body, headers = {} } = options;
  const res = await fetch(url, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw await failure(url, res);
  return (res.status === 204 ? null : await res.json()) as Answer<R>;
}

/** The If-Match header for a problem's version (its ETag). */
const ifMatch = (version: number) => ({ 'if-match': `"${version}"` });

/** A month's assessment (考核) as `/api/scores` gives it. */
export type Scores = Answer<'GET /api/scores'>;
/** 环比 as `/api/stats/compare` gives it. */
export type Comparison = Answer<'GET /api/stats/compare'>;
/** A row of `/api/stats/units`. */
export type UnitRow = Answer<'GET /api/stats/units'>['units'][number];
/** 我的待办 as `/api/tasks` gives it: the counts and the rows, most urgent first. */
export type Tasks = Answer<'GET /api/tasks'>;
/** A row of 我的待办. */
export type Task = Tasks['tasks'][number];
/** 巡查覆盖 as `/api/stats/coverage` gives it. */
export type Coverage = Answer<'GET /api/stats/coverage'>;
/** The days since each grid was last patrolled (null: not within the lookback). */
export const patrolDaysOf = (c: Coverage) => new Map(c.grids.map((g) => [g.gridId, g.daysSince]));
/** The wall's settings as `/api/wall/config` gives them, with what is wrong with wall.json. */
export type WallConfig = Answer<'GET /api/wall/config'>;
/** A line of the wall's feed: a report, a closure or a merge, without personal information. */
export type FeedItem = Answer<'GET /api/feed'>['items'][number];

/** The signed-in user as the server describes it. */
export type User = Static<typeof PublicUser>;

/** `/api/auth/session`: a user, or a display device (a wall screen reads aggregated data only). */
export type Session = Static<typeof Me>;

export const ROLE_NAMES: Record<User['role'], string> = {
  admin: '创文办管理员',
  leader: '领导',
  grid_manager: '网格员',
  unit: '责任单位',
  display: '大屏',
};

export const api = {
  meta: () => call('GET /api/meta'),
  communities: () => call('GET /api/communities') as Promise<FeatureCollection>,
  grids: () => call('GET /api/grids') as Promise<FeatureCollection>,
  basemap: () => call('GET /api/basemap') as Promise<FeatureCollection>,
  sites: () => call('GET /api/sites') as Promise<FeatureCollection>,
  summary: (query = '') => call('GET /api/stats/summary', { query }),
  gridStats: async (query = '', sort: AreaSort = 'id') =>
    (await call('GET /api/stats/grids', { query: withParams(query, `sort=${sort}`) })).grids as GridStats[],
  communityStats: async (query = '', sort: AreaSort = 'total') =>
    (await call('GET /api/stats/communities', { query: withParams(query, `sort=${sort}`) })).communities,
  categoryStats: async (query = '') => (await call('GET /api/stats/categories', { query })).categories,
  trend: async (query = '', interval: 'day' | 'week' | 'month' = 'month') =>
    (await call('GET /api/stats/trend', { query: withParams(query, `interval=${interval}`) })).periods,
  hotspots: async (query = '') => (await call('GET /api/hotspots', { query })).hotspots,
  /** Each key site's latest check (the map colours sites by it). */
  siteResults: async () => (await call('GET /api/sites/results')).sites,
  /** The month's assessment (考核) of the villages or units, best first, with its 红黑榜. */
  scores: (month: string, by: 'community' | 'unit' = 'community') => call('GET /api/scores', { query: `?month=${month}&by=${by}` }),
  /** 环比 for the filters but their dates (pass the timeless query). */
  compare: (query = '') => call('GET /api/stats/compare', { query }),
  unitStats: async (query = '', sort: (typeof UNIT_SORT_KEYS)[number] = 'overdue') =>
    (await call('GET /api/stats/units', { query: withParams(query, `sort=${sort}`) })).units,
  problem: async (id: number) => (await call('GET /api/problems/:id', { params: { id } })).properties,
  revealReporter: (id: number) => call('GET /api/problems/:id/reporter', { params: { id } }),
  setMeasure: async (id: number, version: number, measure: string) =>
    (await call('PUT /api/problems/:id/measure', { params: { id }, body: { measure }, headers: ifMatch(version) })).properties,
  transition: async (id: number, version: number, body: { action: string; note?: string; photos?: string[]; unitId?: string }) =>
    (await call('POST /api/problems/:id/transitions', { params: { id }, body, headers: ifMatch(version) })).properties,
  async uploadPhoto(problemId: number, kind: 'before' | 'after', file: Blob): Promise<Photo> {
    const form = new FormData();
    form.append('kind', kind);
    form.append('file', file, file instanceof File ? file.name : 'photo.jpg');
    const res = await fetch(`/api/problems/${problemId}/photos`, { method: 'POST', body: form });
    if (!res.ok) throw await failure('photos', res);
    return ((await res.json()) as Answer<'POST /api/problems/:id/photos'>).photo;
  },
  /** Reports a problem; `key` (Idempotency-Key) makes a retry after a lost answer safe. */
  report: async (
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
  ): Promise<Created> => {
    const answer = await call('POST /api/problems', { body, headers: { 'idempotency-key': key } });
    return { ...answer, problem: answer.problem.properties };
  },
  /** Merges a duplicate report into the problem it repeats (admin): the duplicate is closed. */
  merge: async (id: number, version: number, into: number, note?: string) =>
    (await call('POST /api/problems/:id/merge', { params: { id }, body: { into, ...(note ? { note } : {}) }, headers: ifMatch(version) })).properties,
  units: async () => (await call('GET /api/units')).units,
  /** Who is signed in, if anyone (no 401: the page decides between sign-in and the app). */
  session: () => call('GET /api/auth/session'),
  login: (username: string, password: string) => call('POST /api/auth/login', { body: { username, password } }),
  logout: () => call('POST /api/auth/logout'),
  connectDisplay: (token: string) => call('POST /api/auth/display', { body: { token } }),
  changePassword: (current: string, next: string) => call('POST /api/auth/password', { body: { current, next } }),
  overdueIn: async (grid: string, query = '') =>
    (await call('GET /api/problems', { query: withParams(query, `grid=${grid}&overdue=true&limit=50`) })).features.map((f) => f.properties),
  wallConfig: () => call('GET /api/wall/config'),
  /** 巡查覆盖 of the last `days` days. */
  coverage: (days = 7) => call('GET /api/stats/coverage', { query: `?days=${days}` }),
  tasks: (limit = 300) => call('GET /api/tasks', { query: `?limit=${limit}` }),
  feed: async (limit: number) => (await call('GET /api/feed', { query: `?limit=${limit}` })).items,
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
