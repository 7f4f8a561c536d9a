import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSideData, previousPeriod, sceneQuery } from '../../client/present/scene-data.ts';
import type { SceneValue } from '../../server/schemas/decks.ts';
import { type DemoApp, demoApp, ORIGIN } from '../helpers/demo.ts';

let ctx: DemoApp;
const realFetch = globalThis.fetch;
let deck: { scenes: SceneValue[] };

beforeAll(async () => {
  ctx = await demoApp(3000);
  // The client's loaders run as in the browser, against the real app, signed in as a leader.
  globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const res = await ctx.app.inject({ method: (init?.method ?? 'GET') as 'GET', url: String(input), headers: { ...ctx.as.leader, origin: ORIGIN } });
    return new Response(res.statusCode === 204 ? null : new Uint8Array(res.rawPayload), {
      status: res.statusCode,
      headers: res.headers as Record<string, string>,
    });
  }) as typeof fetch;
  const made = await ctx.app.inject({
    method: 'POST',
    url: '/api/decks/generate',
    headers: { ...ctx.as.admin, origin: ORIGIN },
    payload: { month: '2026-10' },
  });
  expect(made.statusCode).toBe(201);
  deck = made.json();
});
afterAll(async () => {
  globalThis.fetch = realFetch;
  await ctx?.close();
});

/** The API's answer to a URL written out by hand, as a leader. */
const api = async (url: string) => (await ctx.app.inject({ url, headers: ctx.as.leader })).json();

describe('the data of the generated deck', () => {
  it('periods: a whole month is compared with the month before, other spans with as many days before', () => {
    expect(previousPeriod({ from: '2026-10-01', to: '2026-10-31' })).toEqual({ from: '2026-09-01', to: '2026-09-30' });
    expect(previousPeriod({ from: '2026-03-01', to: '2026-03-31' })).toEqual({ from: '2026-02-01', to: '2026-02-28' });
    expect(previousPeriod({ from: '2026-01-01', to: '2026-01-31' })).toEqual({ from: '2025-12-01', to: '2025-12-31' });
    expect(previousPeriod({ from: '2026-10-10', to: '2026-10-16' })).toEqual({ from: '2026-10-03', to: '2026-10-09' });
    expect(sceneQuery({ period: { from: '2026-10-01', to: '2026-10-31' }, categories: ['flyers', 'litter'], community: 'lizao', grid: null })).toBe(
      '?from=2026-10-01&to=2026-10-31&category=flyers%2Clitter&community=lizao',
    );
  });

  it('every number beside the maps equals the API’s answer for the same filters', async () => {
    let checked = 0;
    for (const scene of deck.scenes) {
      const data = await loadSideData(scene);
      if (data.kind === 'kpis') {
        const now = await api('/api/stats/summary?from=2026-10-01&to=2026-10-31');
        const before = await api('/api/stats/summary?from=2026-09-01&to=2026-09-30');
        const pick = (s: Record<string, number | null>, key: string) => (key === 'rate' ? s.rectificationRate : key === 'newReports' ? s.total : s[key]);
        for (const k of data.kpis) {
          expect(k.value, `${scene.id} ${k.key}`).toBe(pick(now, k.key));
          expect(k.previous, `${scene.id} ${k.key} before`).toBe(pick(before, k.key));
          checked += 2;
        }
      } else if (data.kind === 'chart' && data.chart.kind === 'trend') {
        const periods = (await api('/api/stats/trend?from=2025-11-01&to=2026-10-31&interval=month')).periods;
        expect(data.chart.labels).toHaveLength(12);
        expect(data.chart.series[0].values).toEqual(periods.map((p: { reported: number }) => p.reported));
        expect(data.chart.series[1].values).toEqual(periods.map((p: { closed: number }) => p.closed));
        checked += 24;
      } else if (data.kind === 'chart' && data.chart.kind === 'categories') {
        const rows = (await api('/api/stats/categories?from=2026-10-01&to=2026-10-31')).categories.filter((r: { total: number }) => r.total > 0).slice(0, 10);
        expect(data.chart.labels).toEqual(rows.map((r: { name: string }) => r.name));
        expect(data.chart.series[0].values).toEqual(rows.map((r: { total: number }) => r.total));
        checked += rows.length;
      } else if (data.kind === 'chart' && data.chart.kind === 'ranking') {
        const rows = (await api('/api/stats/communities?from=2026-10-01&to=2026-10-31&sort=rectificationRate')).communities.filter(
          (r: { total: number }) => r.total > 0,
        );
        expect(data.chart.series[0].values).toEqual(rows.map((r: { rectificationRate: number | null }) => r.rectificationRate));
        checked += rows.length;
      } else if (data.kind === 'table') {
        // Overdue now, whatever the report date (the scene has no period).
        const rows = (await api('/api/stats/units?sort=overdue')).units.filter((r: { overdue: number }) => r.overdue > 0).slice(0, 10);
        expect(data.table.rows.map((r) => [r[0], r[1], r[2]])).toEqual(
          rows.map((r: { name: string; overdue: number; open: number }) => [r.name, r.overdue, r.open]),
        );
        checked += rows.length * 2;
      }
    }
    expect(checked).toBeGreaterThan(40);
  });
});
