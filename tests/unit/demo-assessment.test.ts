import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoAssessment } from '../../scripts/demo/assessment.ts';
import { findItem } from '../../server/domain/checklists.ts';
import { TownData } from '../../server/town-data.ts';
import { DEMO_NOW, DEMO_SEED, demoApp } from '../helpers/demo.ts';

let ctx: Awaited<ReturnType<typeof demoApp>>;
beforeAll(async () => {
  ctx = await demoApp(300, { assessment: true });
});
afterAll(async () => ctx?.close());

describe('the demo assessment year (演示数据)', () => {
  it('monthly 督导检查 of 30 sites, a quarterly 模拟测评 of all with its 回头看, none after now', async () => {
    const rounds = await ctx.app.store.inspections.rounds();
    const kinds = rounds.map((r) => r.kind);
    expect(kinds.filter((k) => k === 'supervision')).toHaveLength(12);
    expect(kinds.filter((k) => k === 'mock_evaluation')).toHaveLength(4);
    expect(kinds.filter((k) => k === 'recheck').length).toBeGreaterThanOrEqual(3);
    for (const r of rounds) {
      expect(r.startsOn <= '2026-11-27').toBe(true);
      if (r.kind === 'supervision') expect(r.sites).toBe(30);
      if (r.kind === 'mock_evaluation') expect(r.sites).toBe(ctx.app.townData.sites.length);
    }
  });

  it('every failed item is linked to a problem at its site, of its category', async () => {
    let failed = 0;
    for (const r of await ctx.app.store.inspections.rounds()) {
      const round = await ctx.app.store.inspections.round(r.id);
      for (const c of round?.checks ?? [])
        for (const i of c.items.filter((x) => x.result === 'fail')) {
          failed++;
          expect(i.problemId).not.toBeNull();
          const p = await ctx.app.store.problem(i.problemId as number);
          expect(p?.siteId).toBe(c.siteId);
          expect(p?.category).toBe(findItem(i.item)?.category);
        }
    }
    expect(failed).toBeGreaterThan(20);
  });

  it('the same seed gives the same year', async () => {
    const again = await demoApp(300, { assessment: false });
    try {
      const town = await TownData.fromStore(again.app.store);
      const a = await seedDemoAssessment(again.app.store, town, { seed: DEMO_SEED, now: DEMO_NOW });
      const checks = (await ctx.app.store.inspections.rounds()).reduce((n, r) => n + r.checked, 0);
      expect(a.checks).toBe(checks);
      expect((await again.app.store.inspections.checkFailures()).map((c) => c.failed)).toEqual(
        (await ctx.app.store.inspections.checkFailures()).map((c) => c.failed),
      );
    } finally {
      await again.close();
    }
  });

  it('the key projects of the two market towns show every status', async () => {
    const res = (await ctx.app.inject({ url: '/api/projects', headers: ctx.as.leader })).json();
    expect(res.projects.length).toBeGreaterThanOrEqual(6);
    expect(res.counts).toMatchObject({ late: expect.any(Number), at_risk: expect.any(Number), on_track: expect.any(Number), done: expect.any(Number) });
    for (const s of ['late', 'at_risk', 'on_track', 'done']) expect(res.counts[s]).toBeGreaterThan(0);
    expect(new Set(res.projects.map((p: { communityName: string }) => p.communityName))).toEqual(new Set(['李灶社区', '东南村']));
  });
});
