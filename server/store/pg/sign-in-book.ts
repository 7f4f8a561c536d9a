import type pg from 'pg';
import { countsExpireAt, emptyCounts, type NameCounts, type SignInBook, type SignInLimits } from '../../auth/sign-in-guard.ts';
import { transaction } from './client.ts';

/** Rows that ran out are swept at most this often by one process. */
const SWEEP_EVERY_MS = 60_000;

/**
 * Failed sign-ins counted in PostgreSQL, one row per name, shared by every process of a district:
 * an address refused by one process is refused by all, and five guesses spread over two processes
 * count as five. `update` holds the name's row lock (the upsert takes it) from reading the counts
 * to writing them back, so the check and the count of attempts sent at once to several processes
 * follow one another as they do within one process.
 */
export class PgSignInBook implements SignInBook {
  #sweptAt = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly limits: SignInLimits,
  ) {}

  async update<T>(name: string, now: number, fn: (counts: NameCounts) => T): Promise<T> {
    await this.#sweep(now);
    return transaction(this.pool, async (c) => {
      // Inserts the empty counts or, when the row is there, locks it and reads it: one statement either way.
      const { rows } = await c.query<{ counts: string }>(
        `INSERT INTO sign_in_counts (name, counts, expires_at) VALUES ($1, $2, 0)
         ON CONFLICT (name) DO UPDATE SET name = EXCLUDED.name RETURNING counts`,
        [name, JSON.stringify(emptyCounts())],
      );
      const counts = JSON.parse(rows[0].counts) as NameCounts;
      const result = fn(counts);
      const expiresAt = countsExpireAt(counts, this.limits);
      if (expiresAt > now) await c.query('UPDATE sign_in_counts SET counts = $2, expires_at = $3 WHERE name = $1', [name, JSON.stringify(counts), expiresAt]);
      else await c.query('DELETE FROM sign_in_counts WHERE name = $1', [name]);
      return result;
    });
  }

  async remove(name: string): Promise<void> {
    await this.pool.query('DELETE FROM sign_in_counts WHERE name = $1', [name]);
  }

  /** Drops the rows of names with nothing left to remember (a flood of made-up names). */
  async #sweep(now: number): Promise<void> {
    if (now - this.#sweptAt < SWEEP_EVERY_MS && now >= this.#sweptAt) return;
    this.#sweptAt = now;
    await this.pool.query('DELETE FROM sign_in_counts WHERE expires_at <= $1', [now]);
  }
}
