import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../../server/auth/password.ts';
import { DEMO_NOW, demoApp, ORIGIN, TEST_PASSWORD } from '../helpers/demo.ts';

let ctx: Awaited<ReturnType<typeof demoApp>>;
let clock = DEMO_NOW;
beforeAll(async () => {
  ctx = await demoApp(200, { now: () => clock });
  await ctx.accounts.createUser(
    { username: 'wangge', displayName: '网格员', role: 'grid_manager', passwordHash: await hashPassword('Wangge#2026'), gridIds: ['lizao-01'] },
    clock,
  );
});
afterAll(async () => ctx.close());

const login = (username: string, password: string) => ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
const cookieOf = (res: { headers: Record<string, unknown> }) => String(res.headers['set-cookie'] ?? '');

describe('sign-in over HTTP', () => {
  it('sets an HttpOnly, SameSite=Strict session cookie and says who signed in, without secrets', async () => {
    const res = await login('wangge', 'Wangge#2026');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      user: { id: expect.any(Number), username: 'wangge', displayName: '网格员', role: 'grid_manager', unitId: null, gridIds: ['lizao-01'] },
      display: null,
    });
    const cookie = cookieOf(res);
    expect(cookie).toMatch(/^cw_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict$/);
    const me = await ctx.app.inject({ url: '/api/auth/me', headers: { cookie: cookie.split(';')[0] } });
    expect(me.statusCode).toBe(200);
    expect(me.json().user.username).toBe('wangge');
    // sign-out ends the session and clears the cookie
    const out = await ctx.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: cookie.split(';')[0], origin: ORIGIN } });
    expect(out.statusCode).toBe(204);
    expect(cookieOf(out)).toMatch(/^cw_session=; Max-Age=0; Path=\/; Expires=Thu, 01 Jan 1970/);
    expect((await ctx.app.inject({ url: '/api/auth/me', headers: { cookie: cookie.split(';')[0] } })).statusCode).toBe(401);
  });

  it('answers 401 for bad credentials and no session, 423 when locked, naming the field', async () => {
    const bad = await login('wangge', 'nope');
    expect(bad.statusCode).toBe(401);
    expect(bad.json()).toMatchObject({ code: 'bad_credentials', field: 'password', message: '用户名或密码错误' });
    expect(cookieOf(bad)).toBe('');
    expect((await ctx.app.inject({ url: '/api/auth/me' })).json()).toMatchObject({ statusCode: 401, code: 'unauthenticated' });
    for (let i = 0; i < 4; i++) await login('wangge', 'nope');
    const locked = await login('wangge', 'Wangge#2026');
    expect(locked.statusCode).toBe(423);
    expect(locked.json()).toMatchObject({ code: 'account_locked', field: 'username' });
    expect(locked.json().message).toContain('15:15'); // the fifth failure at DEMO_NOW, 15:00 Beijing time, locks for 15 minutes
    clock += 16 * 60_000;
    expect((await login('wangge', 'Wangge#2026')).statusCode).toBe(200);
  });

  it('refuses malformed bodies with 400 naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ username: 'wangge' }, 'password'],
      [{ username: '', password: 'x' }, 'username'],
      [{ username: 'wangge', password: 'x', admin: true }, 'admin'],
      [{ username: 'a'.repeat(65), password: 'x' }, 'username'],
    ];
    for (const [payload, field] of cases) {
      const res = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: payload as object });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().field).toBe(field);
    }
  });
});

