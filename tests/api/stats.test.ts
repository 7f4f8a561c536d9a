import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_NOW, demoApp } from '../helpers/demo.ts';

let ctx: Awaited<ReturnType<typeof demoApp>>;
beforeAll(async () => {
  ctx = await demoApp(3000);
});
afterAll(async () => ctx.close());

const get = async (url: string) => (await ctx.app.inject({ headers: ctx.as.admin, url })).json();

interface P {
  properties: { category: string; status: string; overdue: boolean; reportedAt: string; closedAt: string | null; communityId: string; gridId: string };
}

async function everyProblem(query = ''): Promise<P[]> {
  return (await get(`/api/problems?limit=10000${query}`)).features;
}

describe('GET /api/stats/summary', () => {
  it('agrees with the problems themselves', async () => {
    const all = await everyProblem();
    const s = await get('/api/stats/summary');
    expect(s.total).toBe(all.length);
    const closed = all.filter((p) => p.properties.status === 'closed');
    expect(s.closed).toBe(closed.length);
    expect(s.byStatus.closed).toBe(closed.length);
    expect(s.overdue).toBe(all.filter((p) => p.properties.overdue).length);
    expect(s.rectificationRate).toBeCloseTo(closed.length / all.length, 4);
    const today = Date.parse('2026-11-27T00:00:00+08:00');
    const monday = Date.parse('2026-11-23T00:00:00+08:00');
    expect(s.newToday).toBe(all.filter((p) => Date.parse(p.properties.reportedAt) >= today).length);
    expect(s.newThisWeek).toBe(all.filter((p) => Date.parse(p.properties.reportedAt) >= monday).length);
    expect(s.closedThisWeek).toBe(closed.filter((p) => Date.parse(p.properties.closedAt as string) >= monday).length);
    expect(s.closedToday).toBe(closed.filter((p) => Date.parse(p.properties.closedAt as string) >= today).length);
    expect(s.closedThisWeek).toBeGreaterThan(s.closedToday);
    const hours = closed.map((p) => (Date.parse(p.properties.closedAt as string) - Date.parse(p.properties.reportedAt)) / 3_600_000).sort((a, b) => a - b);
    const mid = hours.length / 2;
    const median = hours.length % 2 ? hours[Math.floor(mid)] : (hours[mid - 1] + hours[mid]) / 2;
    expect(s.medianHoursToClose).toBeCloseTo(median, 1);
  });

  it('applies the same filters as the problem list', async () => {
    const q = '&community=dongnan&category=littering,flyers';
    const s = await get(`/api/stats/summary?${q.slice(1)}`);
    expect(s.total).toBe((await everyProblem(q)).length);
  });

  it('gives a null rate when nothing matches', async () => {
    const s = await get('/api/stats/summary?from=2030-01-01');
    expect(s).toMatchObject({ total: 0, rectificationRate: null, medianHoursToClose: null });
  });
});

describe('GET /api/stats/communities and /api/stats/grids', () => {
  it('ranks 李灶社区 first and 东南村 second by problems per km²', async () => {
    const { communities } = await get('/api/stats/communities');
    expect(communities).toHaveLength(14);
    expect(communities[0]).toMatchObject({ rank: 1, name: '李灶社区' });
    expect(communities[1]).toMatchObject({ rank: 2, name: '东南村' });
    for (let i = 1; i < communities.length; i++) expect(communities[i - 1].perKm2).toBeGreaterThanOrEqual(communities[i].perKm2);
  });

  it('counts per community and per grid add up to the summary', async () => {
    const s = await get('/api/stats/summary');
    const { communities } = await get('/api/stats/communities');
    const { grids } = await get('/api/stats/grids?sort=id');
    const sum = (rows: { total: number; overdue: number; closed: number }[], k: 'total' | 'overdue' | 'closed') => rows.reduce((a, r) => a + r[k], 0);
    for (const k of ['total', 'overdue', 'closed'] as const) {
      expect(sum(communities, k)).toBe(s[k]);
      expect(sum(grids, k)).toBe(s[k]);
    }
    const g = grids[0];
    expect(g.perKm2).toBeCloseTo(g.total / g.areaKm2, 0);
    expect(g.manager).toBeTruthy();
  });

  it('gives the recurrences (反弹) per community and grid as the recurrence rule finds them in the history', async () => {
    const ids = new Set(await ctx.app.store.recurrentProblemIds());
    expect(ids.size).toBeGreaterThan(10);
    const all = (await get('/api/problems?limit=10000')).features as (P & { id: number })[];
    const { communities } = await get('/api/stats/communities?sort=recurrenceRate');
    for (const c of communities) {
      const mine = all.filter((p) => p.properties.communityId === c.id);
      const expected = mine.filter((p) => ids.has(p.id)).length;
      expect(c.recurrences, c.name).toBe(expected);
      expect(c.recurrenceRate, c.name).toBeCloseTo(mine.length ? expected / mine.length : 0, 4);
    }
    for (let i = 1; i < communities.length; i++) expect(communities[i - 1].recurrenceRate ?? -1).toBeGreaterThanOrEqual(communities[i].recurrenceRate ?? -1);
    const { grids } = await get('/api/stats/grids');
    expect(grids.reduce((n: number, g: { recurrences: number }) => n + g.recurrences, 0)).toBe(ids.size);
    // Each is the report of a problem of the same category within 50 m, closed in the 90 days before.
    for (const id of [...ids].slice(0, 20)) {
      const of = (await ctx.app.store.recurrenceOf(id))?.problemId as number;
      const [p, q] = [all.find((x) => x.id === id), all.find((x) => x.id === of)] as (P & { id: number })[];
      expect(q.properties.category).toBe(p.properties.category);
      const gap = Date.parse(p.properties.reportedAt) - Date.parse(q.properties.closedAt as string);
      expect(gap).toBeGreaterThanOrEqual(0);
      expect(gap).toBeLessThanOrEqual(90 * 86_400_000);
    }
  });

  it('sorts by the key asked for', async () => {
    const { grids } = await get('/api/stats/grids?sort=overdue');
    for (let i = 1; i < grids.length; i++) expect(grids[i - 1].overdue).toBeGreaterThanOrEqual(grids[i].overdue);
  });
});

