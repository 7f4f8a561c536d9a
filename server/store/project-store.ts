import type Database from 'better-sqlite3';
import type { Geometry } from 'geojson';

/** A key project's milestone (节点): planned and, once reached, actual date (YYYY-MM-DD). */
export interface MilestoneRecord {
  id: number;
  name: string;
  plannedOn: string;
  doneOn: string | null;
}

/** A key project (重点项目) as stored. */
export interface ProjectRecord {
  id: number;
  name: string;
  unitId: string;
  /** The village its place lies in (its first point), null outside every village. */
  communityId: string | null;
  /** A Point, LineString or Polygon (WGS 84). */
  geometry: Geometry;
  description: string;
  startsOn: string;
  dueOn: string;
  percent: number;
  milestones: MilestoneRecord[];
  version: number;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
}

/** One audited update of a project: who, when, why, and each field's value before and after. */
export interface ProjectUpdateRecord {
  id: number;
  projectId: number;
  at: number;
  actor: string;
  note: string;
  changes: Record<string, { from: unknown; to: unknown }>;
}

export type NewProject = Omit<ProjectRecord, 'id' | 'milestones' | 'version' | 'updatedAt'> & { milestones: Omit<MilestoneRecord, 'id'>[] };

/** What an update may change: the percent complete and milestones' actual dates (by milestone id). */
export interface ProjectChange {
  percent?: number;
  milestones?: { id: number; doneOn: string | null }[];
}

export interface ProjectStore {
  list(): Promise<ProjectRecord[]>;
  get(id: number): Promise<ProjectRecord | null>;
  /** Creates a project with its milestones; its first update row records the creation. */
  create(p: NewProject): Promise<ProjectRecord>;
  /**
   * Applies a change and appends its update row in one transaction, only if the stored version is
   * still `expectedVersion`. Null when the project is gone or its version moved on.
   */
  update(id: number, expectedVersion: number, change: ProjectChange, by: { actor: string; at: number; note: string }): Promise<ProjectRecord | null>;
  /** A project's updates, latest first. */
  updates(id: number): Promise<ProjectUpdateRecord[]>;
}

type Row = Record<string, unknown>;

export class SqliteProjectStore implements ProjectStore {
  constructor(private readonly db: Database.Database) {}

  async list(): Promise<ProjectRecord[]> {
    const milestones = this.milestonesBy();
    return (this.db.prepare('SELECT * FROM projects ORDER BY id').all() as Row[]).map((r) => toProject(r, milestones.get(r.id as number) ?? []));
  }

  async get(id: number): Promise<ProjectRecord | null> {
    return this.read(id);
  }

  async create(p: NewProject): Promise<ProjectRecord> {
    const db = this.db;
    const id = db.transaction(() => {
      const id = Number(
        db
          .prepare(
            `INSERT INTO projects (name, unit_id, community_id, geometry, description, starts_on, due_on, percent, version, created_by, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)`,
          )
          .run(
            p.name,
            p.unitId,
            p.communityId,
            JSON.stringify(p.geometry),
            p.description,
            p.startsOn,
            p.dueOn,
            p.percent,
            p.createdBy,
            p.createdAt,
            p.createdAt,
          ).lastInsertRowid,
      );
      const add = db.prepare('INSERT INTO project_milestones (project_id, name, planned_on, done_on) VALUES (?, ?, ?, ?)');
      for (const m of p.milestones) add.run(id, m.name, m.plannedOn, m.doneOn);
      db.prepare('INSERT INTO project_updates (project_id, at, actor, note, changes) VALUES (?, ?, ?, ?, ?)').run(
        id,
        p.createdAt,
        p.createdBy,
        '新建项目',
        JSON.stringify({ percent: { from: null, to: p.percent } }),
      );
      return id;
    })();
    return this.read(id) as ProjectRecord;
  }

  async update(id: number, expectedVersion: number, change: ProjectChange, by: { actor: string; at: number; note: string }): Promise<ProjectRecord | null> {
    const db = this.db;
    const done = db
      .transaction(() => {
        const before = this.read(id);
        if (!before || before.version !== expectedVersion) return false;
        const changes: ProjectUpdateRecord['changes'] = {};
        if (change.percent !== undefined && change.percent !== before.percent) changes.percent = { from: before.percent, to: change.percent };
        const setDone = db.prepare('UPDATE project_milestones SET done_on = ? WHERE id = ? AND project_id = ?');
        for (const m of change.milestones ?? []) {
          const old = before.milestones.find((x) => x.id === m.id);
          if (!old || old.doneOn === m.doneOn) continue;
          setDone.run(m.doneOn, m.id, id);
          changes[`milestone:${m.id}`] = { from: old.doneOn, to: m.doneOn };
        }
        db.prepare('UPDATE projects SET percent = ?, version = version + 1, updated_at = ? WHERE id = ?').run(change.percent ?? before.percent, by.at, id);
        db.prepare('INSERT INTO project_updates (project_id, at, actor, note, changes) VALUES (?, ?, ?, ?, ?)').run(
          id,
          by.at,
          by.actor,
          by.note,
          JSON.stringify(changes),
        );
        return true;
      })
      .immediate();
    return done ? this.read(id) : null;
  }

  async updates(id: number): Promise<ProjectUpdateRecord[]> {
    return (this.db.prepare('SELECT * FROM project_updates WHERE project_id = ? ORDER BY id DESC').all(id) as Row[]).map(toProjectUpdate);
  }

  private read(id: number): ProjectRecord | null {
    const r = this.db.prepare('SELECT * FROM projects WHERE id = ?').get(id) as Row | undefined;
    return r ? toProject(r, this.milestonesBy(id).get(id) ?? []) : null;
  }

  private milestonesBy(projectId?: number): Map<number, MilestoneRecord[]> {
    const rows = (
      projectId === undefined
        ? this.db.prepare('SELECT * FROM project_milestones ORDER BY planned_on, id').all()
        : this.db.prepare('SELECT * FROM project_milestones WHERE project_id = ? ORDER BY planned_on, id').all(projectId)
    ) as Row[];
    return milestonesByProject(rows);
  }
}

/** Milestone rows (ordered by plan) grouped by their project. */
export function milestonesByProject(rows: Row[]): Map<number, MilestoneRecord[]> {
  const by = new Map<number, MilestoneRecord[]>();
  for (const m of rows) {
    const list = by.get(m.project_id as number) ?? [];
    list.push({ id: m.id as number, name: m.name as string, plannedOn: m.planned_on as string, doneOn: (m.done_on as string | null) ?? null });
    by.set(m.project_id as number, list);
  }
  return by;
}

export function toProject(r: Row, milestones: MilestoneRecord[]): ProjectRecord {
  return {
    id: r.id as number,
    name: r.name as string,
    unitId: r.unit_id as string,
    communityId: (r.community_id as string | null) ?? null,
    geometry: JSON.parse(r.geometry as string) as Geometry,
    description: r.description as string,
    startsOn: r.starts_on as string,
    dueOn: r.due_on as string,
    percent: r.percent as number,
    milestones,
    version: r.version as number,
    createdBy: r.created_by as string,
    createdAt: r.created_at as number,
    updatedAt: r.updated_at as number,
  };
}

export const toProjectUpdate = (r: Row): ProjectUpdateRecord => ({
  id: r.id as number,
  projectId: r.project_id as number,
  at: r.at as number,
  actor: r.actor as string,
  note: r.note as string,
  changes: JSON.parse(r.changes as string) as ProjectUpdateRecord['changes'],
});
