import { describe, expect, it } from 'vitest';
import { findHotspots, normalUpperTail } from '../../server/analytics/hotspots.ts';
import { distanceKm, offsetKm } from '../../server/domain/geometry.ts';
import { Random } from '../../server/domain/random.ts';

const BOX: [number, number, number, number] = [120.3, 33.3, 120.5, 33.48]; // about 19 × 20 km
const everywhere = () => true;

function uniform(rng: Random, n: number): [number, number][] {
  return Array.from({ length: n }, () => [rng.range(BOX[0], BOX[2]), rng.range(BOX[1], BOX[3])] as [number, number]);
}

function arrays(points: [number, number][]) {
  return { lon: Float64Array.from(points, (p) => p[0]), lat: Float64Array.from(points, (p) => p[1]) };
}

describe('normalUpperTail', () => {
  it('matches known values', () => {
    expect(normalUpperTail(0)).toBeCloseTo(0.5, 6);
    expect(normalUpperTail(1.959964)).toBeCloseTo(0.025, 5);
    expect(normalUpperTail(-1.644854)).toBeCloseTo(0.95, 5);
    expect(normalUpperTail(3.090232)).toBeCloseTo(0.001, 6);
  });
});

describe('findHotspots', () => {
  it('finds two planted clusters, strongest first, near where they were planted', () => {
    const rng = new Random(1);
    const a: [number, number] = [120.36, 33.35];
    const b: [number, number] = [120.44, 33.42];
    const cluster = (c: [number, number], n: number) => Array.from({ length: n }, () => offsetKm(c, rng.normal() * 0.25, rng.normal() * 0.25));
    const { lon, lat } = arrays([...uniform(rng, 3000), ...cluster(a, 500), ...cluster(b, 300)]);
    const found = findHotspots(lon, lat, lon.length, BOX, everywhere).hotspots;
    expect(found).toHaveLength(2);
    expect(distanceKm(found[0].center, a)).toBeLessThan(0.4);
    expect(distanceKm(found[1].center, b)).toBeLessThan(0.4);
    expect(found[0].count).toBeGreaterThan(found[1].count);
    expect(found[0].members.length).toBe(found[0].count);
    const { cellOf } = findHotspots(lon, lat, lon.length, BOX, everywhere);
    expect(found[0].cellKeys.has(cellOf(a[0], a[1]))).toBe(true);
  });

  it('finds nothing in uniform noise', () => {
    for (const seed of [2, 3, 4, 5, 6]) {
      const { lon, lat } = arrays(uniform(new Random(seed), 6000));
      expect(findHotspots(lon, lat, lon.length, BOX, everywhere).hotspots).toEqual([]);
    }
  });

  it('finds nothing without points and ignores cells outside the study area', () => {
    expect(findHotspots([], [], 0, BOX, everywhere).hotspots).toEqual([]);
    const rng = new Random(7);
    const c: [number, number] = [120.36, 33.35];
    const { lon, lat } = arrays([...uniform(rng, 2000), ...Array.from({ length: 400 }, () => offsetKm(c, rng.normal() * 0.2, rng.normal() * 0.2))]);
    // A study area that leaves the cluster out.
    expect(findHotspots(lon, lat, lon.length, BOX, (x) => x > 120.4).hotspots).toEqual([]);
  });
});
