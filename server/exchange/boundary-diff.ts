import { area, featureCollection, intersect, union } from '@turf/turf';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import type { ProblemTable } from '../analytics/problem-table.ts';
import { AreaIndex } from '../domain/grid-index.ts';
import type { GridRecord } from '../store/records.ts';
import type { Area } from './read-boundaries.ts';

/**
 * What new grid boundaries would change, before anything is written: grids added, removed and
 * reshaped (matched by name), the problems that would fall in another grid or in none, the grid
 * managers whose grids would go, and the topology of the new set (overlaps and gaps between grids).
 */

export interface BoundaryDiff {
  /** The attribute the names were read from. */
  nameField: string | null;
  added: string[];
  removed: { id: string; name: string }[];
  reshaped: { id: string; name: string; changedM2: number }[];
  unchanged: number;
  /** Problems whose grid would change (by name), and those no new grid would hold. */
  problemsMoving: number;
  problemsOutside: number;
  /** Accounts assigned a grid that would go. */
  assignmentsAffected: { username: string; grids: string[] }[];
  overlaps: { a: string; b: string; m2: number }[];
  gaps: { m2: number; at: [number, number] }[];
  /** Areas without a name, or with a name used twice: they cannot be matched. */
  unnamed: number;
  duplicates: string[];
}

/**
 * Smaller than this (square metres, a 10 m square) is digitising noise, not a change, an overlap or
 * a gap: the demo's own grids, tiled exactly, leave slivers of 16 and 21 m² in a union.
 */
const NOISE_M2 = 100;

/** The attribute that names the areas: the one whose values match the most current grid names. */
export function nameField(areas: readonly Area[], grids: readonly Pick<GridRecord, 'name'>[]): string | null {
  const names = new Set(grids.map((g) => g.name));
  const fields = [...new Set(areas.flatMap((a) => Object.keys(a.properties)))];
  let best: { field: string; hits: number } | null = null;
  for (const field of fields) {
    const hits = areas.filter((a) => names.has(String(a.properties[field] ?? '').trim())).length;
    if (!best || hits > best.hits) best = { field, hits };
  }
  if (best && best.hits > 0) return best.field;
  // no name matches: the first attribute holding text
  return fields.find((f) => areas.some((a) => typeof a.properties[f] === 'string' && String(a.properties[f]).trim())) ?? null;
}

type Shape = Feature<Polygon | MultiPolygon>;

/** The areas by their name in `field`; those without a name, and names used more than once (first kept). */
export function areasByName(areas: readonly Area[], field: string | null): { byName: Map<string, Area>; unnamed: number; duplicates: string[] } {
  const byName = new Map<string, Area>();
  const duplicates = new Set<string>();
  let unnamed = 0;
  for (const a of areas) {
    const n = field ? String(a.properties[field] ?? '').trim() : '';
    if (!n) unnamed++;
    else if (byName.has(n)) duplicates.add(n);
    else byName.set(n, a);
  }
  return { byName, unnamed, duplicates: [...duplicates] };
}

/** An area as the town has it: a grid or a village. */
export type NamedArea = Pick<GridRecord, 'id' | 'name' | 'geometry'>;

