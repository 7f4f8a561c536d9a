import { distanceKm } from '../domain/geometry.ts';
import type { GridRecord } from '../store/records.ts';
import { COVERAGE_REACH_M, coveredMeters } from './coverage.ts';
import type { RoadGraph } from './road-graph.ts';
import type { TrackPoint } from './track.ts';

/**
 * 巡查覆盖 per grid, for leaders: when it was last walked, how many metres were walked in it over
 * the window, and the share of its road length within 30 m of a track of the window.
 */

export interface CoverageTown {
  grids: readonly GridRecord[];
  roadGraph: RoadGraph;
  locate: (lon: number, lat: number) => string | null;
}

export interface GridCoverage {
  gridId: string;
  /** The latest instant a track was inside the grid (any patrol given), or null. */
  lastPatrolledAt: number | null;
  /** Patrols of the window with a point inside the grid. */
  patrols: number;
  /** Metres walked inside the grid in the window (track pieces whose middle is inside). */
  meters: number;
  roadM: number;
  coveredM: number;
  share: number;
}

/** The grid of each road piece (by its middle), computed once per graph: the town does not move. */
const edgeGrids = new WeakMap<RoadGraph, (string | null)[]>();

function gridOfEdges(town: CoverageTown): (string | null)[] {
  const g = town.roadGraph;
  let grids = edgeGrids.get(g);
  if (!grids) {
    grids = Array.from({ length: g.edgeCount }, (_, e) =>
      town.locate((g.lon[g.edgeU[e]] + g.lon[g.edgeV[e]]) / 2, (g.lat[g.edgeU[e]] + g.lat[g.edgeV[e]]) / 2),
    );
    edgeGrids.set(g, grids);
  }
  return grids;
}

/**
 * Coverage of every grid: `tracks` are the patrols' points (each in time order), of at least the
 * window; `since` starts the window (metres and share count its points only; last patrolled counts all).
 * Each point is placed in its grid once; the road pieces are measured against the window's tracks once.
 */
export function gridCoverage(town: CoverageTown, tracks: readonly (readonly TrackPoint[])[], since: number, reachM = COVERAGE_REACH_M): GridCoverage[] {
  const rows = new Map<string, GridCoverage>(
    town.grids.map((g) => [g.id, { gridId: g.id, lastPatrolledAt: null, patrols: 0, meters: 0, roadM: 0, coveredM: 0, share: 0 }]),
  );
  const windowTracks: [number, number][][] = [];
  for (const track of tracks) {
    const visited = new Set<GridCoverage>();
    const recent: [number, number][] = [];
    let prevGrid: string | null = null;
    for (let i = 0; i < track.length; i++) {
      const p = track[i];
      const gridId = town.locate(p.lon, p.lat);
      const row = gridId === null ? undefined : rows.get(gridId);
      const inWindow = p.at >= since;
      if (inWindow) recent.push([p.lon, p.lat]);
      if (row) {
        if (row.lastPatrolledAt === null || p.at > row.lastPatrolledAt) row.lastPatrolledAt = p.at;
        if (inWindow) visited.add(row);
      }
      const q = track[i - 1];
      if (q && inWindow && q.at >= since) {
        // The piece from the last point counts in the grid its middle is in.
        const mid = prevGrid === gridId ? gridId : town.locate((p.lon + q.lon) / 2, (p.lat + q.lat) / 2);
        const midRow = mid === null ? undefined : rows.get(mid);
        if (midRow) midRow.meters += distanceKm([q.lon, q.lat], [p.lon, p.lat]) * 1000;
      }
      prevGrid = gridId;
    }
    for (const row of visited) row.patrols++;
    if (recent.length > 1) windowTracks.push(recent);
  }
  const g = town.roadGraph;
  const grids = gridOfEdges(town);
  const edges = grids.flatMap((id, e) => (id === null ? [] : [e]));
  const covered = coveredMeters(g, windowTracks, edges, reachM);
  for (const e of edges) {
    const row = rows.get(grids[e] as string);
    if (!row) continue;
    row.roadM += g.edgeLen[e];
    row.coveredM += covered[e];
  }
  for (const row of rows.values()) row.share = row.roadM > 0 ? row.coveredM / row.roadM : 0;
  return [...rows.values()];
}
