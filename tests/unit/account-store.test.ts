import { afterEach, beforeEach, describe, expect, it as itAll } from 'vitest';
import { generateDemo } from '../../scripts/demo/generate.ts';
import type { AccountStore } from '../../server/store/account-store.ts';
import { DEMO_NOW } from '../helpers/demo.ts';
import { type OpenStore, storeKinds } from '../helpers/stores.ts';

const NOW = DEMO_NOW;

// The same cases against both stores: accounts, sessions and lockouts are shared state, and a
// district's processes share them through PostgreSQL.
describe.each(storeKinds())('$name account store', ({ open }) => {
  let t: OpenStore;
  let accounts: AccountStore;
  beforeEach(async () => {
    if (!open) return;
    t = await open();
    await t.store.load(generateDemo({ seed: 1, count: 20, endMs: DEMO_NOW }));
    accounts = t.accounts;
  });
  afterEach(async () => t?.cleanup());
  const it = open ? itAll : itAll.skip;

  describe('accounts', () => {
    it('creates users with their grids and unit, and finds them by id or by name in any case', async () => {
      expect(await accounts.countUsers()).toBe(0);
      const u = await accounts.createUser(
        { username: 'wangge01', displayName: '郑志强', role: 'grid_manager', passwordHash: 'scrypt$x', gridIds: ['lizao-02', 'lizao-01', 'lizao-01'] },
        NOW,
      );
      expect(u).toMatchObject({
        username: 'wangge01',
        role: 'grid_manager',
        gridIds: ['lizao-01', 'lizao-02'],
        disabled: false,
        failedLogins: 0,
        lockedUntil: null,
      });
      expect(await accounts.userByName('WANGGE01')).toEqual(u);
      expect(await accounts.userById(u.id)).toEqual(u);
      expect(await accounts.userByName('nobody')).toBeNull();
      expect(await accounts.countUsers()).toBe(1);
    });

    it('refuses a second user of the same name, a role it does not know, and a grid that does not exist', async () => {
      await accounts.createUser({ username: 'admin', displayName: '创文办', role: 'admin', passwordHash: 'h' }, NOW);
      await expect(accounts.createUser({ username: 'Admin', displayName: 'x', role: 'admin', passwordHash: 'h' }, NOW)).rejects.toThrow(/unique/i);
      await expect(accounts.createUser({ username: 'r', displayName: 'x', role: 'root' as never, passwordHash: 'h' }, NOW)).rejects.toThrow(/check/i);
      await expect(accounts.createUser({ username: 'g', displayName: 'x', role: 'grid_manager', passwordHash: 'h', gridIds: ['nope'] }, NOW)).rejects.toThrow(
        /foreign key/i,
      );
      // the failed grid insert took its user with it
      expect(await accounts.userByName('g')).toBeNull();
    });

    it('counts failed sign-ins, locks, and clears', async () => {
      const u = await accounts.createUser({ username: 'leader', displayName: '镇长', role: 'leader', passwordHash: 'h' }, NOW);
      expect(await accounts.recordFailedLogin(u.id, null, NOW)).toBe(1);
      expect(await accounts.recordFailedLogin(u.id, NOW + 900_000, NOW)).toBe(2);
      expect(await accounts.userById(u.id)).toMatchObject({ failedLogins: 2, lockedUntil: NOW + 900_000 });
      await accounts.clearFailedLogins(u.id, NOW);
      expect(await accounts.userById(u.id)).toMatchObject({ failedLogins: 0, lockedUntil: null });
    });
  });

  describe('sessions', () => {
    it('stores, touches and deletes a session; deleting the user ends it', async () => {
      const u = await accounts.createUser({ username: 'unit1', displayName: '环卫所', role: 'unit', passwordHash: 'h', unitId: 'dept-sanitation' }, NOW);
      await accounts.createSession({ tokenHash: 'abc', userId: u.id, createdAt: NOW, lastSeenAt: NOW, address: '10.0.0.8' });
      await accounts.touchSession('abc', NOW + 60_000);
      expect(await accounts.session('abc')).toEqual({ tokenHash: 'abc', userId: u.id, createdAt: NOW, lastSeenAt: NOW + 60_000, address: '10.0.0.8' });
      await accounts.deleteSession('abc');
      expect(await accounts.session('abc')).toBeNull();
      await accounts.createSession({ tokenHash: 'def', userId: u.id, createdAt: NOW, lastSeenAt: NOW, address: '10.0.0.8' });
      await t.raw(`DELETE FROM users WHERE id = ${u.id}`);
      expect(await accounts.session('def')).toBeNull();
    });
  });

  describe('audit log', () => {
    it('appends, filters and pages newest first, refuses edits, and purges by age', async () => {
      for (let i = 0; i < 10; i++) {
        await accounts.appendAudit({
          at: NOW + i * 1000,
          userId: i % 2 ? 1 : null,
          username: i % 2 ? 'admin' : null,
          address: '127.0.0.1',
          action: i % 3 === 0 ? 'login_failed' : 'login',
          objectType: 'user',
          objectId: '1',
          detail: { i },
        });
      }
      const page1 = await accounts.audit({ limit: 4 });
      expect(page1.map((r) => r.detail.i)).toEqual([9, 8, 7, 6]);
      const page2 = await accounts.audit({ limit: 4, beforeId: page1[3].id });
      expect(page2.map((r) => r.detail.i)).toEqual([5, 4, 3, 2]);
      expect((await accounts.audit({ limit: 100, action: 'login_failed' })).map((r) => r.detail.i)).toEqual([9, 6, 3, 0]);
      expect((await accounts.audit({ limit: 100, userId: 1, from: NOW + 3000, to: NOW + 8000 })).map((r) => r.detail.i)).toEqual([7, 5, 3]);
      await expect(t.raw("UPDATE audit_log SET action = 'x'")).rejects.toThrow(/append-only/);
      expect(await accounts.purgeAudit(NOW + 5000)).toBe(5);
      expect((await accounts.audit({ limit: 100 })).length).toBe(5);
    });
  });
});
