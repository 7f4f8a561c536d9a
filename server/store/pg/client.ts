import pg from 'pg';
import { pgMigrations } from './migrations.ts';

/**
 * Types as the stores use them: bigint ids and epoch-millisecond instants as numbers (they stay far
 * below 2^53), numeric aggregates as numbers, and jsonb as its text, so that one set of row mappers
 * (JSON.parse of a column) serves SQLite and PostgreSQL alike.
 */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === pg.types.builtins.INT8) return (v: string) => Number(v);
    if (oid === pg.types.builtins.NUMERIC) return (v: string) => Number(v);
    if (oid === pg.types.builtins.JSONB || oid === pg.types.builtins.JSON) return (v: string) => v;
    return pg.types.getTypeParser(oid, format);
  },
};

export type Queryable = pg.Pool | pg.PoolClient;

/** A pool on `url` with the stores' type parsing; `max` connections (a process's share of the server's). */
export function createPool(url: string, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, types });
  // An idle client losing its connection (a database restart) must not crash the process: the pool
  // drops it and the next query opens a new one.
  pool.on('error', () => {});
  return pool;
}

/**
 * Runs `fn` in one transaction on one connection, at READ COMMITTED: every write the stores make is
 * either guarded by its row (`UPDATE … WHERE version = $n` re-reads the row after a concurrent
 * writer commits) or by a unique key (`INSERT … ON CONFLICT`), so a stricter level would only add
 * serialization failures to retry. Rolls back on any error and rethrows it.
 */
export async function transaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/**
 * Appends to the event log in commit order. Event ids come from a sequence when the row is
 * inserted, but transactions may commit out of that order; a process catching up by "events after
 * id N" would then skip an id committed later than a bigger one. Taking this transaction-scoped
 * lock before the first event insert makes ids and commits follow one order (writers of events
 * queue for a few milliseconds; readers never wait).
 */
export async function lockEventLog(client: pg.PoolClient): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock($1)', [EVENT_LOG_LOCK]);
}
const EVENT_LOG_LOCK = 0x63770001;
const MIGRATION_LOCK = 0x63770002;

/**
 * Applies the migrations a database lacks, in one transaction (PostgreSQL's DDL is transactional: a
 * failing migration leaves the database as it was), under a lock so that two processes starting
 * together do not both apply one. Returns the schema version.
 */
export async function migratePg(pool: pg.Pool): Promise<number> {
  return transaction(pool, async (c) => {
    await c.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await c.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)');
    const { rows } = await c.query<{ v: number | null }>('SELECT max(version) AS v FROM schema_migrations');
    let version = rows[0].v ?? 0;
    if (version > pgMigrations.length) {
      throw new Error(`database schema version ${version} is newer than this program (${pgMigrations.length})`);
    }
    for (; version < pgMigrations.length; version++) {
      await c.query(pgMigrations[version]);
      await c.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [version + 1, Date.now()]);
    }
    return version;
  });
}
