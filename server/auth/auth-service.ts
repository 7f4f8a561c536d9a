import { createHash, randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AccountStore, DisplayTokenRecord, UserRecord } from '../store/account-store.ts';
import { DEFAULT_POLICY, hashPassword, type PasswordPolicy, verifyPassword } from './password.ts';
import { DEFAULT_SIGN_IN_LIMITS, SignInGuard, type SignInLimits } from './sign-in-guard.ts';

/** Sign-in policy; defaults follow 等保 level 2 practice. */
export interface AuthPolicy {
  password: PasswordPolicy;
  /** Failed sign-ins: slowed, then refused per address, locked for everyone only from many addresses. */
  signIn: SignInLimits;
  /** A session unused this long ends (display devices use tokens, not sessions). */
  idleMinutes: number;
}

export const DEFAULT_AUTH_POLICY: AuthPolicy = { password: DEFAULT_POLICY, signIn: DEFAULT_SIGN_IN_LIMITS, idleMinutes: 30 };

/** A refusal for failed sign-ins: from this address only (`source`), or for the name everywhere (`account`). */
export type Locked = { ok: false; reason: 'locked'; scope: 'source' | 'account'; lockedUntil: number };

export type LoginResult = { ok: true; token: string; user: UserRecord } | { ok: false; reason: 'bad_credentials' | 'disabled' } | Locked;

/** What ended, so that whatever still serves it (an open event stream) ends too. */
export type Ended = { kind: 'session'; tokenHash: string } | { kind: 'user'; userId: number } | { kind: 'display'; tokenId: number };

