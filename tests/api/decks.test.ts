import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SceneValue } from '../../server/schemas/decks.ts';
import { demoApp, ORIGIN } from '../helpers/demo.ts';

let ctx: Awaited<ReturnType<typeof demoApp>>;
beforeAll(async () => {
  ctx = await demoApp(3000);
});
afterAll(async () => ctx.close());

const scene = (id: string, over: Partial<SceneValue> = {}): SceneValue => ({
  id,
  title: '本月概况',
  caption: '',
  camera: null,
  map: { mode: 'heat', metric: 'rate' },
  filters: { period: { from: '2026-10-01', to: '2026-10-31' }, categories: [], community: null, grid: null },
  compareWith: null,
  outline: [],
  side: { kind: 'kpis', items: ['total', 'rate'] },
  notes: '先讲总体情况',
  ...over,
});

const send = (as: 'admin' | 'leader' | 'grid_manager', method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object, headers = {}) =>
  ctx.app.inject({ method, url, payload, headers: { ...ctx.as[as], origin: ORIGIN, ...headers } });

describe('presentation decks (演示文稿)', () => {
  it('an admin creates and saves a deck, version by version, with its author; a leader reads it; a stale save is refused', async () => {
    const made = await send('admin', 'POST', '/api/decks', {
      title: '10月创文工作通报',
      scenes: [scene('a'), scene('b', { side: { kind: 'chart', chart: 'trend' } })],
    });
    expect(made.statusCode, made.body).toBe(201);
    const deck = made.json();
    expect(deck).toMatchObject({ title: '10月创文工作通报', theme: 'light', version: 1, author: ctx.users.admin.displayName, url: `/present/${deck.id}` });
    expect(deck.scenes.map((s: SceneValue) => s.id)).toEqual(['a', 'b']);
    expect(made.headers.etag).toBe('"1"');

    const read = await send('leader', 'GET', `/api/decks/${deck.id}`);
    expect(read.json().scenes).toEqual(deck.scenes);
    // Reordered and saved against version 1.
    const saved = await send('admin', 'PUT', `/api/decks/${deck.id}`, { title: deck.title, scenes: [deck.scenes[1], deck.scenes[0]] }, { 'if-match': '"1"' });
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toMatchObject({ version: 2 });
    expect(saved.json().scenes.map((s: SceneValue) => s.id)).toEqual(['b', 'a']);
    // A second editor still on version 1 is told, and nothing is lost.
    const stale = await send('admin', 'PUT', `/api/decks/${deck.id}`, { title: '改名', scenes: [scene('c')] }, { 'if-match': '"1"' });
    expect(stale.json()).toMatchObject({ statusCode: 412, field: 'If-Match' });
    expect((await send('admin', 'PUT', `/api/decks/${deck.id}`, { title: '改名', scenes: [scene('c')] })).statusCode).toBe(428);
    expect((await send('leader', 'GET', `/api/decks/${deck.id}`)).json()).toMatchObject({ title: deck.title, version: 2 });
    const list = (await send('leader', 'GET', '/api/decks')).json().decks;
    expect(list.find((d: { id: number }) => d.id === deck.id)).toMatchObject({ scenes: 2, version: 2 });
  });

  it('names the field of what does not belong to the town, and refuses leaders’ and grid managers’ writes', async () => {
    const post = (scenes: SceneValue[]) => send('admin', 'POST', '/api/decks', { title: '测试', scenes });
    expect((await post([scene('a'), scene('a')])).json()).toMatchObject({ statusCode: 422, field: 'scenes/1/id' });
    expect((await post([scene('a', { filters: { period: null, categories: [], community: 'nowhere', grid: null } })])).json()).toMatchObject({
      statusCode: 422,
      field: 'scenes/0/filters/community',
    });
    expect((await post([scene('a', { filters: { period: null, categories: ['x'], community: null, grid: null } })])).json()).toMatchObject({
      field: 'scenes/0/filters/categories/0',
    });
    expect((await post([scene('a', { compareWith: { from: '2026-10-31', to: '2026-10-01' } })])).json()).toMatchObject({ field: 'scenes/0/compareWith/to' });
    expect((await post([scene('a', { side: { kind: 'case', problemId: 999999 } })])).json()).toMatchObject({ field: 'scenes/0/side/problemId' });
    expect((await post([scene('a', { outline: ['lizao', 'nowhere'] })])).json()).toMatchObject({ field: 'scenes/0/outline/1' });
    expect((await post([])).json()).toMatchObject({ statusCode: 400, field: 'scenes' });
    expect((await send('leader', 'POST', '/api/decks', { title: '测试', scenes: [scene('a')] })).statusCode).toBe(403);
    expect((await send('grid_manager', 'GET', '/api/decks')).statusCode).toBe(403);
    expect((await send('admin', 'GET', '/api/decks/999999')).statusCode).toBe(404);
  });

  it('deletes a deck (admin), audited', async () => {
    const made = (await send('admin', 'POST', '/api/decks', { title: '临时', scenes: [scene('a')] })).json();
    expect((await send('leader', 'DELETE', `/api/decks/${made.id}`)).statusCode).toBe(403);
    expect((await send('admin', 'DELETE', `/api/decks/${made.id}`)).statusCode).toBe(204);
    expect((await send('admin', 'GET', `/api/decks/${made.id}`)).statusCode).toBe(404);
    const rows = await ctx.accounts.audit({ action: 'deck.delete', limit: 5 });
    expect(rows[0]).toMatchObject({ objectType: 'deck', objectId: String(made.id) });
  });
});

