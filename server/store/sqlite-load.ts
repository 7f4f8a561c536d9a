import type Database from 'better-sqlite3';
import type { DispatchRule } from '../domain/dispatch.ts';
import { bboxOf } from '../domain/geometry.ts';
import { batchesOf, EVENT_FIELDS, PROBLEM_COLUMNS, type ProblemBatch, ROW_WIDTH } from './problem-batch.ts';
import type { Dataset } from './records.ts';
import type { DatasetInfo } from './store.ts';

/**
 * Loads a dataset (the town, its areas, sites, basemap, dispatch rules and problems with their
 * events) into an empty SQLite database in one transaction, with the problem indexes built once at
 * the end rather than row by row.
 */
export async function loadDataset(db: Database.Database, dataset: Dataset): Promise<{ problems: number; events: number }> {
  // A problem row as toBatch flattens it: its fields, then the reporter's name and phone.
  const insertProblem = db.prepare(
    `INSERT INTO problems (${PROBLEM_COLUMNS.replace('id, ', '')}, reporter_name, reporter_phone) VALUES (${Array(ROW_WIDTH).fill('?').join(', ')})`,
  );
  const insertEvent = db.prepare(
    'INSERT INTO problem_events (problem_id, at, actor, action, from_status, to_status, note, photos, changes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  let problems = 0;
  let events = 0;
  // A manual transaction: the problems may arrive asynchronously (from a worker), which
  // better-sqlite3's transaction() wrapper does not allow. Nothing else writes meanwhile.
  const cacheSize = db.pragma('cache_size', { simple: true });
  db.pragma('cache_size = -524288');
  db.exec('BEGIN IMMEDIATE');
  try {
    // Bulk load into empty tables: build the problem indexes once at the end, not row by row.
    const deferred = db
      .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('problems', 'problem_events')")
      .all() as { name: string; sql: string }[];
    for (const index of deferred) db.exec(`DROP INDEX "${index.name}"`);
    const t = dataset.town;
    db.prepare('INSERT INTO towns VALUES (?, ?, ?, ?, ?, ?)').run(
      t.id,
      t.name,
      t.code,
      JSON.stringify(t.boundary),
      JSON.stringify(t.bbox),
      JSON.stringify(t.center),
    );
    const c = db.prepare('INSERT INTO communities VALUES (?, ?, ?, ?, ?, ?, ?)');
    for (const x of dataset.communities) c.run(x.id, x.townId, x.name, x.kind, JSON.stringify(x.geometry), JSON.stringify(x.center), x.areaKm2);
    const g = db.prepare('INSERT INTO grids VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    for (const x of dataset.grids) g.run(x.id, x.townId, x.communityId, x.name, x.manager, JSON.stringify(x.geometry), x.areaKm2, ...bboxOf(x.geometry));
    const u = db.prepare('INSERT INTO units VALUES (?, ?, ?, ?, ?)');
    for (const x of dataset.units) u.run(x.id, x.townId, x.name, x.kind, x.communityId);
    const s = db.prepare('INSERT INTO sites (id, town_id, community_id, grid_id, name, kind, lon, lat, unit_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    for (const x of dataset.sites) s.run(x.id, x.townId, x.communityId, x.gridId, x.name, x.kind, x.lon, x.lat, x.unitId);
    const b = db.prepare('INSERT INTO basemap_features (town_id, layer, name, class, geometry) VALUES (?, ?, ?, ?, ?)');
    for (const x of dataset.basemap) b.run(t.id, x.layer, x.name, x.class, JSON.stringify(x.geometry));
    writeDispatchRules(db, dataset.dispatchRules);
    const insertBatch = (batch: ProblemBatch) => {
      const { problems: p, events: e, eventCounts } = batch;
      let ei = 0;
      for (let k = 0, pi = 0; k < eventCounts.length; k++, pi += ROW_WIDTH) {
        const id = insertProblem.run(p.slice(pi, pi + ROW_WIDTH)).lastInsertRowid;
        for (let j = 0; j < eventCounts[k]; j++, ei += EVENT_FIELDS.length) {
          insertEvent.run(id, e[ei], e[ei + 1], e[ei + 2], e[ei + 3], e[ei + 4], e[ei + 5], e[ei + 6], e[ei + 7]);
        }
        events += eventCounts[k];
      }
      problems += eventCounts.length;
    };
    for await (const batch of batchesOf(dataset.problems)) insertBatch(batch);
    for (const index of deferred) db.exec(index.sql);
    const info: DatasetInfo = { kind: dataset.kind, origin: dataset.origin, loadedAt: Date.now() };
    db.prepare("INSERT INTO meta VALUES ('dataset', ?)").run(JSON.stringify(info));
    db.exec('COMMIT');
  } catch (err) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw err;
  } finally {
    db.pragma(`cache_size = ${cacheSize}`);
  }
  db.pragma('wal_checkpoint(TRUNCATE)');
  return { problems, events };
}

/** Replaces the dispatch rules (inside the caller's transaction). */
export function writeDispatchRules(db: Database.Database, rules: readonly DispatchRule[]): void {
  db.prepare('DELETE FROM dispatch_rules').run();
  const insert = db.prepare('INSERT INTO dispatch_rules (position, category, community_id, unit_id) VALUES (?, ?, ?, ?)');
  for (const [i, r] of rules.entries()) insert.run(i + 1, r.category, r.communityId, r.unitId);
}
