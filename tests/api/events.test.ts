import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DISPLAY_COOKIE, SESSION_COOKIE } from '../../server/auth/access.ts';
import { tokenHash } from '../../server/auth/auth-service.ts';
import { DEMO_NOW, demoApp, ORIGIN, TEST_PASSWORD } from '../helpers/demo.ts';

let ctx: Awaited<ReturnType<typeof demoApp>>;
let origin: string;

beforeAll(async () => {
  ctx = await demoApp(800);
  origin = await ctx.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => ctx.close());

interface Stream {
  status: number;
  /** Messages so far: `id`, `event`, parsed `data`. */
  messages: { id: number | null; event: string; data: Record<string, unknown> }[];
  raw: string;
  ended: Promise<void>;
  close(): void;
}

/** Opens /api/events over real HTTP and parses messages as they arrive. */
function open(headers: Record<string, string>, query = ''): Promise<Stream> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${origin}/api/events${query}`, { headers }, (res) => {
      const stream: Stream = {
        status: res.statusCode ?? 0,
        messages: [],
        raw: '',
        ended: new Promise((r) => res.on('end', () => r())),
        close: () => req.destroy(),
      };
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        stream.raw += chunk;
        buffer += chunk;
        let cut = buffer.indexOf('\n\n');
        while (cut >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const fields = Object.fromEntries(
            block
              .split('\n')
              .filter((l) => l && !l.startsWith(':'))
              .map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trim()]),
          );
          if (fields.data) stream.messages.push({ id: fields.id ? Number(fields.id) : null, event: fields.event ?? 'message', data: JSON.parse(fields.data) });
          cut = buffer.indexOf('\n\n');
        }
      });
      resolve(stream);
    });
    req.on('error', reject);
  });
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Sets a closed problem's measure (a change that any problem accepts) as admin; returns the problem id. */
async function change(id: number, measure: string): Promise<void> {
  const version = (await ctx.app.store.problem(id))?.version;
  const res = await ctx.app.inject({
    method: 'PUT',
    url: `/api/problems/${id}/measure`,
    headers: { ...ctx.as.admin, origin: ORIGIN, 'if-match': `"${version}"` },
    payload: { measure },
  });
  expect(res.statusCode).toBe(200);
}

describe('GET /api/events', () => {
  it('streams each change as it is committed, with the event id as the message id', async () => {
    const stream = await open(ctx.as.leader);
    expect(stream.status).toBe(200);
    await change(5, '限期清理');
    await until(() => stream.messages.length > 0, 'a change');
    const [m] = stream.messages;
    const last = (await ctx.app.store.events(5)).at(-1);
    expect(m).toMatchObject({ id: last?.id, event: 'change', data: { problemId: 5, action: 'measure', eventId: last?.id } });
    expect(JSON.stringify(m.data)).not.toMatch(/reporter|phone/);
    expect(stream.raw).toMatch(/^retry: \d+/);
    stream.close();
  });

  it('replays what a client missed after Last-Event-ID, in order, then continues live', async () => {
    const since = await ctx.app.store.lastEventId();
    await change(6, '第一次');
    await change(7, '第二次');
    const stream = await open({ ...ctx.as.leader, 'last-event-id': String(since) });
    await until(() => stream.messages.length >= 2, 'the replay');
    expect(stream.messages.map((m) => m.data.problemId)).toEqual([6, 7]);
    expect(stream.messages[0].id).toBeGreaterThan(since);
    await change(8, '第三次');
    await until(() => stream.messages.length >= 3, 'the live change');
    expect(stream.messages.map((m) => m.data.problemId)).toEqual([6, 7, 8]);
    const ids = stream.messages.map((m) => m.id as number);
    expect([...ids].sort((a, b) => a - b)).toEqual(ids);
    stream.close();
  });

  it('answers every role and a wall screen with a stream, nobody signed in with 401, and bad input with 400', async () => {
    for (const role of ['admin', 'leader', 'grid_manager', 'unit', 'display'] as const) {
      const s = await open(ctx.as[role]);
      expect(s.status, role).toBe(200);
      s.close();
    }
    for (const query of ['?lastEventId=-1', '?lastEventId=abc', '?other=1', `?lastEventId=${'9'.repeat(400)}`]) {
      const s = await open(ctx.as.leader, query);
      expect(s.status, query).toBe(400);
      await s.ended;
    }
  });

  it('is open to wall screens (aggregates, no personal information) and closed to nobody signed in', async () => {
    const secret = (
      await ctx.app.inject({ method: 'POST', url: '/api/display-tokens', headers: { ...ctx.as.admin, origin: ORIGIN }, payload: { name: '大屏' } })
    ).json().secret;
    const wall = await open({ cookie: `${DISPLAY_COOKIE}=${secret}` });
    expect(wall.status).toBe(200);
    wall.close();
    const anonymous = await open({});
    expect(anonymous.status).toBe(401);
  });

  it('tells open streams when an admin saved the wall settings, with no event id (resuming is unaffected)', async () => {
    const wall = await open(ctx.as.display);
    const saved = await ctx.app.inject({
      method: 'PUT',
      url: '/api/wall/config',
      headers: { ...ctx.as.admin, origin: ORIGIN },
      payload: { intervalSeconds: 30 },
    });
    expect(saved.statusCode).toBe(200);
    await until(() => wall.messages.some((m) => m.event === 'wall-config'), 'the wall-config notice');
    expect(wall.messages.find((m) => m.event === 'wall-config')).toEqual({ id: null, event: 'wall-config', data: {} });
    wall.close();
  });

  it('shows a unit the changes of its own problems only', async () => {
    const unitId = ctx.users.unit.unitId;
    const t = ctx.app.problemTable;
    let mine = 0;
    let theirs = 0;
    for (let i = 0; i < t.size; i++) {
      const p = t.record(i);
      if (!mine && p.unitId === unitId) mine = p.id;
      if (!theirs && p.unitId !== unitId) theirs = p.id;
    }
    const stream = await open(ctx.as.unit);
    await change(theirs, '别的单位');
    await change(mine, '本单位');
    await until(() => stream.messages.length >= 1, 'its own change');
    await new Promise((r) => setTimeout(r, 200));
    expect(stream.messages.map((m) => m.data.problemId)).toEqual([mine]);
    stream.close();
  });

  it('ends open streams when the server shuts down', async () => {
    const other = await demoApp(50);
    const base = await other.app.listen({ host: '127.0.0.1', port: 0 });
    const s = await new Promise<http.IncomingMessage>((resolve) => http.get(`${base}/api/events`, { headers: other.as.leader }, resolve));
    const ended = new Promise<void>((r) => s.on('end', () => r()).resume());
    await other.close();
    await ended;
  });
});

describe('an open stream lives only as long as its right to it', () => {
  const signIn = async (username: string) => {
    const res = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: TEST_PASSWORD }, remoteAddress: '10.3.0.1' });
    const c = res.cookies.find((x) => x.name === SESSION_COOKIE);
    if (!c) throw new Error(`sign-in failed: ${res.body}`);
    return c.value;
  };
  const spare = async (username: string) =>
    ctx.accounts.createUser({ username, displayName: username, role: 'leader', passwordHash: ctx.users.leader.passwordHash }, DEMO_NOW);
  const anId = () => ctx.app.problemTable.record(5).id;

  it('ends at sign-out', async () => {
    await spare('stream1');
    const token = await signIn('stream1');
    const s = await open({ cookie: `${SESSION_COOKIE}=${token}` });
    expect(s.status).toBe(200);
    const out = await ctx.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie: `${SESSION_COOKIE}=${token}`, origin: ORIGIN } });
    expect(out.statusCode).toBe(204);
    await s.ended;
  });

  it('ends when the account is disabled, and when its display token is revoked', async () => {
    const user = await spare('stream2');
    const s = await open({ cookie: `${SESSION_COOKIE}=${await signIn('stream2')}` });
    const off = await ctx.app.inject({
      method: 'PATCH',
      url: `/api/users/${user.id}`,
      headers: { ...ctx.as.admin, origin: ORIGIN },
      payload: { disabled: true },
    });
    expect(off.statusCode).toBe(200);
    await s.ended;

    const issued = await ctx.app.inject({
      method: 'POST',
      url: '/api/display-tokens',
      headers: { ...ctx.as.admin, origin: ORIGIN },
      payload: { name: '测试屏' },
    });
    const { token, secret } = issued.json();
    const wall = await open({ cookie: `${DISPLAY_COOKIE}=${secret}` });
    expect(wall.status).toBe(200);
    const revoked = await ctx.app.inject({ method: 'DELETE', url: `/api/display-tokens/${token.id}`, headers: { ...ctx.as.admin, origin: ORIGIN } });
    expect(revoked.statusCode).toBe(204);
    await wall.ended;
  });

  it('checks its session as messages go out: a session ended behind its back delivers nothing more', async () => {
    await spare('stream3');
    const token = await signIn('stream3');
    const s = await open({ cookie: `${SESSION_COOKIE}=${token}` });
    await change(anId(), '在会话结束前');
    await until(() => s.messages.length === 1, 'the first change');
    // Ended in the database alone (as an idle timeout or another server would): no notice to the stream.
    await ctx.accounts.deleteSession(tokenHash(token));
    await new Promise((r) => setTimeout(r, 1100));
    await change(anId(), '会话结束后');
    await s.ended;
    expect(s.messages).toHaveLength(1);
  });
});
