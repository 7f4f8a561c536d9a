import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { generateDemo } from '../../scripts/demo/generate.ts';
import { buildApp } from '../../server/app.ts';
import { hashPassword } from '../../server/auth/password.ts';
import { PgAccountStore } from '../../server/store/pg/account-store.ts';
import { PgStore } from '../../server/store/pg/pg-store.ts';
import { pgRateLimitStore } from '../../server/store/pg/rate-limit-store.ts';
import { DEMO_NOW, TEST_AUTH_POLICY } from '../helpers/demo.ts';
import { pgTestDatabase } from '../helpers/stores.ts';

const pgUrl = inject('pgUrl');

/**
 * Two server processes on one PostgreSQL database, as behind nginx (here two apps, each with its
 * own pool, in one test process): an address's sign-in failures and its rate-limit budget are the
 * district's, not each process's.
 */
describe.skipIf(!pgUrl)('limits shared by the processes of a district', () => {
  let db: Awaited<ReturnType<typeof pgTestDatabase>>;
  let dir: string;
  const stores: PgStore[] = [];
  const apps: FastifyInstance[] = [];
  const PASSWORD = 'Shared-limits-2026';

  beforeAll(async () => {
    db = await pgTestDatabase(pgUrl as string);
    dir = mkdtempSync(join(tmpdir(), 'chuangwen-shared-limits-'));
    for (let i = 0; i < 2; i++) {
      const store = await PgStore.open(db.url, { max: 4 });
      if (i === 0) await store.load(generateDemo({ seed: 1, count: 30, endMs: DEMO_NOW }));
      const accounts = new PgAccountStore(store.pool);
      if (i === 0) await accounts.createUser({ username: 'leader', displayName: '镇长', role: 'leader', passwordHash: await hashPassword(PASSWORD) }, DEMO_NOW);
      stores.push(store);
      apps.push(
        await buildApp({
          store,
          accounts,
          photoDir: join(dir, 'photos'),
          now: () => DEMO_NOW,
          authPolicy: TEST_AUTH_POLICY,
          rateLimits: { perMinute: 30, loginPerMinute: 8 },
          rateLimitStore: pgRateLimitStore(store.pool),
        }),
      );
    }
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    for (const store of stores) await store.close();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const login = (app: FastifyInstance, password: string, remoteAddress: string) =>
    app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'leader', password }, remoteAddress });

  it('refuse an address on both after five wrong passwords spread over them, and let the owner in elsewhere', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await login(apps[i % 2], 'wrong', '10.7.0.1')).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 423]);
    for (const app of apps) {
      const res = await login(app, PASSWORD, '10.7.0.1');
      expect(res.statusCode).toBe(423);
    }
    expect((await login(apps[1], PASSWORD, '10.7.0.2')).statusCode).toBe(200);
  });

  it('give an address one sign-in budget across both: the 9th attempt a minute is refused whichever answers', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await login(apps[i % 2], PASSWORD, '10.7.1.1')).statusCode);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 429, 429]);
  });

  it('give an address one request budget across both: 30 reads pass, spread over the two, the 31st is refused', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await apps[i % 2].inject({ url: '/api/health', remoteAddress: '10.7.2.1' })).statusCode);
    expect(statuses.slice(0, 30).every((s) => s === 200)).toBe(true);
    expect(statuses[30]).toBe(429);
    // Another address has its own budget.
    expect((await apps[0].inject({ url: '/api/health', remoteAddress: '10.7.2.2' })).statusCode).toBe(200);
  });

  it('let requests through uncounted while the counts cannot be reached, rather than failing them', async () => {
    const gone = new pg.Pool({ connectionString: db.url, max: 1 });
    await gone.end();
    const app = await buildApp({
      store: stores[0],
      accounts: new PgAccountStore(stores[0].pool),
      photoDir: join(dir, 'photos'),
      now: () => DEMO_NOW,
      rateLimits: { perMinute: 30, loginPerMinute: 8 },
      rateLimitStore: pgRateLimitStore(gone),
    });
    try {
      expect((await app.inject({ url: '/api/health', remoteAddress: '10.7.3.1' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });
});
