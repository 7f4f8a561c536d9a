import type pg from 'pg';
import {
  milestonesByProject,
  type NewProject,
  type ProjectChange,
  type ProjectRecord,
  type ProjectStore,
  type ProjectUpdateRecord,
  toProject,
  toProjectUpdate,
} from '../project-store.ts';
import { type Queryable, transaction } from './client.ts';

/** Key projects in PostgreSQL; updates are append-only (a trigger refuses edits). */
export class PgProjectStore implements ProjectStore {
  constructor(private readonly pool: pg.Pool) {}

  async list(): Promise<ProjectRecord[]> {
    const milestones = milestonesByProject((await this.pool.query('SELECT * FROM project_milestones ORDER BY planned_on, id')).rows);
    return (await this.pool.query('SELECT * FROM projects ORDER BY id')).rows.map((r) => toProject(r, milestones.get(r.id) ?? []));
  }

  async get(id: number): Promise<ProjectRecord | null> {
    return read(this.pool, id);
  }

  async create(p: NewProject): Promise<ProjectRecord> {
    return transaction(this.pool, async (c) => {
      const { rows } = await c.query(
        `INSERT INTO projects (name, unit_id, community_id, geometry, description, starts_on, due_on, percent, version, created_by, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $10, $10) RETURNING id`,
        [p.name, p.unitId, p.communityId, JSON.stringify(p.geometry), p.description, p.startsOn, p.dueOn, p.percent, p.createdBy, p.createdAt],
      );
      const id = rows[0].id as number;
      for (const m of p.milestones)
        await c.query('INSERT INTO project_milestones (project_id, name, planned_on, done_on) VALUES ($1, $2, $3, $4)', [id, m.name, m.plannedOn, m.doneOn]);
      await c.query('INSERT INTO project_updates (project_id, at, actor, note, changes) VALUES ($1, $2, $3, $4, $5)', [
        id,
        p.createdAt,
        p.createdBy,
        '新建项目',
        JSON.stringify({ percent: { from: null, to: p.percent } }),
      ]);
      return (await read(c, id)) as ProjectRecord;
    });
  }

  async update(id: number, expectedVersion: number, change: ProjectChange, by: { actor: string; at: number; note: string }): Promise<ProjectRecord | null> {
    return transaction(this.pool, async (c) => {
      // The row lock orders two updates of one project; the second then sees the new version.
      await c.query('SELECT 1 FROM projects WHERE id = $1 FOR UPDATE', [id]);
      const before = await read(c, id);
      if (!before || before.version !== expectedVersion) return null;
      const changes: ProjectUpdateRecord['changes'] = {};
      if (change.percent !== undefined && change.percent !== before.percent) changes.percent = { from: before.percent, to: change.percent };
      for (const m of change.milestones ?? []) {
        const old = before.milestones.find((x) => x.id === m.id);
        if (!old || old.doneOn === m.doneOn) continue;
        await c.query('UPDATE project_milestones SET done_on = $1 WHERE id = $2 AND project_id = $3', [m.doneOn, m.id, id]);
        changes[`milestone:${m.id}`] = { from: old.doneOn, to: m.doneOn };
      }
      await c.query('UPDATE projects SET percent = $1, version = version + 1, updated_at = $2 WHERE id = $3', [change.percent ?? before.percent, by.at, id]);
      await c.query('INSERT INTO project_updates (project_id, at, actor, note, changes) VALUES ($1, $2, $3, $4, $5)', [
        id,
        by.at,
        by.actor,
        by.note,
        JSON.stringify(changes),
      ]);
      return read(c, id);
    });
  }

  async updates(id: number): Promise<ProjectUpdateRecord[]> {
    return (await this.pool.query('SELECT * FROM project_updates WHERE project_id = $1 ORDER BY id DESC', [id])).rows.map(toProjectUpdate);
  }
}

async function read(q: Queryable, id: number): Promise<ProjectRecord | null> {
  const { rows } = await q.query('SELECT * FROM projects WHERE id = $1', [id]);
  if (!rows[0]) return null;
  const milestones = milestonesByProject((await q.query('SELECT * FROM project_milestones WHERE project_id = $1 ORDER BY planned_on, id', [id])).rows);
  return toProject(rows[0], milestones.get(id) ?? []);
}
