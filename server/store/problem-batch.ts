import type Database from 'better-sqlite3';
import type { Dataset, ProblemDraft } from './records.ts';

/**
 * Problems with their events as flat arrays of primitives: the form in which many drafts cross
 * from a worker thread cheaply (no object per problem to clone or parse) and bind to SQL directly.
 */
export interface ProblemBatch {
  /** PROBLEM_FIELDS values then the reporter's name and phone (or nulls): ROW_WIDTH values a problem. */
  problems: (string | number | null)[];
  /** EVENT_FIELDS values, event after event, in problem order. */
  events: (string | number | null)[];
  /** How many events each problem has. */
  eventCounts: number[];
}

export const PROBLEM_FIELDS = [
  'townId',
  'lon',
  'lat',
  'gridId',
  'communityId',
  'category',
  'source',
  'status',
  'unitId',
  'siteId',
  'description',
  'address',
  'measure',
  'reportedAt',
  'deadline',
  'closedAt',
  'updatedAt',
  'version',
] as const;

/** The problems table's columns in PROBLEM_FIELDS order, after the id. */
export const PROBLEM_COLUMNS =
  'id, town_id, lon, lat, grid_id, community_id, category, source, status, unit_id, site_id, description, address, measure, reported_at, deadline, closed_at, updated_at, version';

/** Values a problem takes in a batch: its fields, then reporter name and phone. */
export const ROW_WIDTH = PROBLEM_FIELDS.length + 2;

/**
 * Inserts one problem given as a batch row, with the next id never given before: past the largest
 * id, and past the ids of problems removed by an undone import (kept in meta as
 * `problem_id_floor`), so that an id in an earlier export or audit entry never means another problem.
 */
export const INSERT_NEW_PROBLEM = `INSERT INTO problems (${PROBLEM_COLUMNS}, reporter_name, reporter_phone) VALUES (
  (SELECT max(coalesce((SELECT max(id) FROM problems), 0), coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'problem_id_floor'), 0)) + 1),
  ${Array(ROW_WIDTH).fill('?').join(', ')})`;

export const EVENT_FIELDS = ['at', 'actor', 'action', 'fromStatus', 'toStatus', 'note', 'photos', 'changes'] as const;

/** Flattens drafts into a batch; photos and changes travel as their JSON text. */
export function toBatch(drafts: readonly ProblemDraft[]): ProblemBatch {
  const batch: ProblemBatch = { problems: [], events: [], eventCounts: [] };
  for (const { problem, events, reporter } of drafts) {
    for (const f of PROBLEM_FIELDS) batch.problems.push(problem[f]);
    batch.problems.push(reporter?.name ?? null, reporter?.phone ?? null);
    for (const e of events) batch.events.push(e.at, e.actor, e.action, e.fromStatus, e.toStatus, e.note, JSON.stringify(e.photos), JSON.stringify(e.changes));
    batch.eventCounts.push(events.length);
  }
  return batch;
}

/** A dataset's problems as batches of at most `size` (drafts are flattened; batches pass as they come). */
export async function* batchesOf(problems: Dataset['problems'], size = 2000): AsyncIterable<ProblemBatch> {
  if (!(Symbol.iterator in problems)) {
    yield* problems;
    return;
  }
  let drafts: ProblemDraft[] = [];
  for (const draft of problems) {
    drafts.push(draft);
    if (drafts.length === size) {
      yield toBatch(drafts);
      drafts = [];
    }
  }
  yield toBatch(drafts);
}

/**
 * Writes drafted problems with their events, each under a new id (INSERT_NEW_PROBLEM), inside the
 * caller's transaction; the statements are prepared once per writer. `batch`: the import batch the
 * events belong to (its undo removes them), or null.
 */
export class DraftWriter {
  readonly #problem: Database.Statement;
  readonly #event: Database.Statement;

  constructor(db: Database.Database) {
    this.#problem = db.prepare(INSERT_NEW_PROBLEM);
    this.#event = db.prepare(
      'INSERT INTO problem_events (problem_id, at, actor, action, from_status, to_status, note, photos, changes, batch) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
  }

  /** The new problem's id. */
  write(draft: ProblemDraft, batch: number | null = null): number {
    const id = Number(this.#problem.run(toBatch([draft]).problems).lastInsertRowid);
    for (const e of draft.events)
      this.#event.run(id, e.at, e.actor, e.action, e.fromStatus, e.toStatus, e.note, JSON.stringify(e.photos), JSON.stringify(e.changes), batch);
    return id;
  }
}