describe('GET /api/stats/categories', () => {
  it('counts each category as the problem list does, most frequent first', async () => {
    const q = '&community=lizao&from=2026-09-01';
    const { categories } = await get(`/api/stats/categories?${q.slice(1)}`);
    expect(categories).toHaveLength(16);
    const all = await everyProblem(q);
    for (const c of categories) {
      const mine = all.filter((p) => p.properties.category === c.code);
      expect(c.total, c.code).toBe(mine.length);
      expect(c.overdue, c.code).toBe(mine.filter((p) => p.properties.overdue).length);
      expect(c.closed, c.code).toBe(mine.filter((p) => p.properties.status === 'closed').length);
    }
    for (let i = 1; i < categories.length; i++) expect(categories[i - 1].total).toBeGreaterThanOrEqual(categories[i].total);
    expect(categories[0]).toMatchObject({ name: expect.any(String), color: expect.stringMatching(/^#[0-9a-f]{6}$/i) });
  });
});

describe('GET /api/stats/trend', () => {
  it('counts reports and closures per month, in Asia/Shanghai months', async () => {
    const { interval, periods } = await get('/api/stats/trend?interval=month');
    expect(interval).toBe('month');
    expect(periods.length).toBeGreaterThanOrEqual(12);
    expect(periods[periods.length - 1].period).toBe('2026-11');
    expect(periods[0].start).toMatch(/-01T00:00:00\+08:00$/);
    const all = await everyProblem();
    expect(periods.reduce((a: number, p: { reported: number }) => a + p.reported, 0)).toBe(all.length);
    expect(periods.reduce((a: number, p: { closed: number }) => a + p.closed, 0)).toBe(all.filter((p) => p.properties.closedAt).length);
  });

  it('gives weeks from Monday and days within from/to', async () => {
    const weeks = await get('/api/stats/trend?interval=week&from=2026-11-01');
    for (const p of weeks.periods.slice(1)) expect(new Date(Date.parse(p.start)).getUTCDay()).toBe(0); // Monday 00:00 +08:00 is Sunday 16:00 UTC
    const days = await get('/api/stats/trend?interval=day&from=2026-11-20&to=2026-11-26');
    expect(days.periods.map((p: { period: string }) => p.period)).toEqual([
      '2026-11-20',
      '2026-11-21',
      '2026-11-22',
      '2026-11-23',
      '2026-11-24',
      '2026-11-25',
      '2026-11-26',
    ]);
    expect(Date.parse(days.periods[6].start)).toBeLessThan(DEMO_NOW);
  });
});

describe('several grids at once (a grid manager’s grids)', () => {
  it('counts the problems of every grid listed, and names an unknown one', async () => {
    const grids = ctx.users.grid_manager.gridIds.slice(0, 3);
    const each = await Promise.all(grids.map((g) => get(`/api/stats/summary?grid=${g}`)));
    const together = await get(`/api/stats/summary?grid=${grids.join(',')}`);
    expect(together.total).toBe(each.reduce((n, s) => n + s.total, 0));
    expect(together.overdue).toBe(each.reduce((n, s) => n + s.overdue, 0));
    const bad = await ctx.app.inject({ headers: ctx.as.admin, url: `/api/stats/summary?grid=${grids[0]},nowhere-99` });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ field: 'grid', code: 'unknown_value' });
  });
});
