import type { DispatchRule } from '../domain/dispatch.ts';
import type {
  BasemapFeature,
  CommunityRecord,
  GridRecord,
  PhotoRecord,
  ProblemEventRecord,
  ProblemRecord,
  SiteRecord,
  TownRecord,
  UnitRecord,
} from './records.ts';

/**
 * Records from table rows, shared by the SQLite and the PostgreSQL stores: both give the same
 * column names, numbers for integers and instants, and JSON columns as their text.
 */
export type Row = Record<string, unknown>;

/** A problem from a raw row (an array in PROBLEM_COLUMNS order): no object per row from SQLite. */
export function toProblem(r: unknown[]): ProblemRecord {
  return {
    id: r[0] as number,
    townId: r[1] as string,
    lon: r[2] as number,
    lat: r[3] as number,
    gridId: r[4] as string,
    communityId: r[5] as string,
    category: r[6] as string,
    source: r[7] as ProblemRecord['source'],
    status: r[8] as ProblemRecord['status'],
    unitId: r[9] as string | null,
    siteId: r[10] as string | null,
    description: r[11] as string,
    address: r[12] as string,
    measure: r[13] as string | null,
    reportedAt: r[14] as number,
    deadline: r[15] as number | null,
    closedAt: r[16] as number | null,
    updatedAt: r[17] as number,
    version: r[18] as number,
  };
}

export function toEvent(r: Row): ProblemEventRecord {
  return {
    id: r.id as number,
    problemId: r.problem_id as number,
    at: r.at as number,
    actor: r.actor as string,
    action: r.action as ProblemEventRecord['action'],
    fromStatus: r.from_status as ProblemEventRecord['fromStatus'],
    toStatus: r.to_status as ProblemEventRecord['toStatus'],
    note: r.note as string,
    photos: JSON.parse(r.photos as string),
    changes: JSON.parse(r.changes as string),
  };
}

export function toPhoto(r: Row): PhotoRecord {
  return {
    id: r.id as string,
    problemId: r.problem_id as number,
    kind: r.kind as PhotoRecord['kind'],
    mime: r.mime as string,
    width: r.width as number,
    height: r.height as number,
    bytes: r.bytes as number,
    lon: r.lon as number | null,
    lat: r.lat as number | null,
    createdAt: r.created_at as number,
    createdBy: r.created_by as string,
  };
}

export const toTown = (r: Row): TownRecord => ({
  id: r.id as string,
  name: r.name as string,
  code: r.code as string,
  boundary: JSON.parse(r.boundary as string),
  bbox: JSON.parse(r.bbox as string),
  center: JSON.parse(r.center as string),
});

export const toCommunity = (r: Row): CommunityRecord => ({
  id: r.id as string,
  townId: r.town_id as string,
  name: r.name as string,
  kind: r.kind as CommunityRecord['kind'],
  geometry: JSON.parse(r.geometry as string),
  center: JSON.parse(r.center as string),
  areaKm2: r.area_km2 as number,
});

export const toGrid = (r: Row): GridRecord => ({
  id: r.id as string,
  townId: r.town_id as string,
  communityId: r.community_id as string,
  name: r.name as string,
  manager: r.manager as string,
  geometry: JSON.parse(r.geometry as string),
  areaKm2: r.area_km2 as number,
});

export const toUnit = (r: Row): UnitRecord => ({
  id: r.id as string,
  townId: r.town_id as string,
  name: r.name as string,
  kind: r.kind as UnitRecord['kind'],
  communityId: r.community_id as string | null,
});

export const toSite = (r: Row): SiteRecord => ({
  id: r.id as string,
  townId: r.town_id as string,
  communityId: r.community_id as string,
  gridId: r.grid_id as string,
  name: r.name as string,
  kind: r.kind as SiteRecord['kind'],
  lon: r.lon as number,
  lat: r.lat as number,
  unitId: (r.unit_id as string | null) ?? null,
});

export const toBasemapFeature = (r: Row): BasemapFeature => ({
  layer: r.layer as BasemapFeature['layer'],
  name: r.name as string,
  class: r.class as string,
  geometry: JSON.parse(r.geometry as string),
});

export const toDispatchRule = (r: Row): DispatchRule => ({
  category: r.category as string | null,
  communityId: r.community_id as string | null,
  unitId: r.unit_id as string,
});

/** An event with its problem's current place, category and unit (the read models' feed). */
export const toPlacedEvent = (r: Row) => ({
  ...toEvent(r),
  category: r.category as string,
  gridId: r.grid_id as string,
  communityId: r.community_id as string,
  unitId: r.unit_id as string | null,
});
