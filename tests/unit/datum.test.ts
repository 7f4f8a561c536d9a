import gcoord from 'gcoord';
import { describe, expect, it } from 'vitest';
import { guessDatum, toWgs84 } from '../../server/exchange/datum.ts';

// A town 2 km across near 盐东镇 (WGS84), and 200 points spread over it.
const [W, S, E, N] = [120.35, 33.34, 120.372, 33.358];
const inTown = (lon: number, lat: number) => lon >= W && lon <= E && lat >= S && lat <= N;
const truth: [number, number][] = Array.from({ length: 200 }, (_, i) => [W + ((i * 37) % 100) * 0.00022, S + ((i * 61) % 100) * 0.00018]);

describe('the datum of a sheet’s coordinates', () => {
  it('proposes the datum that puts the most points inside the town, and says how many each would', () => {
    const asGcj = truth.map((p) => gcoord.transform(p, gcoord.WGS84, gcoord.GCJ02) as [number, number]);
    const asBd = truth.map((p) => gcoord.transform(p, gcoord.WGS84, gcoord.BD09) as [number, number]);
    expect(guessDatum(truth, inTown).datum).toBe('wgs84');
    const g = guessDatum(asGcj, inTown);
    expect(g.datum).toBe('gcj02');
    expect(g.inside.gcj02).toBe(200);
    // read as WGS84 the points would land hundreds of metres off: many outside
    expect(g.inside.wgs84).toBeLessThan(200);
    expect(g.reason).toContain('按 GCJ-02 读取，200 个点中有 200 个落在本镇内');
    expect(guessDatum(asBd, inTown).datum).toBe('bd09');
    // and back to WGS84 within a few centimetres
    asGcj.forEach((p, i) => {
      const [lon, lat] = toWgs84(p[0], p[1], 'gcj02');
      expect(Math.hypot((lon - truth[i][0]) * 93_000, (lat - truth[i][1]) * 111_000)).toBeLessThan(0.5);
    });
  });
});
