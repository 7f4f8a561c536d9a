import type { Reach, RoadGraph, Snap } from './road-graph.ts';
import { orderStops } from './route-order.ts';

/** Where no road is near (or none joins two points): the straight line times this, and the leg says so. */
export const DETOUR_FACTOR = 1.3;
/** A point further than this from every road is reached in a straight line all the way. */
export const MAX_SNAP_M = 500;

export interface Leg {
  /** Indexes into the points given (0: the start). */
  from: number;
  to: number;
  meters: number;
  /** lon/lat from one point to the next, along the roads (or straight). */
  coordinates: [number, number][];
  /** No road joins them: the straight line × DETOUR_FACTOR. */
  straight: boolean;
  /** Of `meters`, those walked straight between a point and its nearest road (fields, yards). */
  offRoadM: number;
}

export interface Route {
  /** The stops' indexes (1…n) in walking order. */
  order: number[];
  legs: Leg[];
  meters: number;
}

/** One point as the router sees it: snapped to a road, with its distances to every node. */
interface Placed {
  lonLat: [number, number];
  snap: Snap | null;
  reach: Reach | null;
}

/** The road metres between two placed points (off-road bits walked straight), or null when no road joins them. */
function roadMeters(g: RoadGraph, a: Placed, b: Placed): number | null {
  if (!a.snap || !a.reach || !b.snap) return null;
  const along = g.between(a.reach, b.snap);
  return Number.isFinite(along) ? a.snap.offM + along + b.snap.offM : null;
}

function straightMeters(g: RoadGraph, a: [number, number], b: [number, number]): number {
  const [ax, ay] = g.project(a[0], a[1]);
  const [bx, by] = g.project(b[0], b[1]);
  return Math.hypot(ax - bx, ay - by) * DETOUR_FACTOR;
}

/** The distances the order is chosen by: road metres, or the straight fallback. */
export function distanceMatrix(g: RoadGraph, points: readonly [number, number][]): { d: number[][]; placed: Placed[] } {
  const placed: Placed[] = points.map((p) => {
    const snap = g.snap(p[0], p[1], MAX_SNAP_M);
    return { lonLat: p, snap, reach: snap ? g.reach(snap) : null };
  });
  const d = placed.map((a, i) => placed.map((b, j) => (i === j ? 0 : (roadMeters(g, a, b) ?? straightMeters(g, a.lonLat, b.lonLat)))));
  // Roads are two-way; rounding makes the two directions exactly equal.
  for (let i = 0; i < d.length; i++) for (let j = i + 1; j < d.length; j++) d[i][j] = d[j][i] = Math.min(d[i][j], d[j][i]);
  return { d, placed };
}

/**
 * The shortest walk from `points[0]` (where the patrol starts) through every other point, over the
 * roads: the order, each leg's geometry and length, the total.
 */
export function planRoute(g: RoadGraph, points: readonly [number, number][], method: 'auto' | 'exact' | 'heuristic' = 'auto'): Route {
  const { d, placed } = distanceMatrix(g, points);
  const order = orderStops(d, method);
  const legs: Leg[] = [];
  let at = 0;
  for (const next of order) {
    const a = placed[at];
    const b = placed[next];
    const road = roadMeters(g, a, b);
    if (road !== null && a.reach && b.snap) {
      const offRoadM = (a.snap?.offM ?? 0) + b.snap.offM;
      legs.push({ from: at, to: next, meters: d[at][next], coordinates: [a.lonLat, ...g.path(a.reach, b.snap), b.lonLat], straight: false, offRoadM });
    } else {
      legs.push({ from: at, to: next, meters: d[at][next], coordinates: [a.lonLat, b.lonLat], straight: true, offRoadM: d[at][next] });
    }
    at = next;
  }
  return { order, legs, meters: legs.reduce((s, l) => s + l.meters, 0) };
}
