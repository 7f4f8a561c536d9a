import { distanceKm } from '../domain/geometry.ts';

/**
 * A patrol's track (巡查轨迹): the phone's positions, thinned so that a morning's walk is a few
 * hundred points — a point is kept only when it is at least MIN_STEP_M from the last kept one and
 * at least MIN_GAP_MS after it. The phone thins as it records; the server thins again what it is sent.
 */

export const MIN_STEP_M = 10;
export const MIN_GAP_MS = 5000;

export interface TrackPoint {
  /** ms epoch */
  at: number;
  lon: number;
  lat: number;
}

/** Whether `p` is worth keeping after `last` (the last kept point, if any). */
export function keepsAfter(last: TrackPoint | null, p: TrackPoint): boolean {
  if (!last) return true;
  return p.at - last.at >= MIN_GAP_MS && distanceKm([last.lon, last.lat], [p.lon, p.lat]) * 1000 >= MIN_STEP_M;
}

/** The points to keep of `points` (taken in time order) after `last`. */
export function thinTrack(points: readonly TrackPoint[], last: TrackPoint | null = null): TrackPoint[] {
  const kept: TrackPoint[] = [];
  let prev = last;
  for (const p of [...points].sort((a, b) => a.at - b.at)) {
    if (prev && p.at <= prev.at) continue;
    if (keepsAfter(prev, p)) {
      kept.push(p);
      prev = p;
    }
  }
  return kept;
}

/** A track's length in metres. */
export function trackMeters(points: readonly TrackPoint[]): number {
  let m = 0;
  for (let i = 1; i < points.length; i++) m += distanceKm([points[i - 1].lon, points[i - 1].lat], [points[i].lon, points[i].lat]) * 1000;
  return m;
}
