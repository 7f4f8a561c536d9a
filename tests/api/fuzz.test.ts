import fc from 'fast-check';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SESSION_COOKIE } from '../../server/auth/access.ts';
import { DEMO_NOW, demoApp, ORIGIN, TEST_PASSWORD } from '../helpers/demo.ts';

/**
 * Property-based: at least RUNS generated bad inputs to every API route — odd path parameters,
 * unknown, repeated and malformed query parameters, bodies of every JSON shape and none, wrong
 * content types and preconditions — sent as an admin (the caller who reaches deepest). No answer
 * may be a 5xx, and no promise may be left rejected.
 */
const RUNS = 1000;

vi.setConfig({ testTimeout: 300_000 });

let ctx: Awaited<ReturnType<typeof demoApp>>;
let cookie: string;
const rejections: unknown[] = [];
const onRejection = (e: unknown) => rejections.push(e);

beforeAll(async () => {
  ctx = await demoApp(300);
  cookie = ctx.as.admin.cookie;
  process.on('unhandledRejection', onRejection);
});
afterAll(async () => {
  process.off('unhandledRejection', onRejection);
  await ctx.close();
});

/** Parameter names the routes know, so that generated queries reach the parsers, not only the schema's refusal. */
const KNOWN_KEYS = [
  'bbox',
  'category',
  'status',
  'source',
  'grid',
  'community',
  'unit',
  'from',
  'to',
  'overdue',
  'limit',
  'cursor',
  'sort',
  'interval',
  'user',
  'action',
  'before',
  'username',
  'password',
  'token',
  'name',
  'measure',
  'displayName',
  'role',
  'gridIds',
  'unitId',
  'disabled',
  'current',
  'next',
  'action',
  'note',
  'photos',
  'deadline',
  'into',
  'kind',
  'thumb',
  'lon',
  'lat',
  'description',
  'address',
  'reporter',
];

const NASTY = [
  '',
  ' ',
  '0',
  '-1',
  '1e309',
  'NaN',
  'null',
  'true',
  '[]',
  '{}',
  '%00',
  '../../etc/passwd',
  '2026-02-30',
  '2026-13-01T25:00:00+08:00',
  '120.3,33.3,120.4,33.4',
  '1,2,3',
  '180,90,-180,-90',
  'lizao-05',
  'flyers,flyers',
  '"3"',
  'W/"1"',
  '\u202e\ud83d\ude00',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  'a'.repeat(5000),
];

const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom(...NASTY),
  fc.integer().map(String),
  fc.double().map(String),
);
const key = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...KNOWN_KEYS) }, { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 10 }) });
const query = fc.array(fc.tuple(key, text), { maxLength: 6 }).map((pairs) => {
  const q = new URLSearchParams();
  for (const [k, v] of pairs) q.append(k, v);
  const s = q.toString();
  return s ? `?${s}` : '';
});
const pathParam = fc.oneof(text, fc.nat().map(String), fc.integer({ min: 1, max: 400 }).map(String)).map((v) => encodeURIComponent(v) || '%20');
const jsonValue = fc.jsonValue({ maxDepth: 3 });
const body = fc.oneof(
  { weight: 3, arbitrary: fc.dictionary(key, fc.oneof(text, jsonValue, fc.array(text, { maxLength: 3 })), { maxKeys: 5 }).map((o) => JSON.stringify(o)) },
  { weight: 1, arbitrary: jsonValue.map((v) => JSON.stringify(v) ?? 'null') },
  { weight: 1, arbitrary: text },
  { weight: 1, arbitrary: fc.constant(undefined) },
);
const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  undefined,
);
const ifMatch = fc.option(
  fc.oneof(
    text,
    fc.nat({ max: 20 }).map((n) => `"${n}"`),
  ),
  { nil: undefined },
);

function request(route: string): fc.Arbitrary<InjectOptions> {
  const [method, template] = route.split(' ') as [InjectOptions['method'], string];
  const params = (template.match(/:\w+/g) ?? []).length;
  return fc
    .record({ params: fc.array(pathParam, { minLength: params, maxLength: params }), query, body, contentType, ifMatch })
    .map(({ params: values, query: q, body: b, contentType: ct, ifMatch: im }) => {
      let i = 0;
      const url = template.replace(/:\w+/g, () => values[i++]) + q;
      const headers: Record<string, string> = { cookie, origin: ORIGIN };
      if (ct) headers['content-type'] = ct;
      if (im !== undefined) headers['if-match'] = im;
      const hasBody = method !== 'GET' && method !== 'DELETE' && b !== undefined;
      return { method, url, headers, ...(hasBody ? { payload: b } : {}) };
    });
}

let signIns = 0;

/**
 * A fresh admin session, when a generated call ended the current one (a reset of the admin's own
 * password, wrong current passwords). From a new address each time: generated sign-ins and password
 * changes may have had the admin's name refused at the usual one.
 */
async function freshAdminCookie(): Promise<string> {
  signIns++;
  // A generated reset may have given the admin a new random password: the test's own comes back.
  await ctx.accounts.setPassword(ctx.users.admin.id, ctx.users.admin.passwordHash, DEMO_NOW);
  const res = await ctx.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username: 'admin', password: TEST_PASSWORD },
    remoteAddress: `10.77.${signIns >> 8}.${signIns & 255}`,
  });
  const c = res.cookies.find((x) => x.name === SESSION_COOKIE);
  return c ? `${SESSION_COOKIE}=${c.value}` : cookie;
}

