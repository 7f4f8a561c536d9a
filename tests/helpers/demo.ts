import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { inject } from 'vitest';
import { seedDemoAssessment } from '../../scripts/demo/assessment.ts';
import { generateDemo } from '../../scripts/demo/generate.ts';
import { drawDemoPhoto } from '../../scripts/demo/photos.ts';
import { buildApp } from '../../server/app.ts';
import { SESSION_COOKIE } from '../../server/auth/access.ts';
import { type AuthPolicy, DEFAULT_AUTH_POLICY } from '../../server/auth/auth-service.ts';
import { demoAssignments } from '../../server/auth/bootstrap.ts';
import { hashPassword } from '../../server/auth/password.ts';
import type { TiandituOptions } from '../../server/basemap/tianditu.ts';
import { markRecurrences, seedDemoPatrols } from '../../server/demo-seed.ts';
import type { RateLimits } from '../../server/hardening.ts';
import { type AccountStore, ROLES, type Role, type UserRecord } from '../../server/store/account-store.ts';
import { PgAccountStore } from '../../server/store/pg/account-store.ts';
import { PgStore } from '../../server/store/pg/pg-store.ts';
import { pgRateLimitStore } from '../../server/store/pg/rate-limit-store.ts';
import { SqliteAccountStore } from '../../server/store/sqlite-account-store.ts';
import { SqliteStore } from '../../server/store/sqlite-store.ts';
import type { Store } from '../../server/store/store.ts';
import { TownData } from '../../server/town-data.ts';
import { pgTestDatabase } from './stores.ts';

/** The instant the test demo ends at and the tests' "now": a Friday afternoon. */
export const DEMO_NOW = Date.parse('2026-11-27T15:00:00+08:00');
export const DEMO_SEED = 7;

