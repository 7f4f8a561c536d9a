import { statSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, redactUrl } from '../../server/app.ts';
import { SESSION_COOKIE } from '../../server/auth/access.ts';
import { SqliteStore } from '../../server/store/sqlite-store.ts';
import { DEMO_NOW, demoApp, ORIGIN, TEST_PASSWORD, tempStore } from '../helpers/demo.ts';

// The sign-in and session findings of issue 15 besides the lockout (tests/api/security.test.ts)
// and the event streams (tests/api/events.test.ts): each failed before its fix.

let ctx: Awaited<ReturnType<typeof demoApp>>;
beforeAll(async () => {
  ctx = await demoApp(600, { requestTimeoutMs: 1500 });
});
afterAll(async () => ctx.close());

const signIn = async (username: string, from: string) => {
  const res = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: TEST_PASSWORD }, remoteAddress: from });
  const c = res.cookies.find((x) => x.name === SESSION_COOKIE);
  if (!c) throw new Error(`sign-in failed: ${res.body}`);
  return `${SESSION_COOKIE}=${c.value}`;
};
const spare = (username: string, role: 'leader' | 'grid_manager' = 'leader') =>
  ctx.accounts.createUser(
    {
      username,
      displayName: username,
      role,
      passwordHash: ctx.users.leader.passwordHash,
      gridIds: role === 'grid_manager' ? ctx.users.grid_manager.gridIds : [],
    },
    DEMO_NOW,
  );

describe('sign-in attempts sent at once', () => {
  it('20 in parallel, one with the right password: at most 5 are verified, the rest refused, and the address is locked', async () => {
    await spare('parallel');
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        ctx.app.inject({
          method: 'POST',
          url: '/api/auth/login',
          payload: { username: 'parallel', password: i === 15 ? TEST_PASSWORD : `wrong${i}` },
          remoteAddress: '10.5.0.1',
        }),
      ),
    );
    const codes = answers.map((a) => a.statusCode);
    expect(codes.filter((c) => c === 401).length).toBeLessThanOrEqual(4);
    expect(codes.filter((c) => c === 423).length).toBeGreaterThanOrEqual(15);
    expect(codes).not.toContain(200);
    const after = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'parallel', password: TEST_PASSWORD },
      remoteAddress: '10.5.0.1',
    });
    expect(after.statusCode).toBe(423);
  });
});

describe('changing one’s own password', () => {
  it('refuses a weak new password whatever the current one (no oracle), counts wrong current ones and ends the session at the fifth', async () => {
    const user = await spare('changer');
    const cookie = await signIn('changer', '10.5.1.1');
    const change = (current: string, next: string) =>
      ctx.app.inject({ method: 'POST', url: '/api/auth/password', headers: { cookie, origin: ORIGIN }, payload: { current, next }, remoteAddress: '10.5.1.1' });
    const weakRight = await change(TEST_PASSWORD, 'short');
    const weakWrong = await change('not-it', 'short');
    expect([weakRight.statusCode, weakRight.json().code, weakRight.json().field]).toEqual([400, 'weak_password', 'next']);
    expect(weakWrong.json()).toEqual(weakRight.json());
    for (let i = 0; i < 4; i++) expect((await change(`guess${i}`, 'Strong-pass-2026')).json()).toMatchObject({ code: 'bad_credentials', field: 'current' });
    const fifth = await change('guess4', 'Strong-pass-2026');
    expect(fifth.statusCode).toBe(401);
    expect(fifth.json()).toMatchObject({ code: 'session_ended' });
    expect((await ctx.app.inject({ url: '/api/auth/me', headers: { cookie } })).statusCode).toBe(401);
    const rows = await ctx.accounts.audit({ limit: 20 });
    const mine = rows.filter((r) => r.userId === user.id).map((r) => r.action);
    expect(mine.filter((a) => a === 'password_change_failed')).toHaveLength(5);
    expect(mine).toContain('password_change_locked');
  });
});

describe('free text', () => {
  const report = (payload: Record<string, unknown>) => {
    const t = ctx.app.problemTable;
    let row = 0;
    while (!ctx.users.grid_manager.gridIds.includes(t.record(row).gridId)) row++;
    return ctx.app.inject({
      method: 'POST',
      url: '/api/problems',
      headers: { ...ctx.as.grid_manager, origin: ORIGIN },
      payload: { lon: t.lon[row], lat: t.lat[row], category: 'flyers', source: 'grid_patrol', ...payload },
    });
  };

  it('refuses text made only of invisible characters and lone surrogates, naming the field', async () => {
    for (const description of ['\u200b\u200b\u200b', ' \u2060\ufeff ', '\u202e']) {
      const res = await report({ description });
      expect([res.statusCode, res.json().field], JSON.stringify(description)).toEqual([400, 'description']);
    }
    const lone = await report({ description: `垃圾\ud800堆放` });
    expect(lone.json()).toMatchObject({ statusCode: 400, field: 'description', code: 'invalid_text' });
    const address = await report({ description: '垃圾堆放', address: '\u200b' });
    expect(address.statusCode).toBe(201);
  });

  it('removes control, bidi and escape characters, and turns separators into line breaks', async () => {
    const res = await report({ description: '路口\u202e垃圾\u0000堆放\u001b[31m\u2028第二行', address: '李灶\t菜场\u0007东门' });
    expect(res.statusCode).toBe(201);
    const p = res.json().problem.properties;
    expect(p.description).toBe('路口垃圾堆放[31m\n第二行');
    expect(p.address).toBe('李灶 菜场东门');
  });
});

