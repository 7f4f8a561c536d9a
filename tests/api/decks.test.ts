import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SceneValue } from '../../server/schemas/decks.ts';
import { demoApp, ORIGIN } from '../helpers/demo.ts';

let ctx: Awaited<ReturnType<typeof demoApp>>;
beforeAll(async () => {
  ctx = await demoApp(600);
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