/** A fresh SQLite store in its own temporary folder; `cleanup` closes and removes it. */
export function tempStore(): { store: SqliteStore; dir: string; path: string; cleanup: () => Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), 'chuangwen-test-'));
  const path = join(dir, 'test.db');
  const store = new SqliteStore(path);
  return {
    store,
    dir,
    path,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A temporary store holding a small demo town (20 problems), with an AccountStore over it. */
export async function tempAccounts(): Promise<ReturnType<typeof tempStore> & { accounts: SqliteAccountStore }> {
  const t = tempStore();
  await t.store.load(generateDemo({ seed: 1, count: 20, endMs: DEMO_NOW }));
  return { ...t, accounts: new SqliteAccountStore(t.store.db) };
}

/** The Origin a browser on the injected app's host sends (unsafe methods with a cookie must carry it). */
export const ORIGIN = 'http://localhost';

/** The password of every test account (one per role, named after the role). */
export const TEST_PASSWORD = 'Test-pass-2026';

/** High enough that no test but the rate-limit one meets a limit. */
const UNLIMITED: RateLimits = { perMinute: 1_000_000, loginPerMinute: 1_000_000 };

export interface DemoApp {
  app: FastifyInstance;
  accounts: AccountStore;
  /** The store under the app (replaced by a restart). */
  store: Store;
  /** Runs one SQL statement on the database itself (to check what the database refuses). */
  raw: (sql: string) => Promise<void>;
  dir: string;
  /** Accounts by role: `admin`, `leader`, `grid_manager` (the grids of the busiest community), `unit` (the busiest unit), `display`. */
  users: Record<Role, UserRecord>;
  /** Cookie headers of a signed-in session per role (signed in through POST /api/auth/login). */
  as: Record<Role, { cookie: string }>;
  /** The cookie value alone, for a browser context. */
  sessions: Record<Role, string>;
  /**
   * Stops the app as a shutdown does (live streams ended, store closed) and builds a new one over
   * the same database, which replaces `app`; a listening app listens again on the same port.
   * Sessions live in the database, so they outlive it. `downMs` keeps the server away that long
   * between the stop and the new app (a real restart takes a few seconds).
   */
  restart: (options?: { downMs?: number }) => Promise<{ stopMs: number }>;
  close: () => Promise<void>;
}

/** An app over a freshly generated demo town, with the clock pinned to DEMO_NOW and one signed-in account per role. */
/** The sign-in policy of test apps: the default, with slow-downs of at most 20 ms (their lengths are tested on AuthService). */
export const TEST_AUTH_POLICY: AuthPolicy = { ...DEFAULT_AUTH_POLICY, signIn: { ...DEFAULT_AUTH_POLICY.signIn, maxDelayMs: 20 } };

export async function demoApp(
  count = 3000,
  options: {
    now?: () => number;
    rateLimits?: RateLimits;
    requestTimeoutMs?: number;
    /** the demo's past patrols (about 2 s) */
    patrols?: boolean;
    /** the demo's assessment year: rounds, checks, key projects */
    assessment?: boolean;
    /** 天地图 through the tile proxy (tests point it at a fake upstream) */
    tianditu?: TiandituOptions;
    /** Which store: SQLite, or PostgreSQL in a database of its own (default: TEST_STORE, else SQLite). */
    store?: 'sqlite' | 'postgres';
  } = {},
): Promise<DemoApp> {
  const t = await testStore(options.store ?? (process.env.TEST_STORE === 'postgres' ? 'postgres' : 'sqlite'));
  await t.store.load(generateDemo({ seed: DEMO_SEED, count, endMs: DEMO_NOW }));
  await markRecurrences(t.store);
  if (options.patrols) await seedDemoPatrols(t.store, await TownData.fromStore(t.store), { seed: DEMO_SEED, now: DEMO_NOW });
  if (options.assessment) await seedDemoAssessment(t.store, await TownData.fromStore(t.store), { seed: DEMO_SEED, now: DEMO_NOW });
  const build = (store: Store, accounts: AccountStore) =>
    buildApp({
      store,
      accounts,
      photoDir: join(t.dir, 'photos'),
      wallConfigPath: join(t.dir, 'wall.json'),
      now: options.now ?? (() => DEMO_NOW),
      rateLimits: options.rateLimits ?? UNLIMITED,
      // As main.ts does through openStores: counts shared in PostgreSQL, in the process on SQLite.
      rateLimitStore: store instanceof PgStore ? pgRateLimitStore(store.pool) : null,
      authPolicy: TEST_AUTH_POLICY,
      requestTimeoutMs: options.requestTimeoutMs,
      tianditu: options.tianditu,
      basemapDir: join(t.dir, 'basemaps'),
    });
  let store = t.store;
  const accounts = t.accounts;
  const app = await build(store, accounts);
  const { demoGridIds, demoUnitId } = demoAssignments(app);
  const passwordHash = await hashPassword(TEST_PASSWORD);
  const users = {} as Record<Role, UserRecord>;
  const as = {} as Record<Role, { cookie: string }>;
  const sessions = {} as Record<Role, string>;
  for (const role of ROLES) {
    users[role] = await accounts.createUser(
      {
        username: role,
        displayName: `测试${role}`,
        role,
        passwordHash,
        gridIds: role === 'grid_manager' ? demoGridIds : [],
        unitId: role === 'unit' ? demoUnitId : null,
      },
      DEMO_NOW,
    );
    const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: role, password: TEST_PASSWORD } });
    const cookie = res.cookies.find((c) => c.name === SESSION_COOKIE);
    if (res.statusCode !== 200 || !cookie) throw new Error(`test sign-in as ${role} failed: ${res.statusCode} ${res.body}`);
    sessions[role] = cookie.value;
    as[role] = { cookie: `${SESSION_COOKIE}=${cookie.value}` };
  }
  const ctx: DemoApp = {
    app,
    accounts,
    store,
    raw: (sql) => t.raw(store, sql),
    dir: t.dir,
    users,
    as,
    sessions,
    restart: async ({ downMs = 0 } = {}) => {
      const address = ctx.app.server.listening ? (ctx.app.server.address() as { port: number; address: string }) : null;
      const started = performance.now();
      await ctx.app.close();
      await store.close();
      const stopMs = performance.now() - started;
      if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
      ({ store, accounts: ctx.accounts } = await t.reopen());
      ctx.store = store;
      ctx.app = await build(store, ctx.accounts);
      if (address) await ctx.app.listen({ host: address.address, port: address.port });
      return { stopMs };
    },
    close: async () => {
      await ctx.app.close();
      await store.close();
      await t.cleanup();
    },
  };
  return ctx;
}

