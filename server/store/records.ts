import type { LineString, Point, Polygon } from 'geojson';
import type { SiteKind, SourceCode } from '../domain/catalogue.ts';
import type { DispatchRule } from '../domain/dispatch.ts';
import type { Area, BBox } from '../domain/geometry.ts';
import type { Action, Status } from '../domain/lifecycle.ts';
import type { ProblemBatch } from './problem-batch.ts';

/** Records as the store holds them. Instants are epoch milliseconds; coordinates WGS84. */

export interface TownRecord {
  id: string;
  name: string;
  code: string;
  boundary: Polygon;
  bbox: BBox;
  center: [number, number];
}

export interface CommunityRecord {
  id: string;
  townId: string;
  name: string;
  kind: 'village' | 'neighborhood';
  geometry: Area;
  center: [number, number];
  areaKm2: number;
}

export interface GridRecord {
  id: string;
  townId: string;
  communityId: string;
  name: string;
  manager: string;
  geometry: Area;
  areaKm2: number;
}

export interface UnitRecord {
  id: string;
  townId: string;
  name: string;
  kind: 'department' | 'community';
  communityId: string | null;
}

export interface SiteRecord {
  id: string;
  townId: string;
  communityId: string;
  gridId: string;
  name: string;
  kind: SiteKind;
  lon: number;
  lat: number;
  /** The unit answerable for the site (责任单位): what its failed checklist items are assigned to. */
  unitId: string | null;
}

/** A feature of the offline basemap: roads, water, place labels. */
export interface BasemapFeature {
  layer: 'road' | 'water' | 'label';
  name: string;
  /** road: primary | secondary | street | track; water: river | canal; label: town | community | market */
  class: string;
  geometry: LineString | Point;
}

export interface ProblemRecord {
  id: number;
  townId: string;
  lon: number;
  lat: number;
  gridId: string;
  communityId: string;
  category: string;
  source: SourceCode;
  status: Status;
  unitId: string | null;
  siteId: string | null;
  description: string;
  address: string;
  measure: string | null;
  reportedAt: number;
  deadline: number | null;
  closedAt: number | null;
  updatedAt: number;
  version: number;
}

/**
 * The fields of a problem row an event set besides its status: replaying a problem's events in
 * order (server/domain/replay.ts) gives back its row. Absent fields were left as they were.
 */
export type EventChanges = Partial<Pick<ProblemRecord, 'unitId' | 'measure' | 'deadline' | 'closedAt' | 'gridId' | 'communityId'>> & {
  /** merge: the problem this duplicate was merged into (not a row field: the history keeps it). */
  mergedInto?: number;
};

/**
 * One entry of a problem's append-only history. `report` is the event that creates it; `measure`
 * sets the 整改措施; `merge` closes a duplicate report into the problem it repeats (重复件合并办结);
 * `import` creates an imported problem; `regrid` moves it to another grid (new boundaries committed).
 */
export interface ProblemEventRecord {
  id: number;
  problemId: number;
  at: number;
  actor: string;
  action: Action | 'report' | 'measure' | 'merge' | 'import' | 'regrid';
  fromStatus: Status | null;
  toStatus: Status;
  note: string;
  photos: string[];
  changes: EventChanges;
}

/** A problem with its history, as a generator or an import produces it (ids not yet given). */
/** Who reported a problem (public reports): personal information, masked in every answer. */
export interface ReporterRecord {
  name: string;
  phone: string;
}

export interface ProblemDraft {
  problem: Omit<ProblemRecord, 'id'>;
  events: Omit<ProblemEventRecord, 'id' | 'problemId'>[];
  /** Kept apart from the problem row's fields so that no read model or list carries it by accident. */
  reporter?: ReporterRecord | null;
}

/** A town's reference data: its areas, units, key sites and basemap. */
export interface TownGeography {
  town: TownRecord;
  communities: CommunityRecord[];
  grids: GridRecord[];
  units: UnitRecord[];
  sites: SiteRecord[];
  basemap: BasemapFeature[];
  /** Automatic dispatch rules (自动派遣) that come with the town; an admin edits them later. */
  dispatchRules: DispatchRule[];
}

/** Everything a town needs, ready to load into an empty store. */
export interface Dataset extends TownGeography {
  kind: 'demo' | 'import';
  /** Free-form facts about where the data came from (seed, end date, generator version). */
  origin: Record<string, string | number>;
  /** Problems in report order; an async source (a worker thread) feeds them in flat batches as they come. */
  problems: Iterable<ProblemDraft> | AsyncIterable<ProblemBatch>;
}

/** A photo of a problem: `id` is the SHA-256 of the stored (EXIF-free) file. */
export interface PhotoRecord {
  id: string;
  problemId: number;
  kind: 'before' | 'after';
  mime: string;
  width: number;
  height: number;
  bytes: number;
  /** Where the camera said it was (read from EXIF before stripping), or null. */
  lon: number | null;
  lat: number | null;
  createdAt: number;
  createdBy: string;
}
