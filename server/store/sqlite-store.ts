import { chmodSync, closeSync, openSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { DispatchRule } from '../domain/dispatch.ts';
import { SqliteBoundaryStore } from './boundary-store.ts';
import { SqliteDeckStore } from './deck-store.ts';
import { SqliteImportStore } from './import-store.ts';
import { SqliteInspectionStore } from './inspection-store.ts';
import { migrations } from './migrations.ts';
import { SqlitePatrolStore } from './patrol-store.ts';
import { INSERT_NEW_PROBLEM, PROBLEM_COLUMNS, toBatch } from './problem-batch.ts';
import { SqliteProjectStore } from './project-store.ts';
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
import { type Row, toBasemapFeature, toCommunity, toDispatchRule, toEvent, toGrid, toPhoto, toPlacedEvent, toProblem, toSite, toTown, toUnit } from './rows.ts';
import { loadDataset, writeDispatchRules } from './sqlite-load.ts';
import type { CreateOptions, CreateResult, DatasetInfo, Store } from './store.ts';

/** Applies the migrations a database lacks, each in its own transaction. Returns the schema version. */
export function migrate(db: Database.Database): number {
  let version = db.pragma('user_version', { simple: true }) as number;
  if (version > migrations.length) {
    throw new Error(`database schema version ${version} is newer than this program (${migrations.length})`);
  }
  for (; version < migrations.length; version++) {
    db.transaction(() => {
      db.exec(migrations[version]);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
  return version;
}

/** The embedded store: one SQLite file in WAL mode. */
export class SqliteStore implements Store {
  readonly db: Database.Database;
  readonly patrols: SqlitePatrolStore;
  readonly decks: SqliteDeckStore;
  readonly imports: SqliteImportStore;
  readonly boundaries: SqliteBoundaryStore;
  readonly inspections: SqliteInspectionStore;
  readonly projects: SqliteProjectStore;
  private readonly stmts;

  constructor(path: string) {
    // The file holds password hashes and reporters' phones: readable by the server's user alone.
    // SQLite gives its -wal and -shm files the database file's mode.
    if (path !== ':memory:' && path !== '') {
      closeSync(openSync(path, 'a', 0o600));
      chmodSync(path, 0o600);
    }
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    // FULL: a write acknowledged to a client survives a power cut, not only a process crash.
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    migrate(this.db);
    this.patrols = new SqlitePatrolStore(this.db);
    this.decks = new SqliteDeckStore(this.db);
    this.imports = new SqliteImportStore(this.db);
    this.boundaries = new SqliteBoundaryStore(this.db);
    this.inspections = new SqliteInspectionStore(this.db);
    this.projects = new SqliteProjectStore(this.db);
    this.stmts = {
      problem: this.db.prepare(`SELECT ${PROBLEM_COLUMNS} FROM problems WHERE id = ?`).raw(true),
      events: this.db.prepare('SELECT * FROM problem_events WHERE problem_id = ? ORDER BY id'),
      reporter: this.db.prepare('SELECT reporter_name, reporter_phone FROM problems WHERE id = ?'),
      // The fields a change may touch; where, description and the report stay as reported.
      updateProblem: this.db.prepare(
        'UPDATE problems SET status = ?, unit_id = ?, measure = ?, deadline = ?, closed_at = ?, updated_at = ?, version = ? WHERE id = ? AND version = ?',
      ),
      insertNewProblem: this.db.prepare(INSERT_NEW_PROBLEM),
      insertEvent: this.db.prepare(
        'INSERT INTO problem_events (problem_id, at, actor, action, from_status, to_status, note, photos, changes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ),
      scan: this.db.prepare(`SELECT ${PROBLEM_COLUMNS} FROM problems WHERE id > ? ORDER BY id LIMIT ?`).raw(true),
    };
  }

  async isEmpty(): Promise<boolean> {
    return this.db.prepare("SELECT 1 FROM meta WHERE key = 'dataset'").get() === undefined;
  }

  async ping(): Promise<boolean> {
    return this.db.prepare('SELECT 1 AS ok').get() !== undefined;
  }

  async datasetInfo(): Promise<DatasetInfo | null> {
    const row = this.db.prepare("SELECT value FROM meta WHERE key = 'dataset'").get() as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as DatasetInfo) : null;
  }

  /** Loads a dataset into the empty store in one transaction (see loadDataset). */
  async load(dataset: Dataset): Promise<{ problems: number; events: number }> {
    if (!(await this.isEmpty())) throw new Error('the store already holds a dataset');
    return loadDataset(this.db, dataset);
  }

  async town(): Promise<TownRecord> {
    const r = this.db.prepare('SELECT * FROM towns LIMIT 1').get() as Row | undefined;
    if (!r) throw new Error('the store holds no town');
    return toTown(r);
  }

  async communities(): Promise<CommunityRecord[]> {
    return (this.db.prepare('SELECT * FROM communities ORDER BY rowid').all() as Row[]).map(toCommunity);
  }

  async grids(): Promise<GridRecord[]> {
    return (this.db.prepare('SELECT * FROM grids ORDER BY rowid').all() as Row[]).map(toGrid);
  }

  async dispatchRules(): Promise<DispatchRule[]> {
    return (this.db.prepare('SELECT category, community_id, unit_id FROM dispatch_rules ORDER BY position').all() as Row[]).map(toDispatchRule);
  }

  async saveDispatchRules(rules: readonly DispatchRule[]): Promise<void> {
    this.db.transaction(() => writeDispatchRules(this.db, rules))();
  }

  async units(): Promise<UnitRecord[]> {
    return (this.db.prepare('SELECT * FROM units ORDER BY rowid').all() as Row[]).map(toUnit);
  }

  async saveSite(s: SiteRecord): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO sites (id, town_id, community_id, grid_id, name, kind, lon, lat, unit_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET community_id = excluded.community_id, grid_id = excluded.grid_id, name = excluded.name,
           kind = excluded.kind, lon = excluded.lon, lat = excluded.lat, unit_id = excluded.unit_id`,
      )
      .run(s.id, s.townId, s.communityId, s.gridId, s.name, s.kind, s.lon, s.lat, s.unitId);
  }

  async deleteSite(id: string): Promise<'deleted' | 'referenced' | 'missing'> {
    const db = this.db;
    return db
      .transaction(() => {
        if (!db.prepare('SELECT 1 FROM sites WHERE id = ?').get(id)) return 'missing' as const;
        const used = db
          .prepare(
            `SELECT EXISTS (SELECT 1 FROM problems WHERE site_id = @id) OR EXISTS (SELECT 1 FROM round_sites WHERE site_id = @id)
               OR EXISTS (SELECT 1 FROM site_checks WHERE site_id = @id) OR EXISTS (SELECT 1 FROM patrol_checkins WHERE site_id = @id)`,
          )
          .pluck()
          .get({ id });
        if (used) return 'referenced' as const;
        db.prepare('DELETE FROM sites WHERE id = ?').run(id);
        return 'deleted' as const;
      })
      .immediate();
  }

  async sites(): Promise<SiteRecord[]> {
    return (this.db.prepare('SELECT * FROM sites ORDER BY rowid').all() as Row[]).map(toSite);
  }

  async basemap(): Promise<BasemapFeature[]> {
    return (this.db.prepare('SELECT * FROM basemap_features ORDER BY id').all() as Row[]).map(toBasemapFeature);
  }

  async *scanProblems(batchSize = 20_000): AsyncIterable<ProblemRecord[]> {
    let after = 0;
    for (;;) {
      const rows = this.stmts.scan.all(after, batchSize) as unknown[][];
      if (rows.length === 0) return;
      const batch = rows.map(toProblem);
      after = batch[batch.length - 1].id;
      yield batch;
    }
  }

  async problem(id: number): Promise<ProblemRecord | null> {
    const r = this.stmts.problem.get(id) as unknown[] | undefined;
    return r ? toProblem(r) : null;
  }

  async problemsByIds(ids: readonly number[]): Promise<ProblemRecord[]> {
    if (ids.length === 0) return [];
    const rows = this.db
      .prepare(`SELECT ${PROBLEM_COLUMNS} FROM problems WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id`)
      .raw(true)
      .all(JSON.stringify(ids)) as unknown[][];
    return rows.map(toProblem);
  }

  async events(problemId: number): Promise<ProblemEventRecord[]> {
    return (this.stmts.events.all(problemId) as Row[]).map(toEvent);
  }

  async reporters(): Promise<Map<number, ReporterRecord>> {
    const rows = this.db
      .prepare('SELECT id, reporter_name, reporter_phone FROM problems WHERE reporter_name IS NOT NULL OR reporter_phone IS NOT NULL')
      .all() as { id: number; reporter_name: string | null; reporter_phone: string | null }[];
    return new Map(rows.map((r) => [r.id, { name: r.reporter_name ?? '', phone: r.reporter_phone ?? '' }]));
  }

  async reporter(problemId: number): Promise<ReporterRecord | null> {
    const r = this.stmts.reporter.get(problemId) as { reporter_name: string | null; reporter_phone: string | null } | undefined;
    if (!r || (r.reporter_name === null && r.reporter_phone === null)) return null;
    return { name: r.reporter_name ?? '', phone: r.reporter_phone ?? '' };
  }

  async updateProblem(next: ProblemRecord, expectedVersion: number, event: Omit<ProblemEventRecord, 'id' | 'problemId'>): Promise<ProblemEventRecord | null> {
    const write = this.db.transaction((): ProblemEventRecord | null => {
      const changed = this.stmts.updateProblem.run(
        next.status,
        next.unitId,
        next.measure,
        next.deadline,
        next.closedAt,
        next.updatedAt,
        next.version,
        next.id,
        expectedVersion,
      ).changes;
      if (changed !== 1) return null;
      const id = this.stmts.insertEvent.run(
        next.id,
        event.at,
        event.actor,
        event.action,
        event.fromStatus,
        event.toStatus,
        event.note,
        JSON.stringify(event.photos),
        JSON.stringify(event.changes),
      ).lastInsertRowid as number;
      return { ...event, id, problemId: next.id };
    });
    return write.immediate();
  }

  async addPhoto(photo: PhotoRecord): Promise<void> {
    this.db
      .prepare(
        'INSERT OR IGNORE INTO photos (id, problem_id, kind, mime, width, height, bytes, lon, lat, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(photo.id, photo.problemId, photo.kind, photo.mime, photo.width, photo.height, photo.bytes, photo.lon, photo.lat, photo.createdAt, photo.createdBy);
  }

  async photo(id: string): Promise<PhotoRecord[]> {
    return (this.db.prepare('SELECT * FROM photos WHERE id = ? ORDER BY problem_id').all(id) as Row[]).map(toPhoto);
  }

  async photos(problemId: number): Promise<PhotoRecord[]> {
    return (this.db.prepare('SELECT * FROM photos WHERE problem_id = ? ORDER BY created_at, id').all(problemId) as Row[]).map(toPhoto);
  }

  async createProblem(draft: ProblemDraft, options: CreateOptions): Promise<CreateResult> {
    const db = this.db;
    const run = db.transaction((): CreateResult => {
      const idem = options.idempotency;
      if (idem) {
        const earlier = db
          .prepare('SELECT body_hash, problem_id, status, response FROM idempotency_keys WHERE user_id = ? AND key = ?')
          .get(idem.userId, idem.key) as { body_hash: string; problem_id: number; status: number | null; response: string | null } | undefined;
        if (earlier)
          return {
            created: false,
            earlier: { bodyHash: earlier.body_hash, problemId: earlier.problem_id, status: earlier.status, response: earlier.response },
          };
      }
      const row = toBatch([draft]).problems;
      const id = Number(this.stmts.insertNewProblem.run(row).lastInsertRowid);
      const eventIds = draft.events.map((e) =>
        Number(
          this.stmts.insertEvent.run(id, e.at, e.actor, e.action, e.fromStatus, e.toStatus, e.note, JSON.stringify(e.photos), JSON.stringify(e.changes))
            .lastInsertRowid,
        ),
      );
      if (options.recurrence) {
        db.prepare('INSERT INTO recurrences (problem_id, of_problem_id, distance_m) VALUES (?, ?, ?)').run(
          id,
          options.recurrence.problemId,
          options.recurrence.distanceM,
        );
      }
      if (options.patrol) {
        const d = draft.problem;
        db.prepare(
          "INSERT OR IGNORE INTO patrol_checkins (patrol_id, key, kind, problem_id, site_id, result, note, lon, lat, at) VALUES (?, ?, 'report', ?, ?, 'found', '', ?, ?, ?)",
        ).run(options.patrol.patrolId, options.patrol.key, id, d.siteId, d.lon, d.lat, options.patrol.at);
      }
      if (idem) {
        db.prepare('INSERT INTO idempotency_keys (key, user_id, body_hash, problem_id, created_at) VALUES (?, ?, ?, ?, ?)').run(
          idem.key,
          idem.userId,
          idem.bodyHash,
          id,
          idem.at,
        );
      }
      return { created: true, id, eventIds };
    });
    return run.immediate();
  }

  async saveIdempotentAnswer(userId: number, key: string, status: number, response: string): Promise<void> {
    this.db.prepare('UPDATE idempotency_keys SET status = ?, response = ? WHERE user_id = ? AND key = ?').run(status, response, userId, key);
  }

  async purgeIdempotencyKeys(before: number): Promise<number> {
    return this.db.prepare('DELETE FROM idempotency_keys WHERE created_at < ?').run(before).changes;
  }

  async mergedInto(problemId: number): Promise<number[]> {
    return this.db
      .prepare("SELECT problem_id FROM problem_events WHERE action = 'merge' AND json_extract(changes, '$.mergedInto') = ? ORDER BY id")
      .pluck()
      .all(problemId) as number[];
  }

  async addRecurrences(rows: readonly { problemId: number; ofProblemId: number; distanceM: number }[]): Promise<number> {
    const insert = this.db.prepare('INSERT OR IGNORE INTO recurrences (problem_id, of_problem_id, distance_m) VALUES (?, ?, ?)');
    return this.db.transaction(() => rows.reduce((n, r) => n + insert.run(r.problemId, r.ofProblemId, r.distanceM).changes, 0))();
  }

  async recurrentProblemIds(): Promise<number[]> {
    return this.db.prepare('SELECT problem_id FROM recurrences ORDER BY problem_id').pluck().all() as number[];
  }

  async recurrenceOf(problemId: number): Promise<{ problemId: number; distanceM: number } | null> {
    const r = this.db.prepare('SELECT of_problem_id, distance_m FROM recurrences WHERE problem_id = ?').get(problemId) as
      | { of_problem_id: number; distance_m: number }
      | undefined;
    return r ? { problemId: r.of_problem_id, distanceM: r.distance_m } : null;
  }

  async eventsAfter(afterId: number, limit: number) {
    const rows = this.db
      .prepare(
        `SELECT e.*, p.category, p.grid_id, p.community_id, p.unit_id FROM problem_events e JOIN problems p ON p.id = e.problem_id
         WHERE e.id > ? ORDER BY e.id LIMIT ?`,
      )
      .all(afterId, limit) as Row[];
    return rows.map(toPlacedEvent);
  }

  async recentEvents(limit: number, actions: readonly string[], unitId: string | null) {
    // Newest first by time (the at index); the action filter reads a few rows more than it returns.
    const rows = this.db
      .prepare(
        `SELECT e.*, p.category, p.grid_id, p.community_id, p.unit_id FROM problem_events e JOIN problems p ON p.id = e.problem_id
         WHERE e.action IN (${actions.map(() => '?').join(', ')}) AND (? IS NULL OR p.unit_id = ?) ORDER BY e.at DESC, e.id DESC LIMIT ?`,
      )
      .all(...actions, unitId, unitId, limit) as Row[];
    return rows.map(toPlacedEvent);
  }

  async lastEventId(): Promise<number> {
    return (this.db.prepare('SELECT coalesce(max(id), 0) AS id FROM problem_events').get() as { id: number }).id;
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
