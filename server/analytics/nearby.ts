import { KM_PER_DEG_LAT, kmPerDegLon } from '../domain/geometry.ts';
import type { ProblemTable } from './problem-table.ts';

export interface Nearby {
  row: number;
  id: number;
  distanceM: number;
}

/**
 * Problems within `radiusM` metres of a point that pass `keep`, nearest first. A scan of the
 * table's coordinate columns behind a bounding-box test: a few milliseconds at a million rows,
 * once per created problem.
 */
export function nearbyProblems(table: ProblemTable, lon: number, lat: number, radiusM: number, keep: (row: number) => boolean): Nearby[] {
  const kmLon = kmPerDegLon(lat);
  const dLon = radiusM / 1000 / kmLon;
  const dLat = radiusM / 1000 / KM_PER_DEG_LAT;
  const out: Nearby[] = [];
  for (let i = 0; i < table.size; i++) {
    const x = table.lon[i];
    const y = table.lat[i];
    if (x < lon - dLon || x > lon + dLon || y < lat - dLat || y > lat + dLat) continue;
    const dx = (x - lon) * kmLon * 1000;
    const dy = (y - lat) * KM_PER_DEG_LAT * 1000;
    const d = Math.sqrt(dx * dx + dy * dy);
    if (d <= radiusM && keep(i)) out.push({ row: i, id: table.id[i], distanceM: Math.round(d * 10) / 10 });
  }
  return out.sort((a, b) => a.distanceM - b.distanceM);
}
