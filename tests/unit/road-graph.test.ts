import { describe, expect, it } from 'vitest';
import { offsetKm } from '../../server/domain/geometry.ts';
import { Random } from '../../server/domain/random.ts';
import { coverage, edgesWithin } from '../../server/patrol/coverage.ts';
import { DETOUR_FACTOR, planRoute } from '../../server/patrol/plan-route.ts';
import { RoadGraph } from '../../server/patrol/road-graph.ts';
import { heldKarp, improve, nearestNeighbour, orderStops, pathLength } from '../../server/patrol/route-order.ts';

const O: [number, number] = [120.37, 33.35];
/** A point `x` metres east and `y` metres north of the origin. */
const at = (x: number, y: number) => offsetKm(O, x / 1000, y / 1000);
const road = (...pts: [number, number][]) => ({ coordinates: pts.map(([x, y]) => at(x, y)) });

/**
 *      (0,200)────────(300,200)
 *         │               │
 *  (-100,100)──────────────────(400,100)     a street crossing both sides, no shared vertex
 *         │               │
 *      (0,0)──────────(300,0)          (600,0)──(700,0)   an island, reached by no road
 */
const town = () => RoadGraph.build([road([0, 0], [300, 0], [300, 200], [0, 200], [0, 0]), road([-100, 100], [400, 100]), road([600, 0], [700, 0])], O);

describe('the road graph', () => {
  it('cuts lines where they cross: the street meets both sides of the block', () => {
    const g = town();
    // Corners 4, crossings 2, the street's ends 2, the island's ends 2.
    expect(g.nodeCount).toBe(10);
    expect(g.lengthM).toBeCloseTo(300 * 2 + 200 * 2 + 500 + 100, 0);
  });

  it('gives each leg the shortest path over the roads, the snapped ends included', () => {
    const g = town();
    const snap = (x: number, y: number) => {
      const s = g.snap(...at(x, y));
      if (!s) throw new Error('no road');
      return s;
    };
    const a = snap(100, -10); // on the bottom side, 10 m off the road
    const b = snap(200, 210); // on the top side
    const c = snap(350, 100); // on the street, east of the block
    expect(a.offM).toBeCloseTo(10, 1);
    const ra = g.reach(a);
    // a → west corner (100) → up (200) → east to 200 (200) = 500; or a → east corner (200) → up (200) → west to 200 (100) = 500.
    expect(g.between(ra, b)).toBeCloseTo(500, 0);
    // a → east corner (200) → up to the crossing (100) → east (50) = 350.
    expect(g.between(ra, c)).toBeCloseTo(350, 0);
    // The path's length is the leg's length.
    const path = g.path(ra, c).map((p) => g.project(p[0], p[1]));
    let len = 0;
    for (let i = 1; i < path.length; i++) len += Math.hypot(path[i][0] - path[i - 1][0], path[i][1] - path[i - 1][1]);
    expect(len).toBeCloseTo(350, 0);
    // Two points on one piece of road: straight along it.
    expect(g.between(g.reach(snap(50, 0)), snap(250, 0))).toBeCloseTo(200, 0);
    // The island is not reached from the block.
    expect(g.between(ra, snap(650, 5))).toBe(Number.POSITIVE_INFINITY);
    expect(g.snap(...at(150, 600), 100)).toBeNull();
  });

  it('agrees with Floyd–Warshall on every pair of nodes of a random lattice with missing streets', () => {
    const rng = new Random(7);
    const lines: { coordinates: [number, number][] }[] = [];
    for (let i = 0; i <= 5; i++) {
      for (let j = 0; j < 5; j++) {
        if (rng.next() < 0.8) lines.push(road([i * 100, j * 100], [i * 100, (j + 1) * 100]));
        if (rng.next() < 0.8) lines.push(road([j * 100, i * 100], [(j + 1) * 100, i * 100]));
      }
    }
    const g = RoadGraph.build(lines, O);
    const n = g.nodeCount;
    const fw = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 0 : Number.POSITIVE_INFINITY)));
    for (let e = 0; e < g.edgeCount; e++) {
      fw[g.edgeU[e]][g.edgeV[e]] = Math.min(fw[g.edgeU[e]][g.edgeV[e]], g.edgeLen[e]);
      fw[g.edgeV[e]][g.edgeU[e]] = fw[g.edgeU[e]][g.edgeV[e]];
    }
    for (let k = 0; k < n; k++) for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) fw[i][j] = Math.min(fw[i][j], fw[i][k] + fw[k][j]);
    for (let i = 0; i < n; i++) {
      const s = g.snap(g.lon[i], g.lat[i]);
      if (!s) throw new Error('no snap');
      const r = g.reach(s);
      for (let j = 0; j < n; j++) expect(r.dist[j], `${i}→${j}`).toBeCloseTo(fw[i][j], 6);
    }
  });
});

