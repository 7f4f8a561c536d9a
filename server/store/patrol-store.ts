import type Database from 'better-sqlite3';
import { type TrackPoint, thinTrack, trackMeters } from '../patrol/track.ts';

/** A patrol (巡查) as stored: who walked which grids when, and how far. */
export interface PatrolRecord {
  id: string;
  /** The account that walked it (null for the demo's made-up grid managers). */
  userId: number | null;
  actor: string;
  gridIds: string[];
  mode: string;
  startedAt: number;
  endedAt: number | null;
  distanceM: number;
  /** Whether the track was deleted at the end of its retention (the summary stays). */
  trackPurged: boolean;
}

export type CheckinKind = 'stop' | 'report' | 'fix';

export interface CheckinRecord {
  id: number;
  patrolId: string;
  /** The Idempotency-Key it was sent with: a retry finds it instead of adding it again. */
  key: string;
  kind: CheckinKind;
  problemId: number | null;
  siteId: string | null;
  result: string;
  note: string;
  lon: number | null;
  lat: number | null;
  at: number;
}

export interface PatrolQuery {
  /** Started at or after (ms). */
  from?: number;
  /** Started before (ms). */
  to?: number;
  userId?: number;
  limit?: number;
}

/** Patrols, their tracks and check-ins. The track is personal information: callers check who reads it. */
export interface PatrolStore {
  /** Starts a patrol; false when the id exists already (the caller compares). */
  start(patrol: Omit<PatrolRecord, 'endedAt' | 'distanceM' | 'trackPurged'>): Promise<boolean>;
  get(id: string): Promise<PatrolRecord | null>;
  /** Latest first. */
  list(query: PatrolQuery): Promise<PatrolRecord[]>;
  /** Adds positions, thinned after the last stored one; returns how many were kept. */
  addPoints(id: string, points: readonly TrackPoint[]): Promise<number>;
  track(id: string): Promise<TrackPoint[]>;
  /** Tracks of the patrols started since `from`, for coverage (patrol id → points). */
  tracksSince(from: number): Promise<Map<string, TrackPoint[]>>;
  /** A number that changes whenever a patrol, a point or a check-in is written, by any process (what coverage is cached by). */
  revision(): Promise<number>;
  /** Adds a check-in unless its key was used in this patrol; returns the stored one and whether it is new. */
  addCheckin(checkin: Omit<CheckinRecord, 'id'>): Promise<{ checkin: CheckinRecord; created: boolean }>;
  checkinByKey(patrolId: string, key: string): Promise<CheckinRecord | null>;
  checkins(patrolId: string): Promise<CheckinRecord[]>;
  /** Check-ins of every patrol since `from`, oldest first. */
  checkinsSince(from: number): Promise<CheckinRecord[]>;
  /** The last time each key site was checked in at. */
  lastSiteVisits(): Promise<Map<string, number>>;
  /** Ends a patrol: its distance is its track's length. Ending an ended patrol changes nothing. */
  end(id: string, at: number): Promise<PatrolRecord | null>;
  /** Deletes the tracks of patrols started before `before` (the summaries and check-ins stay); returns how many tracks. */
  purgeTracks(before: number): Promise<number>;
}

type Row = Record<string, unknown>;

export const toPatrol = (r: Row): PatrolRecord => ({
  id: r.id as string,
  userId: r.user_id as number | null,
  actor: r.actor as string,
  gridIds: JSON.parse(r.grid_ids as string) as string[],
  mode: r.mode as string,
  startedAt: r.started_at as number,
  endedAt: r.ended_at as number | null,
  distanceM: r.distance_m as number,
  trackPurged: Boolean(r.track_purged),
});

export const toCheckin = (r: Row): CheckinRecord => ({
  id: r.id as number,
  patrolId: r.patrol_id as string,
  key: r.key as string,
  kind: r.kind as CheckinKind,
  problemId: r.problem_id as number | null,
  siteId: r.site_id as string | null,
  result: r.result as string,
  note: r.note as string,
  lon: r.lon as number | null,
  lat: r.lat as number | null,
  at: r.at as number,
});

export class SqlitePatrolStore implements PatrolStore {
  /** Bumped by every write of this process (one server process per SQLite file). */
  #revision = 0;

  constructor(private readonly db: Database.Database) {}

