import { bbox, bboxClip, difference, featureCollection, union } from '@turf/turf';
import type { MultiPolygon, Polygon } from 'geojson';
import proj4 from 'proj4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoApp, ORIGIN } from '../helpers/demo.ts';
import { EPSG_4549_PRJ, polygonShapefile } from '../helpers/shapefile-fixture.ts';

let ctx: Awaited<ReturnType<typeof demoApp>>;
const BOUNDARY = 'boundary-test';
const form = (file: Buffer, name: string, choices?: unknown) =>
  Buffer.concat([
    ...(choices === undefined ? [] : [Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="choices"\r\n\r\n${JSON.stringify(choices)}\r\n`)]),
    Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: application/octet-stream\r\n\r\n`),
    file,
    Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
  ]);
const post = (body: Buffer, who: keyof typeof ctx.as = 'admin', url = '/api/boundaries/dry-run') =>
  ctx.app.inject({
    method: 'POST',
    url,
    headers: { ...ctx.as[who], origin: ORIGIN, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
    payload: body,
  });

beforeAll(async () => {
  ctx = await demoApp(1000);
});
afterAll(async () => ctx?.close());

describe('new grid boundaries, checked before anything is written', () => {
  it('the bureau’s shapefile (EPSG:4549, GBK, no .cpg) without one of the grid manager’s grids: named, with its problems and the account', async () => {
    const town = ctx.app.townData;
    const gone = ctx.users.grid_manager.gridIds[0];
    const toGk = proj4('EPSG:4326', EPSG_4549_PRJ);
    const polygons = town.grids
      .filter((g) => g.id !== gone)
      .map((g) => ({
        rings: (g.geometry.type === 'Polygon' ? g.geometry.coordinates : g.geometry.coordinates[0]).map((r) =>
          r.map((p) => toGk.forward(p) as [number, number]),
        ),
        attributes: { 网格名称: g.name },
      }));
    const res = await post(form(await polygonShapefile(polygons, { prj: EPSG_4549_PRJ, encoding: 'gbk', cpg: null }), '网格.zip'));
    expect(res.statusCode, res.body).toBe(200);
    const r = res.json();
    expect(r.file).toMatchObject({ name: '网格.zip', format: 'shapefile', crs: 'CGCS2000_3_Degree_GK_CM_120E', encoding: 'GBK（无 .cpg，按内容判断）' });
    expect(r.areas).toBe(town.grids.length - 1);
    expect(r.diff).toMatchObject({ nameField: '网格名称', added: [], removed: [{ id: gone, name: town.gridById.get(gone)?.name }], reshaped: [] });
    const t = ctx.app.problemTable;
    const inGone = Array.from({ length: t.size }, (_, i) => t.record(i)).filter((p) => p.gridId === gone).length;
    expect(r.diff.problemsOutside).toBe(inGone);
    expect(r.diff.problemsMoving).toBe(0);
    expect(r.diff.assignmentsAffected).toEqual([{ username: 'grid_manager', grids: [town.gridById.get(gone)?.name] }]);
    // nothing was written
    expect(ctx.app.townData.grids.some((g) => g.id === gone)).toBe(true);
  });

  it('bad files and choices are refused naming the field; only admins', async () => {
    const notShp = await post(form(Buffer.from('这不是边界'), 'a.txt'));
    expect(notShp.statusCode).toBe(422);
    expect(notShp.json().field).toBe('file');
    const points = { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'Point', coordinates: [120.36, 33.35] }, properties: {} }] };
    const none = await post(form(Buffer.from(JSON.stringify(points)), 'a.geojson'));
    expect(none.statusCode).toBe(422);
    expect(none.json().message).toContain('没有面');
    const g = ctx.app.townData.grids[0];
    const one = { type: 'FeatureCollection', features: [{ type: 'Feature', geometry: g.geometry, properties: { name: g.name } }] };
    const bad = await post(form(Buffer.from(JSON.stringify(one)), 'a.geojson', { nameField: '编号' }));
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('choices.nameField');
    expect((await post(form(Buffer.from(JSON.stringify(one)), 'a.geojson'), 'leader')).statusCode).toBe(403);
  });
});