export function diffGrids(
  areas: readonly Area[],
  grids: readonly NamedArea[],
  table: ProblemTable,
  assignments: readonly { username: string; gridIds: readonly string[] }[],
  /** The attribute holding the names, when the clerk says which. */
  chosenField?: string,
  /** The area a problem is in now (its grid; its village when the file holds villages). */
  areaOfRow: (i: number) => string = (i) => table.record(i).gridId,
): BoundaryDiff {
  const field = chosenField ?? nameField(areas, grids);
  const { byName, unnamed, duplicates } = areasByName(areas, field);
  const current = new Map(grids.map((g) => [g.name, g]));
  const added = [...byName.keys()].filter((n) => !current.has(n));
  const removed = grids.filter((g) => !byName.has(g.name)).map((g) => ({ id: g.id, name: g.name }));
  const reshaped: BoundaryDiff['reshaped'] = [];
  let unchanged = 0;
  for (const g of grids) {
    const a = byName.get(g.name);
    if (!a) continue;
    const before: Shape = { type: 'Feature', geometry: g.geometry, properties: {} };
    const common = intersect(featureCollection([before, a as Shape]));
    const changed = area(before) + area(a) - 2 * (common ? area(common) : 0);
    if (changed > NOISE_M2) reshaped.push({ id: g.id, name: g.name, changedM2: Math.round(changed) });
    else unchanged++;
  }

  // problems: the grid each would fall in, by name, against the grid it is in
  const named = [...byName.entries()].map(([name, a]) => ({ id: name, geometry: a.geometry }));
  const index = new AreaIndex(named);
  const gridName = new Map(grids.map((g) => [g.id, g.name]));
  let problemsMoving = 0;
  let problemsOutside = 0;
  for (let i = 0; i < table.size; i++) {
    const to = index.locate(table.lon[i], table.lat[i]);
    if (to === null) problemsOutside++;
    else if (to !== gridName.get(areaOfRow(i))) problemsMoving++;
  }

  const gone = new Set(removed.map((r) => r.id));
  const assignmentsAffected = assignments
    .map((u) => ({ username: u.username, grids: u.gridIds.filter((g) => gone.has(g)).map((g) => gridName.get(g) ?? g) }))
    .filter((u) => u.grids.length > 0);

  return {
    nameField: field,
    added,
    removed,
    reshaped,
    unchanged,
    problemsMoving,
    problemsOutside,
    assignmentsAffected,
    ...topology(named.map((n) => ({ name: n.id, shape: { type: 'Feature', geometry: n.geometry, properties: {} } as Shape }))),
    unnamed,
    duplicates,
  };
}

/** Overlaps between the new areas (pairs whose boxes meet), and gaps: holes inside their union. */
function topology(shapes: { name: string; shape: Shape }[]): Pick<BoundaryDiff, 'overlaps' | 'gaps'> {
  const box = (s: Shape) => {
    const pts = (s.geometry.type === 'Polygon' ? [s.geometry.coordinates] : s.geometry.coordinates).flat(2);
    return [Math.min(...pts.map((p) => p[0])), Math.min(...pts.map((p) => p[1])), Math.max(...pts.map((p) => p[0])), Math.max(...pts.map((p) => p[1]))];
  };
  const boxes = shapes.map((s) => box(s.shape));
  const overlaps: BoundaryDiff['overlaps'] = [];
  for (let i = 0; i < shapes.length; i++) {
    for (let j = i + 1; j < shapes.length; j++) {
      const [a, b] = [boxes[i], boxes[j]];
      if (a[0] > b[2] || b[0] > a[2] || a[1] > b[3] || b[1] > a[3]) continue;
      const common = intersect(featureCollection([shapes[i].shape, shapes[j].shape]));
      const m2 = common ? area(common) : 0;
      if (m2 > NOISE_M2) overlaps.push({ a: shapes[i].name, b: shapes[j].name, m2: Math.round(m2) });
    }
  }
  const gaps: BoundaryDiff['gaps'] = [];
  if (shapes.length > 1) {
    const all = union(featureCollection(shapes.map((s) => s.shape)));
    const polys = !all ? [] : all.geometry.type === 'Polygon' ? [all.geometry.coordinates] : all.geometry.coordinates;
    for (const rings of polys) {
      for (const hole of rings.slice(1)) {
        const m2 = area({ type: 'Feature', geometry: { type: 'Polygon', coordinates: [hole] }, properties: {} });
        if (m2 > NOISE_M2) gaps.push({ m2: Math.round(m2), at: [hole[0][0], hole[0][1]] });
      }
    }
  }
  return { overlaps, gaps };
}
