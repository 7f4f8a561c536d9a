import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { generateDemo, generateDemoInWorker } from '../../scripts/demo/generate.ts';
import { migrations } from '../../server/store/migrations.ts';
import { migrate, type SqliteStore } from '../../server/store/sqlite-store.ts';
import { DEMO_NOW, tempStore } from '../helpers/demo.ts';

// What every store does is in store-conformance.test.ts; here, what is SQLite's own.
describe('SQLite store', () => {
  it('migrates an empty database to the latest version', async () => {
    const t = tempStore();
    try {
      expect(t.store.db.pragma('user_version', { simple: true })).toBe(migrations.length);
      expect(t.store.db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(t.store.db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(await t.store.isEmpty()).toBe(true);
    } finally {
      await t.cleanup();
    }
  });

  it('applies only the migrations a database lacks', () => {
    const db = new Database(':memory:');
    db.exec(migrations[0]);
    db.pragma('user_version = 1');
    expect(migrate(db)).toBe(migrations.length);
    db.close();
  });

  it('refuses a database from a newer program', () => {
    const db = new Database(':memory:');
    db.pragma(`user_version = ${migrations.length + 1}`);
    expect(() => migrate(db)).toThrow(/newer/);
    db.close();
  });
});

describe('bulk load from the worker-thread generator', () => {
  it('writes the same problems and histories as the in-thread generator', async () => {
    const a = tempStore();
    const b = tempStore();
    try {
      const options = { seed: 9, count: 2500, endMs: DEMO_NOW };
      await a.store.load(generateDemo(options));
      await b.store.load(generateDemoInWorker(options));
      const dump = (s: SqliteStore) => s.db.prepare('SELECT * FROM problems ORDER BY id').all();
      const events = (s: SqliteStore) => s.db.prepare('SELECT * FROM problem_events ORDER BY id').all();
      expect(dump(b.store)).toEqual(dump(a.store));
      expect(events(b.store)).toEqual(events(a.store));
      expect(b.store.db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'index' AND name = 'problem_events_problem'").get()).toEqual({ n: 1 });
    } finally {
      await a.cleanup();
      await b.cleanup();
    }
  });
});
