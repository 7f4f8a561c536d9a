import type pg from 'pg';
import { type ImportBatchRecord, type ImportRow, type ImportStore, toBatchRecord, type UndoResult } from '../import-store.ts';
import { lockEventLog, transaction } from './client.ts';
import { writeDraft } from './writes.ts';

/** Imports in PostgreSQL: a batch in one transaction, its undo in another. */
export class PgImportStore implements ImportStore {
  constructor(private readonly pool: pg.Pool) {}

  async commit(
    b: Omit<ImportBatchRecord, 'id' | 'rowsAdded' | 'undoneAt' | 'undoneBy'>,
    rows: readonly ImportRow[],
  ): Promise<{ batch: ImportBatchRecord; problemIds: number[] } | null> {
    try {
      return await transaction(this.pool, async (c) => {
        const { rows: made } = await c.query(
          'INSERT INTO import_batches (filename, file_sha256, datum, created_by, created_at, rows_added) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *',
          [b.filename, b.fileSha256, b.datum, b.createdBy, b.createdAt, rows.length],
        );
        const id = made[0].id as number;
        await lockEventLog(c);
        const problemIds: number[] = [];
        for (const r of rows) {
          const problemId = await writeDraft(c, r.draft, id);
          await c.query('INSERT INTO import_rows (fingerprint, batch, problem_id, line) VALUES ($1, $2, $3, $4)', [r.fingerprint, id, problemId, r.line]);
          problemIds.push(problemId);
        }
        return { batch: toBatchRecord(made[0]), problemIds };
      });
    } catch (e) {
      // a row imported meanwhile (two commits of the same sheet at once): nothing was written
      if ((e as { code?: string; constraint?: string }).constraint === 'import_rows_pkey') return null;
      throw e;
    }
  }

  async fingerprints(): Promise<Set<string>> {
    return new Set((await this.pool.query('SELECT fingerprint FROM import_rows')).rows.map((r) => r.fingerprint as string));
  }

  async batches(): Promise<ImportBatchRecord[]> {
    return (await this.pool.query('SELECT * FROM import_batches ORDER BY id DESC')).rows.map(toBatchRecord);
  }

  async batch(id: number): Promise<ImportBatchRecord | null> {
    const { rows } = await this.pool.query('SELECT * FROM import_batches WHERE id = $1', [id]);
    return rows[0] ? toBatchRecord(rows[0]) : null;
  }

  async undo(id: number, by: string, at: number): Promise<UndoResult> {
    return transaction(this.pool, async (c): Promise<UndoResult> => {
      // The batch row's lock: a second undo waits, then finds it undone.
      const { rows: found } = await c.query('SELECT undone_at FROM import_batches WHERE id = $1 FOR UPDATE', [id]);
      if (!found[0]) return { undone: false, reason: 'not_found' };
      if (found[0].undone_at !== null) return { undone: false, reason: 'already_undone' };
      const { rows: mine } = await c.query('SELECT problem_id FROM import_rows WHERE batch = $1 ORDER BY problem_id', [id]);
      const problemIds = mine.map((r) => r.problem_id as number);
      // The batch's problems, locked: no transition slips in between the check and the delete.
      if (problemIds.length > 0) await c.query('SELECT 1 FROM problems WHERE id = ANY($1) FOR UPDATE', [problemIds]);
      // touched: an event that is not the batch's own, a photo, a problem from outside the batch
      // that is a recurrence (反弹) of one of them (the batch's own recurrences go with it)
      const { rows: touched } = await c.query(
        `SELECT DISTINCT r.problem_id FROM import_rows r WHERE r.batch = $1 AND (
           EXISTS (SELECT 1 FROM problem_events e WHERE e.problem_id = r.problem_id AND (e.batch IS NULL OR e.batch <> r.batch))
           OR EXISTS (SELECT 1 FROM photos p WHERE p.problem_id = r.problem_id)
           OR EXISTS (SELECT 1 FROM recurrences c WHERE c.of_problem_id = r.problem_id
                        AND c.problem_id NOT IN (SELECT problem_id FROM import_rows WHERE batch = r.batch))
         ) ORDER BY r.problem_id`,
        [id],
      );
      if (touched.length > 0) return { undone: false, reason: 'touched', problemIds: touched.map((r) => r.problem_id as number) };
      await c.query('UPDATE import_batches SET undone_at = $1, undone_by = $2 WHERE id = $3', [at, by, id]);
      // The ids of the removed problems are not given again: the identity sequence only moves on.
      await c.query('DELETE FROM problem_events WHERE batch = $1', [id]);
      await c.query('DELETE FROM recurrences WHERE problem_id IN (SELECT problem_id FROM import_rows WHERE batch = $1)', [id]);
      await c.query('DELETE FROM problems WHERE id IN (SELECT problem_id FROM import_rows WHERE batch = $1)', [id]);
      await c.query('DELETE FROM import_rows WHERE batch = $1', [id]);
      return { undone: true, problemIds };
    });
  }
}
