import type pg from 'pg';
import type { DispatchRule } from '../../domain/dispatch.ts';
import { bboxOf } from '../../domain/geometry.ts';
import { batchesOf, EVENT_FIELDS, type ProblemBatch, ROW_WIDTH } from '../problem-batch.ts';
import type { Dataset } from '../records.ts';
import type { DatasetInfo } from '../store.ts';
import { lockEventLog, transaction } from './client.ts';
import { PROBLEM_INSERT_COLUMNS, params, valueRows } from './writes.ts';

/** The columns a bulk load gives an event (no import batch). */
const LOAD_EVENT_COLUMNS = 'problem_id, at, actor, action, from_status, to_status, note, photos, changes';
/** Rows per multi-row INSERT of a bulk load: well below PostgreSQL's 65,535 parameters. */
export const BULK_ROWS = 2000;

/**
 * Loads a dataset (the town, its areas, sites, basemap, dispatch rules and problems with their
 * events) into an empty database in one transaction, problems and events in multi-row INSERTs.
 * A second loader, from another process, waits on the lock of `meta` and then finds the dataset
 * there and refuses.
 */
export async function loadDataset(pool: pg.Pool, dataset: Dataset): Promise<{ problems: number; events: number }> {
  let problems = 0;
  let events = 0;
  await transaction(pool, async (c) => {
    // A second loader waits here and then finds the dataset there.
    await c.query('LOCK TABLE meta IN EXCLUSIVE MODE');
    if ((await c.query("SELECT 1 FROM meta WHERE key = 'dataset'")).rowCount) throw new Error('the store already holds a dataset');
    await lockEventLog(c);
    const t = dataset.town;
    await c.query('INSERT INTO towns (id, name, code, boundary, bbox, center) VALUES ($1, $2, $3, $4, $5, $6)', [
      t.id,
      t.name,
      t.code,
      JSON.stringify(t.boundary),
      JSON.stringify(t.bbox),
      JSON.stringify(t.center),
    ]);
    for (const x of dataset.communities)
      await c.query('INSERT INTO communities (id, town_id, name, kind, geometry, center, area_km2) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
        x.id,
        x.townId,
        x.name,
        x.kind,
        JSON.stringify(x.geometry),
        JSON.stringify(x.center),
        x.areaKm2,
      ]);
    for (const x of dataset.grids)
      await c.query(
        `INSERT INTO grids (id, town_id, community_id, name, manager, geometry, area_km2, min_lon, min_lat, max_lon, max_lat) VALUES (${params(11)})`,
        [x.id, x.townId, x.communityId, x.name, x.manager, JSON.stringify(x.geometry), x.areaKm2, ...bboxOf(x.geometry)],
      );
    for (const x of dataset.units)
      await c.query('INSERT INTO units (id, town_id, name, kind, community_id) VALUES ($1, $2, $3, $4, $5)', [x.id, x.townId, x.name, x.kind, x.communityId]);
    for (const x of dataset.sites)
      await c.query(`INSERT INTO sites (id, town_id, community_id, grid_id, name, kind, lon, lat, unit_id) VALUES (${params(9)})`, [
        x.id,
        x.townId,
        x.communityId,
        x.gridId,
        x.name,
        x.kind,
        x.lon,
        x.lat,
        x.unitId,
      ]);
    for (const x of dataset.basemap)
      await c.query('INSERT INTO basemap_features (town_id, layer, name, class, geometry) VALUES ($1, $2, $3, $4, $5)', [
        t.id,
        x.layer,
        x.name,
        x.class,
        JSON.stringify(x.geometry),
      ]);
    await writeDispatchRules(c, dataset.dispatchRules);
    // Ids as SQLite gives them to an empty table (1, 2, …), so both stores hold the same rows.
    const insertBatch = async (batch: ProblemBatch) => {
      const { problems: p, events: e, eventCounts } = batch;
      for (let k0 = 0, ei0 = 0; k0 < eventCounts.length; k0 += BULK_ROWS) {
        const n = Math.min(BULK_ROWS, eventCounts.length - k0);
        const width = ROW_WIDTH + 1;
        const values: unknown[] = [];
        for (let k = k0; k < k0 + n; k++) values.push(problems + 1 + k, ...p.slice(k * ROW_WIDTH, (k + 1) * ROW_WIDTH));
        await c.query(`INSERT INTO problems (id, ${PROBLEM_INSERT_COLUMNS}) VALUES ${valueRows(n, width)}`, values);
        const eventRows: unknown[] = [];
        let ei = ei0;
        for (let k = k0; k < k0 + n; k++) {
          for (let j = 0; j < eventCounts[k]; j++, ei += EVENT_FIELDS.length) eventRows.push(problems + 1 + k, ...e.slice(ei, ei + EVENT_FIELDS.length));
        }
        const w = EVENT_FIELDS.length + 1;
        for (let r = 0; r < eventRows.length; r += BULK_ROWS * w) {
          const chunk = eventRows.slice(r, r + BULK_ROWS * w);
          await c.query(`INSERT INTO problem_events (${LOAD_EVENT_COLUMNS}) VALUES ${valueRows(chunk.length / w, w)}`, chunk);
        }
        events += (ei - ei0) / EVENT_FIELDS.length;
        ei0 = ei;
      }
      problems += eventCounts.length;
    };
    for await (const batch of batchesOf(dataset.problems, BULK_ROWS)) await insertBatch(batch);
    await c.query(`SELECT setval(pg_get_serial_sequence('problems', 'id'), greatest((SELECT max(id) FROM problems), 1))`);
    const info: DatasetInfo = { kind: dataset.kind, origin: dataset.origin, loadedAt: Date.now() };
    await c.query("INSERT INTO meta VALUES ('dataset', $1)", [JSON.stringify(info)]);
  });
  return { problems, events };
}

/** Replaces the dispatch rules (inside the caller's transaction). */
export async function writeDispatchRules(c: pg.PoolClient, rules: readonly DispatchRule[]): Promise<void> {
  await c.query('DELETE FROM dispatch_rules');
  for (const [i, r] of rules.entries()) {
    await c.query('INSERT INTO dispatch_rules (position, category, community_id, unit_id) VALUES ($1, $2, $3, $4)', [
      i + 1,
      r.category,
      r.communityId,
      r.unitId,
    ]);
  }
}
