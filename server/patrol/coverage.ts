import type { RoadGraph } from './road-graph.ts';

/**
 * 巡查覆盖: how much of a grid's roads a patrol passed — the share of road length within `reachM`
 * (30 m: a street's width and its shop fronts) of a track. Road pieces are sampled every `stepM`
 * metres at most; a sample counts when some track segment is within reach. Tracks are lon/lat lines.
 */

export const COVERAGE_REACH_M = 30;
const STEP_M = 5;
const CELL_M = 60;

export interface Coverage {
  /** Road metres considered, and those within reach of a track. */
  roadM: number;
  coveredM: number;
  /** coveredM / roadM (0 when there is no road). */
  share: number;
}

/**
 * The coverage of the road pieces `edges` (all when omitted) by `tracks`. Pieces are counted in
 * full whatever their position: the caller picks those of a grid (`edgesWithin`).
 */
export function coverage(
  g: RoadGraph,
  tracks: readonly (readonly (readonly [number, number])[])[],
  edges?: readonly number[],
  reachM = COVERAGE_REACH_M,
): Coverage {
  const list = edges ?? Array.from({ length: g.edgeCount }, (_, e) => e);
  const covered = coveredMeters(g, tracks, list, reachM);
  let roadM = 0;
  let coveredM = 0;
  for (const e of list) {
    roadM += g.edgeLen[e];
    coveredM += covered[e];
  }
  return { roadM, coveredM, share: roadM > 0 ? coveredM / roadM : 0 };
}

/** Metres of each road piece in `edges` within `reachM` of a track (indexed by edge; 0 for pieces not asked for). */
export function coveredMeters(
  g: RoadGraph,
  tracks: readonly (readonly (readonly [number, number])[])[],
  edges: readonly number[],
  reachM = COVERAGE_REACH_M,
): Float64Array {
  const out = new Float64Array(g.edgeCount);
  // Track segments in metres, by cell.
  const segs: [number, number, number, number][] = [];
  const cells = new Map<string, number[]>();
  for (const track of tracks) {
    for (let i = 1; i < track.length; i++) {
      const [ax, ay] = g.project(track[i - 1][0], track[i - 1][1]);
      const [bx, by] = g.project(track[i][0], track[i][1]);
      const s = segs.push([ax, ay, bx, by]) - 1;
      for (let cx = Math.floor((Math.min(ax, bx) - reachM) / CELL_M); cx <= Math.floor((Math.max(ax, bx) + reachM) / CELL_M); cx++) {
        for (let cy = Math.floor((Math.min(ay, by) - reachM) / CELL_M); cy <= Math.floor((Math.max(ay, by) + reachM) / CELL_M); cy++) {
          const key = `${cx},${cy}`;
          const list = cells.get(key);
          if (list) list.push(s);
          else cells.set(key, [s]);
        }
      }
    }
  }
  if (segs.length === 0) return out;
  const near = (x: number, y: number): boolean => {
    for (const s of cells.get(`${Math.floor(x / CELL_M)},${Math.floor(y / CELL_M)}`) ?? []) {
      if (distanceToSegment(x, y, segs[s]) <= reachM) return true;
    }
    return false;
  };
  for (const e of edges) {
    const len = g.edgeLen[e];
    const u = g.edgeU[e];
    const v = g.edgeV[e];
    const n = Math.max(1, Math.ceil(len / STEP_M));
    // The piece is split into n equal parts; each part counts by its middle.
    for (let k = 0; k < n; k++) {
      const t = (k + 0.5) / n;
      if (near(g.x[u] + (g.x[v] - g.x[u]) * t, g.y[u] + (g.y[v] - g.y[u]) * t)) out[e] += len / n;
    }
  }
  return out;
}

/** The road pieces whose middle lies inside an area (a grid), by a point-in-area test. */
export function edgesWithin(g: RoadGraph, inside: (lon: number, lat: number) => boolean): number[] {
  const out: number[] = [];
  for (let e = 0; e < g.edgeCount; e++) {
    const u = g.edgeU[e];
    const v = g.edgeV[e];
    if (inside((g.lon[u] + g.lon[v]) / 2, (g.lat[u] + g.lat[v]) / 2)) out.push(e);
  }
  return out;
}

function distanceToSegment(x: number, y: number, s: readonly number[]): number {
  const dx = s[2] - s[0];
  const dy = s[3] - s[1];
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((x - s[0]) * dx + (y - s[1]) * dy) / len2));
  return Math.hypot(x - (s[0] + dx * t), y - (s[1] + dy * t));
}