describe('GET /api/audit', () => {
  const as = async (username: string, password: string) => cookieOf(await login(username, password)).split(';')[0];

  it('is for admins only: 401 without a session, 403 for other roles', async () => {
    expect((await ctx.app.inject({ url: '/api/audit' })).statusCode).toBe(401);
    const res = await ctx.app.inject({ url: '/api/audit', headers: { cookie: await as('wangge', 'Wangge#2026') } });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'forbidden' });
  });

  it('lists sign-ins newest first, filters by action and user, and pages', async () => {
    const cookie = await as('admin', TEST_PASSWORD);
    await login('wangge', 'wrong');
    const get = async (q: string) => (await ctx.app.inject({ url: `/api/audit${q}`, headers: { cookie } })).json();
    const all = await get('');
    expect(all.entries[0]).toMatchObject({ action: 'login_failed', username: 'wangge', address: '127.0.0.1', objectType: 'user' });
    expect(all.entries[0].at).toMatch(/\+08:00$/);
    for (let i = 1; i < all.entries.length; i++) expect(all.entries[i - 1].id).toBeGreaterThan(all.entries[i].id);
    const failed = await get('?action=login_failed');
    expect(failed.entries.length).toBeGreaterThan(0);
    expect(failed.entries.every((e: { action: string }) => e.action === 'login_failed')).toBe(true);
    const admin = (await ctx.accounts.userByName('admin'))?.id;
    // Two sign-ins: the test helper's and this test's.
    expect((await get(`?user=${admin}`)).entries.map((e: { action: string }) => e.action)).toEqual(['login', 'login']);
    const page1 = await get('?limit=2');
    expect(page1.entries).toHaveLength(2);
    const page2 = await get(`?limit=2&before=${page1.nextBefore}`);
    expect(page2.entries[0].id).toBeLessThan(page1.entries[1].id);
    const bad = await ctx.app.inject({ url: '/api/audit?from=2026-02-30', headers: { cookie } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('from');
  });
});

describe('display tokens', () => {
  it('are issued, listed and revoked by an admin, with audit rows; others get 401/403', async () => {
    const admin = cookieOf(await login('admin', TEST_PASSWORD)).split(';')[0];
    const other = cookieOf(await login('wangge', 'Wangge#2026')).split(';')[0];
    const call = (method: 'GET' | 'POST' | 'DELETE', url: string, cookie?: string, payload?: object) =>
      ctx.app.inject({ method, url, headers: cookie ? { cookie, origin: ORIGIN } : { origin: ORIGIN }, ...(payload ? { payload } : {}) });
    expect((await call('POST', '/api/display-tokens', undefined, { name: '大屏' })).statusCode).toBe(401);
    expect((await call('POST', '/api/display-tokens', other, { name: '大屏' })).statusCode).toBe(403);
    expect((await call('POST', '/api/display-tokens', admin, { name: '   ' })).json()).toMatchObject({ statusCode: 400, field: 'name' });

    const issued = await call('POST', '/api/display-tokens', admin, { name: '指挥中心大屏' });
    expect(issued.statusCode).toBe(201);
    const { token, secret, url } = issued.json();
    expect(url).toBe(`/wall?display=${secret}`);
    expect(token).toMatchObject({ name: '指挥中心大屏', revokedAt: null });
    expect(await ctx.accounts.liveDisplayToken(secret)).toBeNull(); // only the hash is stored
    const list = (await call('GET', '/api/display-tokens', admin)).json().tokens;
    expect(list.map((t: { id: number }) => t.id)).toContain(token.id);
    expect(JSON.stringify(list)).not.toContain(secret);

    expect((await call('DELETE', `/api/display-tokens/${token.id}`, other)).statusCode).toBe(403);
    expect((await call('DELETE', `/api/display-tokens/${token.id}`, admin)).statusCode).toBe(204);
    expect((await call('DELETE', `/api/display-tokens/${token.id}`, admin)).statusCode).toBe(404);
    expect((await call('DELETE', '/api/display-tokens/abc', admin)).json()).toMatchObject({ statusCode: 400, field: 'id' });
    const entries = (await call('GET', '/api/audit?limit=5', admin)).json().entries as { action: string; username: string | null; detail: { url?: string } }[];
    expect(
      entries
        .map((e) => e.action)
        .filter((a) => a !== 'access_denied')
        .slice(0, 2),
    ).toEqual(['display_token.revoke', 'display_token.issue']);
    // The refusal (403) is in the log too, with who asked for what.
    expect(entries.find((e) => e.action === 'access_denied')).toMatchObject({ detail: { url: `/api/display-tokens/${token.id}` } });
  });
});
