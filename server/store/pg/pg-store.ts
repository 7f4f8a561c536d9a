import type pg from 'pg';
import type { DispatchRule } from '../../domain/dispatch.ts';
import { PROBLEM_COLUMNS, ROW_WIDTH, toBatch } from '../problem-batch.ts';
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
} from '../records.ts';
import {
  type Row,
  toBasemapFeature,
  toCommunity,
  toDispatchRule,
  toEvent,
  toGrid,
  toPhoto,
  toPlacedEvent,
  toProblem,
  toSite,
  toTown,
  toUnit,
} from '../rows.ts';
import type { CreateOptions, CreateResult, DatasetInfo, Store } from '../store.ts';
import { PgBoundaryStore } from './boundary-store.ts';
import { BULK_ROWS, loadDataset, writeDispatchRules } from './bulk-load.ts';
import { createPool, lockEventLog, migratePg, transaction } from './client.ts';
import { PgDeckStore } from './deck-store.ts';
import { PgImportStore } from './import-store.ts';
import { PgInspectionStore } from './inspection-store.ts';
import { PgPatrolStore } from './patrol-store.ts';
import { PgProjectStore } from './project-store.ts';
import { insertEvent, PROBLEM_INSERT_COLUMNS, params, valueRows } from './writes.ts';

const STARTUP_LOCK = 0x63770003;

/** A raised exception that rolls a transaction back on purpose, with what to answer instead. */
class Abort<T> {
  constructor(readonly answer: T) {}
}

/**
 * The store on PostgreSQL + PostGIS, for a district's several server processes on one database.
 * One pool per process; every multi-statement write is one transaction at READ COMMITTED (see
 * `transaction`), and each append to the event log holds the event-log lock until commit, so
 * event ids commit in order and a process catching up by id never skips one.
 */
export class PgStore implements Store {
  readonly patrols: PgPatrolStore;
  readonly decks: PgDeckStore;
  readonly imports: PgImportStore;
  readonly boundaries: PgBoundaryStore;
  readonly inspections: PgInspectionStore;
  readonly projects: PgProjectStore;

  private constructor(readonly pool: pg.Pool) {
    this.patrols = new PgPatrolStore(pool);
    this.decks = new PgDeckStore(pool);
    this.imports = new PgImportStore(pool);
    this.boundaries = new PgBoundaryStore(pool);
    this.inspections = new PgInspectionStore(pool);
    this.projects = new PgProjectStore(pool);
  }

  /** Connects to `url` (`max` connections in this process's pool), migrates the schema, and returns the store. */
  static async open(url: string, options: { max?: number } = {}): Promise<PgStore> {
    const pool = createPool(url, options.max);
    try {
      await migratePg(pool);
    } catch (err) {
      await pool.end();
      throw err;
    }
    return new PgStore(pool);
  }

