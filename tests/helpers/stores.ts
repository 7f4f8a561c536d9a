import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import type { AccountStore } from '../../server/store/account-store.ts';
import { PgAccountStore } from '../../server/store/pg/account-store.ts';
import { migratePg } from '../../server/store/pg/client.ts';
import { PgStore } from '../../server/store/pg/pg-store.ts';
import { SqliteAccountStore } from '../../server/store/sqlite-account-store.ts';
import { SqliteStore } from '../../server/store/sqlite-store.ts';
import type { CoreStore } from '../../server/store/store.ts';

/** A store under test, of either kind, with its accounts and a way to run raw SQL beside it. */
export interface OpenStore {
  store: CoreStore;
  accounts: AccountStore;
  /** Runs one statement directly on the database (to check what the database itself refuses). */
  raw(sql: string): Promise<void>;
  /** Closes the store and opens the same database again (a restart). */
  reopen(): Promise<OpenStore>;
  /** Closes the store and removes its database. */
  cleanup(): Promise<void>;
}

export interface StoreKind {
  name: 'SQLite' | 'PostgreSQL';
  /** Null when this kind cannot run here (PostgreSQL without a server): its cases are skipped. */
  open: (() => Promise<OpenStore>) | null;
}

function sqliteOpen(path: string, dir: string): OpenStore {
  const store = new SqliteStore(path);
  return {
    store,
    accounts: new SqliteAccountStore(store.db),
    raw: async (sql) => {
      store.db.prepare(sql).run();
    },
    reopen: async () => {
      await store.close();
      return sqliteOpen(path, dir);
    },
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function pgOpen(url: string, drop: () => Promise<void>): Promise<OpenStore> {
  const store = await PgStore.open(url, { max: 4 });
  let closed = false;
  const close = async () => {
    if (!closed) await store.close();
    closed = true;
  };
  return {
    store,
    accounts: new PgAccountStore(store.pool),
    raw: async (sql) => {
      await store.pool.query(sql);
    },
    reopen: async () => {
      await close();
      return pgOpen(url, drop);
    },
    cleanup: async () => {
      await close();
      await drop();
    },
  };
}

let template: Promise<string> | null = null;

/** Whether a process of this pid runs on this machine. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
let serial = 0;

/**
 * A new PostgreSQL database for one test, copied from a template this test process migrated once
 * (PostGIS and the schema in place: a copy takes a fraction of a second, a migration far longer).
 */
export async function pgTestDatabase(adminUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const dbUrl = (name: string) => {
    const u = new URL(adminUrl);
    u.pathname = `/${name}`;
    return u.toString();
  };
  const admin = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const c = new pg.Client(adminUrl);
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  };
  template ??= (async () => {
    const name = `cw_test_${process.pid}_template`;
    await admin(async (c) => {
      // Databases of test processes that are gone (a worker's exit does not always drop its template).
      const { rows } = await c.query("SELECT datname FROM pg_database WHERE datname ~ '^cw_test_[0-9]+_'");
      for (const { datname } of rows as { datname: string }[]) {
        const pid = Number(datname.split('_')[2]);
        if (pid !== process.pid && !alive(pid)) await c.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`).catch(() => {});
      }
      await c.query(`DROP DATABASE IF EXISTS ${name}`);
      await c.query(`CREATE DATABASE ${name}`);
    });
    const pool = new pg.Pool({ connectionString: dbUrl(name), max: 1 });
    try {
      await migratePg(pool);
    } finally {
      await pool.end();
    }
    process.once('beforeExit', () => void admin((c) => c.query(`DROP DATABASE IF EXISTS ${name}`)).catch(() => {}));
    return name;
  })();
  const from = await template;
  const name = `cw_test_${process.pid}_${++serial}`;
  await admin(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${name}`);
    await c.query(`CREATE DATABASE ${name} TEMPLATE ${from}`);
  });
  return { url: dbUrl(name), drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {}) };
}

/** Both kinds of store, for `describe.each`: the same cases run against SQLite and PostgreSQL. */
export function storeKinds(): StoreKind[] {
  const pgUrl = inject('pgUrl');
  return [
    {
      name: 'SQLite',
      open: async () => {
        const dir = mkdtempSync(join(tmpdir(), 'chuangwen-test-'));
        return sqliteOpen(join(dir, 'test.db'), dir);
      },
    },
    {
      name: 'PostgreSQL',
      open: pgUrl
        ? async () => {
            const db = await pgTestDatabase(pgUrl);
            return pgOpen(db.url, db.drop);
          }
        : null,
    },
  ];
}
