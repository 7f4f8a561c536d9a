import { area, featureCollection, union } from '@turf/turf';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffGrids } from '../../server/exchange/boundary-diff.ts';
import type { Area } from '../../server/exchange/read-boundaries.ts';
import type { GridRecord } from '../../server/store/records.ts';
import { demoApp } from '../helpers/demo.ts';

let ctx: Awaited<ReturnType<typeof demoApp>>;
let grids: GridRecord[];
const asArea = (g: GridRecord, name = g.name): Area => ({ type: 'Feature', geometry: g.geometry, properties: { 名称: name, 编号: g.id } });
const shape = (g: GridRecord): Feature<Polygon | MultiPolygon> => ({ type: 'Feature', geometry: g.geometry, properties: {} });

beforeAll(async () => {
  ctx = await demoApp(1500);
  grids = ctx.app.townData.grids;
});
afterAll(async () => ctx?.close());

describe('what new grid boundaries would change', () => {
  it('the same boundaries change nothing: no grid added, removed or reshaped, no problem moves, no overlap or gap', () => {
    const d = diffGrids(
      grids.map((g) => asArea(g)),
      grids,
      ctx.app.problemTable,
      [],
    );
    expect(d).toMatchObject({
      nameField: '名称',
      added: [],
      removed: [],
      reshaped: [],
      unchanged: grids.length,
      problemsMoving: 0,
      problemsOutside: 0,
      overlaps: [],
      gaps: [],
      unnamed: 0,
      duplicates: [],
    });
  });

  it('a grid gone, one grown over its neighbour, one new: each named, with the problems, accounts, overlaps and gaps it makes', () => {
    const t = ctx.app.problemTable;
    const count = (gridId: string) => Array.from({ length: t.size }, (_, i) => t.record(i).gridId).filter((g) => g === gridId).length;
    // an inner grid goes (its problems fall in none, and it leaves a hole); B grows over its neighbour C
    const inner = grids.find((g) => count(g.id) > 0 && g.name.includes('第3网格')) ?? grids[5];
    const [b, c] = grids.filter((g) => g.id !== inner.id && g.communityId === grids[0].communityId).slice(0, 2);
    const grown = union(featureCollection([shape(b), shape(c)]));
    const areas: Area[] = grids.filter((g) => g.id !== inner.id).map((g) => (g.id === b.id && grown ? { ...asArea(g), geometry: grown.geometry } : asArea(g)));
    // a new grid far outside the town
    areas.push({
      type: 'Feature',
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [121, 34],
            [121.01, 34],
            [121.01, 34.01],
            [121, 34.01],
            [121, 34],
          ],
        ],
      },
      properties: { 名称: '新建网格' },
    });
    const d = diffGrids(areas, grids, t, [
      { username: 'wang', gridIds: [inner.id, b.id] },
      { username: 'li', gridIds: [c.id] },
    ]);
    expect(d.added).toEqual(['新建网格']);
    expect(d.removed).toEqual([{ id: inner.id, name: inner.name }]);
    expect(d.reshaped.map((r) => r.name)).toEqual([b.name]);
    expect(d.reshaped[0].changedM2 / area(shape(c))).toBeCloseTo(1, 2);
    expect(d.unchanged).toBe(grids.length - 2);
    expect(d.problemsOutside).toBe(count(inner.id));
    // C's problems are inside B's new shape: which one holds them is ambiguous, and the overlap says so
    expect(d.overlaps).toHaveLength(1);
    expect(d.overlaps[0]).toMatchObject({ a: b.name, b: c.name });
    expect(d.overlaps[0].m2 / area(shape(c))).toBeCloseTo(1, 2);
    expect(d.gaps.length).toBeGreaterThanOrEqual(1);
    expect(Math.max(...d.gaps.map((g) => g.m2)) / area(shape(inner))).toBeCloseTo(1, 2);
    expect(d.assignmentsAffected).toEqual([{ username: 'wang', grids: [inner.name] }]);
  });

  it('areas without a name, or two with the same name, are counted: they cannot be matched', () => {
    const areas = [asArea(grids[0]), asArea(grids[1], grids[0].name), { ...asArea(grids[2]), properties: { 名称: '', 编号: grids[2].id } }];
    const d = diffGrids(areas, grids.slice(0, 3), ctx.app.problemTable, []);
    expect(d.duplicates).toEqual([grids[0].name]);
    expect(d.unnamed).toBe(1);
  });
});