  /** Runs `fn` holding a database-wide lock (a session advisory lock): one process at a time. */
  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    try {
      await c.query('SELECT pg_advisory_lock($1)', [STARTUP_LOCK]);
      try {
        return await fn();
      } finally {
        await c.query('SELECT pg_advisory_unlock($1)', [STARTUP_LOCK]);
      }
    } finally {
      c.release();
    }
  }

  protected async rows(sql: string, values: unknown[] = []): Promise<Row[]> {
    return (await this.pool.query(sql, values)).rows;
  }

  async isEmpty(): Promise<boolean> {
    return (await this.rows("SELECT 1 FROM meta WHERE key = 'dataset'")).length === 0;
  }

  async ping(): Promise<boolean> {
    return (await this.rows('SELECT 1 AS ok')).length === 1;
  }

  async datasetInfo(): Promise<DatasetInfo | null> {
    const [row] = await this.rows("SELECT value FROM meta WHERE key = 'dataset'");
    return row ? (JSON.parse(row.value as string) as DatasetInfo) : null;
  }

  /** Loads a dataset into the empty store in one transaction (see loadDataset). */
  load(dataset: Dataset): Promise<{ problems: number; events: number }> {
    return loadDataset(this.pool, dataset);
  }

  async town(): Promise<TownRecord> {
    const [r] = await this.rows('SELECT id, name, code, boundary, bbox, center FROM towns LIMIT 1');
    if (!r) throw new Error('the store holds no town');
    return toTown(r);
  }

  async communities(): Promise<CommunityRecord[]> {
    return (await this.rows('SELECT id, town_id, name, kind, geometry, center, area_km2 FROM communities ORDER BY position')).map(toCommunity);
  }

  async grids(): Promise<GridRecord[]> {
    return (await this.rows('SELECT id, town_id, community_id, name, manager, geometry, area_km2 FROM grids ORDER BY position')).map(toGrid);
  }

  async units(): Promise<UnitRecord[]> {
    return (await this.rows('SELECT id, town_id, name, kind, community_id FROM units ORDER BY position')).map(toUnit);
  }

  async sites(): Promise<SiteRecord[]> {
    return (await this.rows('SELECT id, town_id, community_id, grid_id, name, kind, lon, lat, unit_id FROM sites ORDER BY position')).map(toSite);
  }

  async saveSite(s: SiteRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO sites (id, town_id, community_id, grid_id, name, kind, lon, lat, unit_id) VALUES (${params(9)})
       ON CONFLICT (id) DO UPDATE SET community_id = excluded.community_id, grid_id = excluded.grid_id, name = excluded.name,
         kind = excluded.kind, lon = excluded.lon, lat = excluded.lat, unit_id = excluded.unit_id`,
      [s.id, s.townId, s.communityId, s.gridId, s.name, s.kind, s.lon, s.lat, s.unitId],
    );
  }

  async deleteSite(id: string): Promise<'deleted' | 'referenced' | 'missing'> {
    return transaction(this.pool, async (c) => {
      // The row lock keeps a problem or a check from citing the site between the test and the delete.
      if (!(await c.query('SELECT 1 FROM sites WHERE id = $1 FOR UPDATE', [id])).rowCount) return 'missing';
      const { rows } = await c.query(
        `SELECT EXISTS (SELECT 1 FROM problems WHERE site_id = $1) OR EXISTS (SELECT 1 FROM round_sites WHERE site_id = $1)
           OR EXISTS (SELECT 1 FROM site_checks WHERE site_id = $1) OR EXISTS (SELECT 1 FROM patrol_checkins WHERE site_id = $1) AS used`,
        [id],
      );
      if (rows[0].used) return 'referenced';
      await c.query('DELETE FROM sites WHERE id = $1', [id]);
      return 'deleted';
    });
  }

  async basemap(): Promise<BasemapFeature[]> {
    return (await this.rows('SELECT layer, name, class, geometry FROM basemap_features ORDER BY id')).map(toBasemapFeature);
  }

  async dispatchRules(): Promise<DispatchRule[]> {
    return (await this.rows('SELECT category, community_id, unit_id FROM dispatch_rules ORDER BY position')).map(toDispatchRule);
  }

  async saveDispatchRules(rules: readonly DispatchRule[]): Promise<void> {
    await transaction(this.pool, (c) => writeDispatchRules(c, rules));
  }

  async *scanProblems(batchSize = 20_000): AsyncIterable<ProblemRecord[]> {
    let after = 0;
    for (;;) {
      const { rows } = await this.pool.query({
        text: `SELECT ${PROBLEM_COLUMNS} FROM problems WHERE id > $1 ORDER BY id LIMIT $2`,
        values: [after, batchSize],
        rowMode: 'array',
      });
      if (rows.length === 0) return;
      const batch = rows.map(toProblem);
      after = batch[batch.length - 1].id;
      yield batch;
    }
  }

  async problem(id: number): Promise<ProblemRecord | null> {
    const { rows } = await this.pool.query({ text: `SELECT ${PROBLEM_COLUMNS} FROM problems WHERE id = $1`, values: [id], rowMode: 'array' });
    return rows.length ? toProblem(rows[0]) : null;
  }

  async problemsByIds(ids: readonly number[]): Promise<ProblemRecord[]> {
    if (ids.length === 0) return [];
    const { rows } = await this.pool.query({
      text: `SELECT ${PROBLEM_COLUMNS} FROM problems WHERE id = ANY($1::bigint[]) ORDER BY id`,
      values: [ids],
      rowMode: 'array',
    });
    return rows.map(toProblem);
  }

  async events(problemId: number): Promise<ProblemEventRecord[]> {
    return (await this.rows('SELECT * FROM problem_events WHERE problem_id = $1 ORDER BY id', [problemId])).map(toEvent);
  }

  async reporters(): Promise<Map<number, ReporterRecord>> {
    const rows = await this.rows('SELECT id, reporter_name, reporter_phone FROM problems WHERE reporter_name IS NOT NULL OR reporter_phone IS NOT NULL');
    return new Map(rows.map((r) => [r.id as number, { name: (r.reporter_name as string | null) ?? '', phone: (r.reporter_phone as string | null) ?? '' }]));
  }

  async reporter(problemId: number): Promise<ReporterRecord | null> {
    const [r] = await this.rows('SELECT reporter_name, reporter_phone FROM problems WHERE id = $1', [problemId]);
    if (!r || (r.reporter_name === null && r.reporter_phone === null)) return null;
    return { name: (r.reporter_name as string | null) ?? '', phone: (r.reporter_phone as string | null) ?? '' };
  }

  async updateProblem(next: ProblemRecord, expectedVersion: number, event: Omit<ProblemEventRecord, 'id' | 'problemId'>): Promise<ProblemEventRecord | null> {
    return transaction(this.pool, async (c) => {
      // At READ COMMITTED a concurrent writer's UPDATE waits for this one and then re-reads the row:
      // its version no longer matches and it changes nothing.
      const changed = await c.query(
        'UPDATE problems SET status = $1, unit_id = $2, measure = $3, deadline = $4, closed_at = $5, updated_at = $6, version = $7 WHERE id = $8 AND version = $9',
        [next.status, next.unitId, next.measure, next.deadline, next.closedAt, next.updatedAt, next.version, next.id, expectedVersion],
      );
      if (changed.rowCount !== 1) return null;
      await lockEventLog(c);
      const id = await insertEvent(c, next.id, event);
      return { ...event, id, problemId: next.id };
    });
  }

  async addPhoto(photo: PhotoRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO photos (id, problem_id, kind, mime, width, height, bytes, lon, lat, created_at, created_by) VALUES (${params(11)}) ON CONFLICT DO NOTHING`,
      [photo.id, photo.problemId, photo.kind, photo.mime, photo.width, photo.height, photo.bytes, photo.lon, photo.lat, photo.createdAt, photo.createdBy],
    );
  }

  async photo(id: string): Promise<PhotoRecord[]> {
    return (await this.rows('SELECT * FROM photos WHERE id = $1 ORDER BY problem_id', [id])).map(toPhoto);
  }

  async photos(problemId: number): Promise<PhotoRecord[]> {
    return (await this.rows('SELECT * FROM photos WHERE problem_id = $1 ORDER BY created_at, id', [problemId])).map(toPhoto);
  }

  async createProblem(draft: ProblemDraft, options: CreateOptions): Promise<CreateResult> {
    const idem = options.idempotency;
    const earlier = async (): Promise<CreateResult | null> => {
      if (!idem) return null;
      const [r] = await this.rows('SELECT body_hash, problem_id, status, response FROM idempotency_keys WHERE user_id = $1 AND key = $2', [
        idem.userId,
        idem.key,
      ]);
      return r
        ? {
            created: false,
            earlier: {
              bodyHash: r.body_hash as string,
              problemId: r.problem_id as number,
              status: r.status as number | null,
              response: r.response as string | null,
            },
          }
        : null;
    };
    const seen = await earlier();
    if (seen) return seen;
    try {
      return await transaction(this.pool, async (c): Promise<CreateResult> => {
        // First: the new problem's id, like its events', then follows commit order (a process
        // catching up appends new problems to its table in id order).
        await lockEventLog(c);
        const { rows } = await c.query(
          `INSERT INTO problems (${PROBLEM_INSERT_COLUMNS}) VALUES (${params(ROW_WIDTH)}) RETURNING id`,
          toBatch([draft]).problems,
        );
        const id = rows[0].id as number;
        if (idem) {
          // Claims the key: a concurrent request with the same key waits here until this one commits,
          // then inserts nothing and rolls back to answer with the earlier request.
          const claimed = await c.query(
            'INSERT INTO idempotency_keys (key, user_id, body_hash, problem_id, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING',
            [idem.key, idem.userId, idem.bodyHash, id, idem.at],
          );
          if (claimed.rowCount !== 1) throw new Abort(null);
        }
        if (options.recurrence) {
          await c.query('INSERT INTO recurrences (problem_id, of_problem_id, distance_m) VALUES ($1, $2, $3)', [
            id,
            options.recurrence.problemId,
            options.recurrence.distanceM,
          ]);
        }
        if (options.patrol) {
          const d = draft.problem;
          await c.query(
            `INSERT INTO patrol_checkins (patrol_id, key, kind, problem_id, site_id, result, note, lon, lat, at)
             VALUES ($1, $2, 'report', $3, $4, 'found', '', $5, $6, $7) ON CONFLICT DO NOTHING`,
            [options.patrol.patrolId, options.patrol.key, id, d.siteId, d.lon, d.lat, options.patrol.at],
          );
        }
        const eventIds: number[] = [];
        for (const e of draft.events) eventIds.push(await insertEvent(c, id, e));
        return { created: true, id, eventIds };
      });
    } catch (err) {
      if (!(err instanceof Abort)) throw err;
      const answer = await earlier();
      if (!answer) throw new Error('idempotency key claimed by a request that then vanished');
      return answer;
    }
  }

  async saveIdempotentAnswer(userId: number, key: string, status: number, response: string): Promise<void> {
    await this.pool.query('UPDATE idempotency_keys SET status = $1, response = $2 WHERE user_id = $3 AND key = $4', [status, response, userId, key]);
  }

  async purgeIdempotencyKeys(before: number): Promise<number> {
    return (await this.pool.query('DELETE FROM idempotency_keys WHERE created_at < $1', [before])).rowCount ?? 0;
  }

  async mergedInto(problemId: number): Promise<number[]> {
    const rows = await this.rows("SELECT problem_id FROM problem_events WHERE action = 'merge' AND changes->>'mergedInto' = $1 ORDER BY id", [
      String(problemId),
    ]);
    return rows.map((r) => r.problem_id as number);
  }

  async addRecurrences(rows: readonly { problemId: number; ofProblemId: number; distanceM: number }[]): Promise<number> {
    if (rows.length === 0) return 0;
    return transaction(this.pool, async (c) => {
      let n = 0;
      for (let i = 0; i < rows.length; i += BULK_ROWS) {
        const chunk = rows.slice(i, i + BULK_ROWS);
        const r = await c.query(
          `INSERT INTO recurrences (problem_id, of_problem_id, distance_m) VALUES ${valueRows(chunk.length, 3)} ON CONFLICT DO NOTHING`,
          chunk.flatMap((x) => [x.problemId, x.ofProblemId, x.distanceM]),
        );
        n += r.rowCount ?? 0;
      }
      return n;
    });
  }

  async recurrentProblemIds(): Promise<number[]> {
    return (await this.rows('SELECT problem_id FROM recurrences ORDER BY problem_id')).map((r) => r.problem_id as number);
  }

  async recurrenceOf(problemId: number): Promise<{ problemId: number; distanceM: number } | null> {
    const [r] = await this.rows('SELECT of_problem_id, distance_m FROM recurrences WHERE problem_id = $1', [problemId]);
    return r ? { problemId: r.of_problem_id as number, distanceM: r.distance_m as number } : null;
  }

  async eventsAfter(afterId: number, limit: number) {
    const rows = await this.rows(
      `SELECT e.*, p.category, p.grid_id, p.community_id, p.unit_id FROM problem_events e JOIN problems p ON p.id = e.problem_id
       WHERE e.id > $1 ORDER BY e.id LIMIT $2`,
      [afterId, limit],
    );
    return rows.map(toPlacedEvent);
  }

  async recentEvents(limit: number, actions: readonly string[], unitId: string | null) {
    const rows = await this.rows(
      `SELECT e.*, p.category, p.grid_id, p.community_id, p.unit_id FROM problem_events e JOIN problems p ON p.id = e.problem_id
       WHERE e.action = ANY($1) AND ($2::text IS NULL OR p.unit_id = $2) ORDER BY e.at DESC, e.id DESC LIMIT $3`,
      [actions, unitId, limit],
    );
    return rows.map(toPlacedEvent);
  }

  async lastEventId(): Promise<number> {
    return (await this.rows('SELECT coalesce(max(id), 0) AS id FROM problem_events'))[0].id as number;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
