import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../server/app.ts';
import { DISPLAY_COOKIE, SESSION_COOKIE } from '../../server/auth/access.ts';
import { maskName, maskPhone } from '../../server/domain/personal-info.ts';
import type { ReporterRecord } from '../../server/store/records.ts';
import { DEMO_NOW, demoApp, ORIGIN, TEST_PASSWORD, tempAccounts } from '../helpers/demo.ts';

let ctx: Awaited<ReturnType<typeof demoApp>>;
let clock = DEMO_NOW;
/** Problems with a reporter, and what the store holds for them. */
const reporters = new Map<number, ReporterRecord>();

beforeAll(async () => {
  ctx = await demoApp(1500, { now: () => clock });
  for (let i = 0; i < ctx.app.problemTable.size; i++) {
    const id = ctx.app.problemTable.id[i];
    const r = await ctx.app.store.reporter(id);
    if (r) reporters.set(id, r);
  }
});
afterAll(async () => ctx.close());

const admin = () => ({ ...ctx.as.admin, origin: ORIGIN });

describe('personal information', () => {
  it('masks a phone as 138****5678 and a name to its surname', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('0515-8888123')).toBe('051****8123');
    expect(maskPhone('88881234')).toBe('88****34');
    expect(maskName('张建国')).toBe('张**');
    expect(maskName('李伟')).toBe('李*');
    expect(maskName('')).toBe('');
  });

  it('the demo holds reporters for public reports only', async () => {
    expect(reporters.size).toBeGreaterThan(100);
    for (const id of [...reporters.keys()].slice(0, 50)) expect((await ctx.app.store.problem(id))?.source).toBe('public_report');
    for (const r of reporters.values()) expect(r.phone).toMatch(/^1\d{10}$/);
  });

  it('is masked in every answer that carries a reporter, and absent from every other answer, for every role', async () => {
    const sample = [...reporters.entries()].slice(0, 40);
    const raw = (r: ReporterRecord) => [r.phone, r.phone.slice(3, 7), r.name];
    for (const role of ['admin', 'leader', 'grid_manager', 'unit'] as const) {
      for (const [id, r] of sample) {
        const res = await ctx.app.inject({ url: `/api/problems/${id}`, headers: ctx.as[role] });
        if (res.statusCode === 403) continue; // a unit reads its own problems only
        expect(res.json().properties.reporter).toEqual({ name: maskName(r.name), phone: maskPhone(r.phone) });
        for (const s of raw(r)) expect(res.body).not.toContain(s.length > 1 ? s : '\u0000');
      }
    }
    // The write answers the problem too: still masked.
    const [id, r] = sample[0];
    const version = (await ctx.app.store.problem(id))?.version;
    const put = await ctx.app.inject({
      method: 'PUT',
      url: `/api/problems/${id}/measure`,
      headers: { ...admin(), 'if-match': `"${version}"` },
      payload: { measure: '核实后清理' },
    });
    expect(put.statusCode).toBe(200);
    expect(put.json().properties.reporter.phone).toBe(maskPhone(r.phone));
    expect(put.body).not.toContain(r.phone);
    // Lists, points, statistics and hotspots never carry it, whoever asks (display devices included).
    const everything = ['/api/problems?limit=10000', '/api/problems/points', '/api/stats/summary', '/api/stats/grids', '/api/hotspots', '/api/audit?limit=500'];
    const bodies = await Promise.all(everything.map(async (url) => (await ctx.app.inject({ url, headers: ctx.as.admin })).rawPayload.toString('latin1')));
    const display = await ctx.app.inject({ url: '/api/problems/points', headers: ctx.as.display });
    bodies.push(display.rawPayload.toString('latin1'));
    for (const [, rep] of sample) for (const body of bodies) expect(body.includes(rep.phone)).toBe(false);
    expect((await ctx.app.inject({ url: `/api/problems/${id}`, headers: ctx.as.display })).statusCode).toBe(403);
  });

  it('is revealed to admins only, with an audit row naming who, from where and which problem', async () => {
    const [id, r] = [...reporters.entries()][3];
    expect((await ctx.app.inject({ url: `/api/problems/${id}/reporter`, headers: ctx.as.leader })).statusCode).toBe(403);
    const res = await ctx.app.inject({ url: `/api/problems/${id}/reporter`, headers: ctx.as.admin });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(r);
    expect(res.headers['cache-control']).toBe('no-store');
    const [entry] = await ctx.accounts.audit({ action: 'reveal', limit: 1 });
    expect(entry).toMatchObject({
      userId: ctx.users.admin.id,
      username: 'admin',
      address: '127.0.0.1',
      action: 'reveal',
      objectType: 'problem',
      objectId: String(id),
    });
    // A problem without a reporter: 404 that says so, and nothing audited.
    const none = ctx.app.problemTable.id.find((pid) => !reporters.has(pid)) as number;
    const before = (await ctx.accounts.audit({ action: 'reveal', limit: 500 })).length;
    expect((await ctx.app.inject({ url: `/api/problems/${none}/reporter`, headers: ctx.as.admin })).statusCode).toBe(404);
    expect((await ctx.accounts.audit({ action: 'reveal', limit: 500 })).length).toBe(before);
  });
});