describe('the generated monthly deck (月度创文工作通报)', () => {
  it('is made from the API’s answers for the month: its hotspots, 红黑榜, cases and recurrences', async () => {
    // Two problems closed in October get a before and an after photo (典型案例).
    const t = ctx.app.problemTable;
    const from = Date.parse('2026-10-01T00:00:00+08:00');
    const to = Date.parse('2026-11-01T00:00:00+08:00');
    const closed = Array.from({ length: t.size }, (_, r) => r)
      .filter((r) => t.closedAt[r] >= from && t.closedAt[r] < to)
      .sort((a, b) => t.closedAt[b] - t.closedAt[a] || t.id[b] - t.id[a]);
    const picked = [closed[3], closed[7]].map((r) => t.id[r]);
    for (const [i, id] of picked.entries()) {
      for (const kind of ['before', 'after'] as const) {
        await ctx.app.store.addPhoto({
          id: `${i}${kind === 'before' ? 'b' : 'a'}`.padEnd(64, '0'),
          problemId: id,
          kind,
          mime: 'image/jpeg',
          width: 8,
          height: 8,
          bytes: 10,
          lon: null,
          lat: null,
          createdAt: 1,
          createdBy: 't',
        });
      }
    }
    const res = await send('admin', 'POST', '/api/decks/generate', { month: '2026-10' });
    expect(res.statusCode, res.body).toBe(201);
    const deck = res.json();
    expect(deck.title).toBe('2026年10月创文工作通报');
    expect(deck.scenes.map((s: SceneValue) => s.id)).toEqual([
      'cover',
      'figures',
      'trend',
      'categories',
      'hotspot-1',
      'hotspot-2',
      'red-black',
      'overdue-units',
      'case-1',
      'case-2',
      'recurrences',
      'next',
    ]);
    const byId = (id: string) => deck.scenes.find((s: SceneValue) => s.id === id) as SceneValue;
    expect(byId('figures').filters.period).toEqual({ from: '2026-10-01', to: '2026-10-31' });
    expect(byId('trend').filters.period).toEqual({ from: '2025-11-01', to: '2026-10-31' });
    // The two hotspot scenes are /api/hotspots' top two for October, compared with September.
    const hot = (await send('leader', 'GET', '/api/hotspots?from=2026-10-01&to=2026-10-31')).json().hotspots;
    expect(hot.length).toBeGreaterThanOrEqual(2);
    for (const i of [0, 1]) {
      const s = byId(`hotspot-${i + 1}`);
      expect(s.camera?.center).toEqual(hot[i].center);
      expect(s.title).toContain(hot[i].name);
      expect(s.caption).toContain(`本月 ${hot[i].count} 件`);
      expect(s.compareWith).toEqual({ from: '2026-09-01', to: '2026-09-30' });
    }
    // 红黑榜 by the month's assessment scores, as /api/scores ranks them
    const rows = (await send('leader', 'GET', '/api/stats/communities?from=2026-10-01&to=2026-10-31')).json().communities as { recurrences: number }[];
    const assessed = (await send('leader', 'GET', '/api/scores?month=2026-10')).json();
    const nameOf = (id: string) => assessed.scores.find((x: { area: string }) => x.area === id);
    const caption = byId('red-black').caption;
    const [redPart, blackPart] = caption.split('；');
    expect(assessed.red).toHaveLength(3);
    expect(redPart).toBe(`红榜：${assessed.red.map((id: string) => `${nameOf(id).name} ${nameOf(id).score.toFixed(1)} 分`).join('、')}`);
    for (const id of assessed.black) expect(blackPart).toContain(`${nameOf(id).name} ${nameOf(id).score.toFixed(1)} 分（`);
    expect(byId('red-black').side).toEqual({ kind: 'chart', chart: 'scores' });
    // its map: the villages coloured by the same scores
    expect(byId('red-black').map).toEqual({ mode: 'grid', metric: 'score' });
    expect(byId('red-black').notes).toContain('一票否决');
    // The cases are the two photographed problems, most recently closed first.
    expect([byId('case-1').side, byId('case-2').side]).toEqual(picked.map((problemId) => ({ kind: 'case', problemId })));
    expect(byId('recurrences').caption).toContain(`本月反弹 ${rows.reduce((n, r) => n + r.recurrences, 0)} 件`);
    // No place is named by the generator: the names come from the data.
    const source = readFileSync('server/present/monthly-deck.ts', 'utf8');
    for (const c of ctx.app.townData.communities) expect(source).not.toContain(c.name);
    expect(source).not.toContain(ctx.app.townData.town.name);
  });

  it('refuses a month not begun, a malformed one, and callers other than admins', async () => {
    expect((await send('admin', 'POST', '/api/decks/generate', { month: '2027-01' })).json()).toMatchObject({ statusCode: 422, field: 'month' });
    expect((await send('admin', 'POST', '/api/decks/generate', { month: '2026-13' })).json()).toMatchObject({ statusCode: 400, field: 'month' });
    expect((await send('leader', 'POST', '/api/decks/generate', { month: '2026-10' })).statusCode).toBe(403);
  });
});
