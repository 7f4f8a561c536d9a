import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { generateDemo } from '../../scripts/demo/generate.ts';
import { buildApp } from '../../server/app.ts';
import { SqliteAccountStore } from '../../server/store/account-store.ts';
import { SqliteStore } from '../../server/store/sqlite-store.ts';

/** The instant the test demo ends at and the tests' "now": a Friday afternoon. */
export const DEMO_NOW = Date.parse('2026-11-27T15:00:00+08:00');
export const DEMO_SEED = 7;

/** A fresh SQLite store in its own temporary folder; `cleanup` closes and removes it. */
export function tempStore(): { store: SqliteStore; dir: string; path: string; cleanup: () => Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), 'chuangwen-test-'));
  const path = join(dir, 'test.db');
  const store = new SqliteStore(path);
  return {
    store,
    dir,
    path,
    cleanup: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A temporary store holding a small demo town (20 problems), with an AccountStore over it. */
export async function tempAccounts(): Promise<ReturnType<typeof tempStore> & { accounts: SqliteAccountStore }> {
  const t = tempStore();
  await t.store.load(generateDemo({ seed: 1, count: 20, endMs: DEMO_NOW }));
  return { ...t, accounts: new SqliteAccountStore(t.store.db) };
}

/** An app over a freshly generated demo town, with the clock pinned to DEMO_NOW. */
export async function demoApp(
  count = 3000,
  options: { now?: () => number } = {},
): Promise<{ app: FastifyInstance; accounts: SqliteAccountStore; dir: string; close: () => Promise<void> }> {
  const t = tempStore();
  await t.store.load(generateDemo({ seed: DEMO_SEED, count, endMs: DEMO_NOW }));
  const accounts = new SqliteAccountStore(t.store.db);
  const app = await buildApp({ store: t.store, accounts, now: options.now ?? (() => DEMO_NOW) });
  return {
    app,
    accounts,
    dir: t.dir,
    close: async () => {
      await app.close();
      await t.cleanup();
    },
  };
}