describe('what wall screens may read', () => {
  it('gives a display device the grids without their managers’ names; a user still sees them', async () => {
    const asWall = (await ctx.app.inject({ url: '/api/grids', headers: ctx.as.display })).json();
    const asUser = (await ctx.app.inject({ url: '/api/grids', headers: ctx.as.leader })).json();
    expect(asWall.features.length).toBe(asUser.features.length);
    expect(asWall.features.some((f: { properties: Record<string, unknown> }) => 'manager' in f.properties)).toBe(false);
    expect(asUser.features.every((f: { properties: Record<string, unknown> }) => typeof f.properties.manager === 'string')).toBe(true);
    const stats = (await ctx.app.inject({ url: '/api/stats/grids', headers: ctx.as.display })).json().grids;
    expect(stats.some((g: Record<string, unknown>) => 'manager' in g)).toBe(false);
  });
});

describe('If-Match and the answers to it', () => {
  it('matches only the strong ETag as sent: W/"v" and "0v" are stale (412), a missing one 428, each with its status text', async () => {
    const id = ctx.app.problemTable.record(3).id;
    const version = (await ctx.app.store.problem(id))?.version;
    const put = (ifMatch?: string) =>
      ctx.app.inject({
        method: 'PUT',
        url: `/api/problems/${id}/measure`,
        headers: { ...ctx.as.admin, origin: ORIGIN, ...(ifMatch === undefined ? {} : { 'if-match': ifMatch }) },
        payload: { measure: '每日巡查' },
      });
    for (const tag of [`W/"${version}"`, `"0${version}"`]) {
      const res = await put(tag);
      expect([res.statusCode, res.json().error, res.json().code], tag).toEqual([412, 'Precondition Failed', 'version_conflict']);
    }
    const missing = await put();
    expect([missing.statusCode, missing.json().error]).toEqual([428, 'Precondition Required']);
    expect((await put(`"${version}"`)).statusCode).toBe(200);
  });
});

describe('logs and files', () => {
  it('keeps the display secret out of logged URLs', async () => {
    expect(redactUrl('/wall?display=abc123&tour=5')).toBe('/wall?display=[redacted]&tour=5');
    const lines: string[] = [];
    const t = tempStore();
    await t.store.load((await import('../../scripts/demo/generate.ts')).generateDemo({ seed: 1, count: 50, endMs: DEMO_NOW }));
    const { SqliteAccountStore } = await import('../../server/store/sqlite-account-store.ts');
    const app = await buildApp({
      store: t.store,
      accounts: new SqliteAccountStore(t.store.db),
      photoDir: join(t.dir, 'photos'),
      logger: { level: 'info', stream: { write: (line: string) => lines.push(line) } },
    });
    try {
      await app.inject({ url: '/wall?display=SECRET-TOKEN-42' });
      await app.inject({ url: '/api/health?token=SECRET-TOKEN-43' });
      const log = lines.join('');
      expect(log).toContain('/wall?display=[redacted]');
      expect(log).not.toContain('SECRET-TOKEN');
    } finally {
      await app.close();
      await t.cleanup();
    }
  });

  it('creates the database file readable by its owner alone (0600), and its WAL and shared-memory files too', async () => {
    const t = tempStore();
    try {
      const path = join(t.dir, 'fresh.db');
      const store = new SqliteStore(path);
      store.db.prepare('CREATE TABLE IF NOT EXISTS probe (x)').run();
      store.db.prepare('INSERT INTO probe VALUES (1)').run();
      for (const f of [path, `${path}-wal`, `${path}-shm`]) expect((statSync(f).mode & 0o777).toString(8), f).toBe('600');
      await store.close();
    } finally {
      await t.cleanup();
    }
  });

  it('drops a request whose body has not arrived whole within the request timeout', async () => {
    const origin = new URL(await ctx.app.listen({ host: '127.0.0.1', port: 0 }));
    const socket = net.connect(Number(origin.port), origin.hostname);
    const started = Date.now();
    const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now() - started)));
    socket.on('error', () => undefined);
    socket.write(`POST /api/auth/login HTTP/1.1\r\nHost: ${origin.host}\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{"username":"admin",`);
    // A byte every 300 ms keeps the socket busy, so only the request timeout (1.5 s here, 30 s in production) can end it.
    const drip = setInterval(() => socket.write(' '), 300);
    const after = await Promise.race([closed, new Promise<number>((r) => setTimeout(() => r(-1), 8000))]);
    clearInterval(drip);
    socket.destroy();
    expect(after, 'dropped').toBeGreaterThan(0);
    expect(after).toBeLessThan(4000);
  });
});
