import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distanceKm } from '../../server/domain/geometry.ts';
import { DEMO_NOW, demoApp, ORIGIN } from '../helpers/demo.ts';

let ctx: Awaited<ReturnType<typeof demoApp>>;
beforeAll(async () => {
  ctx = await demoApp(600, { patrols: true });
});
afterAll(async () => ctx.close());

interface GridRow {
  gridId: string;
  lastPatrolledAt: string | null;
  daysSince: number | null;
  patrols: number;
  meters: number;
  roadMeters: number;
  coveredMeters: number;
  share: number;
  fixes: number;
}
const read = async (as: 'admin' | 'leader' | 'display' | 'grid_manager' | 'unit' = 'leader', query = '') =>
  ctx.app.inject({ url: `/api/stats/coverage${query}`, headers: ctx.as[as] });

describe('GET /api/stats/coverage (巡查覆盖)', () => {
  it('shows the demo’s gaps: most grids walked this week, some not for days, a few never; key sites visited or not', async () => {
    const res = await read();
    expect(res.statusCode).toBe(200);
    const c = res.json();
    expect(c).toMatchObject({ days: 7, reachMeters: 30, lookbackDays: 60 });
    expect(c.grids).toHaveLength(ctx.app.townData.grids.length);
    const rows = c.grids as GridRow[];
    const walked = rows.filter((g) => g.patrols > 0);
    const lapsed = rows.filter((g) => g.patrols === 0 && g.daysSince !== null);
    const never = rows.filter((g) => g.daysSince === null);
    expect(walked.length / rows.length).toBeGreaterThan(0.5);
    expect(lapsed.length).toBeGreaterThan(3);
    expect(never.length).toBeGreaterThan(3);
    for (const g of lapsed) expect(g.daysSince).toBeGreaterThanOrEqual(7);
    for (const g of rows) {
      expect(g.share).toBeGreaterThanOrEqual(0);
      expect(g.share).toBeLessThanOrEqual(1);
      expect(g.coveredMeters).toBeLessThanOrEqual(g.roadMeters);
      if (g.patrols === 0) expect(g.meters).toBe(0);
    }
    expect(c.totals.gridsPatrolled).toBe(walked.length);
    expect(c.totals.share).toBeGreaterThan(0.05);
    expect(c.totals.share).toBeLessThan(0.95);
    expect(c.totals.sitesVisited).toBeGreaterThan(0);
    expect(c.totals.sitesVisited).toBeLessThan(c.totals.sites);
    // A longer window covers at least as much.
    const month = (await read('leader', '?days=21')).json();
    expect(month.totals.share).toBeGreaterThanOrEqual(c.totals.share);
    expect(month.totals.gridsPatrolled).toBeGreaterThanOrEqual(c.totals.gridsPatrolled);
  });

  it('counts a planted walk along a never-patrolled grid’s road: last patrolled today, its metres, its share', async () => {
    const before = (await read()).json().grids as GridRow[];
    const town = ctx.app.townData;
    const g = town.roadGraph;
    // The longest stretch of road inside a grid never walked: a chain of nodes inside it.
    const target = before.filter((r) => r.daysSince === null && r.roadMeters > 500).sort((a, b) => b.roadMeters - a.roadMeters)[0];
    expect(target).toBeDefined();
    const inside = (i: number) => town.gridIndex.locate(g.lon[i], g.lat[i]) === target.gridId;
    const nodes = Array.from({ length: g.nodeCount }, (_, i) => i).filter(inside);
    const a = g.snap(g.lon[nodes[0]], g.lat[nodes[0]]);
    const r = g.reach(a as NonNullable<typeof a>);
    const far = nodes.filter((i) => Number.isFinite(r.dist[i])).sort((x, y) => r.dist[y] - r.dist[x])[0];
    const line = g.path(r, g.snap(g.lon[far], g.lat[far]) as NonNullable<typeof a>);
    const meters = line.slice(1).reduce((s, p, i) => s + distanceKm(line[i], p) * 1000, 0);
    expect(meters).toBeGreaterThan(100);
    // The walk, a point every 10 s at 4.5 km/h (12.5 m apart: none thinned away).
    const start = DEMO_NOW - 2 * 3600_000;
    const points: { lon: number; lat: number; at: number }[] = [];
    let t = start;
    for (let i = 1; i < line.length; i++) {
      const n = Math.max(1, Math.round((distanceKm(line[i - 1], line[i]) * 1000) / 12.5));
      for (let k = i === 1 ? 0 : 1; k <= n; k++) {
        points.push({ lon: line[i - 1][0] + ((line[i][0] - line[i - 1][0]) * k) / n, lat: line[i - 1][1] + ((line[i][1] - line[i - 1][1]) * k) / n, at: t });
        t += 10_000;
      }
    }
    const id = '00000000-0000-4000-a000-00000000c0de';
    await ctx.app.store.patrols.start({ id, userId: ctx.users.admin.id, actor: '测试', gridIds: [target.gridId], mode: 'walk', startedAt: start });
    // Points closer than 10 m (at short road pieces) are thinned away: nearly all are kept.
    expect(await ctx.app.store.patrols.addPoints(id, points)).toBeGreaterThan(points.length * 0.9);
    const after = ((await read()).json().grids as GridRow[]).find((x) => x.gridId === target.gridId) as GridRow;
    expect(after.patrols).toBe(1);
    expect(after.daysSince).toBe(0);
    expect(after.lastPatrolledAt?.slice(0, 10)).toBe('2026-11-27');
    // Metres walked inside it: the walk, but for bits whose middle falls just outside the grid.
    expect(after.meters).toBeGreaterThan(meters * 0.8);
    expect(after.meters).toBeLessThanOrEqual(Math.ceil(meters) + 1);
    // The walked road is covered (a piece counts by 5 m samples) and the rest of the grid's roads are not all.
    expect(after.coveredMeters).toBeGreaterThan(meters * 0.8);
    expect(after.share).toBeCloseTo(after.coveredMeters / after.roadMeters, 2);
    const others = ((await read()).json().grids as GridRow[]).filter((x) => x.gridId !== target.gridId);
    expect(others).toEqual(before.filter((x) => x.gridId !== target.gridId));
  });

  it('is aggregated: leaders, admins, grid managers and the wall read it, unit accounts do not; bad input names the field', async () => {
    for (const as of ['admin', 'leader', 'grid_manager', 'display'] as const) expect((await read(as)).statusCode).toBe(200);
    expect((await read('unit')).statusCode).toBe(403);
    const body = JSON.stringify((await read('display')).json());
    // No names of people: the demo's grid managers are on the grids, not here.
    for (const g of ctx.app.townData.grids.slice(0, 20)) expect(body).not.toContain(g.manager);
    expect((await read('leader', '?days=0')).json()).toMatchObject({ statusCode: 400, field: 'days' });
    expect((await ctx.app.inject({ url: '/api/stats/coverage', headers: { origin: ORIGIN } })).statusCode).toBe(401);
  });
});
