import { KM_PER_DEG_LAT, kmPerDegLon } from '../domain/geometry.ts';

/**
 * Hotspot detection with the Getis-Ord Gi* statistic on a hexagonal grid.
 *
 * Points are binned into pointy-top hexagons `cellKm` across (flat to flat) on a local plane.
 * Every cell of the study area counts, empty ones too. For each cell, Gi* compares the sum over
 * the cell and its neighbours (rings ≤ `rings`, binary weights) with what the area's mean would
 * give; z > 0 with a one-sided p-value that survives the Benjamini–Hochberg false-discovery-rate
 * correction at `alpha` marks a hot cell. Hot cells that touch form one hotspot; hotspots holding
 * fewer than `minCount` points are dropped. Without the correction, thousands of cells would give
 * dozens of "hotspots" in pure noise at 95% confidence.
 */

export interface HotspotOptions {
  /** Hexagon width, km (default 0.3). */
  cellKm?: number;
  /** Neighbourhood rings around a cell (default 1: the cell and its 6 neighbours). */
  rings?: number;
  /** False discovery rate (default 0.05: 95% confidence). */
  alpha?: number;
  /** Smallest number of points a hotspot must hold (default 10). */
  minCount?: number;
}

export interface HotspotCell {
  lon: number;
  lat: number;
  count: number;
  z: number;
}

export interface Hotspot {
  /** Keys of its cells, as `cellOf` gives them. */
  cellKeys: Set<number>;
  /** Point-weighted centre of the hotspot's cells. */
  center: [number, number];
  /** Points in the hotspot's cells. */
  count: number;
  /** Largest Gi* z-score among its cells. */
  maxZ: number;
  cells: HotspotCell[];
  /** Row indexes (into the input arrays) of the points in it. */
  members: number[];
}

const SQRT3 = Math.sqrt(3);
const NEIGHBOURS: [number, number][] = [
  [1, 0],
  [1, -1],
  [0, -1],
  [-1, 0],
  [-1, 1],
  [0, 1],
];

/** Standard normal upper-tail probability P(Z > z) (Abramowitz & Stegun 26.2.17, error < 7.5e-8). */
export function normalUpperTail(z: number): number {
  if (z < 0) return 1 - normalUpperTail(-z);
  const t = 1 / (1 + 0.2316419 * z);
  const poly = t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
  return (Math.exp((-z * z) / 2) / Math.sqrt(2 * Math.PI)) * poly;
}

/** A cell's key: both axial coordinates in one number (|q|, |r| < 50,000). */
const key = (q: number, r: number) => (q + 50_000) * 100_000 + (r + 50_000);

/**
 * Finds hotspots among points `lon[i], lat[i]` for i < n. `inside(lon, lat)` says whether a cell
 * centre belongs to the study area (e.g. the town boundary); `bbox` bounds that area.
 */