/** Attempted names as the audit log keeps them: control, bidi and zero-width characters shown as \u{…}, at most 64 characters. */
export function neutralName(name: string): string {
  const shown = name.replace(/[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/gu, (c) => `\\u{${(c.codePointAt(0) ?? 0).toString(16)}}`);
  return shown.length > 64 ? `${shown.slice(0, 63)}…` : shown;
}

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
  /** A hash to verify against when the user does not exist or is refused, so timing does not reveal names or locks. */
  #decoy: Promise<string>;
  readonly guard: SignInGuard;
  readonly #wait: (ms: number) => Promise<unknown>;
  readonly #endedListeners: ((e: Ended) => void)[] = [];

  constructor(
    private readonly accounts: AccountStore,
    private readonly now: () => number = Date.now,
    readonly policy: AuthPolicy = DEFAULT_AUTH_POLICY,
    /** How an answer is slowed down (tests pass a recorder). */
    wait: (ms: number) => Promise<unknown> = sleep,
  ) {
    this.#decoy = hashPassword(randomBytes(12).toString('hex'));
    this.guard = new SignInGuard(policy.signIn, accounts.signInBook(policy.signIn));
    this.#wait = wait;
  }

  /** Hears every session, account or display token that ends (sign-out, disabled, revoked). */
  onEnded(listener: (e: Ended) => void): void {
    this.#endedListeners.push(listener);
  }

  /** Says that sessions ended elsewhere (an account disabled, its role changed, its password set). */
  ended(e: Ended): void {
    for (const l of this.#endedListeners) l(e);
  }

  /**
   * Signs in. Every answer costs one password verification, whether the name exists, is refused
   * or is locked, and unknown names are counted and locked like real ones: neither the answer nor
   * its time tells which names exist. Failures are counted by SignInGuard.
   */
  async login(username: string, password: string, address: string): Promise<LoginResult> {
    const now = this.now();
    const admission = await this.guard.begin(username, address, now);
    let user: UserRecord | null = null;
    const audit = (action: string, detail: Record<string, unknown> = {}) =>
      this.#audit(now, { id: user?.id ?? null, name: user?.username ?? neutralName(username) }, address, action, 'user', user?.id ?? null, detail);
    if (!admission.ok) {
      user = await this.accounts.userByName(username);
      await verifyPassword(password, await this.#decoy);
      await audit('login_refused', { reason: 'locked', scope: admission.scope });
      return { ok: false, reason: 'locked', scope: admission.scope, lockedUntil: admission.until };
    }
    if (admission.delayMs > 0) await this.#wait(admission.delayMs);
    user = await this.accounts.userByName(username);
    // A lock kept in the database (set from many addresses; it outlives a restart).
    if (user && user.lockedUntil !== null && user.lockedUntil > now) {
      await verifyPassword(password, await this.#decoy);
      await audit('login_refused', { reason: 'locked', scope: 'account' });
      return { ok: false, reason: 'locked', scope: 'account', lockedUntil: user.lockedUntil };
    }
    if (user && user.lockedUntil !== null) {
      // The lock has run out: a fresh count of failures starts.
      await this.accounts.clearFailedLogins(user.id, now);
      user = { ...user, failedLogins: 0, lockedUntil: null };
    }
    const right = await verifyPassword(password, user ? user.passwordHash : await this.#decoy);
    if (!user || !right) {
      const outcome = await this.guard.failed(admission.ticket, this.now());
      if (user) await this.accounts.recordFailedLogin(user.id, outcome.locked === 'account' ? outcome.until : null, now);
      await audit('login_failed', { reason: user ? 'bad_password' : 'unknown_user', failures: outcome.failures });
      if (outcome.locked !== null) {
        await audit('lockout', { until: outcome.until, scope: outcome.locked, failures: outcome.failures });
        return { ok: false, reason: 'locked', scope: outcome.locked, lockedUntil: outcome.until };
      }
      return { ok: false, reason: 'bad_credentials' };
    }
    await this.guard.succeeded(admission.ticket, this.now());
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

  /**
   * Checks the current password of a signed-in user (changing it): counted like sign-in failures
   * (same name, same address). The limit reached ends the session: a stolen session cannot guess on.
   */
  async checkCurrentPassword(user: UserRecord, password: string, token: string, address: string): Promise<'ok' | 'wrong' | 'ended'> {
    const now = this.now();
    const who = { id: user.id, name: user.username };
    const admission = await this.guard.begin(user.username, address, now);
    const end = async (detail: Record<string, unknown>) => {
      await this.accounts.deleteSession(tokenHash(token));
      this.ended({ kind: 'session', tokenHash: tokenHash(token) });
      await this.#audit(now, who, address, 'password_change_locked', 'user', user.id, detail);
      return 'ended' as const;
    };
    if (!admission.ok) {
      await verifyPassword(password, await this.#decoy);
      return end({ scope: admission.scope });
    }
    if (admission.delayMs > 0) await this.#wait(admission.delayMs);
    if (await verifyPassword(password, user.passwordHash)) {
      await this.guard.succeeded(admission.ticket, this.now());
      return 'ok';
    }
    const outcome = await this.guard.failed(admission.ticket, this.now());
    await this.#audit(now, who, address, 'password_change_failed', 'user', user.id, { failures: outcome.failures });
    if (outcome.locked !== null) return end({ scope: outcome.locked, failures: outcome.failures });
    return 'wrong';
  }

  /** An admin unlocks an account: its lock in the database and every count on its name go (audited by the route). */
  async unlock(user: UserRecord): Promise<void> {
    await this.accounts.clearFailedLogins(user.id, this.now());
    await this.guard.unlock(user.username);
  }

  /**
   * The user of a session token, or null when there is none, it idled out, or the user is
   * disabled. `touch: false` checks without counting as use (an open event stream is not activity).
   */
  async authenticate(token: string, touch = true): Promise<UserRecord | null> {
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
    if (touch && now - session.lastSeenAt >= TOUCH_EVERY_MS) await this.accounts.touchSession(hash, now);
    return user;
  }

  async logout(token: string, address: string): Promise<void> {
    const hash = tokenHash(token);
    const session = await this.accounts.session(hash);
    if (!session) return;
    await this.accounts.deleteSession(hash);
    this.ended({ kind: 'session', tokenHash: hash });
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
      this.ended({ kind: 'display', tokenId: id });
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
