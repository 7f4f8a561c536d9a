import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type pg from 'pg';
import { transaction } from './client.ts';
import { valueRows } from './writes.ts';

/**
 * Copying a SQLite database into an empty PostgreSQL one (npm run migrate:pg): every table in the
 * order their references need, column by column (the PostgreSQL schema has the same columns, plus
 * generated ones), then each identity sequence moved past the largest id, then a count and a
 * checksum per table read back from both sides.
 */

/** Tables in an order that satisfies their foreign keys. */
export const COPY_ORDER = [
  'meta',
  'towns',
  'communities',
  'grids',
  'units',
  'sites',
  'basemap_features',
  'problems',
  'import_batches',
  'problem_events',
  'import_rows',
  'users',
  'user_grids',
  'sessions',
  'display_tokens',
  'audit_log',
  'photos',
  'idempotency_keys',
  'recurrences',
  'dispatch_rules',
  'patrols',
  'patrol_points',
  'patrol_checkins',
  'decks',
  'inspection_rounds',
  'round_sites',
  'site_checks',
  'check_items',
  'projects',
  'project_milestones',
  'project_updates',
] as const;

/** SQLite 0/1 columns that are booleans in PostgreSQL. */
const BOOLEANS: Record<string, readonly string[]> = { users: ['disabled'], patrols: ['track_purged'] };
/** Rows per INSERT: under PostgreSQL's 65,535 parameters for the widest table. */
const PARAMS_PER_INSERT = 60_000;

export interface TableCheck {
  table: string;
  sqliteRows: number;
  pgRows: number;
  sqliteChecksum: string;
  pgChecksum: string;
  ok: boolean;
}

function columnsOf(db: Database.Database, table: string): string[] {
  return (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
}

/** A row's canonical text: booleans as 0/1, JSON as parsed and re-written with sorted keys, numbers as JSON. */
function canonical(values: unknown[], jsonColumns: ReadonlySet<number>): string {
  return JSON.stringify(
    values.map((v, i) => {
      if (typeof v === 'boolean') return v ? 1 : 0;
      if (jsonColumns.has(i) && typeof v === 'string') return sortKeys(JSON.parse(v));
      return v;
    }),
  );
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object')
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    );
  return v;
}

/** The ORDER BY that lists a table's rows the same way on both sides: its primary key, else all its columns. */
function orderOf(db: Database.Database, table: string, columns: string[]): string {
  const pk = (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string; pk: number }[]).filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
  return (pk.length > 0 ? pk.map((c) => c.name) : columns).join(', ');
}

/** Copies every table; the target must be empty (a fresh, migrated database). */
export async function copySqliteToPg(db: Database.Database, pool: pg.Pool, log: (line: string) => void = () => {}): Promise<void> {
  const { rows } = await pool.query('SELECT (SELECT count(*) FROM meta) + (SELECT count(*) FROM users) AS n');
  if (rows[0].n > 0) throw new Error('the PostgreSQL database is not empty: migrate into a new database (createdb, then CREATE EXTENSION postgis)');
  await transaction(pool, async (c) => {
    for (const table of COPY_ORDER) {
      const columns = columnsOf(db, table);
      const bools = new Set((BOOLEANS[table] ?? []).map((b) => columns.indexOf(b)));
      const perInsert = Math.max(1, Math.floor(PARAMS_PER_INSERT / columns.length));
      // rowid order, so that PostgreSQL's position columns keep the order SQLite lists them in
      const hasRowid = !(db.prepare('SELECT sql FROM sqlite_master WHERE name = ?').pluck().get(table) as string).includes('WITHOUT ROWID');
      const read = db.prepare(`SELECT ${columns.join(', ')} FROM ${table}${hasRowid ? ' ORDER BY rowid' : ''}`).raw(true);
      let batch: unknown[][] = [];
      let n = 0;
      const flush = async () => {
        if (batch.length === 0) return;
        const values = batch.flatMap((r) => r.map((v, i) => (bools.has(i) ? v === 1 : v)));
        await c.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${valueRows(batch.length, columns.length)}`, values);
        n += batch.length;
        batch = [];
      };
      for (const row of read.iterate() as Iterable<unknown[]>) {
        batch.push(row);
        if (batch.length === perInsert) await flush();
      }
      await flush();
      if (columns.includes('id')) {
        const seq = (await c.query('SELECT pg_get_serial_sequence($1, $2) AS s', [table, 'id'])).rows[0].s as string | null;
        if (seq) {
          // Past the largest id, and for problems past those of undone imports too (never given again).
          const floor =
            table === 'problems' ? Number((db.prepare("SELECT value FROM meta WHERE key = 'problem_id_floor'").pluck().get() as string | undefined) ?? 0) : 0;
          await c.query(`SELECT setval($1, greatest((SELECT max(id) FROM ${table}), $2, 1))`, [seq, floor]);
        }
      }
      log(`${table}: ${n} rows`);
    }
  });
}

/** Counts and checksums every table on both sides, over the SQLite columns in one canonical form. */
export async function checkCopy(db: Database.Database, pool: pg.Pool): Promise<TableCheck[]> {
  const out: TableCheck[] = [];
  const types = new Map<string, string>();
  for (const r of (await pool.query("SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'public'")).rows) {
    types.set(`${r.table_name}.${r.column_name}`, r.data_type);
  }
  for (const table of COPY_ORDER) {
    const columns = columnsOf(db, table);
    const json = new Set(columns.flatMap((c, i) => (types.get(`${table}.${c}`) === 'jsonb' ? [i] : [])));
    const order = orderOf(db, table, columns);
    const sqliteHash = createHash('sha256');
    let sqliteRows = 0;
    for (const row of db
      .prepare(`SELECT ${columns.join(', ')} FROM ${table} ORDER BY ${order}`)
      .raw(true)
      .iterate() as Iterable<unknown[]>) {
      sqliteHash.update(`${canonical(row, json)}\n`);
      sqliteRows++;
    }
    const pgHash = createHash('sha256');
    // PostgreSQL orders text by its collation, SQLite by bytes: "C" makes them agree.
    const pgOrder = order
      .split(', ')
      .map((c) => (types.get(`${table}.${c}`) === 'text' ? `${c} COLLATE "C"` : c))
      .join(', ');
    const { rows } = await pool.query({ text: `SELECT ${columns.join(', ')} FROM ${table} ORDER BY ${pgOrder}`, rowMode: 'array' });
    for (const row of rows as unknown[][]) pgHash.update(`${canonical(row, json)}\n`);
    const check = {
      table,
      sqliteRows,
      pgRows: rows.length,
      sqliteChecksum: sqliteHash.digest('hex').slice(0, 16),
      pgChecksum: pgHash.digest('hex').slice(0, 16),
      ok: false,
    };
    check.ok = check.sqliteRows === check.pgRows && check.sqliteChecksum === check.pgChecksum;
    out.push(check);
  }
  return out;
}
