import { join } from 'node:path';
import type { FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { ClusterBus } from '../change-feed.ts';
import type { Config } from '../config.ts';
import type { AccountStore } from './account-store.ts';
import { PgAccountStore } from './pg/account-store.ts';
import { PgBus } from './pg/bus.ts';
import { PgStore } from './pg/pg-store.ts';
import { pgRateLimitStore } from './pg/rate-limit-store.ts';
import { SqliteAccountStore } from './sqlite-account-store.ts';
import { SqliteStore } from './sqlite-store.ts';
import type { Store } from './store.ts';

export interface OpenedStores {
  store: Store;
  accounts: AccountStore;
  /** Which database, for the start-up line (no password). */
  describe: string;
  /** How this process hears of the others on the same database (PostgreSQL), or null (SQLite: one process). */
  bus: ClusterBus | null;
  /** Where the rate-limit counts are shared by the processes (PostgreSQL), or null (in the process). */
  rateLimitStore: FastifyRateLimitStoreCtor | null;
  /** Runs `fn` while no other process on the same database runs its own (seeding, first accounts). */
  startupLock: <T>(fn: () => Promise<T>) => Promise<T>;
}

/** Opens the store the configuration names: PostgreSQL when DATABASE_URL is set, else the SQLite file in DATA_DIR. */
export async function openStores(config: Pick<Config, 'databaseUrl' | 'dbPoolSize' | 'dataDir' | 'dbFile'>): Promise<OpenedStores> {
  if (config.databaseUrl) {
    const store = await PgStore.open(config.databaseUrl, { max: config.dbPoolSize });
    const u = new URL(config.databaseUrl);
    return {
      store,
      accounts: new PgAccountStore(store.pool),
      describe: `PostgreSQL ${u.host}${u.pathname}`,
      bus: new PgBus(config.databaseUrl, store.pool, (msg, err) => console.error(msg, err ?? '')),
      rateLimitStore: pgRateLimitStore(store.pool),
      startupLock: (fn) => store.exclusive(fn),
    };
  }
  const path = join(config.dataDir, config.dbFile);
  const store = new SqliteStore(path);
  // One process per SQLite file: nothing to wait for.
  return { store, accounts: new SqliteAccountStore(store.db), describe: `SQLite ${path}`, bus: null, rateLimitStore: null, startupLock: (fn) => fn() };
}
