import type Database from 'better-sqlite3';
import { bboxOf } from '../domain/geometry.ts';
import type { AreaPlan } from '../exchange/boundary-plan.ts';

export type BoundaryCommitResult =
  | { committed: true; moved: number; eventIds: number[]; assignmentsRemoved: { userId: number; gridId: string }[] }
  /** A problem changed after the check: nothing was written; check again. */
  | { committed: false; staleProblemIds: number[] };

/** Boundaries (网格、村居): a new set written in one transaction with what it moves. */
export interface BoundaryStore {
  /**
   * Writes the plan: the villages and grids (kept ids reshaped, new ones added, the rest removed,
   * grids with their grid managers' assignments), each moved problem's grid and village with a
   * `regrid` event, and the key sites'. All or nothing; refused if a moved problem changed since.
   */
  commitAreas(plan: AreaPlan, by: { actor: string; at: number }): Promise<BoundaryCommitResult>;
}

export class SqliteBoundaryStore implements BoundaryStore {
  constructor(private readonly db: Database.Database) {}

  async commitAreas(plan: AreaPlan, by: { actor: string; at: number }): Promise<BoundaryCommitResult> {
    const db = this.db;
    const upsertCommunity = db.prepare(
      `INSERT INTO communities (id, town_id, name, kind, geometry, center, area_km2) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, geometry = excluded.geometry, center = excluded.center, area_km2 = excluded.area_km2`,
    );
    const removeCommunity = db.prepare('DELETE FROM communities WHERE id = ?');
    const upsertGrid = db.prepare(
      `INSERT INTO grids (id, town_id, community_id, name, manager, geometry, area_km2, min_lon, min_lat, max_lon, max_lat)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET community_id = excluded.community_id, name = excluded.name, geometry = excluded.geometry,
         area_km2 = excluded.area_km2, min_lon = excluded.min_lon, min_lat = excluded.min_lat, max_lon = excluded.max_lon, max_lat = excluded.max_lat`,
    );
    const moveProblem = db.prepare('UPDATE problems SET grid_id = ?, community_id = ?, updated_at = ?, version = version + 1 WHERE id = ? AND version = ?');
    const insertEvent = db.prepare(
      "INSERT INTO problem_events (problem_id, at, actor, action, from_status, to_status, note, photos, changes) VALUES (?, ?, ?, 'regrid', ?, ?, ?, '[]', ?)",
    );
    const moveSite = db.prepare('UPDATE sites SET grid_id = ?, community_id = ? WHERE id = ?');
    const assignments = db.prepare('SELECT user_id, grid_id FROM user_grids WHERE grid_id = ?');
    const unassign = db.prepare('DELETE FROM user_grids WHERE grid_id = ?');
    const removeGrid = db.prepare('DELETE FROM grids WHERE id = ?');
    const run = db.transaction((): BoundaryCommitResult => {
      for (const c of plan.communities) upsertCommunity.run(c.id, c.townId, c.name, c.kind, JSON.stringify(c.geometry), JSON.stringify(c.center), c.areaKm2);
      for (const g of plan.grids)
        upsertGrid.run(g.id, g.townId, g.communityId, g.name, g.manager, JSON.stringify(g.geometry), g.areaKm2, ...bboxOf(g.geometry));
      const stale: number[] = [];
      const eventIds: number[] = [];
      for (const m of plan.moves) {
        if (moveProblem.run(m.to.gridId, m.to.communityId, by.at, m.problemId, m.version).changes !== 1) {
          stale.push(m.problemId);
          continue;
        }
        const changes = JSON.stringify({ gridId: m.to.gridId, communityId: m.to.communityId });
        eventIds.push(Number(insertEvent.run(m.problemId, by.at, by.actor, m.status, m.status, m.note, changes).lastInsertRowid));
      }
      if (stale.length > 0) throw new StaleProblems(stale);
      for (const s of plan.sites) moveSite.run(s.gridId, s.communityId, s.id);
      const assignmentsRemoved: { userId: number; gridId: string }[] = [];
      for (const id of plan.removedGrids) {
        for (const r of assignments.all(id) as { user_id: number; grid_id: string }[]) assignmentsRemoved.push({ userId: r.user_id, gridId: r.grid_id });
        unassign.run(id);
        removeGrid.run(id);
      }
      // after the grids and problems have left them (a unit or dispatch rule naming one was refused in the plan)
      for (const id of plan.removedCommunities) removeCommunity.run(id);
      return { committed: true, moved: eventIds.length, eventIds, assignmentsRemoved };
    });
    try {
      return run.immediate();
    } catch (e) {
      if (e instanceof StaleProblems) return { committed: false, staleProblemIds: e.ids };
      throw e;
    }
  }
}

/** Thrown inside the transaction to roll it back. */
class StaleProblems extends Error {
  constructor(readonly ids: number[]) {
    super('problems changed since the plan');
  }
}
