import pg from 'pg';
import { PG_ADMIN_URL } from '../scripts/lib/pg-scratch.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PostgreSQL server with PostGIS for the store tests (its maintenance database), or null. */
    pgUrl: string | null;
  }
}

/**
 * Probes PostgreSQL + PostGIS once for the whole run (vitest.config.ts). Without them the
 * PostgreSQL cases are skipped, said in one line, unless CW_REQUIRE_PG=1 (set by .ci/run): then
 * the run fails.
 */
export async function probePostgres(): Promise<string | null> {
  // The config is read more than once a run (once per project): probe and say it once.
  const earlier = process.env.CW_PG_PROBED;
  if (earlier !== undefined) return earlier === '' ? null : earlier;
  const url = await probe();
  process.env.CW_PG_PROBED = url ?? '';
  return url;
}

async function probe(): Promise<string | null> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 3000 });
  let reason: string | null = null;
  try {
    await client.connect();
    const { rows } = await client.query("SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'");
    if (rows.length === 0) reason = 'PostGIS is not installed (apt-get install postgresql-15-postgis-3)';
  } catch (err) {
    reason = `PostgreSQL is not reachable at ${PG_ADMIN_URL.replace(/:[^:@/]*@/, ':***@')} (${(err as Error).message})`;
  } finally {
    await client.end().catch(() => {});
  }
  if (reason && process.env.CW_REQUIRE_PG === '1') throw new Error(`${reason}; CW_REQUIRE_PG=1 requires the PostgreSQL store tests`);
  if (reason) console.log(`PostgreSQL store tests skipped: ${reason}`);
  return reason ? null : PG_ADMIN_URL;
}
