import { describe, expect, it } from 'vitest';
import { BIN_RADIUS_M, binColor, binGrid, binPoints, binScale, sharedMax } from '../../client/present/bins.ts';
import type { Points } from '../../server/domain/points-codec.ts';

/** Points at absolute longitudes/latitudes, in the codec's shape. */
function points(at: [number, number][]): Points {
  const originLon = 120.3;
  const originLat = 33.2;
  return {
    count: at.length,
    originLon,
    originLat,
    dLon: Float32Array.from(at.map((p) => p[0] - originLon)),
    dLat: Float32Array.from(at.map((p) => p[1] - originLat)),
    id: Uint32Array.from(at.map((_, i) => i + 1)),
    status: new Uint8Array(at.length),
    category: new Uint8Array(at.length),
  } as unknown as Points;
}

const grid = binGrid([120.3, 33.2, 120.4, 33.3]);

describe('hexagon counts on one grid', () => {
  it('counts every point once, the same place in the same hexagon in any period', () => {
    const a = binPoints(
      points([
        [120.35, 33.25],
        [120.35, 33.25],
        [120.35001, 33.25001],
        [120.38, 33.21],
      ]),
      grid,
    );
    expect(a.reduce((s, b) => s + b.count, 0)).toBe(4);
    expect(a.map((b) => b.count).sort()).toEqual([1, 3]);
    const b = binPoints(points([[120.35, 33.25]]), grid);
    // another period: the bin of that place has the same key and corners
    const same = a.find((x) => x.key === b[0].key);
    expect(same?.count).toBe(3);
    expect(same?.polygon).toEqual(b[0].polygon);
  });

  it('points farther apart than a hexagon fall in different ones; a hexagon is about its stated size', () => {
    const m = 2 * BIN_RADIUS_M;
    const dLon = m / grid.mPerDegLon;
    const bins = binPoints(
      points([
        [120.35, 33.25],
        [120.35 + dLon, 33.25],
      ]),
      grid,
    );
    expect(bins).toHaveLength(2);
    const [p0, , p2] = bins[0].polygon;
    // two corners two apart are √3 × the drawn radius apart, less than √3 × the bin radius
    const dx = (p2[0] - p0[0]) * grid.mPerDegLon;
    const dy = (p2[1] - p0[1]) * 110_540;
    expect(Math.hypot(dx, dy)).toBeGreaterThan(1.5 * BIN_RADIUS_M);
    expect(Math.hypot(dx, dy)).toBeLessThanOrEqual(Math.sqrt(3) * BIN_RADIUS_M + 0.01);
  });

  it('one scale for several periods: the largest bin of any of them is its top, each count has one colour', () => {
    const jan = binPoints(
      points([
        [120.35, 33.25],
        [120.35, 33.25],
      ]),
      grid,
    );
    const feb = binPoints(points(Array.from({ length: 9 }, () => [120.35, 33.25] as [number, number])), grid);
    expect(sharedMax([jan, feb])).toBe(9);
    const scale = binScale(9);
    expect(scale.max).toBe(9);
    expect(scale.steps[0].from).toBe(1);
    expect(scale.steps.at(-1)?.label.endsWith('9')).toBe(true);
    // increasing, no gaps: each step starts one after the previous one's end
    for (let k = 1; k < scale.steps.length; k++) expect(scale.steps[k].from).toBeGreaterThan(scale.steps[k - 1].from);
    expect(binColor(scale, 9)).toEqual(scale.steps.at(-1)?.color);
    expect(binColor(scale, 1)).toEqual(scale.steps[0].color);
    // a small top: as many steps as counts
    expect(binScale(2).steps.map((s) => s.label)).toEqual(['1', '2']);
  });
});
