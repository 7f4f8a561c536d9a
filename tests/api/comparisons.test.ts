import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comparisonSpans } from '../../server/analytics/compare.ts';
import type { ProblemRecord } from '../../server/store/records.ts';
import { DEMO_NOW, type DemoApp, demoApp } from '../helpers/demo.ts';

let ctx: DemoApp;
let all: ProblemRecord[];
beforeAll(async () => {
  ctx = await demoApp(3000);
  const t = ctx.app.problemTable;
  all = Array.from({ length: t.size }, (_, i) => t.record(i));
});
afterAll(async () => ctx.close());

const get = async (url: string, role: 'admin' | 'unit' | 'display' = 'admin') => {
  const res = await ctx.app.inject({ headers: ctx.as[role], url });
  expect(res.statusCode, url).toBe(200);
  return res.json();
};
const at = (iso: string) => Date.parse(iso);

describe('comparisonSpans (环比)', () => {
  it('compares this week and month so far with the same part of the ones before', () => {
    // Friday 27 November 2026, 15:00 in Shanghai.
    const { week, month } = comparisonSpans(DEMO_NOW);
    expect(week[0]).toEqual({ start: at('2026-11-23T00:00:00+08:00'), end: DEMO_NOW });
    expect(week[1]).toEqual({ start: at('2026-11-16T00:00:00+08:00'), end: at('2026-11-20T15:00:00+08:00') });
    expect(month[0]).toEqual({ start: at('2026-11-01T00:00:00+08:00'), end: DEMO_NOW });
    expect(month[1]).toEqual({ start: at('2026-10-01T00:00:00+08:00'), end: at('2026-10-27T15:00:00+08:00') });
  });
  it('cuts the month before at its end', () => {
    const { month } = comparisonSpans(at('2027-03-31T12:00:00+08:00'));
    expect(month[1]).toEqual({ start: at('2027-02-01T00:00:00+08:00'), end: at('2027-03-01T00:00:00+08:00') });
  });
});

describe('GET /api/stats/compare', () => {
  it('counts what the problems say, and the change', async () => {
    const c = await get('/api/stats/compare');
    const { week, month } = comparisonSpans(DEMO_NOW);
    const count = (span: { start: number; end: number }, t: (p: ProblemRecord) => number | null) =>
      all.filter((p) => {
        const v = t(p);
        return v !== null && v >= span.start && v < span.end;
      }).length;
    const reported = (p: ProblemRecord) => p.reportedAt;
    const closed = (p: ProblemRecord) => (p.status === 'closed' ? p.closedAt : null);
    expect(c.week.reported).toMatchObject({ current: count(week[0], reported), previous: count(week[1], reported) });
    expect(c.week.closed).toMatchObject({ current: count(week[0], closed), previous: count(week[1], closed) });
    expect(c.month.reported).toMatchObject({ current: count(month[0], reported), previous: count(month[1], reported) });
    expect(c.month.closed).toMatchObject({ current: count(month[0], closed), previous: count(month[1], closed) });
    const { current, previous, change } = c.month.reported;
    expect(previous).toBeGreaterThan(0);
    expect(change).toBeCloseTo((current - previous) / previous, 4);
    // The week so far is the week's reports, as the summary counts them.
    expect(c.week.reported.current).toBe((await get('/api/stats/summary')).newThisWeek);
  });

  it('applies the other filters, and a unit sees its own', async () => {
    const flyers = await get('/api/stats/compare?category=flyers');
    const { month } = comparisonSpans(DEMO_NOW);
    expect(flyers.month.reported.current).toBe(all.filter((p) => p.category === 'flyers' && p.reportedAt >= month[0].start).length);
    const own = await get('/api/stats/compare', 'unit');
    expect(own.month.reported.current).toBe(all.filter((p) => p.unitId === ctx.users.unit.unitId && p.reportedAt >= month[0].start).length);
    const bad = await ctx.app.inject({ headers: ctx.as.admin, url: '/api/stats/compare?from=2026-01-01' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('from');
  });
});

describe('GET /api/stats/units', () => {
  it('gives each unit its open, overdue, on-time rate and median days, most overdue first', async () => {
    const { units } = await get('/api/stats/units');
    expect(units.length).toBe(ctx.app.townData.units.length);
    for (let i = 1; i < units.length; i++) expect(units[i - 1].overdue).toBeGreaterThanOrEqual(units[i].overdue);
    const u = units.find((r: { id: string }) => r.id === ctx.users.unit.unitId);
    const mine = all.filter((p) => p.unitId === u.id);
    const closed = mine.filter((p) => p.status === 'closed');
    expect(u).toMatchObject({
      total: mine.length,
      open: mine.length - closed.length,
      closed: closed.length,
      overdue: mine.filter((p) => p.status !== 'closed' && p.deadline !== null && DEMO_NOW > p.deadline).length,
    });
    const onTime = closed.filter((p) => p.deadline === null || (p.closedAt as number) <= p.deadline).length;
    expect(u.onTimeRate).toBeCloseTo(onTime / closed.length, 4);
    const days = closed.map((p) => ((p.closedAt as number) - p.reportedAt) / 86_400_000).sort((a, b) => a - b);
    const mid = days.length / 2;
    expect(u.medianDaysToClose).toBeCloseTo(days.length % 2 ? days[Math.floor(mid)] : (days[mid - 1] + days[mid]) / 2, 1);
  });

  it('sorts by the measure asked for, refuses an unknown one, and shows a unit its own row only', async () => {
    const rate = (await get('/api/stats/units?sort=onTimeRate')).units;
    for (let i = 1; i < rate.length; i++) expect((rate[i - 1].onTimeRate ?? -1) >= (rate[i].onTimeRate ?? -1)).toBe(true);
    const fast = (await get('/api/stats/units?sort=medianDaysToClose')).units.filter((r: { medianDaysToClose: number | null }) => r.medianDaysToClose !== null);
    for (let i = 1; i < fast.length; i++) expect(fast[i - 1].medianDaysToClose).toBeLessThanOrEqual(fast[i].medianDaysToClose);
    const bad = await ctx.app.inject({ headers: ctx.as.admin, url: '/api/stats/units?sort=nope' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().field).toBe('sort');
    const own = (await get('/api/stats/units', 'unit')).units;
    expect(own.map((r: { id: string }) => r.id)).toEqual([ctx.users.unit.unitId]);
    // A wall screen reads it too: aggregates only.
    expect((await get('/api/stats/units', 'display')).units.length).toBeGreaterThan(1);
  });
});