/** A new store of either kind in its own temporary folder (and, for PostgreSQL, its own database). */
async function testStore(kind: 'sqlite' | 'postgres'): Promise<{
  store: Store;
  accounts: AccountStore;
  dir: string;
  raw: (store: Store, sql: string) => Promise<void>;
  reopen: () => Promise<{ store: Store; accounts: AccountStore }>;
  cleanup: () => Promise<void>;
}> {
  if (kind === 'sqlite') {
    const t = tempStore();
    return {
      store: t.store,
      accounts: new SqliteAccountStore(t.store.db),
      dir: t.dir,
      raw: async (store, sql) => {
        (store as SqliteStore).db.prepare(sql).run();
      },
      reopen: async () => {
        const store = new SqliteStore(t.path);
        return { store, accounts: new SqliteAccountStore(store.db) };
      },
      cleanup: t.cleanup,
    };
  }
  const pgUrl = inject('pgUrl');
  if (!pgUrl) throw new Error('TEST_STORE=postgres needs PostgreSQL with PostGIS (PG_TEST_URL)');
  const dir = mkdtempSync(join(tmpdir(), 'chuangwen-test-'));
  const db = await pgTestDatabase(pgUrl);
  const open = async () => {
    const store = await PgStore.open(db.url, { max: 8 });
    return { store, accounts: new PgAccountStore(store.pool) };
  };
  const first = await open();
  return {
    ...first,
    dir,
    raw: async (store, sql) => {
      await (store as PgStore).pool.query(sql);
    },
    reopen: open,
    cleanup: async () => {
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Records an "after" photo of a problem (the record only, as a unit's upload leaves it), so that the problem can be submitted; returns its id. */
export async function addAfterPhoto(store: Pick<Store, 'addPhoto'>, problemId: number, id = `${problemId}`.padStart(64, 'a')): Promise<string> {
  await store.addPhoto({
    id,
    problemId,
    kind: 'after',
    mime: 'image/jpeg',
    width: 10,
    height: 10,
    bytes: 100,
    lon: null,
    lat: null,
    createdAt: 1,
    createdBy: 't',
  });
  return id;
}

/**
 * Gives `n` problems closed within [from, to) a before and an after photo, uploaded as the admin
 * through the API as a browser sends them (multipart): typical cases (典型案例) for a deck. Answers
 * their ids.
 */
export async function addCasePhotos(ctx: DemoApp, from: number, to: number, n = 1): Promise<number[]> {
  const t = ctx.app.problemTable;
  const ids: number[] = [];
  for (let row = 0; row < t.size && ids.length < n; row++) {
    if (!(t.closedAt[row] >= from && t.closedAt[row] < to)) continue;
    const p = t.record(row);
    for (const kind of ['before', 'after'] as const) {
      const form = new FormData();
      form.append('kind', kind);
      form.append('file', new Blob([new Uint8Array(await drawDemoPhoto(p.category, kind, 0))], { type: 'image/jpeg' }), `${kind}.jpg`);
      const req = new Request('http://local/', { method: 'POST', body: form });
      const res = await ctx.app.inject({
        method: 'POST',
        url: `/api/problems/${p.id}/photos`,
        headers: { ...ctx.as.admin, origin: ORIGIN, 'content-type': req.headers.get('content-type') ?? '' },
        payload: Buffer.from(await req.arrayBuffer()),
      });
      if (res.statusCode !== 201) throw new Error(`photo of ${p.id}: ${res.statusCode} ${res.body}`);
    }
    ids.push(p.id);
  }
  return ids;
}
