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
const post = (body: Buffer, who: keyof typeof ctx.as = 'admin') =>
  ctx.app.inject({
    method: 'POST',
    url: '/api/boundaries/dry-run',
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
