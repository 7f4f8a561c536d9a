import { describe, expect, it } from 'vitest';
import { datasetHash, generateDemo } from '../../scripts/demo/generate.ts';
import type { Status } from '../../server/domain/lifecycle.ts';
import { nextStatus } from '../../server/domain/lifecycle.ts';

const END = Date.parse('2026-11-27T15:00:00+08:00');

describe('demo generator', () => {
  it('gives the same content hash for the same seed', () => {
    const a = datasetHash(generateDemo({ seed: 11, count: 400, endMs: END }));
    const b = datasetHash(generateDemo({ seed: 11, count: 400, endMs: END }));
    expect(a).toBe(b);
  });

  it('gives another town for another seed', () => {
    const a = datasetHash(generateDemo({ seed: 11, count: 400, endMs: END }));
    const b = datasetHash(generateDemo({ seed: 12, count: 400, endMs: END }));
    expect(a).not.toBe(b);
  });

  it('builds 14 communities, 120–300 grids, 40+ sites and 15+ units', () => {
    const d = generateDemo({ seed: 11, count: 0, endMs: END });
    expect(d.communities).toHaveLength(14);
    expect(d.grids.length).toBeGreaterThanOrEqual(120);
    expect(d.grids.length).toBeLessThanOrEqual(300);
    expect(d.sites.length).toBeGreaterThanOrEqual(40);
    expect(d.units.length).toBeGreaterThanOrEqual(15);
    expect(d.communities.map((c) => c.name)).toEqual(expect.arrayContaining(['李灶社区', '东南村', '农业园区社区']));
  });

  it('makes grids finer in the two market-town communities', () => {
    const d = generateDemo({ seed: 11, count: 0, endMs: END });
    const meanArea = (communityId: string) => {
      const gs = d.grids.filter((g) => g.communityId === communityId);
      return gs.reduce((s, g) => s + g.areaKm2, 0) / gs.length;
    };
    const others = d.communities.filter((c) => c.id !== 'lizao' && c.id !== 'dongnan').map((c) => meanArea(c.id));
    expect(meanArea('lizao')).toBeLessThan(Math.min(...others));
    expect(meanArea('dongnan')).toBeLessThan(Math.min(...others));
  });

  it('writes histories that obey the lifecycle and end in the problem status', () => {
    for (const { problem, events } of generateDemo({ seed: 3, count: 1500, endMs: END }).problems) {
      expect(events[0].action).toBe('report');
      let status: Status = events[0].toStatus;
      for (const e of events.slice(1)) {
        expect(e.fromStatus).toBe(status);
        status = nextStatus(status, e.action as Exclude<typeof e.action, 'report' | 'measure' | 'merge' | 'import' | 'regrid'>);
        expect(e.toStatus).toBe(status);
        expect(e.at).toBeLessThanOrEqual(END);
      }
      expect(problem.status).toBe(status);
      expect(problem.version).toBe(events.length);
      expect(problem.closedAt !== null).toBe(status === 'closed');
    }
  });

  it('closes most old problems and leaves recent ones open, with the on-time rate improving', () => {
    const year = 365 * 86_400_000;
    const bands = [
      { closed: 0, total: 0, onTime: 0 },
      { closed: 0, total: 0, onTime: 0 },
    ];
    let openRecent = 0;
    for (const { problem } of generateDemo({ seed: 5, count: 4000, endMs: END }).problems) {
      const age = END - problem.reportedAt;
      if (age < 7 * 86_400_000 && problem.status !== 'closed') openRecent++;
      const band = age > year / 2 ? bands[0] : age > 30 * 86_400_000 ? bands[1] : null;
      if (!band) continue;
      band.total++;
      if (problem.closedAt !== null) {
        band.closed++;
        if (problem.deadline !== null && problem.closedAt <= problem.deadline) band.onTime++;
      }
    }
    expect(bands[0].closed / bands[0].total).toBeGreaterThan(0.8);
    expect(openRecent).toBeGreaterThan(0);
    expect(bands[1].onTime / bands[1].closed).toBeGreaterThan(bands[0].onTime / bands[0].closed);
  });
});