describe('new grid boundaries, committed', () => {
  const feature = (geometry: Polygon | MultiPolygon, name: string) => ({ type: 'Feature', geometry, properties: { 网格名称: name } });
  const geojson = (features: unknown[]) => Buffer.from(JSON.stringify({ type: 'FeatureCollection', features }));
  const rows = () => {
    const t = ctx.app.problemTable;
    return Array.from({ length: t.size }, (_, i) => t.record(i));
  };
  const statusCounts = () =>
    Object.fromEntries(['reported', 'open', 'in_progress', 'awaiting_verification', 'closed'].map((s) => [s, rows().filter((p) => p.status === s).length]));

  it('a file that would leave problems in no grid is refused, and says so in the check; nothing written', async () => {
    const town = ctx.app.townData;
    const gone = town.grids[3];
    const file = geojson(town.grids.filter((g) => g !== gone).map((g) => feature(g.geometry, g.name)));
    const check = (await post(form(file, 'a.geojson'))).json();
    expect(check.commit.allowed).toBe(false);
    expect(check.commit.refused.join()).toContain('不在任何新网格内');
    const before = JSON.stringify(rows());
    const res = await post(form(file, 'a.geojson'), 'admin', '/api/boundaries');
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ code: 'boundaries_refused', field: 'file' });
    expect(JSON.stringify(rows())).toBe(before);
    expect(ctx.app.townData.grids).toHaveLength(town.grids.length);
  });

  it('the bureau merges the grid manager’s grid into its neighbour and splits another: problems and sites re-derive grid and village, one event each, nothing lost; a restart sees the same', async () => {
    const town = ctx.app.townData;
    const gone = town.gridById.get(ctx.users.grid_manager.gridIds[0]);
    if (!gone) throw new Error('no grid');
    // the neighbour: a grid of the same village whose union with it is one polygon
    const merged = town.grids
      .filter((g) => g !== gone && g.communityId === gone.communityId)
      .map((g) => ({ g, u: union(featureCollection([feature(gone.geometry, ''), feature(g.geometry, '')] as never)) }))
      .find((x) => x.u?.geometry.type === 'Polygon');
    if (!merged?.u) throw new Error('no neighbour');
    const neighbour = merged.g;
    // the busiest grid of another village
    const split = town.grids
      .filter((g) => g.communityId !== gone.communityId)
      .map((g) => ({ g, n: rows().filter((p) => p.gridId === g.id).length }))
      .sort((a, b) => b.n - a.n)[0].g;
    const [w, s, e, n] = bbox(split.geometry);
    const mid = (w + e) / 2;
    const west = bboxClip(feature(split.geometry, '') as never, [w - 1, s - 1, mid, n + 1]).geometry as Polygon;
    const east = bboxClip(feature(split.geometry, '') as never, [mid, s - 1, e + 1, n + 1]).geometry as Polygon;
    const features = town.grids
      .filter((g) => g !== gone)
      .map((g) => (g === neighbour ? feature(merged.u?.geometry as Polygon, g.name) : g === split ? feature(west, g.name) : feature(g.geometry, g.name)));
    features.push(feature(east, `${split.name}东`));
    const file = geojson(features);

    const before = rows();
    const counts = statusCounts();
    const inGone = before.filter((p) => p.gridId === gone.id);
    const eastOfSplit = before.filter((p) => p.gridId === split.id && p.lon > mid);
    expect(inGone.length).toBeGreaterThan(0);
    expect(eastOfSplit.length).toBeGreaterThan(0);

    const check = (await post(form(file, '网格调整.geojson'))).json();
    expect(check.commit).toEqual({ allowed: true, refused: [] });
    expect(check.diff.problemsMoving).toBe(inGone.length + eastOfSplit.length);
    const changes = Object.fromEntries(
      check.preview.features.map((f: { properties: { name: string; change: string } }) => [f.properties.name, f.properties.change]),
    );
    expect(changes).toMatchObject({ [gone.name]: 'removed', [neighbour.name]: 'reshaped', [split.name]: 'reshaped', [`${split.name}东`]: 'added' });

    const res = await post(form(file, '网格调整.geojson'), 'admin', '/api/boundaries');
    expect(res.statusCode, res.body).toBe(200);
    const done = res.json();
    expect(done).toMatchObject({
      kind: 'grid',
      areas: town.grids.length,
      added: [`${split.name}东`],
      removed: [gone.name],
      problemsMoved: inGone.length + eastOfSplit.length,
      assignmentsRemoved: [{ username: 'grid_manager', grid: gone.name }],
    });

    // nothing lost, statuses as they were, every problem in a grid that exists
    const after = rows();
    expect(after.map((p) => p.id)).toEqual(before.map((p) => p.id));
    expect(statusCounts()).toEqual(counts);
    const ids = new Set(ctx.app.townData.grids.map((g) => g.id));
    expect(after.every((p) => ids.has(p.gridId) && ctx.app.townData.gridById.get(p.gridId)?.communityId === p.communityId)).toBe(true);
    expect(ids.has(gone.id)).toBe(false);
    const added = ctx.app.townData.grids.find((g) => g.name === `${split.name}东`);
    expect(added?.id).toMatch(new RegExp(`^${split.communityId}-\\d{2}$`));
    for (const p of inGone) expect(after.find((q) => q.id === p.id)?.gridId).toBe(neighbour.id);
    for (const p of eastOfSplit) expect(after.find((q) => q.id === p.id)?.gridId).toBe(added?.id);
    expect(ctx.app.townData.sites.every((x) => ids.has(x.gridId))).toBe(true);

    // the history says it, once per moved problem
    const card = await ctx.app.inject({ method: 'GET', url: `/api/problems/${inGone[0].id}`, headers: ctx.as.admin });
    expect(card.statusCode, card.body).toBe(200);
    const regrids = card.json().properties.history.filter((h: { action: string }) => h.action === 'regrid');
    expect(regrids).toHaveLength(1);
    expect(regrids[0].note).toBe(`网格边界更新（网格调整.geojson）：${gone.name} → ${neighbour.name}`);
    const unmoved = after.find((p) => p.gridId !== neighbour.id && p.gridId !== added?.id) as (typeof after)[number];
    expect(unmoved.version).toBe(before.find((p) => p.id === unmoved.id)?.version);

    // the grid manager lost the grid that went; the map's grids are the new ones
    expect((await ctx.accounts.listUsers()).find((u) => u.username === 'grid_manager')?.gridIds).not.toContain(gone.id);
    const grids = (await ctx.app.inject({ method: 'GET', url: '/api/grids', headers: ctx.as.leader })).json();
    expect(grids.features.map((f: { properties: { name: string } }) => f.properties.name).sort()).toEqual(ctx.app.townData.grids.map((g) => g.name).sort());
    const audit = await ctx.accounts.audit({ action: 'boundaries.commit', limit: 10 });
    expect(JSON.stringify(audit)).toContain('网格调整.geojson');

    // the same file again changes nothing
    const again = (await post(form(file, '网格调整.geojson'), 'admin', '/api/boundaries')).json();
    expect(again).toMatchObject({ added: [], removed: [], problemsMoved: 0 });

    // what the running server holds is what a restart reads from the store
    const stats = (await ctx.app.inject({ method: 'GET', url: '/api/stats/grids', headers: ctx.as.leader })).json();
    const held = JSON.stringify(rows());
    await ctx.restart();
    expect(JSON.stringify(rows())).toBe(held);
    expect((await ctx.app.inject({ method: 'GET', url: '/api/stats/grids', headers: ctx.as.leader })).json()).toEqual(stats);
  });
});