describe(`${RUNS} generated bad inputs to every route`, () => {
  // Registered routes, read when the app exists (the list is built as routes are registered).
  const routes = [
    'GET /api/health',
    'GET /api/meta',
    'GET /api/communities',
    'GET /api/grids',
    'GET /api/sites',
    'GET /api/basemap',
    'GET /api/units',
    'GET /api/problems',
    'POST /api/problems',
    'GET /api/problems/points',
    'GET /api/problems/:id',
    'GET /api/problems/:id/reporter',
    'PUT /api/problems/:id/measure',
    'POST /api/problems/:id/transitions',
    'POST /api/problems/:id/merge',
    'POST /api/problems/:id/photos',
    'GET /api/problems/:id/photos',
    'GET /api/photos/:photo',
    'GET /api/stats/summary',
    'GET /api/stats/grids',
    'GET /api/stats/communities',
    'GET /api/stats/categories',
    'GET /api/stats/trend',
    'GET /api/stats/units',
    'GET /api/stats/compare',
    'GET /api/hotspots',
    'GET /api/wall/config',
    'PUT /api/wall/config',
    'GET /api/feed',
    'GET /api/dispatch-rules',
    'PUT /api/dispatch-rules',
    'GET /api/tasks',
    'POST /api/patrols/plan',
    'POST /api/patrols',
    'POST /api/patrols/:id/track',
    'POST /api/patrols/:id/checkins',
    'POST /api/patrols/:id/end',
    'GET /api/patrols',
    'GET /api/patrols/:id',
    'GET /api/patrols/:id/track',
    'GET /api/stats/coverage',
    'GET /api/decks',
    'GET /api/decks/:id',
    'POST /api/decks',
    'POST /api/decks/generate',
    'PUT /api/decks/:id',
    'DELETE /api/decks/:id',
    'GET /api/export/problems',
    'POST /api/imports/dry-run',
    'POST /api/imports/report',
    'POST /api/imports',
    'GET /api/imports',
    'POST /api/imports/:id/undo',
    'GET /api/basemaps',
    'GET /api/basemaps/files/:file',
    'POST /api/boundaries/dry-run',
    'POST /api/boundaries',
    'GET /api/checklists',
    'GET /api/inspections/rounds',
    'POST /api/inspections/rounds',
    'GET /api/inspections/rounds/:id',
    'POST /api/inspections/rounds/:id/checks',
    'GET /api/sites/:id/checks',
    'GET /api/sites/results',
    'GET /api/scores',
    'GET /api/sites/register',
    'POST /api/sites',
    'PATCH /api/sites/:id',
    'DELETE /api/sites/:id',
    'GET /api/projects',
    'GET /api/projects/:id',
    'POST /api/projects',
    'PATCH /api/projects/:id',
    'GET /api/tiles/tianditu/:layer/:z/:x/:y',
    'POST /api/auth/login',
    'POST /api/auth/logout',
    'POST /api/auth/display',
    'GET /api/auth/session',
    'GET /api/auth/me',
    'POST /api/auth/password',
    'GET /api/audit',
    'POST /api/display-tokens',
    'GET /api/display-tokens',
    'DELETE /api/display-tokens/:id',
    'GET /api/users',
    'POST /api/users',
    'PATCH /api/users/:id',
    'POST /api/users/:id/password',
    'POST /api/users/:id/unlock',
    'GET /api/openapi.json',
  ];

  it('covers every route the app serves', () => {
    // The event stream never ends for a valid request, so inject cannot fuzz it; tests/api/events.test.ts sends it bad input over HTTP.
    const streams = ['GET /api/events'];
    expect(ctx.app.apiRoutes.filter((r) => !r.startsWith('GET /api/docs') && !streams.includes(r)).sort()).toEqual([...routes].sort());
  });

  for (const route of routes) {
    it(`${route}: no 5xx`, async () => {
      const seen = new Set<number>();
      await fc.assert(
        fc.asyncProperty(request(route), async (req) => {
          const res = await ctx.app.inject(req);
          if (res.statusCode === 401 && route !== 'POST /api/auth/login' && route !== 'POST /api/auth/display') {
            // A generated call signed the admin out (logout, own password reset): sign in again.
            cookie = await freshAdminCookie();
          }
          seen.add(res.statusCode);
          expect(res.statusCode, `${req.method} ${req.url} → ${res.body.slice(0, 300)}`).toBeLessThan(500);
          if (res.statusCode >= 400) expect(res.json()).toMatchObject({ statusCode: res.statusCode, message: expect.any(String) });
        }),
        { numRuns: RUNS },
      );
      // Routes that read input refused some of it with a client error (the others ignore what they do not read).
      if (route.includes(':') || !route.startsWith('GET ') || /problems|stats|hotspots|audit/.test(route)) {
        expect([...seen].some((s) => s >= 400 && s < 500)).toBe(true);
      }
      expect(rejections).toEqual([]);
    });
  }
});
