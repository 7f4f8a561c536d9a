import { readFileSync, statSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createFirstAccounts } from '../../server/auth/bootstrap.ts';
import { policyViolation, verifyPassword } from '../../server/auth/password.ts';
import type { SqliteAccountStore } from '../../server/store/sqlite-account-store.ts';
import { DEMO_NOW, tempAccounts } from '../helpers/demo.ts';

let t: Awaited<ReturnType<typeof tempAccounts>>;
let accounts: SqliteAccountStore;
beforeEach(async () => {
  t = await tempAccounts();
  accounts = t.accounts;
});
afterEach(async () => t.cleanup());

describe('first-start accounts', () => {
  it('makes admin with a random password, one account per role for the demo, and a private file of them', async () => {
    const made = await createFirstAccounts(accounts, {
      dataDir: t.dir,
      demo: true,
      now: DEMO_NOW,
      demoGridIds: ['lizao-01', 'lizao-02'],
      demoUnitId: 'dept-sanitation',
    });
    if (!made) throw new Error('no accounts made');
    expect(made.map((m) => m.username)).toEqual(['admin', 'leader', 'wangge', 'danwei', 'dapin']);
    expect(new Set(made.map((m) => m.password)).size).toBe(5);
    for (const m of made) expect(policyViolation(m.password)).toBeNull();
    const file = made[0].file;
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toBe(`${made.map((m) => `${m.username}: ${m.password}`).join('\n')}\n`);
    const users = await accounts.listUsers();
    expect(users.map((u) => u.role)).toEqual(['admin', 'leader', 'grid_manager', 'unit', 'display']);
    expect(users[2].gridIds).toEqual(['lizao-01', 'lizao-02']);
    expect(users[3].unitId).toBe('dept-sanitation');
    expect(await verifyPassword(made[0].password, users[0].passwordHash)).toBe(true);
  });

  it('makes only admin without the demo, and nothing once accounts exist', async () => {
    const first = await createFirstAccounts(accounts, { dataDir: t.dir, demo: false, now: DEMO_NOW });
    expect(first?.map((m) => m.username)).toEqual(['admin']);
    expect(await createFirstAccounts(accounts, { dataDir: t.dir, demo: true, now: DEMO_NOW })).toBeNull();
    expect(await accounts.countUsers()).toBe(1);
  });
});
