import { afterEach, beforeEach, describe, expect, it as itAll } from 'vitest';
import { AuthService, DEFAULT_AUTH_POLICY, neutralName, tokenHash } from '../../server/auth/auth-service.ts';
import { hashPassword } from '../../server/auth/password.ts';
import type { AccountStore } from '../../server/store/account-store.ts';
import { DEMO_NOW } from '../helpers/demo.ts';
import { type OpenStore, storeKinds } from '../helpers/stores.ts';

const MINUTE = 60_000;

// The same cases on both stores: on PostgreSQL the counts of failed sign-ins live in the database,
// where every process of a district shares them.
describe.each(storeKinds())('AuthService on $name', ({ name: kind, open }) => {
  let t: OpenStore;
  let accounts: AccountStore;
  let clock: number;
  let auth: AuthService;
  /** The slow-downs the service asked for, instead of waiting them out. */
  let waits: number[];
  const service = () =>
    new AuthService(
      accounts,
      () => clock,
      DEFAULT_AUTH_POLICY,
      async (ms) => waits.push(ms),
    );
  const it = open ? itAll : itAll.skip;

  beforeEach(async () => {
    if (!open) return;
    t = await open();
    accounts = t.accounts;
    clock = DEMO_NOW;
    waits = [];
    auth = service();
    await accounts.createUser({ username: 'leader', displayName: '镇长', role: 'leader', passwordHash: await hashPassword('Yandong#2026') }, clock);
  });
  afterEach(async () => t?.cleanup());

  const actions = async () => (await accounts.audit({ limit: 100 })).map((r) => r.action).reverse();

  describe('sign-in', () => {
    it('opens a session for the right password and keeps only the token’s hash', async () => {
      const r = await auth.login('leader', 'Yandong#2026', '10.1.2.3');
      if (!r.ok) throw new Error(r.reason);
      expect(r.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(await accounts.session(r.token)).toBeNull();
      expect(await accounts.session(tokenHash(r.token))).toMatchObject({ userId: r.user.id, address: '10.1.2.3' });
      expect((await auth.authenticate(r.token))?.username).toBe('leader');
      expect(await actions()).toEqual(['login']);
    });

    it('says the same for an unknown name and a wrong password, and audits both', async () => {
      expect(await auth.login('nobody', 'Yandong#2026', '10.1.2.3')).toEqual({ ok: false, reason: 'bad_credentials' });
      expect(await auth.login('leader', 'wrong', '10.1.2.3')).toEqual({ ok: false, reason: 'bad_credentials' });
      const rows = await accounts.audit({ limit: 10 });
      expect(rows.map((r) => [r.action, r.username, r.detail.reason])).toEqual([
        ['login_failed', 'leader', 'bad_password'],
        ['login_failed', 'nobody', 'unknown_user'],
      ]);
    });

    it('slows down from the 4th failure, refuses that address after the 5th for 15 minutes (even the right password), not another address', async () => {
      for (let i = 0; i < 4; i++) expect(await auth.login('leader', 'bad', 'a')).toEqual({ ok: false, reason: 'bad_credentials' });
      const fifth = await auth.login('leader', 'bad', 'a');
      expect(fifth).toEqual({ ok: false, reason: 'locked', scope: 'source', lockedUntil: clock + 15 * MINUTE });
      expect(waits).toEqual([1000, 2000]);
      clock += 14 * MINUTE;
      expect(await auth.login('leader', 'Yandong#2026', 'a')).toMatchObject({ ok: false, reason: 'locked', scope: 'source' });
      // The owner at the office is not locked out by someone guessing from elsewhere.
      expect((await auth.login('leader', 'Yandong#2026', 'office')).ok).toBe(true);
      clock += 2 * MINUTE;
      expect((await auth.login('leader', 'Yandong#2026', 'a')).ok).toBe(true);
      expect(await accounts.userByName('leader')).toMatchObject({ failedLogins: 0, lockedUntil: null });
      expect(await actions()).toEqual([
        'login_failed',
        'login_failed',
        'login_failed',
        'login_failed',
        'login_failed',
        'lockout',
        'login_refused',
        'login',
        'login',
      ]);
    });

    it('starts counting afresh after a lock runs out', async () => {
      for (let i = 0; i < 5; i++) await auth.login('leader', 'bad', 'a');
      clock += 16 * MINUTE;
      expect(await auth.login('leader', 'bad', 'a')).toEqual({ ok: false, reason: 'bad_credentials' });
      expect(await auth.login('leader', 'bad', 'a')).toEqual({ ok: false, reason: 'bad_credentials' });
    });

    it('counts and locks a name that does not exist exactly as one that does', async () => {
      const answers = async (name: string) => {
        const out: unknown[] = [];
        for (let i = 0; i < 7; i++) out.push(await auth.login(name, 'bad', 'x'));
        return out;
      };
      expect(await answers('nobody')).toEqual(await answers('leader'));
    });

    it('checks and counts at once: 20 attempts sent together (one right) verify at most 5 and lock the address', async () => {
      const tries = Array.from({ length: 20 }, (_, i) => auth.login('leader', i === 12 ? 'Yandong#2026' : 'bad', 'a'));
      const results = await Promise.all(tries);
      const verified = results.filter((r) => r.ok || r.reason === 'bad_credentials').length;
      expect(verified).toBe(4);
      expect(results.filter((r) => !r.ok && r.reason === 'locked')).toHaveLength(16);
      expect(results.some((r) => r.ok)).toBe(false);
      expect(await auth.login('leader', 'Yandong#2026', 'a')).toMatchObject({ ok: false, reason: 'locked' });
    });

    it('locks a name for everyone only after 50 failures from 3 or more addresses; an admin unlocks it', async () => {
      for (let a = 0; a < 9; a++) for (let i = 0; i < 5; i++) await auth.login('leader', 'bad', `10.0.0.${a}`);
      expect((await auth.login('leader', 'Yandong#2026', 'office')).ok).toBe(true);
      for (let a = 0; a < 10; a++) for (let i = 0; i < 5; i++) await auth.login('leader', 'bad', `10.0.1.${a}`);
      const locked = await auth.login('leader', 'Yandong#2026', 'office');
      expect(locked).toMatchObject({ ok: false, reason: 'locked', scope: 'account' });
      expect((await accounts.userByName('leader'))?.lockedUntil).toBeGreaterThan(clock);
      const user = await accounts.userByName('leader');
      if (!user) throw new Error('no user');
      await auth.unlock(user);
      expect((await auth.login('leader', 'Yandong#2026', 'office')).ok).toBe(true);
      expect((await auth.login('leader', 'Yandong#2026', '10.0.1.3')).ok).toBe(true);
      expect((await accounts.audit({ action: 'lockout', limit: 100 })).map((r) => r.detail.scope)).toContain('account');
    });

    it('keeps attempted names in the audit log with control, bidi and zero-width characters made visible', async () => {
      await auth.login('ad\u202emin\n\u001b[2J\u200b', 'bad', 'a');
      const [row] = await accounts.audit({ action: 'login_failed', limit: 1 });
      expect(row.username).toBe('ad\\u{202e}min\\u{a}\\u{1b}[2J\\u{200b}');
      expect(neutralName('x'.repeat(100))).toHaveLength(64);
    });

    it('refuses a disabled account', async () => {
      const leader = await accounts.userByName('leader');
      await accounts.updateUser(leader?.id ?? 0, { disabled: true }, clock);
      expect(await auth.login('leader', 'Yandong#2026', 'a')).toEqual({ ok: false, reason: 'disabled' });
    });
  });

  describe('the current password, when changing it', () => {
    it('counts wrong guesses like sign-in failures and ends the session at the limit, audited', async () => {
      const r = await auth.login('leader', 'Yandong#2026', 'a');
      if (!r.ok) throw new Error(r.reason);
      for (let i = 0; i < 4; i++) expect(await auth.checkCurrentPassword(r.user, `guess${i}`, r.token, 'a')).toBe('wrong');
      expect(await auth.checkCurrentPassword(r.user, 'guess4', r.token, 'a')).toBe('ended');
      expect(await auth.authenticate(r.token)).toBeNull();
      expect(await actions()).toEqual([
        'login',
        'password_change_failed',
        'password_change_failed',
        'password_change_failed',
        'password_change_failed',
        'password_change_failed',
        'password_change_locked',
      ]);
      // …and the same address cannot switch to guessing at the sign-in form.
      expect(await auth.login('leader', 'Yandong#2026', 'a')).toMatchObject({ ok: false, reason: 'locked' });
    });
  });

  describe('sessions', () => {
    it('end after 30 idle minutes, but not while in use', async () => {
      const r = await auth.login('leader', 'Yandong#2026', 'a');
      if (!r.ok) throw new Error(r.reason);
      for (let i = 0; i < 4; i++) {
        clock += 25 * MINUTE;
        expect(await auth.authenticate(r.token)).not.toBeNull();
      }
      clock += 31 * MINUTE;
      expect(await auth.authenticate(r.token)).toBeNull();
      expect(await accounts.session(tokenHash(r.token))).toBeNull();
    });

    it('end on sign-out, which is audited', async () => {
      const r = await auth.login('leader', 'Yandong#2026', 'a');
      if (!r.ok) throw new Error(r.reason);
      await auth.logout(r.token, 'a');
      expect(await auth.authenticate(r.token)).toBeNull();
      expect(await actions()).toEqual(['login', 'logout']);
      expect(await auth.authenticate('made-up')).toBeNull();
    });
  });

  describe('display tokens', () => {
    it('authenticate until revoked, without idle expiry', async () => {
      const admin = await accounts.createUser({ username: 'admin', displayName: '创文办', role: 'admin', passwordHash: 'h' }, clock);
      const { record, token } = await auth.issueDisplayToken('大屏', admin, 'a');
      expect((await auth.authenticateDisplay(token))?.id).toBe(record.id);
      clock += 3 * 24 * 60 * MINUTE;
      expect((await auth.authenticateDisplay(token))?.name).toBe('大屏');
      expect(await auth.revokeDisplayToken(record.id, admin, 'a')).toBe(true);
      expect(await auth.authenticateDisplay(token)).toBeNull();
      expect(await auth.revokeDisplayToken(record.id, admin, 'a')).toBe(false);
      expect(await auth.authenticateDisplay('made-up')).toBeNull();
    });
  });

  // Only PostgreSQL shares the counts between processes (SQLite runs one process).
  if (kind === 'PostgreSQL')
    describe('two processes on one database', () => {
      it('count failures together: guesses spread over both lock the address on both, and an unlock on one holds on the other', async () => {
        const other = service();
        for (let i = 0; i < 5; i++) await (i % 2 ? other : auth).login('leader', 'bad', 'a');
        for (const s of [auth, other]) expect(await s.login('leader', 'Yandong#2026', 'a')).toMatchObject({ ok: false, reason: 'locked', scope: 'source' });
        expect((await other.login('leader', 'Yandong#2026', 'office')).ok).toBe(true);
        const user = await accounts.userByName('leader');
        if (!user) throw new Error('no user');
        await other.unlock(user);
        expect((await auth.login('leader', 'Yandong#2026', 'a')).ok).toBe(true);
      });

      it('check and count at once across processes: 20 attempts sent together to both verify at most 5', async () => {
        const other = service();
        const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? other : auth).login('leader', 'bad', 'a')));
        expect(results.filter((r) => !r.ok && r.reason === 'bad_credentials')).toHaveLength(4);
        expect(results.filter((r) => !r.ok && r.reason === 'locked')).toHaveLength(16);
      });
    });
});
