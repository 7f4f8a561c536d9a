import type Database from 'better-sqlite3';
import { MemorySignInBook, type SignInBook, type SignInLimits } from '../auth/sign-in-guard.ts';
import {
  type AccountStore,
  type AuditEntry,
  type AuditQuery,
  type AuditRecord,
  type AuditRow,
  auditWhere,
  type DisplayTokenRecord,
  type DisplayTokenRow,
  type NewUser,
  type SessionRecord,
  toAudit,
  toDisplayToken,
  toUser,
  type UserPatch,
  type UserRecord,
  type UserRow,
} from './account-store.ts';

const USER_SELECT = `SELECT u.*, (SELECT group_concat(grid_id, ',') FROM user_grids g WHERE g.user_id = u.id) AS grid_ids FROM users u`;

/** Accounts, sessions, display tokens and the audit log in the SQLite file (one process). */
export class SqliteAccountStore implements AccountStore {
  constructor(private readonly db: Database.Database) {}

  async countUsers(): Promise<number> {
    return (this.db.prepare('SELECT count(*) AS n FROM users').get() as { n: number }).n;
  }

  async createUser(user: NewUser, now: number): Promise<UserRecord> {
    const id = this.db.transaction(() => {
      const r = this.db
        .prepare('INSERT INTO users (username, display_name, role, password_hash, unit_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
        .run(user.username, user.displayName, user.role, user.passwordHash, user.unitId ?? null, now, now);
      const insertGrid = this.db.prepare('INSERT INTO user_grids (user_id, grid_id) VALUES (?, ?)');
      for (const g of new Set(user.gridIds ?? [])) insertGrid.run(r.lastInsertRowid, g);
      return Number(r.lastInsertRowid);
    })();
    return (await this.userById(id)) as UserRecord;
  }

  async updateUser(id: number, patch: UserPatch, now: number): Promise<UserRecord | null> {
    const done = this.db.transaction(() => {
      const r = this.db
        .prepare(
          `UPDATE users SET display_name = coalesce(?, display_name), role = coalesce(?, role),
             unit_id = CASE WHEN ? THEN ? ELSE unit_id END, disabled = coalesce(?, disabled), updated_at = ? WHERE id = ?`,
        )
        .run(
          patch.displayName ?? null,
          patch.role ?? null,
          patch.unitId !== undefined ? 1 : 0,
          patch.unitId ?? null,
          patch.disabled === undefined ? null : patch.disabled ? 1 : 0,
          now,
          id,
        );
      if (r.changes === 0) return false;
      if (patch.gridIds !== undefined) {
        this.db.prepare('DELETE FROM user_grids WHERE user_id = ?').run(id);
        const insertGrid = this.db.prepare('INSERT INTO user_grids (user_id, grid_id) VALUES (?, ?)');
        for (const g of new Set(patch.gridIds)) insertGrid.run(id, g);
      }
      return true;
    })();
    return done ? this.userById(id) : null;
  }

  async setPassword(id: number, passwordHash: string, now: number): Promise<void> {
    this.db.transaction(() => {
      this.db.prepare('UPDATE users SET password_hash = ?, failed_logins = 0, locked_until = NULL, updated_at = ? WHERE id = ?').run(passwordHash, now, id);
      this.db.prepare('DELETE FROM sessions WHERE user_id = ?').run(id);
    })();
  }

  async deleteSessionsOf(userId: number): Promise<void> {
    this.db.prepare('DELETE FROM sessions WHERE user_id = ?').run(userId);
  }

  async userById(id: number): Promise<UserRecord | null> {
    const r = this.db.prepare(`${USER_SELECT} WHERE u.id = ?`).get(id) as UserRow | undefined;
    return r ? toUser(r) : null;
  }

  async userByName(username: string): Promise<UserRecord | null> {
    const r = this.db.prepare(`${USER_SELECT} WHERE u.username = ?`).get(username) as UserRow | undefined;
    return r ? toUser(r) : null;
  }

  async listUsers(): Promise<UserRecord[]> {
    return (this.db.prepare(`${USER_SELECT} ORDER BY u.id`).all() as UserRow[]).map(toUser);
  }

  async recordFailedLogin(id: number, lockUntil: number | null, now: number): Promise<number> {
    const r = this.db
      .prepare(
        'UPDATE users SET failed_logins = failed_logins + 1, locked_until = coalesce(?, locked_until), updated_at = ? WHERE id = ? RETURNING failed_logins',
      )
      .get(lockUntil, now, id) as { failed_logins: number } | undefined;
    return r?.failed_logins ?? 0;
  }

  async clearFailedLogins(id: number, now: number): Promise<void> {
    this.db.prepare('UPDATE users SET failed_logins = 0, locked_until = NULL, updated_at = ? WHERE id = ?').run(now, id);
  }

  async createSession(s: SessionRecord): Promise<void> {
    this.db
      .prepare('INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, address) VALUES (?, ?, ?, ?, ?)')
      .run(s.tokenHash, s.userId, s.createdAt, s.lastSeenAt, s.address);
  }

  async session(tokenHash: string): Promise<SessionRecord | null> {
    const r = this.db.prepare('SELECT * FROM sessions WHERE token_hash = ?').get(tokenHash) as
      | { token_hash: string; user_id: number; created_at: number; last_seen_at: number; address: string }
      | undefined;
    return r ? { tokenHash: r.token_hash, userId: r.user_id, createdAt: r.created_at, lastSeenAt: r.last_seen_at, address: r.address } : null;
  }

  async touchSession(tokenHash: string, now: number): Promise<void> {
    this.db.prepare('UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?').run(now, tokenHash);
  }

  async deleteSession(tokenHash: string): Promise<void> {
    this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(tokenHash);
  }

  async createDisplayToken(tokenHash: string, name: string, createdBy: number | null, now: number): Promise<DisplayTokenRecord> {
    const r = this.db.prepare('INSERT INTO display_tokens (token_hash, name, created_by, created_at) VALUES (?, ?, ?, ?)').run(tokenHash, name, createdBy, now);
    return { id: Number(r.lastInsertRowid), name, createdBy, createdAt: now, revokedAt: null };
  }

  async displayTokens(): Promise<DisplayTokenRecord[]> {
    return (this.db.prepare('SELECT * FROM display_tokens ORDER BY id').all() as DisplayTokenRow[]).map(toDisplayToken);
  }

  async liveDisplayToken(tokenHash: string): Promise<DisplayTokenRecord | null> {
    const r = this.db.prepare('SELECT * FROM display_tokens WHERE token_hash = ? AND revoked_at IS NULL').get(tokenHash) as DisplayTokenRow | undefined;
    return r ? toDisplayToken(r) : null;
  }

  async revokeDisplayToken(id: number, now: number): Promise<boolean> {
    return this.db.prepare('UPDATE display_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now, id).changes === 1;
  }

  async appendAudit(e: AuditEntry): Promise<number> {
    const r = this.db
      .prepare('INSERT INTO audit_log (at, user_id, username, address, action, object_type, object_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(e.at, e.userId, e.username, e.address, e.action, e.objectType ?? null, e.objectId ?? null, JSON.stringify(e.detail ?? {}));
    return Number(r.lastInsertRowid);
  }

  async audit(q: AuditQuery): Promise<AuditRecord[]> {
    const { where, args } = auditWhere(q, () => '?');
    const sql = `SELECT * FROM audit_log ${where} ORDER BY id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, q.limit) as AuditRow[]).map(toAudit);
  }

  async purgeAudit(before: number): Promise<number> {
    return this.db.prepare('DELETE FROM audit_log WHERE at < ?').run(before).changes;
  }

  /** One process per SQLite file: the counts stay in it (a restart forgets them; an account lock is in users). */
  signInBook(limits: SignInLimits): SignInBook {
    return new MemorySignInBook(limits);
  }
}
