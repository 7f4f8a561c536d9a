import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { PgAccountStore } from '../../server/store/pg/account-store.ts';
import { checkCopy, copySqliteToPg } from '../../server/store/pg/copy.ts';
import { PgStore } from '../../server/store/pg/pg-store.ts';
import type { SqliteStore } from '../../server/store/sqlite-store.ts';
import { addCasePhotos, DEMO_NOW, type DemoApp, demoApp, ORIGIN, TEST_AUTH_POLICY } from '../helpers/demo.ts';
import { pgTestDatabase } from '../helpers/stores.ts';

/**
 * npm run migrate:pg: the demo town (with patrols, a year of rounds, key projects, photos, accounts,
 * sessions and an audit trail) copied from SQLite into PostgreSQL; every table equal by count and
 * checksum, and the API answering the same from either store.
 */
const pgUrl = inject('pgUrl');

describe.skipIf(!pgUrl)('copying a SQLite database into PostgreSQL', () => {
  let ctx: DemoApp;
  let db: Awaited<ReturnType<typeof pgTestDatabase>>;
  let pgStore: PgStore;
  let pgApp: FastifyInstance;
  beforeAll(async () => {
    ctx = await demoApp(3000, { store: 'sqlite', patrols: true, assessment: true });
    // some of everything a town's use leaves: photos, a measure, a dispatch, an audit trail
    await addCasePhotos(ctx, DEMO_NOW - 30 * 86_400_000, DEMO_NOW, 2);
    const open = ctx.app.problemTable.record(ctx.app.problemTable.size - 1);
    const res = await ctx.app.inject({
      method: 'PUT',
      url: `/api/problems/${open.id}/measure`,
      headers: { ...ctx.as.admin, origin: ORIGIN, 'if-match': `"${open.version}"` },
      payload: { measure: '迁移前的措施' },
    });
    expect(res.statusCode, res.body).toBe(200);
    db = await pgTestDatabase(pgUrl as string);
    pgStore = await PgStore.open(db.url, { max: 4 });
    await copySqliteToPg((ctx.store as SqliteStore).db, pgStore.pool);
    pgApp = await buildApp({
      store: pgStore,
      accounts: new PgAccountStore(pgStore.pool),
      photoDir: join(ctx.dir, 'photos'),
      wallConfigPath: join(ctx.dir, 'wall.json'),
      now: () => DEMO_NOW,
      rateLimits: { perMinute: 1_000_000, loginPerMinute: 1_000_000 },
      authPolicy: TEST_AUTH_POLICY,
    });
  }, 240_000);
  afterAll(async () => {
    await pgApp?.close();
    await pgStore?.close();
    await db?.drop();
    await ctx?.close();
  });

  it('copies every table: counts and checksums equal, and a changed row would show', async () => {
    const sqlite = (ctx.store as SqliteStore).db;
    const checks = await checkCopy(sqlite, pgStore.pool);
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    const rows = Object.fromEntries(checks.map((c) => [c.table, c.pgRows]));
    for (const t of [
      'problems',
      'problem_events',
      'photos',
      'users',
      'sessions',
      'audit_log',
      'patrols',
      'patrol_points',
      'site_checks',
      'check_items',
      'projects',
      'project_updates',
    ]) {
      expect(rows[t], t).toBeGreaterThan(0);
    }
    await pgStore.pool.query("UPDATE problems SET description = description || '。' WHERE id = 7");
    expect((await checkCopy(sqlite, pgStore.pool)).filter((c) => !c.ok).map((c) => c.table)).toEqual(['problems']);
    await pgStore.pool.query('UPDATE problems SET description = left(description, -1) WHERE id = 7');
  });

  it('answers 30 API queries the same from either store (the same session, which was copied too)', async () => {
    const round = (await pgStore.inspections.rounds()).at(-1)?.id;
    const patrol = (await pgStore.patrols.list({ limit: 1 }))[0]?.id;
    const photographed = (await pgStore.photo((await pgStore.photos(ctx.app.problemTable.record(0).id))[0]?.id ?? '')).at(0)?.problemId;
    const site = (await pgStore.sites())[0].id;
    const urls = [
      '/api/meta',
      '/api/communities',
      '/api/grids',
      '/api/sites',
      '/api/units',
      '/api/problems?limit=200',
      '/api/problems?status=open&limit=50',
      '/api/problems/1',
      '/api/problems/2999',
      `/api/problems/${photographed ?? 5}/photos`,
      '/api/stats/summary',
      '/api/stats/grids',
      '/api/stats/communities',
      '/api/stats/categories',
      '/api/stats/trend',
      '/api/stats/units',
      '/api/stats/compare',
      '/api/hotspots',
      '/api/feed',
      '/api/dispatch-rules',
      '/api/tasks',
      '/api/patrols',
      `/api/patrols/${patrol}`,
      `/api/patrols/${patrol}/track`,
      '/api/stats/coverage',
      '/api/inspections/rounds',
      `/api/inspections/rounds/${round}`,
      `/api/sites/${site}/checks`,
      '/api/scores',
      '/api/projects',
      '/api/projects/1',
      '/api/users',
      '/api/display-tokens',
    ];
    expect(urls.length).toBeGreaterThanOrEqual(30);
    const differ: string[] = [];
    for (const url of urls) {
      const [a, b] = await Promise.all([ctx.app, pgApp].map((app) => app.inject({ url, headers: ctx.as.admin })));
      expect(a.statusCode, `${url} on SQLite: ${a.body.slice(0, 200)}`).toBe(200);
      if (b.statusCode !== a.statusCode || !isDeepStrictEqual(a.json(), b.json())) differ.push(url);
    }
    expect(differ).toEqual([]);
  });
});
