import type { DispatchRule } from '../domain/dispatch.ts';
import type { BoundaryStore } from './boundary-store.ts';
import type { DeckStore } from './deck-store.ts';
import type { ImportStore } from './import-store.ts';
import type { InspectionStore } from './inspection-store.ts';
import type { PatrolStore } from './patrol-store.ts';
import type { ProjectStore } from './project-store.ts';
import type {
  BasemapFeature,
  CommunityRecord,
  Dataset,
  GridRecord,
  PhotoRecord,
  ProblemDraft,
  ProblemEventRecord,
  ProblemRecord,
  ReporterRecord,
  SiteRecord,
  TownRecord,
  UnitRecord,
} from './records.ts';

export interface CreateOptions {
  idempotency?: { userId: number; key: string; bodyHash: string; at: number };
  recurrence?: { problemId: number; distanceM: number } | null;
  /** Found on this patrol: a `report` check-in is added in the same transaction. */
  patrol?: { patrolId: string; key: string; at: number };
}

export type CreateResult =
  | { created: true; id: number /** the ids of the draft's events, in order */; eventIds: number[] }
  | { created: false; earlier: { bodyHash: string; problemId: number; status: number | null; response: string | null } };

/** Where the data in a store came from: the demo generator or an import, and its details. */
export interface DatasetInfo {
  kind: Dataset['kind'];
  origin: Record<string, string | number>;
  loadedAt: number;
}

/**
 * The persistence boundary. Routes and analytics depend on this interface only; SQLite is the
 * embedded default (`SqliteStore`) and PostgreSQL + PostGIS sits behind the same calls
 * (`server/store/pg/`). Methods are async so that a networked store fits without changing callers.
 */
export interface Store extends CoreStore {
  /** Patrols (巡查): their tracks and check-ins. */
  readonly patrols: PatrolStore;
  /** Presentation decks (演示文稿). */
  readonly decks: DeckStore;
  /** Import batches (导入) and their undo. */
  readonly imports: ImportStore;
  /** New grid boundaries (网格边界) and the problems they move. */
  readonly boundaries: BoundaryStore;
  /** Inspection rounds (测评轮次) of key sites, their checks and the problems failed items made. */
  readonly inspections: InspectionStore;
  /** Key projects (重点项目), their milestones and audited updates. */
  readonly projects: ProjectStore;
}

/** The town, its problems with their event log, photos' records and idempotency keys. */
export interface CoreStore {
  /** Whether no dataset has been loaded yet (a fresh database). */
  isEmpty(): Promise<boolean>;
  /** Loads a whole dataset into an empty store, atomically. */
  load(dataset: Dataset): Promise<{ problems: number; events: number }>;
  datasetInfo(): Promise<DatasetInfo | null>;
  /** The store's health: whether it answers a trivial query. */
  ping(): Promise<boolean>;

  town(): Promise<TownRecord>;
  communities(): Promise<CommunityRecord[]>;
  grids(): Promise<GridRecord[]>;
  units(): Promise<UnitRecord[]>;
  sites(): Promise<SiteRecord[]>;
  /** Adds a key site, or replaces the one with its id (the register, 重点点位). */
  saveSite(site: SiteRecord): Promise<void>;
  /** Deletes a key site nothing refers to yet: no problem, round, check or patrol check-in. */
  deleteSite(id: string): Promise<'deleted' | 'referenced' | 'missing'>;
  basemap(): Promise<BasemapFeature[]>;
  /** The automatic dispatch rules (自动派遣), in their order. */
  dispatchRules(): Promise<DispatchRule[]>;
  /** Replaces the dispatch rules, atomically. */
  saveDispatchRules(rules: readonly DispatchRule[]): Promise<void>;

  /** Every problem in ascending id order, in batches. */
  scanProblems(batchSize?: number): AsyncIterable<ProblemRecord[]>;
  problem(id: number): Promise<ProblemRecord | null>;
  /** The problems of these ids that exist, in ascending id order. */
  problemsByIds(ids: readonly number[]): Promise<ProblemRecord[]>;
  /** The reporter's name and phone (personal information: callers mask it), or null when none was recorded. */
  reporter(problemId: number): Promise<ReporterRecord | null>;
  /** Every recorded reporter by problem id (personal information: callers mask it), for exports. */
  reporters(): Promise<Map<number, ReporterRecord>>;
  /** A problem's history, oldest first. */
  events(problemId: number): Promise<ProblemEventRecord[]>;

  /**
   * Writes a problem's new row and appends its event in one transaction, only if the stored
   * version is still `expectedVersion` (the new row carries version + 1). Returns the event, or
   * null when the version moved on (another writer was first) or the problem does not exist.
   */
  updateProblem(next: ProblemRecord, expectedVersion: number, event: Omit<ProblemEventRecord, 'id' | 'problemId'>): Promise<ProblemEventRecord | null>;

  /** Records a stored photo of a problem (the file itself lives in the data directory). */
  addPhoto(photo: PhotoRecord): Promise<void>;
  /** The records of one photo file: one per problem it was attached to (usually one). */
  photo(id: string): Promise<PhotoRecord[]>;
  /** A problem's photos, oldest first. */
  photos(problemId: number): Promise<PhotoRecord[]>;

  /**
   * Creates a problem with its `report` event (and reporter, and the recurrence it repeats) in one
   * transaction. With an idempotency key: when the caller already used that key, nothing is
   * created and the earlier request is returned instead (its body hash, problem and answer, the
   * answer null while it is being written).
   */
  createProblem(draft: ProblemDraft, options: CreateOptions): Promise<CreateResult>;
  /** Saves the answer given to an idempotent create, for its retries. */
  saveIdempotentAnswer(userId: number, key: string, status: number, response: string): Promise<void>;
  /** Deletes idempotency keys older than `before`; returns how many. */
  purgeIdempotencyKeys(before: number): Promise<number>;
  /** The ids of the duplicates merged into a problem, in merge order. */
  mergedInto(problemId: number): Promise<number[]>;
  /** Records recurrences found over a whole history (the demo, an import); known ones are kept as they are. */
  addRecurrences(rows: readonly { problemId: number; ofProblemId: number; distanceM: number }[]): Promise<number>;
  /** The ids of every problem that is a recurrence. */
  recurrentProblemIds(): Promise<number[]>;
  /** The earlier problem a problem repeats (反弹), if any. */
  recurrenceOf(problemId: number): Promise<{ problemId: number; distanceM: number } | null>;

  /** Events after `afterId` with their problem's current grid, community, unit and category, oldest first, at most `limit`. */
  eventsAfter(
    afterId: number,
    limit: number,
  ): Promise<(ProblemEventRecord & { category: string; gridId: string; communityId: string; unitId: string | null })[]>;
  /** The latest events of the given actions (of one unit's problems, when `unitId` is given), latest first by time, with their problem's area and category. */
  recentEvents(
    limit: number,
    actions: readonly string[],
    unitId: string | null,
  ): Promise<(ProblemEventRecord & { category: string; gridId: string; communityId: string })[]>;
  /** The newest event id (0 when none). */
  lastEventId(): Promise<number>;

  close(): Promise<void>;
}