describe('cross-site requests', () => {
  const tokenCall = (headers: Record<string, string>) => ctx.app.inject({ method: 'POST', url: '/api/display-tokens', headers, payload: { name: '跨站' } });

  it('refuses unsafe methods with a cookie and no Origin, or another site’s Origin', async () => {
    for (const headers of [{ ...ctx.as.admin }, { ...ctx.as.admin, origin: 'https://evil.example' }, { ...ctx.as.admin, origin: 'null' }]) {
      const res = await tokenCall(headers);
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ code: 'origin_mismatch', field: 'Origin' });
    }
    expect((await tokenCall(admin())).statusCode).toBe(201);
  });

  it('refuses a sign-in posted from another site, and lets reads through without Origin', async () => {
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      headers: { origin: 'https://evil.example' },
      payload: { username: 'admin', password: TEST_PASSWORD },
    });
    expect(res.statusCode).toBe(403);
    expect((await ctx.app.inject({ url: '/api/stats/summary', headers: ctx.as.admin })).statusCode).toBe(200);
  });

  it('sets cookies HttpOnly and SameSite=Strict, the display cookie too', async () => {
    const login = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'leader', password: TEST_PASSWORD } });
    expect(String(login.headers['set-cookie'])).toMatch(new RegExp(`^${SESSION_COOKIE}=[^;]+; Path=/; HttpOnly; SameSite=Strict$`));
    const secret = (await tokenCall(admin())).json().secret;
    const display = await ctx.app.inject({ method: 'POST', url: '/api/auth/display', payload: { token: secret } });
    expect(display.statusCode).toBe(200);
    expect(display.json()).toEqual({ user: null, display: { name: '跨站' } });
    expect(String(display.headers['set-cookie'])).toMatch(new RegExp(`^${DISPLAY_COOKIE}=${secret}; Max-Age=\\d+; Path=/; HttpOnly; SameSite=Strict$`));
  });
});

describe('headers and errors', () => {
  it('sends a CSP that MapLibre and deck.gl run under, and the other security headers, on pages and the API', async () => {
    for (const url of ['/', '/api/health', '/login']) {
      const res = await ctx.app.inject({ url });
      const csp = String(res.headers['content-security-policy']);
      expect(csp, url).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("worker-src 'self' blob:");
      expect(csp).toContain("img-src 'self' data: blob:");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-eval');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
    }
    expect((await ctx.app.inject({ url: '/api/stats/summary', headers: ctx.as.admin })).headers['cache-control']).toBe('private, no-store');
  });

  it('answers unknown routes with a JSON 404 and never shows a stack trace', async () => {
    const res = await ctx.app.inject({ url: '/api/nothing-here', headers: ctx.as.admin });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: 'not_found' });
    const bad = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"username":' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ field: 'body' });
    expect(bad.body).not.toMatch(/at \w+ \(|node_modules|\.ts:\d+/);
  });

  it('refuses a query number that coerces to Infinity with 400 naming it (fast-check found a 500 there)', async () => {
    for (const url of ['/api/audit?limit=1e309', '/api/problems?limit=1e309', '/api/events?lastEventId=1e309']) {
      const res = await ctx.app.inject({ url, headers: ctx.as.admin });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().field).toBe(url.includes('lastEventId') ? 'lastEventId' : 'limit');
    }
  });

  it('refuses a body over 1 MB with 413 naming the body', async () => {
    const res = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'x'.repeat(2_000_000), password: 'y' } });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ field: 'body' });
  });
});

