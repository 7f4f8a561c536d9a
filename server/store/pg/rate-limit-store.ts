import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type pg from 'pg';

/** The database's clock in epoch milliseconds: every process counts windows by the same clock. */
const NOW_MS = '(extract(epoch FROM clock_timestamp()) * 1000)::bigint';
/** Windows that ended are swept at most this often by one process. */
const SWEEP_EVERY_MS = 60_000;

type RouteOptions = Parameters<FastifyRateLimitStore['child']>[0];

/**
 * A store for @fastify/rate-limit whose counts every process on the database shares: an address
 * allowed 20 sign-ins a minute gets 20 from the whole district, not 20 from each process behind
 * nginx. One statement a request: the upsert starts a window or counts in the current one, under
 * the row's lock, and answers the count and the time left. The table is UNLOGGED (see migration 2).
 */
export function pgRateLimitStore(pool: pg.Pool): FastifyRateLimitStoreCtor {
  let sweptAt = 0;
  const sweep = () => {
    if (Date.now() - sweptAt < SWEEP_EVERY_MS) return;
    sweptAt = Date.now();
    pool.query(`DELETE FROM rate_limit_counts WHERE window_end < ${NOW_MS}`).catch(() => {});
  };

  class PgRateLimitStore implements FastifyRateLimitStore {
    readonly #prefix: string;

    /** The plugin constructs the global store with its options; a route's store is a child with the route's prefix. */
    constructor(_options?: unknown, prefix = '') {
      this.#prefix = prefix;
    }

    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number): void {
      sweep();
      pool
        .query<{ count: number; ttl: number }>(
          `INSERT INTO rate_limit_counts AS r (key, count, window_end) SELECT $1, 1, ${NOW_MS} + $2
           ON CONFLICT (key) DO UPDATE SET
             count = CASE WHEN r.window_end <= ${NOW_MS} THEN 1 ELSE r.count + 1 END,
             window_end = CASE WHEN r.window_end <= ${NOW_MS} THEN EXCLUDED.window_end ELSE r.window_end END
           RETURNING count, window_end - ${NOW_MS} AS ttl`,
          [this.#prefix + key, timeWindow],
        )
        .then(
          ({ rows }) => callback(null, { current: rows[0].count, ttl: Math.max(0, rows[0].ttl) }),
          (err: Error) => callback(err),
        );
    }

    child(routeOptions: RouteOptions): FastifyRateLimitStore {
      const { method, url } = (routeOptions as unknown as { routeInfo: { method: string; url: string } }).routeInfo;
      return new PgRateLimitStore(undefined, `${method}${url}-`);
    }
  }
  return PgRateLimitStore;
}