  async start(p: Omit<PatrolRecord, 'endedAt' | 'distanceM' | 'trackPurged'>): Promise<boolean> {
    this.#revision++;
    const r = this.db
      .prepare('INSERT OR IGNORE INTO patrols (id, user_id, actor, grid_ids, mode, started_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(p.id, p.userId, p.actor, JSON.stringify(p.gridIds), p.mode, p.startedAt);
    return r.changes === 1;
  }

  async get(id: string): Promise<PatrolRecord | null> {
    const r = this.db.prepare('SELECT * FROM patrols WHERE id = ?').get(id) as Row | undefined;
    return r ? toPatrol(r) : null;
  }

  async list(q: PatrolQuery): Promise<PatrolRecord[]> {
    const where: string[] = [];
    const args: (string | number)[] = [];
    const add = (clause: string, value: string | number | undefined) => {
      if (value === undefined) return;
      where.push(clause);
      args.push(value);
    };
    add('started_at >= ?', q.from);
    add('started_at < ?', q.to);
    add('user_id = ?', q.userId);
    const sql = `SELECT * FROM patrols ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY started_at DESC, id LIMIT ?`;
    return (this.db.prepare(sql).all(...args, q.limit ?? 1000) as Row[]).map(toPatrol);
  }

  async addPoints(id: string, points: readonly TrackPoint[]): Promise<number> {
    this.#revision++;
    const db = this.db;
    const run = db.transaction(() => {
      const last = db.prepare('SELECT at, lon, lat FROM patrol_points WHERE patrol_id = ? ORDER BY at DESC LIMIT 1').get(id) as TrackPoint | undefined;
      const kept = thinTrack(points, last ?? null);
      const insert = db.prepare('INSERT OR IGNORE INTO patrol_points (patrol_id, at, lon, lat) VALUES (?, ?, ?, ?)');
      for (const p of kept) insert.run(id, p.at, p.lon, p.lat);
      return kept.length;
    });
    return run.immediate();
  }

  async track(id: string): Promise<TrackPoint[]> {
    return this.db.prepare('SELECT at, lon, lat FROM patrol_points WHERE patrol_id = ? ORDER BY at').all(id) as TrackPoint[];
  }

  async tracksSince(from: number): Promise<Map<string, TrackPoint[]>> {
    const out = new Map<string, TrackPoint[]>();
    const ids = this.db.prepare('SELECT id FROM patrols WHERE started_at >= ? ORDER BY started_at, id').pluck().all(from) as string[];
    const points = this.db.prepare('SELECT at, lon, lat FROM patrol_points WHERE patrol_id = ? ORDER BY at').raw(true);
    for (const id of ids) {
      const rows = points.all(id) as [number, number, number][];
      if (rows.length > 0)
        out.set(
          id,
          rows.map(([at, lon, lat]) => ({ at, lon, lat })),
        );
    }
    return out;
  }

  async revision(): Promise<number> {
    return this.#revision;
  }

  async addCheckin(c: Omit<CheckinRecord, 'id'>): Promise<{ checkin: CheckinRecord; created: boolean }> {
    this.#revision++;
    const r = this.db
      .prepare(
        'INSERT OR IGNORE INTO patrol_checkins (patrol_id, key, kind, problem_id, site_id, result, note, lon, lat, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(c.patrolId, c.key, c.kind, c.problemId, c.siteId, c.result, c.note, c.lon, c.lat, c.at);
    const stored = await this.checkinByKey(c.patrolId, c.key);
    if (!stored) throw new Error(`check-in ${c.key} of patrol ${c.patrolId} was not stored`);
    return { checkin: stored, created: r.changes === 1 };
  }

  async checkinByKey(patrolId: string, key: string): Promise<CheckinRecord | null> {
    const r = this.db.prepare('SELECT * FROM patrol_checkins WHERE patrol_id = ? AND key = ?').get(patrolId, key) as Row | undefined;
    return r ? toCheckin(r) : null;
  }

  async checkins(patrolId: string): Promise<CheckinRecord[]> {
    return (this.db.prepare('SELECT * FROM patrol_checkins WHERE patrol_id = ? ORDER BY id').all(patrolId) as Row[]).map(toCheckin);
  }

  async checkinsSince(from: number): Promise<CheckinRecord[]> {
    return (this.db.prepare('SELECT * FROM patrol_checkins WHERE at >= ? ORDER BY at, id').all(from) as Row[]).map(toCheckin);
  }

  async lastSiteVisits(): Promise<Map<string, number>> {
    const rows = this.db.prepare('SELECT site_id, MAX(at) AS at FROM patrol_checkins WHERE site_id IS NOT NULL GROUP BY site_id').all() as {
      site_id: string;
      at: number;
    }[];
    return new Map(rows.map((r) => [r.site_id, r.at]));
  }

  async end(id: string, at: number): Promise<PatrolRecord | null> {
    this.#revision++;
    const db = this.db;
    const run = db.transaction(() => {
      const p = db.prepare('SELECT * FROM patrols WHERE id = ?').get(id) as Row | undefined;
      if (!p) return null;
      if (p.ended_at !== null) return toPatrol(p);
      const points = db.prepare('SELECT at, lon, lat FROM patrol_points WHERE patrol_id = ? ORDER BY at').all(id) as TrackPoint[];
      const distance = Math.round(trackMeters(points));
      db.prepare('UPDATE patrols SET ended_at = ?, distance_m = ? WHERE id = ?').run(Math.max(at, p.started_at as number), distance, id);
      return toPatrol(db.prepare('SELECT * FROM patrols WHERE id = ?').get(id) as Row);
    });
    return run.immediate();
  }

  async purgeTracks(before: number): Promise<number> {
    this.#revision++;
    const db = this.db;
    const run = db.transaction(() => {
      const ids = db.prepare('SELECT id FROM patrols WHERE started_at < ? AND track_purged = 0').pluck().all(before) as string[];
      const del = db.prepare('DELETE FROM patrol_points WHERE patrol_id = ?');
      const mark = db.prepare('UPDATE patrols SET track_purged = 1 WHERE id = ?');
      for (const id of ids) {
        del.run(id);
        mark.run(id);
      }
      return ids.length;
    });
    return run.immediate();
  }
}
