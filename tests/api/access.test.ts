import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DISPLAY_COOKIE } from '../../server/auth/access.ts';
import type { Role } from '../../server/store/account-store.ts';
import { DEMO_NOW, demoApp, ORIGIN, TEST_PASSWORD } from '../helpers/demo.ts';

/** Who calls: nobody, one account per role, and a wall screen with a display token. */
const CALLERS = ['anonymous', 'admin', 'leader', 'grid_manager', 'unit', 'display', 'display_token'] as const;
type Caller = (typeof CALLERS)[number];

let ctx: Awaited<ReturnType<typeof demoApp>>;
let displayToken: string;
/** A problem in the grid manager's grids and of the demo unit; one in neither; one with a reporter. */
let own: number;
let other: number;
let reported: number;
let spareUser: number;
/** Made-up sign-in names, one per attempt. */
let madeUpNames = 0;
/** A photo of the `own` problem, and a small PNG to upload. */
let photoUrl: string;
let png: Buffer;
const BOUNDARY = 'access-test-boundary';
const photoBody = () =>
  Buffer.concat([
    Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nbefore\r\n`),
    Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`),
    png,
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  ]);
/** A one-row 台账 as CSV, to upload to the import (in the town, or outside it: nothing to import). */
const ledgerBody = (where = '120.36,33.35') =>
  Buffer.concat([
    Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\nContent-Type: text/csv\r\n\r\n`),
    Buffer.from(`问题类型,问题描述,经度,纬度,发现时间\r\n小广告,电线杆,${where},2026-10-01\r\n`),
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  ]);
/** More problems in the grid manager's grids and of the demo unit, one per transition call. */
let spareOwn: number[] = [];
/** A deck to read and save, and a valid deck body. */
let deckId: number;
const deckBody = () => ({
  title: '访问测试',
  scenes: [
    {
      id: 'a',
      title: '封面',
      caption: '',
      camera: null,
      map: { mode: 'none', metric: 'rate' },
      filters: { period: null, categories: [], community: null, grid: null },
      compareWith: null,
      outline: [],
      side: { kind: 'text', body: '访问测试' },
      notes: '',
    },
  ],
});
/** The grid manager's patrol, and a key site in their grids. */
let patrolId: string;
let ownSiteId: string;

beforeAll(async () => {
  ctx = await demoApp(2000);
  const issued = await ctx.app.inject({
    method: 'POST',
    url: '/api/display-tokens',
    headers: { ...ctx.as.admin, origin: ORIGIN },
    payload: { name: '测试大屏' },
  });
  displayToken = issued.json().secret;
  const { gridIds } = ctx.users.grid_manager;
  const unitId = ctx.users.unit.unitId;
  const table = ctx.app.problemTable;
  const rows = Array.from({ length: table.size }, (_, i) => table.record(i));
  const owned = rows.filter((p) => gridIds.includes(p.gridId) && p.unitId === unitId);
  own = owned[0]?.id ?? 0;
  spareOwn = owned.slice(1).map((p) => p.id);
  other = rows.find((p) => !gridIds.includes(p.gridId) && p.unitId !== null && p.unitId !== unitId)?.id ?? 0;
  for (const p of rows) if (!reported && (await ctx.app.store.reporter(p.id))) reported = p.id;
  expect([own, other, reported].every((id) => id > 0)).toBe(true);
  png = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#08f' } })
    .png()
    .toBuffer();
  const uploaded = await ctx.app.inject({
    method: 'POST',
    url: `/api/problems/${own}/photos`,
    headers: { ...ctx.as.admin, origin: ORIGIN, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
    payload: photoBody(),
  });
  photoUrl = uploaded.json().photo.url;
  deckId = (await ctx.app.store.decks.create({ title: '访问测试', theme: 'light', scenes: [] }, 't', DEMO_NOW)).id;
  patrolId = randomUUID();
  const started = await ctx.app.inject({ method: 'POST', url: '/api/patrols', headers: { ...ctx.as.grid_manager, origin: ORIGIN }, payload: { id: patrolId } });
  expect(started.statusCode).toBe(201);
  ownSiteId = ctx.app.townData.sites.find((s) => gridIds.includes(s.gridId))?.id ?? '';
  spareUser = (await ctx.accounts.createUser({ username: 'spare', displayName: '备用', role: 'leader', passwordHash: ctx.users.leader.passwordHash }, DEMO_NOW))
    .id;
});
afterAll(async () => ctx.close());

function cookieOf(caller: Caller): Record<string, string> {
  if (caller === 'anonymous') return {};
  if (caller === 'display_token') return { cookie: `${DISPLAY_COOKIE}=${displayToken}` };
  return ctx.as[caller as Role];
}

interface Call {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  payload?: object | Buffer;
  headers?: Record<string, string>;
}

/** A route, how to call it (some calls need fresh state per caller), and the status each caller gets. */
interface Row {
  route: string;
  call: (caller: Caller) => Call | Promise<Call>;
  expect: Record<Caller, number>;
}

const all = (status: number) => Object.fromEntries(CALLERS.map((c) => [c, status])) as Record<Caller, number>;
/** Signed-in callers and display devices read; nobody else. */
const aggregate = { ...all(200), anonymous: 401 };
/** Users read; display devices are refused. */
const users = { ...aggregate, display: 403, display_token: 403 };
/** Admins only, with the admin's status. */
const adminOnly = (status: number) => ({ ...all(403), anonymous: 401, admin: status });
const get = (url: string) => () => ({ method: 'GET' as const, url });

/** Puts a problem in `open` (as if just assigned) and returns it, for a transition from there. */
async function openProblem(): Promise<number> {
  const id = spareOwn.shift() as number;
  const p = await ctx.app.store.problem(id);
  if (!p) throw new Error(`no problem ${id}`);
  const next = { ...p, status: 'open' as const, closedAt: null, updatedAt: DEMO_NOW, version: p.version + 1 };
  await ctx.app.store.updateProblem(next, p.version, {
    at: DEMO_NOW,
    actor: 'test',
    action: 'reopen',
    fromStatus: p.status,
    toStatus: 'open',
    note: '',
    photos: [],
    changes: { closedAt: null },
  });
  ctx.app.problemTable.upsert(next);
  return id;
}

/** Two open problems of one category (a duplicate and what it repeats), not used by other rows. */
function mergePair(): [number, number] {
  const t = ctx.app.problemTable;
  const firstOf = new Map<string, number>();
  for (let i = t.size - 1; i >= 0; i--) {
    const p = t.record(i);
    if (p.status === 'closed' || p.id === own || p.id === other || spareOwn.includes(p.id)) continue;
    const seen = firstOf.get(p.category);
    if (seen !== undefined) return [p.id, seen];
    firstOf.set(p.category, p.id);
  }
  throw new Error('no two open problems of one category');
}

async function version(id: number): Promise<string> {
  return `"${(await ctx.app.store.problem(id))?.version}"`;
}

let tokenCounter = 0;
let userCounter = 0;
const ROWS: Row[] = [
  { route: 'GET /api/health', call: get('/api/health'), expect: all(200) },
  { route: 'GET /api/meta', call: get('/api/meta'), expect: aggregate },
  { route: 'GET /api/communities', call: get('/api/communities'), expect: aggregate },
  { route: 'GET /api/grids', call: get('/api/grids'), expect: aggregate },
  { route: 'GET /api/sites', call: get('/api/sites'), expect: aggregate },
  { route: 'GET /api/basemap', call: get('/api/basemap'), expect: aggregate },
  { route: 'GET /api/units', call: get('/api/units'), expect: aggregate },
  { route: 'GET /api/problems', call: get('/api/problems?limit=5'), expect: users },
  { route: 'GET /api/problems/points', call: get('/api/problems/points'), expect: aggregate },
  { route: 'GET /api/problems/:id', call: () => get(`/api/problems/${own}`)(), expect: users },
  { route: 'GET /api/problems/:id', call: () => get(`/api/problems/${other}`)(), expect: { ...users, unit: 403 } },
  { route: 'GET /api/problems/:id/reporter', call: () => get(`/api/problems/${reported}/reporter`)(), expect: adminOnly(200) },
  {
    route: 'PUT /api/problems/:id/measure',
    call: async () => ({ method: 'PUT', url: `/api/problems/${own}/measure`, payload: { measure: '限期清理' }, headers: { 'if-match': await version(own) } }),
    expect: { ...all(403), anonymous: 401, admin: 200, grid_manager: 200, unit: 200 },
  },
  {
    route: 'PUT /api/problems/:id/measure',
    call: async () => ({
      method: 'PUT',
      url: `/api/problems/${other}/measure`,
      payload: { measure: '限期清理' },
      headers: { 'if-match': await version(other) },
    }),
    expect: adminOnly(200),
  },
  {
    // 开始整改 on an open problem of the unit in the grid manager's grids: the unit and the 创文办 may; a grid manager may not.
    route: 'POST /api/problems/:id/transitions',
    call: async () => {
      const id = await openProblem();
      return { method: 'POST', url: `/api/problems/${id}/transitions`, payload: { action: 'start' }, headers: { 'if-match': await version(id) } };
    },
    expect: { ...all(403), anonymous: 401, admin: 200, unit: 200 },
  },
  {
    // Reporting in a grid of the grid manager.
    route: 'POST /api/problems',
    call: async () => {
      const p = await ctx.app.store.problem(own);
      return {
        method: 'POST',
        url: '/api/problems',
        payload: { lon: p?.lon, lat: p?.lat, category: 'flyers', description: '新发现小广告', source: 'grid_patrol' },
      };
    },
    expect: { ...all(403), anonymous: 401, admin: 201, grid_manager: 201 },
  },
  {
    route: 'POST /api/problems/:id/photos',
    call: () => ({
      method: 'POST',
      url: `/api/problems/${own}/photos`,
      payload: photoBody(),
      headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
    }),
    expect: { ...all(403), anonymous: 401, admin: 201, grid_manager: 201, unit: 201 },
  },
  {
    route: 'POST /api/problems/:id/photos',
    call: () => ({
      method: 'POST',
      url: `/api/problems/${other}/photos`,
      payload: photoBody(),
      headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
    }),
    expect: adminOnly(201),
  },
  {
    route: 'POST /api/problems/:id/merge',
    call: async () => {
      const [dup, into] = mergePair();
      return { method: 'POST', url: `/api/problems/${dup}/merge`, payload: { into }, headers: { 'if-match': await version(dup) } };
    },
    expect: adminOnly(200),
  },
  { route: 'GET /api/problems/:id/photos', call: () => get(`/api/problems/${own}/photos`)(), expect: users },
  { route: 'GET /api/photos/:photo', call: () => get(photoUrl)(), expect: users },
  { route: 'GET /api/stats/summary', call: get('/api/stats/summary'), expect: aggregate },
  { route: 'GET /api/stats/grids', call: get('/api/stats/grids'), expect: aggregate },
  { route: 'GET /api/stats/communities', call: get('/api/stats/communities'), expect: aggregate },
  { route: 'GET /api/stats/categories', call: get('/api/stats/categories'), expect: aggregate },
  { route: 'GET /api/stats/trend', call: get('/api/stats/trend'), expect: aggregate },
  { route: 'GET /api/stats/units', call: get('/api/stats/units'), expect: aggregate },
  { route: 'GET /api/stats/compare', call: get('/api/stats/compare'), expect: aggregate },
  { route: 'GET /api/hotspots', call: get('/api/hotspots'), expect: aggregate },
  // Coverage is aggregated (no people's names): the wall shows it; a unit sees nothing of patrols.
  { route: 'GET /api/stats/coverage', call: get('/api/stats/coverage'), expect: { ...aggregate, unit: 403 } },
  { route: 'GET /api/wall/config', call: get('/api/wall/config'), expect: aggregate },
  { route: 'PUT /api/wall/config', call: () => ({ method: 'PUT', url: '/api/wall/config', payload: { intervalSeconds: 20 } }), expect: adminOnly(200) },
  { route: 'GET /api/feed', call: get('/api/feed?limit=5'), expect: aggregate },
  { route: 'GET /api/dispatch-rules', call: get('/api/dispatch-rules'), expect: users },
  { route: 'GET /api/tasks', call: get('/api/tasks'), expect: users },
  {
    route: 'POST /api/patrols/plan',
    call: () => ({ method: 'POST', url: '/api/patrols/plan', payload: { gridIds: [ctx.users.grid_manager.gridIds[0]], budgetMinutes: 30 } }),
    expect: { ...all(403), anonymous: 401, admin: 200, grid_manager: 200 },
  },
  {
    route: 'POST /api/patrols',
    call: () => ({ method: 'POST', url: '/api/patrols', payload: { id: randomUUID(), gridIds: [ctx.users.grid_manager.gridIds[0]] } }),
    expect: { ...all(403), anonymous: 401, admin: 201, grid_manager: 201 },
  },
  // Writing to a patrol is for the one who walks it: the admin may patrol, but not write to the grid manager's patrol.
  {
    route: 'POST /api/patrols/:id/track',
    call: () => ({
      method: 'POST',
      url: `/api/patrols/${patrolId}/track`,
      payload: { points: [{ lon: 120.3, lat: 33.3, at: new Date(DEMO_NOW).toISOString() }] },
    }),
    expect: { ...all(403), anonymous: 401, grid_manager: 200 },
  },
  {
    route: 'POST /api/patrols/:id/checkins',
    call: () => ({
      method: 'POST',
      url: `/api/patrols/${patrolId}/checkins`,
      payload: { siteId: ownSiteId, result: 'ok' },
      headers: { 'idempotency-key': `access-${++tokenCounter}` },
    }),
    expect: { ...all(403), anonymous: 401, grid_manager: 201 },
  },
  {
    // Runs after the track and check-in rows: the patrol is ended by the grid manager's call.
    route: 'POST /api/patrols/:id/end',
    call: () => ({ method: 'POST', url: `/api/patrols/${patrolId}/end`, payload: {} }),
    expect: { ...all(403), anonymous: 401, grid_manager: 200 },
  },
  { route: 'GET /api/patrols', call: get('/api/patrols'), expect: { ...all(403), anonymous: 401, admin: 200, leader: 200, grid_manager: 200 } },
  {
    route: 'GET /api/patrols/:id',
    call: () => get(`/api/patrols/${patrolId}`)(),
    expect: { ...all(403), anonymous: 401, admin: 200, leader: 200, grid_manager: 200 },
  },
  // The track is personal information: admins and leaders only, not even the grid manager who walked it.
  {
    route: 'GET /api/patrols/:id/track',
    call: () => get(`/api/patrols/${patrolId}/track`)(),
    expect: { ...all(403), anonymous: 401, admin: 200, leader: 200 },
  },
  // The 台账 leaves the system: the people who work the problems, not the walls; a unit gets its own (tests/api/export.test.ts)
  {
    route: 'GET /api/export/problems',
    call: get('/api/export/problems?format=geojson'),
    expect: { ...all(403), anonymous: 401, admin: 200, leader: 200, grid_manager: 200, unit: 200 },
  },
  // Imports change the whole town: admins alone (tests/api/imports.test.ts)
  ...['/api/imports/dry-run', '/api/imports/report'].map((url) => ({
    route: `POST ${url}`,
    call: () => ({ method: 'POST' as const, url, payload: ledgerBody(), headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` } }),
    expect: adminOnly(200),
  })),
  { route: 'GET /api/imports', call: get('/api/imports'), expect: adminOnly(200) },
  // (a sheet is no boundary file: only an admin is told so, and nothing is written)
  ...['/api/boundaries/dry-run', '/api/boundaries'].map((url) => ({
    route: `POST ${url}`,
    call: () => ({ method: 'POST' as const, url, payload: ledgerBody(), headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` } }),
    expect: adminOnly(422),
  })),
  // Basemaps are for every screen, walls included; without a key the 天地图 tiles are not offered (tests/api/tianditu.test.ts)
  { route: 'GET /api/basemaps', call: get('/api/basemaps'), expect: { ...all(200), anonymous: 401 } },
  { route: 'GET /api/tiles/tianditu/:layer/:z/:x/:y', call: get('/api/tiles/tianditu/vec/14/1/1'), expect: { ...all(404), anonymous: 401 } },
  // local .pmtiles archives: every screen may read them (none in this town's folder)
  { route: 'GET /api/basemaps/files/:file', call: get('/api/basemaps/files/a.pmtiles'), expect: { ...all(404), anonymous: 401 } },
  // Inspections (测评): the campaign office sets rounds up; leaders read them; grid managers check the sites in their grids (tests/api/inspections.test.ts)
  ...['/api/checklists', '/api/inspections/rounds'].map((url) => ({
    route: `GET ${url}`,
    call: get(url),
    expect: { ...all(403), anonymous: 401, admin: 200, leader: 200, grid_manager: 200 },
  })),
  {
    route: 'POST /api/inspections/rounds',
    call: () => ({
      method: 'POST' as const,
      url: '/api/inspections/rounds',
      payload: { kind: 'supervision', name: '访问测试', startsOn: '2026-11-01', endsOn: '2026-11-30', team: [], deadline: 'category', sample: { mode: 'all' } },
    }),
    expect: adminOnly(201),
  },
  // (no round 999: those who may read or check it are told so)
  {
    route: 'GET /api/inspections/rounds/:id',
    call: get('/api/inspections/rounds/999'),
    expect: { ...all(403), anonymous: 401, admin: 404, leader: 404, grid_manager: 404 },
  },
  {
    route: 'POST /api/inspections/rounds/:id/checks',
    call: () => ({ method: 'POST' as const, url: '/api/inspections/rounds/999/checks', payload: { siteId: 'x', items: [{ item: 'x', result: 'pass' }] } }),
    expect: { ...all(403), anonymous: 401, admin: 404, grid_manager: 404 },
  },
  // the sites' latest results colour the map: every screen
  { route: 'GET /api/sites/results', call: get('/api/sites/results'), expect: aggregate },
  // the monthly assessment and its 红黑榜: every screen, the wall included
  { route: 'GET /api/scores', call: get('/api/scores?month=2026-10'), expect: aggregate },
  {
    route: 'GET /api/sites/:id/checks',
    call: get('/api/sites/nope/checks'),
    expect: { ...all(403), anonymous: 401, admin: 404, leader: 404, grid_manager: 404 },
  },
  // The key-site register: admins keep it, leaders read it (tests/api/sites.test.ts)
  { route: 'GET /api/sites/register', call: get('/api/sites/register'), expect: { ...all(403), anonymous: 401, admin: 200, leader: 200 } },
  // (a place outside the town: only an admin is told so)
  {
    route: 'POST /api/sites',
    call: () => ({ method: 'POST' as const, url: '/api/sites', payload: { name: '访问测试', kind: '农贸市场', lon: 116.4, lat: 39.9 } }),
    expect: adminOnly(422),
  },
  { route: 'PATCH /api/sites/:id', call: () => ({ method: 'PATCH' as const, url: '/api/sites/nope', payload: { name: '访问测试' } }), expect: adminOnly(404) },
  { route: 'DELETE /api/sites/:id', call: () => ({ method: 'DELETE' as const, url: '/api/sites/nope' }), expect: adminOnly(404) },
  // Key projects (重点项目): every screen reads the table; admins set them up; admins and the owner unit update them (tests/api/projects.test.ts)
  { route: 'GET /api/projects', call: get('/api/projects'), expect: aggregate },
  {
    route: 'GET /api/projects/:id',
    call: get('/api/projects/999'),
    expect: { ...all(403), anonymous: 401, admin: 404, leader: 404, grid_manager: 404, unit: 404 },
  },
  {
    route: 'POST /api/projects',
    call: () => ({
      method: 'POST' as const,
      url: '/api/projects',
      payload: {
        name: '访问测试项目',
        unitId: ctx.app.townData.units[0].id,
        geometry: { type: 'Point', coordinates: ctx.app.townData.communities[0].center },
        startsOn: '2026-11-01',
        dueOn: '2026-12-31',
        milestones: [{ name: '完工', plannedOn: '2026-12-31' }],
      },
    }),
    expect: adminOnly(201),
  },
  {
    route: 'PATCH /api/projects/:id',
    call: () => ({ method: 'PATCH' as const, url: '/api/projects/999', payload: { note: '访问测试' }, headers: { 'if-match': '"1"' } }),
    expect: { ...all(403), anonymous: 401, admin: 404, unit: 404 },
  },
  // (a row outside the demo town: nothing to import, which only an admin is told; the town stays as it is)
  {
    route: 'POST /api/imports',
    call: () => ({
      method: 'POST',
      url: '/api/imports',
      payload: ledgerBody('116.40,39.90'),
      headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
    }),
    expect: adminOnly(422),
  },
  { route: 'POST /api/imports/:id/undo', call: () => ({ method: 'POST', url: '/api/imports/999/undo' }), expect: adminOnly(404) },
  { route: 'GET /api/decks', call: get('/api/decks'), expect: { ...all(403), anonymous: 401, admin: 200, leader: 200 } },
  { route: 'GET /api/decks/:id', call: () => get(`/api/decks/${deckId}`)(), expect: { ...all(403), anonymous: 401, admin: 200, leader: 200 } },
  { route: 'POST /api/decks', call: () => ({ method: 'POST', url: '/api/decks', payload: deckBody() }), expect: adminOnly(201) },
  { route: 'POST /api/decks/generate', call: () => ({ method: 'POST', url: '/api/decks/generate', payload: { month: '2026-10' } }), expect: adminOnly(201) },
  {
    route: 'PUT /api/decks/:id',
    call: async () => ({
      method: 'PUT',
      url: `/api/decks/${deckId}`,
      payload: deckBody(),
      headers: { 'if-match': `"${(await ctx.app.store.decks.get(deckId))?.version}"` },
    }),
    expect: adminOnly(200),
  },
  {
    route: 'DELETE /api/decks/:id',
    call: async () => ({
      method: 'DELETE',
      url: `/api/decks/${(await ctx.app.store.decks.create({ title: '待删', theme: 'light', scenes: [] }, 't', DEMO_NOW)).id}`,
    }),
    expect: adminOnly(204),
  },
  {
    // Saves the rules in force as they are.
    route: 'PUT /api/dispatch-rules',
    call: () => ({ method: 'PUT', url: '/api/dispatch-rules', payload: { rules: ctx.app.dispatch.rules } }),
    expect: adminOnly(200),
  },
  // Sign-in is open to all: a wrong password is a 401 of its own (bad_credentials), for anyone.
  // A new made-up name each time: the fifth failure of one name from one address would lock it (423).
  {
    route: 'POST /api/auth/login',
    call: () => ({ method: 'POST', url: '/api/auth/login', payload: { username: `nobody${++madeUpNames}`, password: 'x' } }),
    expect: all(401),
  },
  { route: 'POST /api/auth/display', call: () => ({ method: 'POST', url: '/api/auth/display', payload: { token: 'not-a-token' } }), expect: all(401) },
  { route: 'GET /api/auth/session', call: get('/api/auth/session'), expect: all(200) },
  { route: 'GET /api/auth/me', call: get('/api/auth/me'), expect: aggregate },
  {
    route: 'POST /api/auth/password',
    // A wrong current password: reachable (400 naming the field) for users only.
    call: () => ({ method: 'POST', url: '/api/auth/password', payload: { current: 'wrong', next: 'New-pass-2026' } }),
    expect: { ...users, admin: 400, leader: 400, grid_manager: 400, unit: 400 },
  },
  { route: 'GET /api/audit', call: get('/api/audit?limit=5'), expect: adminOnly(200) },
  {
    route: 'POST /api/display-tokens',
    call: () => ({ method: 'POST', url: '/api/display-tokens', payload: { name: `屏${++tokenCounter}` } }),
    expect: adminOnly(201),
  },
  { route: 'GET /api/display-tokens', call: get('/api/display-tokens'), expect: adminOnly(200) },
  {
    route: 'DELETE /api/display-tokens/:id',
    call: async () => {
      const t = await ctx.accounts.createDisplayToken(`hash-${++tokenCounter}`, '待吊销', null, DEMO_NOW);
      return { method: 'DELETE', url: `/api/display-tokens/${t.id}` };
    },
    expect: adminOnly(204),
  },
  { route: 'GET /api/users', call: get('/api/users'), expect: adminOnly(200) },
  {
    route: 'POST /api/users',
    call: () => ({ method: 'POST', url: '/api/users', payload: { username: `u${++userCounter}`, displayName: '新用户', role: 'leader' } }),
    expect: adminOnly(201),
  },
  {
    route: 'PATCH /api/users/:id',
    call: () => ({ method: 'PATCH', url: `/api/users/${spareUser}`, payload: { displayName: '备用账号' } }),
    expect: adminOnly(200),
  },
  { route: 'POST /api/users/:id/password', call: () => ({ method: 'POST', url: `/api/users/${spareUser}/password` }), expect: adminOnly(200) },
  { route: 'POST /api/users/:id/unlock', call: () => ({ method: 'POST', url: `/api/users/${spareUser}/unlock` }), expect: adminOnly(200) },
  { route: 'GET /api/openapi.json', call: get('/api/openapi.json'), expect: all(200) },
];

async function send(caller: Caller, c: Call) {
  return ctx.app.inject({ method: c.method, url: c.url, payload: c.payload, headers: { origin: ORIGIN, ...cookieOf(caller), ...c.headers } });
}

describe('access: every route × every caller', () => {
  it('the table covers every API route (but the API docs, sign-out and the event stream, tested apart)', () => {
    // The event stream is tested over real HTTP in events.test.ts (inject waits for an end that never comes).
    const covered = new Set([...ROWS.map((r) => r.route), 'POST /api/auth/logout', 'GET /api/events']);
    const missing = ctx.app.apiRoutes.filter((r) => !covered.has(r) && !r.startsWith('GET /api/docs'));
    expect(missing).toEqual([]);
  });

  for (const row of ROWS) {
    it(`${row.route} ${JSON.stringify(row.expect)}`, async () => {
      const got: Record<string, number> = {};
      for (const caller of CALLERS) {
        const res = await send(caller, await row.call(caller));
        got[caller] = res.statusCode;
        expect(res.statusCode, `${caller}: ${res.body.slice(0, 200)}`).toBeLessThan(500);
        if (res.statusCode === 401 && !row.route.includes('/auth/')) expect(res.json().code).toBe('unauthenticated');
      }
      expect(got).toEqual(row.expect);
    });
  }

  it('POST /api/auth/logout ends the caller’s own session (204 for everybody)', async () => {
    for (const role of ['admin', 'leader', 'grid_manager', 'unit', 'display'] as const) {
      const login = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: role, password: TEST_PASSWORD } });
      const cookie = `cw_session=${login.cookies.find((c) => c.name === 'cw_session')?.value}`;
      expect((await ctx.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie, origin: ORIGIN } })).statusCode).toBe(204);
      expect((await ctx.app.inject({ url: '/api/auth/me', headers: { cookie } })).statusCode).toBe(401);
    }
    expect((await ctx.app.inject({ method: 'POST', url: '/api/auth/logout' })).statusCode).toBe(204);
  });

  it('the API docs are public: they describe the API, not data', async () => {
    expect((await ctx.app.inject({ url: '/api/docs/json' })).statusCode).toBe(200);
  });
});

describe('reads filtered by role', () => {
  it('a unit reads its own problems only: lists, points and statistics are scoped, another unit is refused', async () => {
    const unitId = ctx.users.unit.unitId as string;
    const asUnit = (url: string) => ctx.app.inject({ url, headers: ctx.as.unit });
    const asAdmin = (url: string) => ctx.app.inject({ url, headers: ctx.as.admin });
    const mine = (await asUnit('/api/stats/summary')).json();
    expect(mine).toEqual((await asAdmin(`/api/stats/summary?unit=${unitId}`)).json());
    expect(mine.total).toBeLessThan((await asAdmin('/api/stats/summary')).json().total);
    const list = (await asUnit('/api/problems?limit=10000')).json();
    expect(list.features.length).toBe(mine.total);
    expect(list.features.every((f: { properties: { unitId: string } }) => f.properties.unitId === unitId)).toBe(true);
    const points = await asUnit('/api/problems/points');
    expect(points.rawPayload.readUInt32LE(8)).toBe(mine.total);
    const another = ctx.app.townData.units.find((u) => u.id !== unitId)?.id;
    const refused = await asUnit(`/api/stats/summary?unit=${another}`);
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ field: 'unit' });
  });

  it('a grid manager reads the whole town but changes only problems in their grids', async () => {
    const gm = (url: string) => ctx.app.inject({ url, headers: ctx.as.grid_manager });
    expect((await gm('/api/stats/summary')).json()).toEqual((await ctx.app.inject({ url: '/api/stats/summary', headers: ctx.as.admin })).json());
    const res = await ctx.app.inject({
      method: 'PUT',
      url: `/api/problems/${other}/measure`,
      headers: { ...ctx.as.grid_manager, origin: ORIGIN, 'if-match': await version(other) },
      payload: { measure: '越权修改' },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'forbidden', field: 'id', message: '只能修改本人负责网格内的问题' });
    expect((await ctx.app.store.problem(other))?.measure).not.toBe('越权修改');
  });

  it('a revoked display token is refused at once', async () => {
    const issued = (
      await ctx.app.inject({ method: 'POST', url: '/api/display-tokens', headers: { ...ctx.as.admin, origin: ORIGIN }, payload: { name: '临时大屏' } })
    ).json();
    const asDisplay = { cookie: `${DISPLAY_COOKIE}=${issued.secret}` };
    expect((await ctx.app.inject({ url: '/api/stats/summary', headers: asDisplay })).statusCode).toBe(200);
    await ctx.app.inject({ method: 'DELETE', url: `/api/display-tokens/${issued.token.id}`, headers: { ...ctx.as.admin, origin: ORIGIN } });
    expect((await ctx.app.inject({ url: '/api/stats/summary', headers: asDisplay })).statusCode).toBe(401);
  });
});
