import type { Points } from '../../server/domain/points-codec.ts';
import { HEAT_COLORS } from '../map/layers.ts';

/**
 * Problems counted in 100 m hexagons on one grid for the whole town, so two periods (this month |
 * last month, or the twelve months of a time-lapse) can be drawn on one colour scale: the same
 * colour is the same count everywhere. A heat surface cannot do this — its colours are relative
 * to the densest spot of each picture.
 */

/** Hexagon size: centre to corner, in metres. */
export const BIN_RADIUS_M = 100;
const M_PER_DEG_LAT = 110_540;
const SQRT3 = Math.sqrt(3);
/** How much of its bin a hexagon covers when drawn. */
const DRAWN_SHARE = 0.92;

/** A local metric plane anchored at a fixed origin (the town's south-west corner): the same bins for every period. */
export interface BinGrid {
  origin: [number, number];
  mPerDegLon: number;
}

export function binGrid(bbox: [number, number, number, number]): BinGrid {
  const lat0 = (bbox[1] + bbox[3]) / 2;
  return { origin: [bbox[0], bbox[1]], mPerDegLon: 111_320 * Math.cos((lat0 * Math.PI) / 180) };
}

/** The axial hexagon (pointy top) a point falls in, as "q,r". */
function hexOf(x: number, y: number): [number, number] {
  const q = ((SQRT3 / 3) * x - y / 3) / BIN_RADIUS_M;
  const r = ((2 / 3) * y) / BIN_RADIUS_M;
  // cube rounding
  const s = -q - r;
  let rq = Math.round(q);
  let rr = Math.round(r);
  const rs = Math.round(s);
  const dq = Math.abs(rq - q);
  const dr = Math.abs(rr - r);
  const ds = Math.abs(rs - s);
  if (dq > dr && dq > ds) rq = -rr - rs;
  else if (dr > ds) rr = -rq - rs;
  return [rq, rr];
}

export interface Bin {
  key: string;
  count: number;
  /** The hexagon's corners, longitude/latitude, closed. */
  polygon: [number, number][];
}

/** Counts the points in hexagons of the grid. */
export function binPoints(points: Points, grid: BinGrid): Bin[] {
  const counts = new Map<string, { q: number; r: number; count: number }>();
  const [lon0, lat0] = grid.origin;
  for (let i = 0; i < points.count; i++) {
    const x = (points.originLon + points.dLon[i] - lon0) * grid.mPerDegLon;
    const y = (points.originLat + points.dLat[i] - lat0) * M_PER_DEG_LAT;
    const [q, r] = hexOf(x, y);
    const key = `${q},${r}`;
    const bin = counts.get(key);
    if (bin) bin.count++;
    else counts.set(key, { q, r, count: 1 });
  }
  return [...counts.entries()].map(([key, { q, r, count }]) => {
    const cx = BIN_RADIUS_M * SQRT3 * (q + r / 2);
    const cy = BIN_RADIUS_M * 1.5 * r;
    const polygon: [number, number][] = [];
    // drawn a little smaller than the bin: the gaps between hexagons show, without outlines to draw
    const size = BIN_RADIUS_M * DRAWN_SHARE;
    for (let k = 0; k <= 6; k++) {
      const a = (Math.PI / 180) * (60 * (k % 6) - 30);
      polygon.push([lon0 + (cx + size * Math.cos(a)) / grid.mPerDegLon, lat0 + (cy + size * Math.sin(a)) / M_PER_DEG_LAT]);
    }
    return { key, count, polygon };
  });
}

/** The colour classes of a shared scale whose largest bin holds `max` problems: 1 … max in up to 6 steps. */
export interface BinScale {
  max: number;
  steps: { from: number; color: [number, number, number]; label: string }[];
}

export function binScale(max: number): BinScale {
  const top = Math.max(1, max);
  const n = Math.min(HEAT_COLORS.length, top);
  const bounds: number[] = [];
  for (let k = 0; k < n; k++) bounds.push(1 + Math.round((k * (top - 1)) / n));
  const unique = [...new Set(bounds)];
  return {
    max: top,
    steps: unique.map((from, k) => {
      const to = k + 1 < unique.length ? unique[k + 1] - 1 : top;
      const color = HEAT_COLORS[Math.round((k * (HEAT_COLORS.length - 1)) / Math.max(1, unique.length - 1))];
      return { from, color, label: from === to ? `${from}` : `${from}–${to}` };
    }),
  };
}

/** The colour of a bin on a scale. */
export function binColor(scale: BinScale, count: number): [number, number, number] {
  let color = scale.steps[0].color;
  for (const s of scale.steps) if (count >= s.from) color = s.color;
  return color;
}

/** The largest bin over several periods' bins: their shared scale's top. */
export const sharedMax = (periods: readonly Bin[][]) => periods.reduce((m, bins) => bins.reduce((a, b) => Math.max(a, b.count), m), 0);
