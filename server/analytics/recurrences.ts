import { RECURRENCE_RADIUS_M, RECURRENCE_WINDOW_MS, withinRecurrenceWindow } from '../domain/duplicates.ts';
import { distanceKm, KM_PER_DEG_LAT, kmPerDegLon } from '../domain/geometry.ts';
import type { ProblemRecord } from '../store/records.ts';
import type { ProblemTable } from './problem-table.ts';

export interface Recurrence {
  problemId: number;
  ofProblemId: number;
  distanceM: number;
}

type Closed = { id: number; lon: number; lat: number; closedAt: number };

type Report = Pick<ProblemRecord, 'id' | 'lon' | 'lat' | 'category' | 'reportedAt' | 'closedAt'>;

/**
 * Finds the recurrences (反弹) in problems given one by one in report order: a problem is one when
 * a problem of the same category within 50 m was closed in the 90 days before it was reported (the
 * nearest such one is what it repeats). The rule POST /api/problems applies to a new report,
 * applied to a whole history (the demo, an import). Closed problems wait in 50 m cells per
 * category; one closed more than 90 days before the current report can never count again and is
 * dropped, so memory follows the window, not the history.
 */
export class RecurrenceFinder {
  readonly #cells = new Map<string, Closed[]>();
  #degLon = 0;
  #degLat = 0;

  /** The recurrence `p` is, or null; then remembers `p` if it is closed. */
  add(p: Report): Recurrence | null {
    const radiusKm = RECURRENCE_RADIUS_M / 1000;
    if (this.#degLon === 0) {
      this.#degLat = radiusKm / KM_PER_DEG_LAT;
      this.#degLon = radiusKm / kmPerDegLon(p.lat);
    }
    const cx = Math.floor(p.lon / this.#degLon);
    const cy = Math.floor(p.lat / this.#degLat);
    let best: Closed | null = null;
    let bestKm = radiusKm;
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        const list = this.#cells.get(`${p.category}|${cx + dx}|${cy + dy}`);
        if (!list) continue;
        let kept = 0;
        for (const c of list) {
          if (p.reportedAt - c.closedAt > RECURRENCE_WINDOW_MS) continue; // too old for this and any later report
          list[kept++] = c;
          if (!withinRecurrenceWindow(c.closedAt, p.reportedAt)) continue;
          const km = distanceKm([p.lon, p.lat], [c.lon, c.lat]);
          if (km < bestKm || (best === null && km <= bestKm)) {
            bestKm = km;
            best = c;
          }
        }
        list.length = kept;
      }
    }
    if (p.closedAt !== null) {
      const key = `${p.category}|${cx}|${cy}`;
      const entry = { id: p.id, lon: p.lon, lat: p.lat, closedAt: p.closedAt };
      const list = this.#cells.get(key);
      if (list) list.push(entry);
      else this.#cells.set(key, [entry]);
    }
    return best ? { problemId: p.id, ofProblemId: best.id, distanceM: Math.round(bestKm * 10_000) / 10 } : null;
  }
}

/** The recurrences among problems in report order (see RecurrenceFinder). */
export function findRecurrences(problems: Iterable<Report>): Recurrence[] {
  const finder = new RecurrenceFinder();
  const out: Recurrence[] = [];
  for (const p of problems) {
    const r = finder.add(p);
    if (r) out.push(r);
  }
  return out;
}

/**
 * The recurrences that problems just added (an import) are: the whole table walked in report
 * order, since imported rows are older than their ids say. Only the added problems are marked: a
 * problem already there does not become a recurrence of an imported one (the import's undo must
 * leave the town as it was).
 */
export function recurrencesAmong(table: ProblemTable, added: ReadonlySet<number>): Recurrence[] {
  const order = Array.from({ length: table.size }, (_, i) => i).sort((a, b) => table.reportedAt[a] - table.reportedAt[b] || table.id[a] - table.id[b]);
  return findRecurrences(order.map((i) => table.record(i))).filter((r) => added.has(r.problemId));
}
