import { area, pointOnFeature } from '@turf/turf';
import type { ProblemTable } from '../analytics/problem-table.ts';
import { AreaIndex } from '../domain/grid-index.ts';
import type { Status } from '../domain/lifecycle.ts';
import type { GridRecord, SiteRecord } from '../store/records.ts';
import type { TownData } from '../town-data.ts';
import { areasByName } from './boundary-diff.ts';
import type { Area } from './read-boundaries.ts';

/**
 * What committing new grid boundaries writes: the new set of grids (a grid whose name is in the
 * file keeps its id, manager and village, with the file's shape; a new name becomes a new grid in
 * the village that holds it), the grids that go, and every problem and key site whose grid changes.
 * Refused, with the reasons, when the file cannot be matched or would leave a problem in no grid:
 * a boundary change never loses a problem.
 */

export interface ProblemMove {
  problemId: number;
  /** The version the plan was made against: the commit fails if the problem changed since. */
  version: number;
  status: Status;
  from: { gridId: string; communityId: string };
  to: { gridId: string; communityId: string };
  /** The history's words: from which grid to which, and the file. */
  note: string;
}

export interface GridPlan {
  grids: GridRecord[];
  removed: string[];
  moves: ProblemMove[];
  sites: { id: string; gridId: string; communityId: string }[];
}

export type PlanResult = { plan: GridPlan } | { refused: string[] };

/** How many problem ids a refusal names before "等". */
const NAMED = 10;

const M2_PER_KM2 = 1_000_000;

/** The next free id `<village>-NN` for a grid added to a village. */
function nextGridId(communityId: string, taken: Set<string>): string {
  for (let n = 1; ; n++) {
    const id = `${communityId}-${String(n).padStart(2, '0')}`;
    if (!taken.has(id)) {
      taken.add(id);
      return id;
    }
  }
}

export function planGrids(
  areas: readonly Area[],
  field: string | null,
  town: Pick<TownData, 'town' | 'grids' | 'communities' | 'communityIndex' | 'sites'>,
  table: ProblemTable,
  /** The boundary file's name, for the history. */
  file: string,
): PlanResult {
  const { byName, unnamed, duplicates } = areasByName(areas, field);
  const refused: string[] = [];
  if (!field) refused.push('文件中没有可作网格名称的属性');
  if (unnamed > 0) refused.push(`${unnamed} 个面没有名称，无法对应网格`);
  if (duplicates.length > 0) refused.push(`网格名称重复：${duplicates.join('、')}`);
  if (byName.size === 0) refused.push('文件中没有带名称的面');
  if (refused.length > 0) return { refused };

  const current = new Map(town.grids.map((g) => [g.name, g]));
  const taken = new Set(town.grids.map((g) => g.id));
  const grids: GridRecord[] = [];
  for (const [name, a] of byName) {
    const was = current.get(name);
    const areaKm2 = area({ type: 'Feature', geometry: a.geometry, properties: {} }) / M2_PER_KM2;
    if (was) {
      grids.push({ ...was, geometry: a.geometry, areaKm2 });
      continue;
    }
    const [lon, lat] = pointOnFeature(a.geometry).geometry.coordinates;
    const communityId = town.communityIndex.locate(lon, lat);
    if (communityId === null) {
      refused.push(`新网格“${name}”不在任何村居内`);
      continue;
    }
    grids.push({ id: nextGridId(communityId, taken), townId: town.town.id, communityId, name, manager: '', geometry: a.geometry, areaKm2 });
  }
  const kept = new Set(grids.map((g) => g.id));
  const oldName = new Map(town.grids.map((g) => [g.id, g.name]));
  const removed = town.grids.filter((g) => !kept.has(g.id)).map((g) => g.id);
  const index = new AreaIndex(grids);
  const byId = new Map(grids.map((g) => [g.id, g]));

  const moves: ProblemMove[] = [];
  const outside: number[] = [];
  for (let i = 0; i < table.size; i++) {
    const gridId = index.locate(table.lon[i], table.lat[i]);
    if (gridId === null) {
      outside.push(table.id[i]);
      continue;
    }
    const p = table.record(i);
    const communityId = (byId.get(gridId) as GridRecord).communityId;
    if (gridId !== p.gridId || communityId !== p.communityId)
      moves.push({
        problemId: p.id,
        version: p.version,
        status: p.status,
        from: { gridId: p.gridId, communityId: p.communityId },
        to: { gridId, communityId },
        note: `网格边界更新（${file || '边界文件'}）：${oldName.get(p.gridId) ?? p.gridId} → ${(byId.get(gridId) as GridRecord).name}`,
      });
  }
  if (outside.length > 0)
    refused.push(
      `${outside.length} 件问题不在任何新网格内（编号 ${outside.slice(0, NAMED).join('、')}${outside.length > NAMED ? ' 等' : ''}），请补全边界后再导入`,
    );

  const sites: GridPlan['sites'] = [];
  const sitesOutside: SiteRecord[] = [];
  for (const s of town.sites) {
    const gridId = index.locate(s.lon, s.lat);
    if (gridId === null) sitesOutside.push(s);
    else if (gridId !== s.gridId) sites.push({ id: s.id, gridId, communityId: (byId.get(gridId) as GridRecord).communityId });
  }
  if (sitesOutside.length > 0) refused.push(`重点点位不在任何新网格内：${sitesOutside.map((s) => s.name).join('、')}`);
  if (refused.length > 0) return { refused };
  return { plan: { grids, removed, moves, sites } };
}
