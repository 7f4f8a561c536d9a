import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoApp, ORIGIN } from '../helpers/demo.ts';

let ctx: Awaited<ReturnType<typeof demoApp>>;
beforeAll(async () => {
  ctx = await demoApp(3000);
});
afterAll(async () => ctx.close());

const plan = (as: 'grid_manager' | 'admin' | 'unit' | 'leader', payload: Record<string, unknown>) =>
  ctx.app.inject({ method: 'POST', url: '/api/patrols/plan', headers: { ...ctx.as[as], origin: ORIGIN }, payload });

describe('POST /api/patrols/plan', () => {
  it('plans a grid manager’s patrol in their grids: urgent stops that fit the time, legs joining them in order', async () => {
    const res = await plan('grid_manager', { budgetMinutes: 120 });
    expect(res.statusCode).toBe(200);
    const p = res.json();
    const own = ctx.users.grid_manager.gridIds;
    expect(p.stops.length).toBeGreaterThan(2);
    expect(p.legs).toHaveLength(p.stops.length);
    for (const s of p.stops) expect(own).toContain(s.gridId);
    // Every problem stop is on the grid manager's 我的待办 for the same reason.
    const tasks = (await ctx.app.inject({ url: '/api/tasks?limit=500', headers: ctx.as.grid_manager })).json().tasks as { id: number; reason: string }[];
    for (const s of p.stops.filter((x: { problemId: number | null }) => x.problemId !== null)) {
      expect(tasks.find((t) => t.id === s.problemId)?.reason, `problem ${s.problemId}`).toBe(s.kind);
    }
    // The walk and the stops fit in the time; the legs add up; each leg ends where its stop is.
    expect(p.totals.minutes).toBeLessThanOrEqual(120);
    expect(Math.abs(p.totals.meters - p.legs.reduce((s: number, l: { meters: number }) => s + l.meters, 0))).toBeLessThanOrEqual(p.legs.length);
    let from = p.start;
    p.legs.forEach((l: { coordinates: [number, number][] }, i: number) => {
      expect(l.coordinates[0][0]).toBeCloseTo(from[0], 5);
      expect(l.coordinates.at(-1)?.[0]).toBeCloseTo(p.stops[i].lon, 5);
      from = [p.stops[i].lon, p.stops[i].lat];
    });
    // Arrival minutes grow along the walk.
    const arrivals = p.stops.map((s: { arriveMinute: number }) => s.arriveMinute);
    expect([...arrivals].sort((a, b) => a - b)).toEqual(arrivals);
  });

  it('takes more stops with more time, keeps locked ones and leaves dropped ones out', async () => {
    const short = (await plan('grid_manager', { budgetMinutes: 30 })).json();
    const long = (await plan('grid_manager', { budgetMinutes: 240, mode: 'ebike' })).json();
    expect(long.stops.length).toBeGreaterThan(short.stops.length);
    expect(long.kmh).toBe(12);
    const first = long.stops.find((s: { problemId: number | null }) => s.problemId !== null);
    const dropped = (await plan('grid_manager', { budgetMinutes: 240, mode: 'ebike', drop: [first.problemId] })).json();
    expect(dropped.stops.map((s: { problemId: number | null }) => s.problemId)).not.toContain(first.problemId);
    const last = long.stops.filter((s: { problemId: number | null }) => s.problemId !== null).at(-1);
    const locked = (await plan('grid_manager', { budgetMinutes: 15, lock: [last.problemId] })).json();
    expect(locked.stops.find((s: { problemId: number | null }) => s.problemId === last.problemId)).toMatchObject({ locked: true });
  });

  it('refuses grids that are not the grid manager’s, units and leaders, and bad input, naming the field', async () => {
    const other = ctx.app.townData.grids.find((g) => !ctx.users.grid_manager.gridIds.includes(g.id))?.id;
    expect((await plan('grid_manager', { gridIds: [other] })).json()).toMatchObject({ statusCode: 403, field: 'gridIds' });
    expect((await plan('unit', {})).statusCode).toBe(403);
    expect((await plan('leader', {})).statusCode).toBe(403);
    expect((await plan('admin', {})).json()).toMatchObject({ statusCode: 400, field: 'gridIds' });
    expect((await plan('admin', { gridIds: ['nowhere'] })).json()).toMatchObject({ statusCode: 400, field: 'gridIds' });
    expect((await plan('grid_manager', { start: { lon: 121.5, lat: 31.2 } })).json()).toMatchObject({ statusCode: 422, field: 'start' });
    expect((await plan('grid_manager', { budgetMinutes: 5 })).json()).toMatchObject({ statusCode: 400, field: 'budgetMinutes' });
    expect((await plan('grid_manager', { mode: 'car' })).json()).toMatchObject({ statusCode: 400, field: 'mode' });
    expect((await plan('grid_manager', { lock: [999999] })).json()).toMatchObject({ statusCode: 422, field: 'lock' });
    // An admin plans any grids.
    expect((await plan('admin', { gridIds: [other] })).statusCode).toBe(200);
  });
});
