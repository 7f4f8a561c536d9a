import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthService, tokenHash } from '../../server/auth/auth-service.ts';
import { hashPassword } from '../../server/auth/password.ts';
import { SqliteAccountStore } from '../../server/store/account-store.ts';
import { DEMO_NOW, tempStore } from '../helpers/demo.ts';

const MINUTE = 60_000;
let t: ReturnType<typeof tempStore>;
let accounts: SqliteAccountStore;
let clock: number;
let auth: AuthService;

beforeEach(async () => {
  t = tempStore();
  accounts = new SqliteAccountStore(t.store.db);
  clock = DEMO_NOW;
  auth = new AuthService(accounts, () => clock);
  await accounts.createUser({ username: 'leader', displayName: '镇长', role: 'leader', passwordHash: await hashPassword('Yandong#2026') }, clock);
});
afterEach(async () => t.cleanup());

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

  it('locks after 5 failures for 15 minutes, refusing even the right password, then lets the user in', async () => {
    for (let i = 0; i < 4; i++) expect((await auth.login('leader', 'bad', 'a')).ok).toBe(false);
    const fifth = await auth.login('leader', 'bad', 'a');
    expect(fifth).toEqual({ ok: false, reason: 'locked', lockedUntil: clock + 15 * MINUTE });
    clock += 14 * MINUTE;
    expect(await auth.login('leader', 'Yandong#2026', 'a')).toMatchObject({ ok: false, reason: 'locked' });
    clock += 2 * MINUTE;
    expect((await auth.login('leader', 'Yandong#2026', 'a')).ok).toBe(true);
    expect(await accounts.userByName('leader')).toMatchObject({ failedLogins: 0, lockedUntil: null });
    expect(await actions()).toEqual(['login_failed', 'login_failed', 'login_failed', 'login_failed', 'login_failed', 'lockout', 'login_refused', 'login']);
  });

  it('starts counting afresh after a lock runs out', async () => {
    for (let i = 0; i < 5; i++) await auth.login('leader', 'bad', 'a');
    clock += 16 * MINUTE;
    expect(await auth.login('leader', 'bad', 'a')).toEqual({ ok: false, reason: 'bad_credentials' });
    expect(await accounts.userByName('leader')).toMatchObject({ failedLogins: 1, lockedUntil: null });
  });

  it('refuses a disabled account', async () => {
    t.store.db.prepare("UPDATE users SET disabled = 1 WHERE username = 'leader'").run();
    expect(await auth.login('leader', 'Yandong#2026', 'a')).toEqual({ ok: false, reason: 'disabled' });
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
