import type Database from 'better-sqlite3';
import { DraftWriter } from './problem-batch.ts';
import type { ProblemDraft } from './records.ts';

/** An import batch as stored: what was imported, by whom, and whether it was undone. */
export interface ImportBatchRecord {
  id: number;
  filename: string;
  fileSha256: string;
  datum: string;
  createdBy: string;
  createdAt: number;
  rowsAdded: number;
  undoneAt: number | null;
  undoneBy: string | null;
}

/** A row to add: the problem with its events, the sheet line it came from and its fingerprint. */
export interface ImportRow {
  draft: ProblemDraft;
  line: number;
  fingerprint: string;
}

export type UndoResult =
  | { undone: true; problemIds: number[] }
  | { undone: false; reason: 'not_found' | 'already_undone' }
  | { undone: false; reason: 'touched'; problemIds: number[] };

/** Imports (导入): batches of problems added in one transaction, and their undo. */
export interface ImportStore {
  /** Adds the rows as one batch, all or nothing; a fingerprint imported before aborts it (null). */
  commit(
    batch: Omit<ImportBatchRecord, 'id' | 'rowsAdded' | 'undoneAt' | 'undoneBy'>,
    rows: readonly ImportRow[],
  ): Promise<{ batch: ImportBatchRecord; problemIds: number[] } | null>;
  /** Fingerprints of the rows of batches not undone. */
  fingerprints(): Promise<Set<string>>;
  /** Latest first. */
  batches(): Promise<ImportBatchRecord[]>;
  batch(id: number): Promise<ImportBatchRecord | null>;
  /**
   * Removes a batch's problems and their events, if no problem of it has changed since (any event
   * not of the batch, any photo): then the town is as before the import. Otherwise names them.
   */
  undo(id: number, by: string, at: number): Promise<UndoResult>;
}

type Row = Record<string, unknown>;

export const toBatchRecord = (r: Row): ImportBatchRecord => ({
  id: r.id as number,
  filename: r.filename as string,
  fileSha256: r.file_sha256 as string,
  datum: r.datum as string,
  createdBy: r.created_by as string,
  createdAt: r.created_at as number,
  rowsAdded: r.rows_added as number,
  undoneAt: (r.undone_at as number | null) ?? null,
  undoneBy: (r.undone_by as string | null) ?? null,
});

export class SqliteImportStore implements ImportStore {
  constructor(private readonly db: Database.Database) {}

  async commit(
    b: Omit<ImportBatchRecord, 'id' | 'rowsAdded' | 'undoneAt' | 'undoneBy'>,
    rows: readonly ImportRow[],
  ): Promise<{ batch: ImportBatchRecord; problemIds: number[] } | null> {
    const db = this.db;
    const drafts = new DraftWriter(db);
    const insertRow = db.prepare('INSERT INTO import_rows (fingerprint, batch, problem_id, line) VALUES (?, ?, ?, ?)');
    const run = db.transaction(() => {
      const id = Number(
        db
          .prepare('INSERT INTO import_batches (filename, file_sha256, datum, created_by, created_at, rows_added) VALUES (?, ?, ?, ?, ?, ?)')
          .run(b.filename, b.fileSha256, b.datum, b.createdBy, b.createdAt, rows.length).lastInsertRowid,
      );
      const problemIds: number[] = [];
      for (const r of rows) {
        const problemId = drafts.write(r.draft, id);
        insertRow.run(r.fingerprint, id, problemId, r.line);
        problemIds.push(problemId);
      }
      return { id, problemIds };
    });
    try {
      const { id, problemIds } = run();
      return { batch: (await this.batch(id)) as ImportBatchRecord, problemIds };
    } catch (e) {
      // a row imported meanwhile (two commits of the same sheet at once): nothing was written
      if ((e as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return null;
      throw e;
    }
  }

  async fingerprints(): Promise<Set<string>> {
    return new Set((this.db.prepare('SELECT fingerprint FROM import_rows').pluck().all() as string[]) ?? []);
  }

  async batches(): Promise<ImportBatchRecord[]> {
    return (this.db.prepare('SELECT * FROM import_batches ORDER BY id DESC').all() as Row[]).map(toBatchRecord);
  }

  async batch(id: number): Promise<ImportBatchRecord | null> {
    const r = this.db.prepare('SELECT * FROM import_batches WHERE id = ?').get(id) as Row | undefined;
    return r ? toBatchRecord(r) : null;
  }

  async undo(id: number, by: string, at: number): Promise<UndoResult> {
    const db = this.db;
    return db.transaction((): UndoResult => {
      const b = db.prepare('SELECT undone_at FROM import_batches WHERE id = ?').get(id) as { undone_at: number | null } | undefined;
      if (!b) return { undone: false, reason: 'not_found' };
      if (b.undone_at !== null) return { undone: false, reason: 'already_undone' };
      const problemIds = db.prepare('SELECT problem_id FROM import_rows WHERE batch = ? ORDER BY problem_id').pluck().all(id) as number[];
      // touched: an event that is not the batch's own, a photo, a problem from outside the batch
      // that is a recurrence (反弹) of one of them (the batch's own recurrences go with it)
      const touched = db
        .prepare(
          `SELECT DISTINCT r.problem_id FROM import_rows r WHERE r.batch = ? AND (
             EXISTS (SELECT 1 FROM problem_events e WHERE e.problem_id = r.problem_id AND (e.batch IS NULL OR e.batch <> r.batch))
             OR EXISTS (SELECT 1 FROM photos p WHERE p.problem_id = r.problem_id)
             OR EXISTS (SELECT 1 FROM recurrences c WHERE c.of_problem_id = r.problem_id
                          AND c.problem_id NOT IN (SELECT problem_id FROM import_rows WHERE batch = r.batch))
           ) ORDER BY r.problem_id`,
        )
        .pluck()
        .all(id) as number[];
      if (touched.length > 0) return { undone: false, reason: 'touched', problemIds: touched };
      db.prepare('UPDATE import_batches SET undone_at = ?, undone_by = ? WHERE id = ?').run(at, by, id);
      // the ids of the removed problems (ascending) are not given again
      db.prepare(
        "INSERT INTO meta (key, value) VALUES ('problem_id_floor', ?) ON CONFLICT (key) DO UPDATE SET value = max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))",
      ).run(String(problemIds[problemIds.length - 1] ?? 0));
      db.prepare('DELETE FROM problem_events WHERE batch = ?').run(id);
      db.prepare('DELETE FROM recurrences WHERE problem_id IN (SELECT problem_id FROM import_rows WHERE batch = ?)').run(id);
      db.prepare('DELETE FROM problems WHERE id IN (SELECT problem_id FROM import_rows WHERE batch = ?)').run(id);
      db.prepare('DELETE FROM import_rows WHERE batch = ?').run(id);
      return { undone: true, problemIds };
    })();
  }
}
