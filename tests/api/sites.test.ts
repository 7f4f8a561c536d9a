import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoApp, ORIGIN } from '../helpers/demo.ts';

let ctx: Awaited<ReturnType<typeof demoApp>>;
const send = (method: 'POST' | 'GET' | 'PATCH' | 'DELETE', url: string, payload?: unknown, who: keyof typeof ctx.as = 'admin') =>
  ctx.app.inject({ method, url, headers: { ...ctx.as[who], ...(method !== 'GET' && { origin: ORIGIN }) }, payload: payload as never });

beforeAll(async () => {
  ctx = await demoApp(300);
});
afterAll(async () => ctx?.close());

describe('the key-site register (重点点位)', () => {
  let id = '';

  it('an admin adds a site: its village and grid follow from where it is, and the map has it', async () => {
    const grid = ctx.app.townData.grids.find((g) => g.communityId === 'dongnan') ?? ctx.app.townData.grids[0];
    const [lon, lat] = ctx.app.townData.communityById.get(grid.communityId)?.center ?? [0, 0];
    const res = await send('POST', '/api/sites', { name: '东南村新菜场', kind: '农贸市场', lon, lat, unitId: 'dept-market' });
    expect(res.statusCode, res.body).toBe(201);
    const site = res.json();
    id = site.id;
    expect(site).toMatchObject({ communityId: 'dongnan', communityName: '东南村', unitName: '镇市场监管分局', kind: '农贸市场' });
    expect(site.gridId).toBe(ctx.app.townData.gridIndex.locate(lon, lat));
    const map = (await send('GET', '/api/sites', undefined, 'display')).json();
    expect(map.features.find((f: { id: string }) => f.id === id)?.properties).toMatchObject({ name: '东南村新菜场', unitId: 'dept-market' });
    const register = (await send('GET', '/api/sites/register', undefined, 'leader')).json();
    expect(register.sites.map((s: { id: string }) => s.id)).toContain(id);
  });

  it('moves, renames and re-types a site; its checks stay with it', async () => {
    const round = await send('POST', '/api/inspections/rounds', {
      kind: 'supervision',
      name: '点位登记测试',
      startsOn: '2026-11-26',
      endsOn: '2026-11-30',
      team: [],
      deadline: 'category',
      sample: { mode: 'chosen', siteIds: [id] },
    });
    const detail = (await send('GET', `/api/inspections/rounds/${round.json().id}`)).json();
    const items = detail.sites[0].items.map((i: { code: string }) => ({ item: i.code, result: 'pass' }));
    expect((await send('POST', `/api/inspections/rounds/${round.json().id}/checks`, { siteId: id, items })).statusCode).toBe(201);
    const [lon, lat] = ctx.app.townData.communityById.get('lizao')?.center ?? [0, 0];
    const res = await send('PATCH', `/api/sites/${id}`, { name: '李灶新菜场', lon, lat, unitId: null });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id, name: '李灶新菜场', communityId: 'lizao', unitId: null, kind: '农贸市场' });
    const history = (await send('GET', `/api/sites/${id}/checks`, undefined, 'leader')).json();
    expect(history.site.name).toBe('李灶新菜场');
    expect(history.checks).toHaveLength(1);
    // and it cannot be deleted now: it has a check
    const del = await send('DELETE', `/api/sites/${id}`);
    expect(del.statusCode).toBe(409);
    expect(del.json().field).toBe('id');
    expect(ctx.app.townData.siteById.has(id)).toBe(true);
  });

  it('deletes a site nothing refers to', async () => {
    const [lon, lat] = ctx.app.townData.communityById.get('zhongdong')?.center ?? [0, 0];
    const made = (await send('POST', '/api/sites', { name: '临时点位', kind: '公园广场', lon, lat })).json();
    expect((await send('DELETE', `/api/sites/${made.id}`)).statusCode).toBe(204);
    expect(ctx.app.townData.siteById.has(made.id)).toBe(false);
    expect((await send('DELETE', `/api/sites/${made.id}`)).statusCode).toBe(404);
  });

  it('bad input names its field and changes nothing', async () => {
    const count = ctx.app.townData.sites.length;
    const bad = async (method: 'POST' | 'PATCH', url: string, payload: unknown, status: number, field: string) => {
      const res = await send(method, url, payload);
      expect(res.statusCode, res.body).toBe(status);
      expect(res.json().field).toBe(field);
    };
    await bad('POST', '/api/sites', { name: '外地', kind: '农贸市场', lon: 116.4, lat: 39.9 }, 422, 'lon');
    await bad('POST', '/api/sites', { name: '无此单位', kind: '农贸市场', lon: 120.37, lat: 33.35, unitId: 'nope' }, 422, 'unitId');
    await bad('POST', '/api/sites', { name: '无此类型', kind: '飞机场', lon: 120.37, lat: 33.35 }, 400, 'kind');
    await bad('POST', '/api/sites', { name: '  ', kind: '农贸市场', lon: 120.37, lat: 33.35 }, 400, 'name');
    await bad('PATCH', `/api/sites/${id}`, { lon: 200 }, 400, 'lon');
    expect((await send('PATCH', '/api/sites/nope', { name: 'x' })).statusCode).toBe(404);
    expect(ctx.app.townData.sites.length).toBe(count);
    expect(ctx.app.townData.siteById.get(id)?.name).toBe('李灶新菜场');
  });
});
