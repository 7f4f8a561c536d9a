import { area, pointOnFeature } from '@turf/turf';
import type { ProblemTable } from '../analytics/problem-table.ts';
import { AreaIndex } from '../domain/grid-index.ts';
import type { Status } from '../domain/lifecycle.ts';
import type { CommunityRecord, GridRecord, SiteRecord } from '../store/records.ts';
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

/** What a commit writes, for a file of grids or of villages. */
export interface AreaPlan {
  /** Villages written (kept ids reshaped, new ones added); none when the file holds grids. */
  communities: CommunityRecord[];
  removedCommunities: string[];
  /** Grids written: the file's, or every grid with the village that now holds it. */
  grids: GridRecord[];
  removedGrids: string[];
  moves: ProblemMove[];
  sites: { id: string; gridId: string; communityId: string }[];
}

export type PlanResult = { plan: AreaPlan } | { refused: string[] };

/** How many problem ids a refusal names before "等". */
const NAMED = 10;

const M2_PER_KM2 = 1_000_000;

/** The next free id `<prefix>-NN` (a grid added to a village: the village's id; a village: `village`), taken from then on. */
function nextId(prefix: string, taken: Set<string>): string {
  for (let n = 1; ; n++) {
    const id = `${prefix}-${String(n).padStart(2, '0')}`;
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
  const refused = unmatchable(field, unnamed, duplicates, byName.size, '网格');
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
    grids.push({ id: nextId(communityId, taken), townId: town.town.id, communityId, name, manager: '', geometry: a.geometry, areaKm2 });
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

  const sites: AreaPlan['sites'] = [];
  const sitesOutside: SiteRecord[] = [];
  for (const s of town.sites) {
    const gridId = index.locate(s.lon, s.lat);
    if (gridId === null) sitesOutside.push(s);
    else if (gridId !== s.gridId) sites.push({ id: s.id, gridId, communityId: (byId.get(gridId) as GridRecord).communityId });
  }
  if (sitesOutside.length > 0) refused.push(`重点点位不在任何新网格内：${sitesOutside.map((s) => s.name).join('、')}`);
  if (refused.length > 0) return { refused };
  return { plan: { communities: [], removedCommunities: [], grids, removedGrids: removed, moves, sites } };
}

/** Refusals for names the file cannot be matched by. */
function unmatchable(field: string | null, unnamed: number, duplicates: string[], named: number, what: string): string[] {
  const refused: string[] = [];
  if (!field) refused.push(`文件中没有可作${what}名称的属性`);
  if (unnamed > 0) refused.push(`${unnamed} 个面没有名称，无法对应${what}`);
  if (duplicates.length > 0) refused.push(`${what}名称重复：${duplicates.join('、')}`);
  if (named === 0) refused.push('文件中没有带名称的面');
  return refused;
}

/**
 * Village boundaries (村居): a village named in the file keeps its id and kind with the file's
 * shape; a new name becomes a village (社区 when its name says so); each grid goes to the village
 * holding it, and its problems and key sites with it. Refused when a grid would be in no village,
 * or a village that goes is still named by a unit or a dispatch rule.
 */
export function planCommunities(
  areas: readonly Area[],
  field: string | null,
  town: Pick<TownData, 'town' | 'grids' | 'communities' | 'sites'>,
  table: ProblemTable,
  file: string,
  /** Who still names a village: units and dispatch rules, by village id. */
  namedBy: ReadonlyMap<string, string[]>,
): PlanResult {
  const { byName, unnamed, duplicates } = areasByName(areas, field);
  const refused = unmatchable(field, unnamed, duplicates, byName.size, '村居');
  if (refused.length > 0) return { refused };

  const current = new Map(town.communities.map((c) => [c.name, c]));
  const taken = new Set(town.communities.map((c) => c.id));
  const communities: CommunityRecord[] = [];
  for (const [name, a] of byName) {
    const feature = { type: 'Feature' as const, geometry: a.geometry, properties: {} };
    const areaKm2 = area(feature) / M2_PER_KM2;
    const inside = pointOnFeature(a.geometry).geometry.coordinates as [number, number];
    const was = current.get(name);
    if (was) {
      const keepCenter = new AreaIndex([{ id: was.id, geometry: a.geometry }]).locate(...was.center) !== null;
      communities.push({ ...was, geometry: a.geometry, areaKm2, center: keepCenter ? was.center : inside });
    } else {
      const kind = name.endsWith('社区') ? 'neighborhood' : 'village';
      communities.push({ id: nextId('village', taken), townId: town.town.id, name, kind, geometry: a.geometry, center: inside, areaKm2 });
    }
  }
  const kept = new Set(communities.map((c) => c.id));
  const removedCommunities = town.communities.filter((c) => !kept.has(c.id));
  for (const c of removedCommunities) {
    const by = namedBy.get(c.id) ?? [];
    if (by.length > 0) refused.push(`村居“${c.name}”仍被${by.join('、')}使用，不能删除`);
  }

  const index = new AreaIndex(communities);
  const grids: GridRecord[] = [];
  for (const g of town.grids) {
    const [lon, lat] = pointOnFeature(g.geometry).geometry.coordinates;
    const communityId = index.locate(lon, lat);
    if (communityId === null) refused.push(`网格“${g.name}”不在任何新村居内`);
    else grids.push({ ...g, communityId });
  }
  if (refused.length > 0) return { refused };

  const villageOf = new Map(grids.map((g) => [g.id, g.communityId]));
  const oldName = new Map(town.communities.map((c) => [c.id, c.name]));
  const newName = new Map(communities.map((c) => [c.id, c.name]));
  const moves: ProblemMove[] = [];
  for (let i = 0; i < table.size; i++) {
    const p = table.record(i);
    const communityId = villageOf.get(p.gridId) ?? p.communityId;
    if (communityId === p.communityId) continue;
    moves.push({
      problemId: p.id,
      version: p.version,
      status: p.status,
      from: { gridId: p.gridId, communityId: p.communityId },
      to: { gridId: p.gridId, communityId },
      note: `村居边界更新（${file || '边界文件'}）：${oldName.get(p.communityId) ?? p.communityId} → ${newName.get(communityId)}`,
    });
  }
  const sites = town.sites
    .filter((x) => villageOf.get(x.gridId) !== undefined && villageOf.get(x.gridId) !== x.communityId)
    .map((x) => ({ id: x.id, gridId: x.gridId, communityId: villageOf.get(x.gridId) as string }));
  return { plan: { communities, removedCommunities: removedCommunities.map((c) => c.id), grids, removedGrids: [], moves, sites } };
}