describe('new village boundaries, committed', () => {
  const village = (geometry: Polygon | MultiPolygon, name: string) => ({ type: 'Feature', geometry, properties: { 村名: name } });
  const file = (features: unknown[]) => Buffer.from(JSON.stringify({ type: 'FeatureCollection', features }));
  const asVillages = (body: Buffer, url = '/api/boundaries/dry-run') => post(form(body, '村界.geojson', { kind: 'community' }), 'admin', url);

  it('a border moves: the grid that crosses it goes to the other village, its problems and sites follow with an event each', async () => {
    const town = ctx.app.townData;
    const t = ctx.app.problemTable;
    const rows = () => Array.from({ length: t.size }, (_, i) => t.record(i));
    // a grid of one village at its border with another, busy with problems
    const pick = town.grids
      .map((g) => {
        const from = town.communityById.get(g.communityId);
        const to = town.communities.find(
          (c) => c !== from && union(featureCollection([village(c.geometry, ''), village(g.geometry, '')] as never))?.geometry.type === 'Polygon',
        );
        return { g, from, to, n: rows().filter((p) => p.gridId === g.id).length };
      })
      .filter((x) => x.from && x.to && x.n > 0)
      .sort((a, b) => b.n - a.n)[0];
    const { g, from, to } = pick as { g: (typeof town.grids)[number]; from: (typeof town.communities)[number]; to: (typeof town.communities)[number] };
    const grown = union(featureCollection([village(to.geometry, ''), village(g.geometry, '')] as never))?.geometry as Polygon;
    const shrunk = difference(featureCollection([village(from.geometry, ''), village(g.geometry, '')] as never))?.geometry as Polygon | MultiPolygon;
    const features = town.communities.map((c) => village(c === to ? grown : c === from ? shrunk : c.geometry, c.name));
    const moving = rows().filter((p) => p.gridId === g.id);

    const check = (await asVillages(file(features))).json();
    expect(check.kind).toBe('community');
    expect(check.diff).toMatchObject({ nameField: '村名', added: [], removed: [], problemsMoving: moving.length });
    expect(check.diff.reshaped.map((r: { name: string }) => r.name).sort()).toEqual([from.name, to.name].sort());
    expect(check.commit).toEqual({ allowed: true, refused: [] });

    const res = await asVillages(file(features), '/api/boundaries');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ kind: 'community', areas: town.communities.length, added: [], removed: [], problemsMoved: moving.length });
    expect(ctx.app.townData.gridById.get(g.id)?.communityId).toBe(to.id);
    for (const p of moving) expect(rows().find((q) => q.id === p.id)?.communityId).toBe(to.id);
    expect(ctx.app.townData.sites.filter((x) => x.gridId === g.id).every((x) => x.communityId === to.id)).toBe(true);
    const card = (await ctx.app.inject({ url: `/api/problems/${moving[0].id}`, headers: ctx.as.admin })).json();
    expect(card.properties.history.at(-1)).toMatchObject({ action: 'regrid', note: `村居边界更新（村界.geojson）：${from.name} → ${to.name}` });
    // the village statistics follow
    const stats = (await ctx.app.inject({ url: '/api/stats/communities?sort=id', headers: ctx.as.leader })).json().communities;
    const count = (id: string) => rows().filter((p) => p.communityId === id).length;
    expect(stats.find((c: { id: string }) => c.id === to.id).total).toBe(count(to.id));
    expect(stats.find((c: { id: string }) => c.id === from.id).total).toBe(count(from.id));
  });

  it('a village still named by a unit cannot go; grids left in no village are named; nothing written', async () => {
    const town = ctx.app.townData;
    const gone = town.communities.find((c) => town.units.some((u) => u.communityId === c.id)) as (typeof town.communities)[number];
    const features = town.communities.filter((c) => c !== gone).map((c) => village(c.geometry, c.name));
    const before = JSON.stringify(town.communities.map((c) => c.id));
    const res = await asVillages(file(features), '/api/boundaries');
    expect(res.statusCode).toBe(422);
    expect(res.json().message).toContain(`村居“${gone.name}”仍被责任单位`);
    expect(res.json().message).toContain('不在任何新村居内');
    expect(JSON.stringify(ctx.app.townData.communities.map((c) => c.id))).toBe(before);
  });
});
