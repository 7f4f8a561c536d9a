/**
 * npm run migrate:pg -- --from var/chuangwen.db [--to postgres://…]: copies a SQLite database
 * (problems, events, photos' records, accounts, sessions, the audit log, patrols, decks, rounds,
 * projects: every table) into an empty PostgreSQL + PostGIS database, then counts and checksums
 * every table on both sides. The target defaults to DATABASE_URL. Stop the server first (the copy
 * reads one moment of the file). Photo files stay in DATA_DIR: point the new processes at it.
 * Exits 1 when a table differs.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { migrations } from '../server/store/migrations.ts';
import { checkCopy, copySqliteToPg } from '../server/store/pg/copy.ts';
import { PgStore } from '../server/store/pg/pg-store.ts';

const { values: args } = parseArgs({ options: { from: { type: 'string' }, to: { type: 'string' }, help: { type: 'boolean', default: false } } });
if (args.help || !args.from) {
  console.log('usage: npm run migrate:pg -- --from <sqlite file> [--to postgres://user@host:5432/db]   (--to defaults to DATABASE_URL)');
  process.exit(args.help ? 0 : 2);
}
const to = args.to ?? process.env.DATABASE_URL;
if (!to) {
  console.error('--to (or DATABASE_URL) must name the PostgreSQL database, e.g. postgres://cw@localhost:5432/chuangwen');
  process.exit(2);
}
if (!existsSync(args.from)) {
  console.error(`--from: no file ${args.from}`);
  process.exit(2);
}
const db = new Database(args.from, { readonly: true, fileMustExist: true });
const version = db.pragma('user_version', { simple: true }) as number;
if (version !== migrations.length) {
  console.error(
    `--from: ${args.from} is at schema version ${version}, this program at ${migrations.length}: start the server on it once (it migrates), then copy`,
  );
  process.exit(2);
}
const started = performance.now();
const store = await PgStore.open(to, { max: 2 });
let code = 1;
try {
  console.log(`copying ${args.from} into ${new URL(to).host}${new URL(to).pathname}`);
  await copySqliteToPg(db, store.pool, (line) => console.log(`  ${line}`));
  const checks = await checkCopy(db, store.pool);
  console.log('\ntable                 rows (SQLite = PostgreSQL)  checksum');
  for (const c of checks) {
    console.log(
      `${c.table.padEnd(21)} ${String(c.sqliteRows).padStart(8)} ${c.sqliteRows === c.pgRows ? '=' : '≠'} ${String(c.pgRows).padEnd(8)}  ${c.sqliteChecksum} ${c.ok ? 'ok' : `≠ ${c.pgChecksum}  DIFFERS`}`,
    );
  }
  const bad = checks.filter((c) => !c.ok);
  console.log(`\n${checks.length - bad.length}/${checks.length} tables equal in ${Math.round((performance.now() - started) / 1000)} s`);
  code = bad.length === 0 ? 0 : 1;
} catch (err) {
  console.error((err as Error).message);
} finally {
  await store.close();
  db.close();
}
process.exit(code);
