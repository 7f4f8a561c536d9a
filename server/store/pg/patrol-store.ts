import type pg from 'pg';
import { type TrackPoint, thinTrack, trackMeters } from '../../patrol/track.ts';
import { type CheckinRecord, type PatrolQuery, type PatrolRecord, type PatrolStore, toCheckin, toPatrol } from '../patrol-store.ts';
import { transaction } from './client.ts';

/** Patrols in PostgreSQL; the revision is a sequence every process bumps after each write it commits. */
export class PgPatrolStore implements PatrolStore {
  constructor(private readonly pool: pg.Pool) {}

  /** After a write commits: a reader that saw the old revision recomputes on its next look. */
  private async bump<T>(result: T): Promise<T> {
    await this.pool.query("SELECT nextval('patrol_revision')");
    return result;
  }

  async start(p: Omit<PatrolRecord, 'endedAt' | 'distanceM' | 'trackPurged'>): Promise<boolean> {
    const r = await this.pool.query(
      'INSERT INTO patrols (id, user_id, actor, grid_ids, mode, started_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING',
      [p.id, p.userId, p.actor, JSON.stringify(p.gridIds), p.mode, p.startedAt],
    );
    return this.bump(r.rowCount === 1);
  }

  async get(id: string): Promise<PatrolRecord | null> {
    const { rows } = await this.pool.query('SELECT * FROM patrols WHERE id = $1', [id]);
    return rows[0] ? toPatrol(rows[0]) : null;
  }

  async list(q: PatrolQuery): Promise<PatrolRecord[]> {
    const where: string[] = [];
    const args: (string | number)[] = [];
    const add = (clause: string, value: string | number | undefined) => {
      if (value === undefined) return;
      args.push(value);
      where.push(`${clause} $${args.length}`);
    };
    add('started_at >=', q.from);
    add('started_at <', q.to);
    add('user_id =', q.userId);
    const sql = `SELECT * FROM patrols ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY started_at DESC, id LIMIT $${args.length + 1}`;
    return (await this.pool.query(sql, [...args, q.limit ?? 1000])).rows.map(toPatrol);
  }

  async addPoints(id: string, points: readonly TrackPoint[]): Promise<number> {
    const kept = await transaction(this.pool, async (c) => {
      // Two uploads of one patrol at once thin against the same last point in turn.
      await c.query('SELECT 1 FROM patrols WHERE id = $1 FOR UPDATE', [id]);
      const { rows } = await c.query('SELECT at, lon, lat FROM patrol_points WHERE patrol_id = $1 ORDER BY at DESC LIMIT 1', [id]);
      const kept = thinTrack(points, (rows[0] as TrackPoint | undefined) ?? null);
      for (let i = 0; i < kept.length; i += 1000) {
        const chunk = kept.slice(i, i + 1000);
        await c.query(
          `INSERT INTO patrol_points (patrol_id, at, lon, lat) SELECT $1, * FROM unnest($2::bigint[], $3::float8[], $4::float8[]) ON CONFLICT DO NOTHING`,
          [id, chunk.map((p) => p.at), chunk.map((p) => p.lon), chunk.map((p) => p.lat)],
        );
      }
      return kept.length;
    });
    return this.bump(kept);
  }

  async track(id: string): Promise<TrackPoint[]> {
    return (await this.pool.query('SELECT at, lon, lat FROM patrol_points WHERE patrol_id = $1 ORDER BY at', [id])).rows as TrackPoint[];
  }

  async tracksSince(from: number): Promise<Map<string, TrackPoint[]>> {
    const { rows } = await this.pool.query(
      `SELECT t.patrol_id, t.at, t.lon, t.lat FROM patrol_points t JOIN patrols p ON p.id = t.patrol_id
       WHERE p.started_at >= $1 ORDER BY p.started_at, p.id, t.at`,
      [from],
    );
    const out = new Map<string, TrackPoint[]>();
    for (const r of rows) {
      const list = out.get(r.patrol_id) ?? [];
      list.push({ at: r.at, lon: r.lon, lat: r.lat });
      out.set(r.patrol_id, list);
    }
    return out;
  }

  async revision(): Promise<number> {
    return (await this.pool.query('SELECT last_value + (CASE WHEN is_called THEN 1 ELSE 0 END) AS n FROM patrol_revision')).rows[0].n as number;
  }

  async addCheckin(c: Omit<CheckinRecord, 'id'>): Promise<{ checkin: CheckinRecord; created: boolean }> {
    const r = await this.pool.query(
      `INSERT INTO patrol_checkins (patrol_id, key, kind, problem_id, site_id, result, note, lon, lat, at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
      [c.patrolId, c.key, c.kind, c.problemId, c.siteId, c.result, c.note, c.lon, c.lat, c.at],
    );
    await this.bump(null);
    const stored = await this.checkinByKey(c.patrolId, c.key);
    if (!stored) throw new Error(`check-in ${c.key} of patrol ${c.patrolId} was not stored`);
    return { checkin: stored, created: r.rowCount === 1 };
  }

  async checkinByKey(patrolId: string, key: string): Promise<CheckinRecord | null> {
    const { rows } = await this.pool.query('SELECT * FROM patrol_checkins WHERE patrol_id = $1 AND key = $2', [patrolId, key]);
    return rows[0] ? toCheckin(rows[0]) : null;
  }

  async checkins(patrolId: string): Promise<CheckinRecord[]> {
    return (await this.pool.query('SELECT * FROM patrol_checkins WHERE patrol_id = $1 ORDER BY id', [patrolId])).rows.map(toCheckin);
  }

  async checkinsSince(from: number): Promise<CheckinRecord[]> {
    return (await this.pool.query('SELECT * FROM patrol_checkins WHERE at >= $1 ORDER BY at, id', [from])).rows.map(toCheckin);
  }

  async lastSiteVisits(): Promise<Map<string, number>> {
    const { rows } = await this.pool.query('SELECT site_id, max(at) AS at FROM patrol_checkins WHERE site_id IS NOT NULL GROUP BY site_id');
    return new Map(rows.map((r) => [r.site_id as string, r.at as number]));
  }

  async end(id: string, at: number): Promise<PatrolRecord | null> {
    const ended = await transaction(this.pool, async (c) => {
      const { rows } = await c.query('SELECT * FROM patrols WHERE id = $1 FOR UPDATE', [id]);
      const p = rows[0];
      if (!p) return null;
      if (p.ended_at !== null) return toPatrol(p);
      const points = (await c.query('SELECT at, lon, lat FROM patrol_points WHERE patrol_id = $1 ORDER BY at', [id])).rows as TrackPoint[];
      const updated = await c.query('UPDATE patrols SET ended_at = $1, distance_m = $2 WHERE id = $3 RETURNING *', [
        Math.max(at, p.started_at as number),
        Math.round(trackMeters(points)),
        id,
      ]);
      return toPatrol(updated.rows[0]);
    });
    return this.bump(ended);
  }

  async purgeTracks(before: number): Promise<number> {
    const n = await transaction(this.pool, async (c) => {
      const { rows } = await c.query('UPDATE patrols SET track_purged = true WHERE started_at < $1 AND NOT track_purged RETURNING id', [before]);
      const ids = rows.map((r) => r.id as string);
      if (ids.length > 0) await c.query('DELETE FROM patrol_points WHERE patrol_id = ANY($1)', [ids]);
      return ids.length;
    });
    return this.bump(n);
  }
}