describe('a planned route', () => {
  it('walks the stops in the shortest order, each leg as long as its shortest road path plus the bits off the road', () => {
    const g = town();
    const points = [at(100, -10), at(200, 210), at(350, 100), at(10, 150)];
    const route = planRoute(g, points);
    // From the bottom side: west up the block to (10,150) first, then over the top to (200,210), then out to the street's east end.
    expect(route.order).toEqual([3, 1, 2]);
    for (const leg of route.legs) {
      const a = g.snap(...points[leg.from]);
      const b = g.snap(...points[leg.to]);
      if (!a || !b) throw new Error('no snap');
      expect(leg.meters).toBeCloseTo(a.offM + g.between(g.reach(a), b) + b.offM, 6);
      expect(leg.straight).toBe(false);
      expect(leg.coordinates[0]).toEqual(points[leg.from]);
      expect(leg.coordinates.at(-1)).toEqual(points[leg.to]);
    }
    expect(route.meters).toBeCloseTo(
      route.legs.reduce((s, l) => s + l.meters, 0),
      9,
    );
    // The island: no road joins it, so the leg is straight × the detour factor, and says so.
    const island = planRoute(g, [at(100, -10), at(650, 5)]);
    expect(island.legs[0].straight).toBe(true);
    expect(island.legs[0].meters).toBeCloseTo(Math.hypot(550, 15) * DETOUR_FACTOR, 0);
  });
});

describe('巡查覆盖', () => {
  it('counts the road within 30 m of a planted track: the bottom side and 40 m up each end of it', () => {
    const g = town();
    // Walked 10 m north of the bottom side, from its west end to its east end.
    const track = [at(0, 10), at(150, 10), at(300, 10)];
    const c = coverage(g, [track]);
    expect(c.roadM).toBeCloseTo(1600, 0);
    // Sampled every 5 m at most: each end of a covered stretch is right within a step.
    expect(Math.abs(c.coveredM - (300 + 40 + 40))).toBeLessThan(10);
    expect(Math.abs(c.share - 380 / 1600)).toBeLessThan(10 / 1600);
    // Nothing walked, or walked elsewhere: nothing covered.
    expect(coverage(g, []).coveredM).toBe(0);
    expect(coverage(g, [[at(0, 600), at(300, 600)]]).coveredM).toBe(0);
    // Within an area: the island alone, walked end to end.
    const island = edgesWithin(g, (lon) => lon > at(550, 0)[0]);
    expect(coverage(g, [], island).roadM).toBeCloseTo(100, 0);
    expect(coverage(g, [[at(600, 20), at(700, 20)]], island).share).toBeCloseTo(1, 6);
  });
});

describe('the order of the stops', () => {
  const permutations = (xs: number[]): number[][] =>
    xs.length <= 1 ? [xs] : xs.flatMap((x, i) => permutations([...xs.slice(0, i), ...xs.slice(i + 1)]).map((p) => [x, ...p]));
  const randomMatrix = (rng: Random, n: number) => {
    // Symmetric, as road distances are: a detour factor per pair.
    const pts = Array.from({ length: n + 1 }, () => [rng.next() * 1000, rng.next() * 1000]);
    const d = pts.map(() => pts.map(() => 0));
    for (let i = 0; i <= n; i++)
      for (let j = i + 1; j <= n; j++) d[i][j] = d[j][i] = Math.hypot(pts[i][0] - pts[j][0], pts[i][1] - pts[j][1]) * (1 + rng.next() * 0.3);
    return d;
  };

  it('finds the optimum exactly (Held–Karp equals trying every order)', () => {
    const rng = new Random(3);
    for (let t = 0; t < 30; t++) {
      const n = 2 + (t % 6);
      const d = randomMatrix(rng, n);
      const brute = Math.min(...permutations(Array.from({ length: n }, (_, i) => i + 1)).map((p) => pathLength(d, p)));
      const exact = heldKarp(d);
      expect([...exact].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
      expect(pathLength(d, exact)).toBeCloseTo(brute, 9);
    }
  });

  it('improves on its construction with 2-opt and Or-opt, visiting every stop once', () => {
    const rng = new Random(5);
    for (let t = 0; t < 20; t++) {
      const d = randomMatrix(rng, 30);
      const nn = nearestNeighbour(d);
      const better = improve(d, nn);
      expect([...better].sort((a, b) => a - b)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
      expect(pathLength(d, better)).toBeLessThanOrEqual(pathLength(d, nn) + 1e-9);
    }
    expect(orderStops([[0]])).toEqual([]);
  });
});
