import gcoord from 'gcoord';
import { describe, expect, it } from 'vitest';
import { guessDatum, type SheetPoint, toWgs84 } from '../../server/exchange/datum.ts';

// A town 2 km across near 盐东镇 (WGS84), and 200 points spread over it.
const [W, S, E, N] = [120.35, 33.34, 120.372, 33.358];
const inTown = (lon: number, lat: number) => lon >= W && lon <= E && lat >= S && lat <= N;
const truth: [number, number][] = Array.from({ length: 200 }, (_, i) => [W + ((i * 37) % 100) * 0.00022, S + ((i * 61) % 100) * 0.00018]);
const as = (crs: Parameters<typeof gcoord.transform>[1], pts: [number, number][]): SheetPoint[] =>
  pts.map((p) => {
    const [lon, lat] = gcoord.transform(p, gcoord.WGS84, crs) as [number, number];
    return { lon, lat };
  });

describe('the datum of a sheet’s coordinates', () => {
  it('proposes the datum that puts the most points inside the town, and says how many each would', () => {
    expect(guessDatum(as(gcoord.WGS84, truth), inTown).datum).toBe('wgs84');
    const g = guessDatum(as(gcoord.GCJ02, truth), inTown);
    expect(g).toMatchObject({ datum: 'gcj02', clear: true, total: 200 });
    expect(g.inside.gcj02).toBe(200);
    // read as WGS84 the points would land hundreds of metres off: many outside
    expect(g.inside.wgs84).toBeLessThan(200);
    expect(g.reason).toContain('按 GCJ-02 读取最合适（200 个点：WGS84 / CGCS2000');
    expect(guessDatum(as(gcoord.BD09, truth), inTown).datum).toBe('bd09');
    // and back to WGS84 within a few centimetres
    as(gcoord.GCJ02, truth).forEach((p, i) => {
      const [lon, lat] = toWgs84(p.lon, p.lat, 'gcj02');
      expect(Math.hypot((lon - truth[i][0]) * 93_000, (lat - truth[i][1]) * 111_000)).toBeLessThan(0.5);
    });
  });

  it('in a town too large for the edge to tell, the 村居 the rows name decide; with nothing to tell, it says so', () => {
    const huge = () => true;
    // two villages split at the middle; points near the split, each row naming its true village
    const mid = (W + E) / 2;
    const areaAt = (lon: number) => (lon < mid ? '西村' : '东村');
    const near: [number, number][] = Array.from({ length: 60 }, (_, i) => [mid + (i % 2 ? 1 : -1) * 0.0001 * (1 + (i % 5)), S + i * 0.0002]);
    const named = as(gcoord.GCJ02, near).map((p, i) => ({ ...p, area: areaAt(near[i][0]) }));
    const g = guessDatum(named, huge, areaAt);
    expect(g).toMatchObject({ datum: 'gcj02', clear: true });
    expect(g.agree.gcj02).toBe(60);
    expect(g.agree.wgs84).toBeLessThan(60);
    const blind = guessDatum(as(gcoord.GCJ02, near), huge);
    expect(blind).toMatchObject({ datum: 'wgs84', clear: false });
    expect(blind.reason).toContain('这些点分不出坐标系');
  });
});
