import { createHash, randomBytes } from 'node:crypto';
import type { AccountStore, DisplayTokenRecord, UserRecord } from '../store/account-store.ts';
import { DEFAULT_POLICY, hashPassword, type PasswordPolicy, verifyPassword } from './password.ts';

/** Sign-in policy; defaults follow 等保 level 2 practice. */
export interface AuthPolicy {
  password: PasswordPolicy;
  /** Failed sign-ins in a row that lock an account. */
  maxFailures: number;
  lockMinutes: number;
  /** A session unused this long ends (display devices use tokens, not sessions). */
  idleMinutes: number;
}

export const DEFAULT_AUTH_POLICY: AuthPolicy = { password: DEFAULT_POLICY, maxFailures: 5, lockMinutes: 15, idleMinutes: 30 };

export type LoginResult =
  | { ok: true; token: string; user: UserRecord }
  | { ok: false; reason: 'bad_credentials' | 'disabled' }
  | { ok: false; reason: 'locked'; lockedUntil: number };

const MINUTE = 60_000;
const TOUCH_EVERY_MS = MINUTE;

/** Session tokens are random; the store keeps only their SHA-256, so a copied database opens no session. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Sign-in, sign-out and session checks over an AccountStore, with lockout after repeated
 * failures, idle expiry and an audit row for every attempt. The clock is injected for tests.
 */
export class AuthService {
  /** A hash to verify against when the user does not exist, so timing does not reveal names. */
  #decoy: Promise<string>;

  constructor(
    private readonly accounts: AccountStore,
    private readonly now: () => number = Date.now,
    readonly policy: AuthPolicy = DEFAULT_AUTH_POLICY,
  ) {
    this.#decoy = hashPassword(randomBytes(12).toString('hex'));
  }

  async login(username: string, password: string, address: string): Promise<LoginResult> {
    const now = this.now();
    let user = await this.accounts.userByName(username);
    const audit = (action: string, detail: Record<string, unknown> = {}) =>
      this.#audit(now, { id: user?.id ?? null, name: user?.username ?? username }, address, action, 'user', user?.id ?? null, detail);
    if (!user) {
      await verifyPassword(password, await this.#decoy);
      await audit('login_failed', { reason: 'unknown_user' });
      return { ok: false, reason: 'bad_credentials' };
    }
    if (user.lockedUntil !== null && user.lockedUntil > now) {
      await audit('login_refused', { reason: 'locked' });
      return { ok: false, reason: 'locked', lockedUntil: user.lockedUntil };
    }
    if (user.lockedUntil !== null) {
      // The lock has run out: a fresh count of failures starts.
      await this.accounts.clearFailedLogins(user.id, now);
      user = { ...user, failedLogins: 0, lockedUntil: null };
    }
    if (!(await verifyPassword(password, user.passwordHash))) {
      const lockUntil = user.failedLogins + 1 >= this.policy.maxFailures ? now + this.policy.lockMinutes * MINUTE : null;
      const failures = await this.accounts.recordFailedLogin(user.id, lockUntil, now);
      await audit('login_failed', { reason: 'bad_password', failures });
      if (lockUntil !== null) {
        await audit('lockout', { until: lockUntil, failures });
        return { ok: false, reason: 'locked', lockedUntil: lockUntil };
      }
      return { ok: false, reason: 'bad_credentials' };
    }
    if (user.disabled) {
      await audit('login_refused', { reason: 'disabled' });
      return { ok: false, reason: 'disabled' };
    }
    if (user.failedLogins > 0) await this.accounts.clearFailedLogins(user.id, now);
    const token = randomBytes(32).toString('base64url');
    await this.accounts.createSession({ tokenHash: tokenHash(token), userId: user.id, createdAt: now, lastSeenAt: now, address });
    await audit('login');
    return { ok: true, token, user: { ...user, failedLogins: 0, lockedUntil: null } };
  }

  /** The user of a session token, or null when there is none, it idled out, or the user is disabled. */
  async authenticate(token: string): Promise<UserRecord | null> {
    const now = this.now();
    const hash = tokenHash(token);
    const session = await this.accounts.session(hash);
    if (!session) return null;
    if (now - session.lastSeenAt > this.policy.idleMinutes * MINUTE) {
      await this.accounts.deleteSession(hash);
      return null;
    }
    const user = await this.accounts.userById(session.userId);
    if (!user || user.disabled) return null;
    // Recording the last use once a minute is precise enough for a 30-minute idle limit, and
    // spares a database write (an fsync) on every request.
    if (now - session.lastSeenAt >= TOUCH_EVERY_MS) await this.accounts.touchSession(hash, now);
    return user;
  }

  async logout(token: string, address: string): Promise<void> {
    const hash = tokenHash(token);
    const session = await this.accounts.session(hash);
    if (!session) return;
    await this.accounts.deleteSession(hash);
    const user = await this.accounts.userById(session.userId);
    await this.#audit(this.now(), { id: session.userId, name: user?.username ?? null }, address, 'logout', 'user', session.userId);
  }

  /** Issues a display-device token (admin); the token is shown once, only its hash is kept. */
  async issueDisplayToken(name: string, by: UserRecord, address: string): Promise<{ record: DisplayTokenRecord; token: string }> {
    const token = randomBytes(32).toString('base64url');
    const now = this.now();
    const record = await this.accounts.createDisplayToken(tokenHash(token), name, by.id, now);
    await this.#audit(now, { id: by.id, name: by.username }, address, 'display_token.issue', 'display_token', record.id, { name });
    return { record, token };
  }

  async revokeDisplayToken(id: number, by: UserRecord, address: string): Promise<boolean> {
    const now = this.now();
    const done = await this.accounts.revokeDisplayToken(id, now);
    if (done) {
      await this.#audit(now, { id: by.id, name: by.username }, address, 'display_token.revoke', 'display_token', id);
    }
    return done;
  }

  /** A wall screen connecting with its token: the token's record when live (audited), else null. */
  async connectDisplay(token: string, address: string): Promise<DisplayTokenRecord | null> {
    const record = await this.authenticateDisplay(token);
    const who = { id: null, name: record ? `display:${record.name}` : null };
    await this.#audit(this.now(), who, address, record ? 'display.connect' : 'display.refused', 'display_token', record?.id ?? null);
    return record;
  }

  /** One audit row: who (user id and name), when, from where, what, on which object. */
  async #audit(
    at: number,
    who: { id: number | null; name: string | null },
    address: string,
    action: string,
    objectType: string,
    objectId: number | null,
    detail?: Record<string, unknown>,
  ): Promise<void> {
    await this.accounts.appendAudit({
      at,
      userId: who.id,
      username: who.name,
      address,
      action,
      objectType,
      objectId: objectId === null ? null : String(objectId),
      detail,
    });
  }

  /** The live display token a device presents, or null (revoked or unknown). Display tokens do not idle out. */
  async authenticateDisplay(token: string): Promise<DisplayTokenRecord | null> {
    return this.accounts.liveDisplayToken(tokenHash(token));
  }
}
