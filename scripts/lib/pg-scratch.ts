import pg from 'pg';

/** The PostgreSQL server where the tests and scripts make databases of their own (CI's machines run one here). */
export const PG_ADMIN_URL = process.env.PG_TEST_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Runs one statement on the server's maintenance database, on a connection of its own. */
async function admin(sql: string): Promise<void> {
  const c = new pg.Client(PG_ADMIN_URL);
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** A database of a script's own on that server (`name`: letters, digits and _): made empty, and dropped. */
export function scratchDatabase(name: string): { name: string; url: string; create: () => Promise<void>; drop: () => Promise<void> } {
  const u = new URL(PG_ADMIN_URL);
  u.pathname = `/${name}`;
  return {
    name,
    url: u.toString(),
    create: async () => {
      await admin(`DROP DATABASE IF EXISTS ${name}`);
      await admin(`CREATE DATABASE ${name}`);
    },
    drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
