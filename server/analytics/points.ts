import { allocatePoints, OVERDUE_BIT } from '../domain/points-codec.ts';
import { compileFilter, type ProblemFilter } from './filter.ts';
import type { ProblemTable } from './problem-table.ts';

/** Every problem matching the filter as a points answer (see points-codec.ts), in id order. */
export function encodePoints(table: ProblemTable, f: ProblemFilter, now: number, origin: readonly [number, number]): ArrayBuffer {
  const match = compileFilter(table, f, now);
  const rows = table.scratchValues();
  let n = 0;
  for (let i = 0; i < table.size; i++) if (match === null || match(i)) rows[n++] = i;
  const { buffer, points } = allocatePoints(n, origin[0], origin[1]);
  const closed = table.statusIndex.get('closed') ?? -1;
  for (let k = 0; k < n; k++) {
    const i = rows[k];
    points.dLon[k] = table.lon[i] - origin[0];
    points.dLat[k] = table.lat[i] - origin[1];
    points.id[k] = table.id[i];
    points.category[k] = table.category[i];
    const s = table.status[i];
    points.status[k] = s !== closed && now > table.deadline[i] ? s | OVERDUE_BIT : s;
  }
  return buffer;
}
