import type pg from 'pg';
import { PROBLEM_COLUMNS, ROW_WIDTH, toBatch } from '../problem-batch.ts';
import type { ProblemDraft, ProblemEventRecord } from '../records.ts';

/** `$1, $2, …` for `n` parameters from `from`. */
export const params = (n: number, from = 1) => Array.from({ length: n }, (_, i) => `$${from + i}`).join(', ');

/** Multi-row VALUES for `rows` rows of `width` parameters. */
export const valueRows = (rows: number, width: number) => Array.from({ length: rows }, (_, r) => `(${params(width, r * width + 1)})`).join(', ');

export const PROBLEM_INSERT_COLUMNS = `${PROBLEM_COLUMNS.replace('id, ', '')}, reporter_name, reporter_phone`;
export const EVENT_COLUMNS = 'problem_id, at, actor, action, from_status, to_status, note, photos, changes, batch';

/** Appends one event (the caller holds the event-log lock: `lockEventLog`); returns its id. */
export async function insertEvent(
  c: pg.PoolClient,
  problemId: number,
  e: Omit<ProblemEventRecord, 'id' | 'problemId'>,
  batch: number | null = null,
): Promise<number> {
  const { rows } = await c.query(`INSERT INTO problem_events (${EVENT_COLUMNS}) VALUES (${params(10)}) RETURNING id`, [
    problemId,
    e.at,
    e.actor,
    e.action,
    e.fromStatus,
    e.toStatus,
    e.note,
    JSON.stringify(e.photos),
    JSON.stringify(e.changes),
    batch,
  ]);
  return rows[0].id as number;
}

/**
 * Writes a drafted problem with its events under a new id, inside the caller's transaction (which
 * holds the event-log lock). The identity sequence never gives an id twice, even after an import's
 * undo removed problems. `batch`: the import batch the events belong to, or null.
 */
export async function writeDraft(c: pg.PoolClient, draft: ProblemDraft, batch: number | null = null): Promise<number> {
  const { rows } = await c.query(`INSERT INTO problems (${PROBLEM_INSERT_COLUMNS}) VALUES (${params(ROW_WIDTH)}) RETURNING id`, toBatch([draft]).problems);
  const id = rows[0].id as number;
  for (const e of draft.events) await insertEvent(c, id, e, batch);
  return id;
}
