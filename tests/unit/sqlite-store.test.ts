import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { generateDemo, generateDemoInWorker } from '../../scripts/demo/generate.ts';
import { seedDemoIfEmpty } from '../../server/demo-seed.ts';
import { migrations } from '../../server/store/migrations.ts';
import { migrate, SqliteStore } from '../../server/store/sqlite-store.ts';
import { DEMO_NOW, tempStore } from '../helpers/demo.ts';

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

  it('opens an existing database without migrating it again or losing data', async () => {
    const t = tempStore();
    try {
      await t.store.load(generateDemo({ seed: 1, count: 50, endMs: DEMO_NOW }));
      await t.store.close();
      const again = new SqliteStore(t.path);
      expect(again.db.pragma('user_version', { simple: true })).toBe(migrations.length);
      expect(await again.isEmpty()).toBe(false);
      expect((await again.problem(50))?.id).toBe(50);
      await again.close();
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

  it('keeps the event log append-only', async () => {
    const t = tempStore();
    try {
      await t.store.load(generateDemo({ seed: 1, count: 5, endMs: DEMO_NOW }));
      expect(() => t.store.db.prepare("UPDATE problem_events SET note = 'x' WHERE id = 1").run()).toThrow(/append-only/);
      expect(() => t.store.db.prepare('DELETE FROM problem_events WHERE id = 1').run()).toThrow(/append-only/);
    } finally {
      await t.cleanup();
    }
  });

  it('loads the demo once: a restart keeps the data and does not reload over it', async () => {
    const t = tempStore();
    try {
      const first = await seedDemoIfEmpty(t.store, { seed: 2, count: 80, now: DEMO_NOW });
      expect(first).toMatchObject({ loaded: true, problems: 80 });
      await t.store.close();
      const restarted = new SqliteStore(t.path);
      const second = await seedDemoIfEmpty(restarted, { seed: 99, count: 500, now: DEMO_NOW + 1e9 });
      expect(second.loaded).toBe(false);
      let n = 0;
      for await (const batch of restarted.scanProblems(30)) n += batch.length;
      expect(n).toBe(80);
      expect((await restarted.datasetInfo())?.origin.seed).toBe(2);
      await restarted.close();
    } finally {
      await t.cleanup();
    }
  });

  it('refuses to load a second dataset', async () => {
    const t = tempStore();
    try {
      await t.store.load(generateDemo({ seed: 1, count: 3, endMs: DEMO_NOW }));
      await expect(t.store.load(generateDemo({ seed: 1, count: 3, endMs: DEMO_NOW }))).rejects.toThrow(/already/);
    } finally {
      await t.cleanup();
    }
  });

  it('returns a problem by id and null for an unknown one', async () => {
    const t = tempStore();
    try {
      await t.store.load(generateDemo({ seed: 1, count: 10, endMs: DEMO_NOW }));
      expect((await t.store.problem(7))?.id).toBe(7);
      expect(await t.store.problem(999)).toBeNull();
    } finally {
      await t.cleanup();
    }
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
