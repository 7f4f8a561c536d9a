import type pg from 'pg';
import { bboxOf } from '../../domain/geometry.ts';
import type { AreaPlan } from '../../exchange/boundary-plan.ts';
import type { BoundaryCommitResult, BoundaryStore } from '../boundary-store.ts';
import { lockEventLog, transaction } from './client.ts';
import { insertEvent, params } from './writes.ts';

/** Thrown inside the transaction to roll it back. */
class StaleProblems extends Error {
  constructor(readonly ids: number[]) {
    super('problems changed since the plan');
  }
}

/** New boundaries in PostgreSQL: the areas, the moved problems with their events, all or nothing. */
export class PgBoundaryStore implements BoundaryStore {
  constructor(private readonly pool: pg.Pool) {}

  async commitAreas(plan: AreaPlan, by: { actor: string; at: number }): Promise<BoundaryCommitResult> {
    try {
      return await transaction(this.pool, async (c): Promise<BoundaryCommitResult> => {
        for (const x of plan.communities)
          await c.query(
            `INSERT INTO communities (id, town_id, name, kind, geometry, center, area_km2) VALUES (${params(7)})
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, geometry = excluded.geometry, center = excluded.center, area_km2 = excluded.area_km2`,
            [x.id, x.townId, x.name, x.kind, JSON.stringify(x.geometry), JSON.stringify(x.center), x.areaKm2],
          );
        for (const g of plan.grids)
          await c.query(
            `INSERT INTO grids (id, town_id, community_id, name, manager, geometry, area_km2, min_lon, min_lat, max_lon, max_lat) VALUES (${params(11)})
             ON CONFLICT (id) DO UPDATE SET community_id = excluded.community_id, name = excluded.name, geometry = excluded.geometry,
               area_km2 = excluded.area_km2, min_lon = excluded.min_lon, min_lat = excluded.min_lat, max_lon = excluded.max_lon, max_lat = excluded.max_lat`,
            [g.id, g.townId, g.communityId, g.name, g.manager, JSON.stringify(g.geometry), g.areaKm2, ...bboxOf(g.geometry)],
          );
        const stale: number[] = [];
        const eventIds: number[] = [];
        if (plan.moves.length > 0) await lockEventLog(c);
        for (const m of plan.moves) {
          const moved = await c.query(
            'UPDATE problems SET grid_id = $1, community_id = $2, updated_at = $3, version = version + 1 WHERE id = $4 AND version = $5',
            [m.to.gridId, m.to.communityId, by.at, m.problemId, m.version],
          );
          if (moved.rowCount !== 1) {
            stale.push(m.problemId);
            continue;
          }
          eventIds.push(
            await insertEvent(c, m.problemId, {
              at: by.at,
              actor: by.actor,
              action: 'regrid',
              fromStatus: m.status,
              toStatus: m.status,
              note: m.note,
              photos: [],
              changes: { gridId: m.to.gridId, communityId: m.to.communityId },
            }),
          );
        }
        if (stale.length > 0) throw new StaleProblems(stale);
        for (const s of plan.sites) await c.query('UPDATE sites SET grid_id = $1, community_id = $2 WHERE id = $3', [s.gridId, s.communityId, s.id]);
        const assignmentsRemoved: { userId: number; gridId: string }[] = [];
        for (const id of plan.removedGrids) {
          const { rows } = await c.query('DELETE FROM user_grids WHERE grid_id = $1 RETURNING user_id, grid_id', [id]);
          for (const r of rows.sort((a, b) => a.user_id - b.user_id)) assignmentsRemoved.push({ userId: r.user_id, gridId: r.grid_id });
          await c.query('DELETE FROM grids WHERE id = $1', [id]);
        }
        // after the grids and problems have left them (a unit or dispatch rule naming one was refused in the plan)
        for (const id of plan.removedCommunities) await c.query('DELETE FROM communities WHERE id = $1', [id]);
        return { committed: true, moved: eventIds.length, eventIds, assignmentsRemoved };
      });
    } catch (e) {
      if (e instanceof StaleProblems) return { committed: false, staleProblemIds: e.ids };
      throw e;
    }
  }
}