describe('sessions and lockout over HTTP', () => {
  it('ends a session after 30 idle minutes, and not before', async () => {
    const login = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'leader', password: TEST_PASSWORD } });
    const cookie = `${SESSION_COOKIE}=${login.cookies[0].value}`;
    clock += 29 * 60_000;
    expect((await ctx.app.inject({ url: '/api/auth/me', headers: { cookie } })).statusCode).toBe(200);
    clock += 29 * 60_000; // 29 minutes after the last use: still alive
    expect((await ctx.app.inject({ url: '/api/auth/me', headers: { cookie } })).statusCode).toBe(200);
    clock += 31 * 60_000;
    expect((await ctx.app.inject({ url: '/api/auth/me', headers: { cookie } })).statusCode).toBe(401);
    clock = DEMO_NOW;
  });

  it('refuses one address after 5 failures, not the owner elsewhere; locks the name only from many addresses; an admin unlocks or resets', async () => {
    const login = (password: string, from: string) =>
      ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'unit', password }, remoteAddress: from });
    for (let i = 0; i < 4; i++) expect((await login('wrong', '10.9.0.1')).statusCode).toBe(401);
    const fifth = await login('wrong', '10.9.0.1');
    expect(fifth.statusCode).toBe(423);
    expect(fifth.json()).toMatchObject({ code: 'account_locked', field: 'username' });
    expect((await login(TEST_PASSWORD, '10.9.0.1')).statusCode).toBe(423);
    expect((await login(TEST_PASSWORD, '10.9.0.2')).statusCode).toBe(200);

    // Fifty failures from ten addresses lock the name for everyone: the admin page shows it.
    for (let a = 0; a < 10; a++) for (let i = 0; i < 5; i++) await login('wrong', `10.9.1.${a}`);
    const locked = await login(TEST_PASSWORD, '10.9.0.3');
    expect(locked.statusCode).toBe(423);
    expect(locked.json().message).toContain('多处');
    const list = (await ctx.app.inject({ url: '/api/users', headers: ctx.as.admin })).json().users;
    expect(list.find((u: { username: string }) => u.username === 'unit').lockedUntil).toMatch(/\+08:00$/);
    expect((await ctx.app.inject({ method: 'POST', url: `/api/users/${ctx.users.unit.id}/unlock`, headers: ctx.as.unit })).statusCode).toBe(403);
    const unlocked = await ctx.app.inject({ method: 'POST', url: `/api/users/${ctx.users.unit.id}/unlock`, headers: admin() });
    expect(unlocked.statusCode).toBe(200);
    expect(unlocked.json().user.lockedUntil).toBeNull();
    expect((await login(TEST_PASSWORD, '10.9.0.3')).statusCode).toBe(200);
    expect((await login(TEST_PASSWORD, '10.9.0.1')).statusCode).toBe(200);
    expect((await ctx.accounts.audit({ action: 'user.unlock', limit: 1 }))[0]).toMatchObject({ username: 'admin', objectId: String(ctx.users.unit.id) });
    expect((await ctx.accounts.audit({ action: 'lockout', limit: 20 })).map((r) => r.detail.scope)).toEqual(expect.arrayContaining(['source', 'account']));

    // A password reset unlocks too.
    for (let i = 0; i < 5; i++) await login('wrong', '10.9.0.4');
    const reset = await ctx.app.inject({ method: 'POST', url: `/api/users/${ctx.users.unit.id}/password`, headers: admin() });
    expect(reset.statusCode).toBe(200);
    expect((await login(reset.json().password, '10.9.0.4')).statusCode).toBe(200);
  });
});

describe('rate limits', () => {
  it('answer 429 with a reason once an address exceeds its budget on sign-in or on any route', async () => {
    const t = await tempAccounts();
    const app = await buildApp({
      store: t.store,
      accounts: t.accounts,
      photoDir: join(t.dir, 'photos'),
      now: () => DEMO_NOW,
      rateLimits: { perMinute: 30, loginPerMinute: 3 },
    });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        statuses.push((await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'nobody', password: 'x' } })).statusCode);
      }
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
      // Refused sign-ins leave a row each; other routes' 429s do not flood the log.
      expect((await t.accounts.audit({ action: 'rate_limited', limit: 10 })).map((r) => r.detail.url)).toEqual(['/api/auth/login', '/api/auth/login']);
      const health: number[] = [];
      for (let i = 0; i < 30; i++) health.push((await app.inject({ url: '/api/health' })).statusCode);
      // The other routes share one budget per address (sign-in counts apart): 30 reads pass, the
      // 31st is refused, on any route.
      expect(health.filter((s) => s === 200)).toHaveLength(30);
      const res = await app.inject({ url: '/api/auth/session' });
      expect(res.statusCode).toBe(429);
      expect(res.json()).toMatchObject({ code: 'rate_limited' });
      expect(res.json().message).toMatch(/请求过于频繁/);
    } finally {
      await app.close();
      await t.cleanup();
    }
  });
});