export function findHotspots(
  lon: ArrayLike<number>,
  lat: ArrayLike<number>,
  n: number,
  bbox: readonly [number, number, number, number],
  inside: (lon: number, lat: number) => boolean,
  options: HotspotOptions = {},
): { hotspots: Hotspot[]; cellOf: (lon: number, lat: number) => number } {
  const cellKm = options.cellKm ?? 0.3;
  const rings = options.rings ?? 1;
  const alpha = options.alpha ?? 0.05;
  const minCount = options.minCount ?? 10;
  const lon0 = (bbox[0] + bbox[2]) / 2;
  const lat0 = (bbox[1] + bbox[3]) / 2;
  const kx = kmPerDegLon(lat0);
  const size = cellKm / SQRT3; // centre to corner

  const toAxial = (x: number, y: number): [number, number] => {
    const qf = ((SQRT3 / 3) * x - y / 3) / size;
    const rf = ((2 / 3) * y) / size;
    // Cube rounding.
    let q = Math.round(qf);
    let r = Math.round(rf);
    const s = Math.round(-qf - rf);
    const dq = Math.abs(q - qf);
    const dr = Math.abs(r - rf);
    const ds = Math.abs(s - (-qf - rf));
    if (dq > dr && dq > ds) q = -r - s;
    else if (dr > ds) r = -q - s;
    return [q, r];
  };
  const centre = (q: number, r: number): [number, number] => {
    const x = size * SQRT3 * (q + r / 2);
    const y = size * 1.5 * r;
    return [lon0 + x / kx, lat0 + y / KM_PER_DEG_LAT];
  };

  // The study area's cells, empty ones included.
  const cells = new Map<number, { q: number; r: number; count: number; members: number[] }>();
  const [q0, r0] = toAxial((bbox[0] - lon0) * kx, (bbox[1] - lat0) * KM_PER_DEG_LAT);
  const [q1, r1] = toAxial((bbox[2] - lon0) * kx, (bbox[3] - lat0) * KM_PER_DEG_LAT);
  const rMin = Math.min(r0, r1) - 1;
  const rMax = Math.max(r0, r1) + 1;
  const span = Math.abs(q1 - q0) + Math.abs(r1 - r0) + 2;
  for (let r = rMin; r <= rMax; r++) {
    for (let q = Math.min(q0, q1) - span; q <= Math.max(q0, q1) + span; q++) {
      const [cl, ca] = centre(q, r);
      if (cl < bbox[0] || cl > bbox[2] || ca < bbox[1] || ca > bbox[3] || !inside(cl, ca)) continue;
      cells.set(key(q, r), { q, r, count: 0, members: [] });
    }
  }
  for (let i = 0; i < n; i++) {
    const [q, r] = toAxial((lon[i] - lon0) * kx, (lat[i] - lat0) * KM_PER_DEG_LAT);
    const cell = cells.get(key(q, r));
    if (cell) {
      cell.count++;
      cell.members.push(i);
    }
  }
  const cellOf = (x: number, y: number) => key(...toAxial((x - lon0) * kx, (y - lat0) * KM_PER_DEG_LAT));
  const m = cells.size;
  if (m < 3) return { hotspots: [], cellOf };
  let sum = 0;
  let sumSq = 0;
  for (const c of cells.values()) {
    sum += c.count;
    sumSq += c.count * c.count;
  }
  const mean = sum / m;
  const sd = Math.sqrt(sumSq / m - mean * mean);
  if (sd === 0) return { hotspots: [], cellOf };

  const neighbourhood = (q: number, r: number): number[] => {
    const out: number[] = [];
    for (let dq = -rings; dq <= rings; dq++) {
      for (let dr = Math.max(-rings, -dq - rings); dr <= Math.min(rings, -dq + rings); dr++) {
        const k = key(q + dq, r + dr);
        if (cells.has(k)) out.push(k);
      }
    }
    return out;
  };

  const scored: { k: number; z: number; p: number }[] = [];
  for (const [k, c] of cells) {
    const hood = neighbourhood(c.q, c.r);
    const w = hood.length;
    let local = 0;
    for (const h of hood) local += cells.get(h)?.count ?? 0;
    const denom = sd * Math.sqrt((m * w - w * w) / (m - 1));
    const z = denom > 0 ? (local - mean * w) / denom : 0;
    scored.push({ k, z, p: normalUpperTail(z) });
  }
  // Benjamini–Hochberg: the largest rank whose p-value is under its share of alpha.
  const ranked = [...scored].sort((a, b) => a.p - b.p);
  let cutoff = -1;
  ranked.forEach((s, i) => {
    if (s.p <= ((i + 1) / ranked.length) * alpha) cutoff = s.p;
  });
  const hot = new Map(scored.filter((s) => s.z > 0 && s.p <= cutoff).map((s) => [s.k, s.z]));

  // Hot cells that touch form one hotspot.
  const seen = new Set<number>();
  const hotspots: Hotspot[] = [];
  for (const start of hot.keys()) {
    if (seen.has(start)) continue;
    const stack = [start];
    seen.add(start);
    const group: number[] = [];
    while (stack.length > 0) {
      const k = stack.pop() as number;
      group.push(k);
      const c = cells.get(k);
      if (!c) continue;
      for (const [dq, dr] of NEIGHBOURS) {
        const nk = key(c.q + dq, c.r + dr);
        if (hot.has(nk) && !seen.has(nk)) {
          seen.add(nk);
          stack.push(nk);
        }
      }
    }
    let count = 0;
    let cx = 0;
    let cy = 0;
    let maxZ = Number.NEGATIVE_INFINITY;
    const members: number[] = [];
    const out: HotspotCell[] = [];
    for (const k of group) {
      const c = cells.get(k);
      if (!c) continue;
      const [cl, ca] = centre(c.q, c.r);
      const z = hot.get(k) ?? 0;
      out.push({ lon: cl, lat: ca, count: c.count, z });
      count += c.count;
      cx += cl * c.count;
      cy += ca * c.count;
      if (z > maxZ) maxZ = z;
      members.push(...c.members);
    }
    if (count < minCount) continue;
    hotspots.push({ cellKeys: new Set(group), center: [cx / count, cy / count], count, maxZ, cells: out, members });
  }
  return { hotspots: hotspots.sort((a, b) => b.count - a.count), cellOf };
}
