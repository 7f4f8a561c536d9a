import type pg from 'pg';
import type { SignInBook, SignInLimits } from '../../auth/sign-in-guard.ts';
import {
  type AccountStore,
  type AuditEntry,
  type AuditQuery,
  type AuditRecord,
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
} from '../account-store.ts';
import { transaction } from './client.ts';
import { PgSignInBook } from './sign-in-book.ts';

const USER_SELECT = `SELECT u.*, (SELECT string_agg(grid_id, ',') FROM user_grids g WHERE g.user_id = u.id) AS grid_ids FROM users u`;

/**
 * Accounts, sessions, display tokens and the audit log in PostgreSQL: shared by every process on
 * the database, so a session, a lockout or a revoked wall token holds whichever process answers.
 */
export class PgAccountStore implements AccountStore {
  constructor(private readonly pool: pg.Pool) {}

  private async one<T>(sql: string, values: unknown[]): Promise<T | undefined> {
    return (await this.pool.query(sql, values)).rows[0] as T | undefined;
  }

  async countUsers(): Promise<number> {
    return (await this.one<{ n: number }>('SELECT count(*) AS n FROM users', []))?.n ?? 0;
  }

  async createUser(user: NewUser, now: number): Promise<UserRecord> {
    const id = await transaction(this.pool, async (c) => {
      const { rows } = await c.query(
        'INSERT INTO users (username, display_name, role, password_hash, unit_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id',
        [user.username, user.displayName, user.role, user.passwordHash, user.unitId ?? null, now, now],
      );
      for (const g of new Set(user.gridIds ?? [])) await c.query('INSERT INTO user_grids (user_id, grid_id) VALUES ($1, $2)', [rows[0].id, g]);
      return rows[0].id as number;
    });
    return (await this.userById(id)) as UserRecord;
  }

  async updateUser(id: number, patch: UserPatch, now: number): Promise<UserRecord | null> {
    const done = await transaction(this.pool, async (c) => {
      const r = await c.query(
        `UPDATE users SET display_name = coalesce($1, display_name), role = coalesce($2, role),
           unit_id = CASE WHEN $3 THEN $4 ELSE unit_id END, disabled = coalesce($5, disabled), updated_at = $6 WHERE id = $7`,
        [patch.displayName ?? null, patch.role ?? null, patch.unitId !== undefined, patch.unitId ?? null, patch.disabled ?? null, now, id],
      );
      if (r.rowCount === 0) return false;
      if (patch.gridIds !== undefined) {
        await c.query('DELETE FROM user_grids WHERE user_id = $1', [id]);
        for (const g of new Set(patch.gridIds)) await c.query('INSERT INTO user_grids (user_id, grid_id) VALUES ($1, $2)', [id, g]);
      }
      return true;
    });
    return done ? this.userById(id) : null;
  }

  async setPassword(id: number, passwordHash: string, now: number): Promise<void> {
    await transaction(this.pool, async (c) => {
      await c.query('UPDATE users SET password_hash = $1, failed_logins = 0, locked_until = NULL, updated_at = $2 WHERE id = $3', [passwordHash, now, id]);
      await c.query('DELETE FROM sessions WHERE user_id = $1', [id]);
    });
  }

  async deleteSessionsOf(userId: number): Promise<void> {
    await this.pool.query('DELETE FROM sessions WHERE user_id = $1', [userId]);
  }

  async userById(id: number): Promise<UserRecord | null> {
    const r = await this.one<UserRow>(`${USER_SELECT} WHERE u.id = $1`, [id]);
    return r ? toUser(r) : null;
  }

  async userByName(username: string): Promise<UserRecord | null> {
    const r = await this.one<UserRow>(`${USER_SELECT} WHERE lower(u.username) = lower($1)`, [username]);
    return r ? toUser(r) : null;
  }

  async listUsers(): Promise<UserRecord[]> {
    return ((await this.pool.query(`${USER_SELECT} ORDER BY u.id`)).rows as UserRow[]).map(toUser);
  }

  async recordFailedLogin(id: number, lockUntil: number | null, now: number): Promise<number> {
    // One statement: two processes counting failures of one account at once both count.
    const r = await this.one<{ failed_logins: number }>(
      'UPDATE users SET failed_logins = failed_logins + 1, locked_until = coalesce($1, locked_until), updated_at = $2 WHERE id = $3 RETURNING failed_logins',
      [lockUntil, now, id],
    );
    return r?.failed_logins ?? 0;
  }

  async clearFailedLogins(id: number, now: number): Promise<void> {
    await this.pool.query('UPDATE users SET failed_logins = 0, locked_until = NULL, updated_at = $1 WHERE id = $2', [now, id]);
  }

  async createSession(s: SessionRecord): Promise<void> {
    await this.pool.query('INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, address) VALUES ($1, $2, $3, $4, $5)', [
      s.tokenHash,
      s.userId,
      s.createdAt,
      s.lastSeenAt,
      s.address,
    ]);
  }

  async session(tokenHash: string): Promise<SessionRecord | null> {
    const r = await this.one<{ token_hash: string; user_id: number; created_at: number; last_seen_at: number; address: string }>(
      'SELECT * FROM sessions WHERE token_hash = $1',
      [tokenHash],
    );
    return r ? { tokenHash: r.token_hash, userId: r.user_id, createdAt: r.created_at, lastSeenAt: r.last_seen_at, address: r.address } : null;
  }

  async touchSession(tokenHash: string, now: number): Promise<void> {
    await this.pool.query('UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2', [now, tokenHash]);
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.pool.query('DELETE FROM sessions WHERE token_hash = $1', [tokenHash]);
  }

  async createDisplayToken(tokenHash: string, name: string, createdBy: number | null, now: number): Promise<DisplayTokenRecord> {
    const r = await this.one<{ id: number }>('INSERT INTO display_tokens (token_hash, name, created_by, created_at) VALUES ($1, $2, $3, $4) RETURNING id', [
      tokenHash,
      name,
      createdBy,
      now,
    ]);
    return { id: r?.id as number, name, createdBy, createdAt: now, revokedAt: null };
  }

  async displayTokens(): Promise<DisplayTokenRecord[]> {
    return ((await this.pool.query('SELECT * FROM display_tokens ORDER BY id')).rows as DisplayTokenRow[]).map(toDisplayToken);
  }

  async liveDisplayToken(tokenHash: string): Promise<DisplayTokenRecord | null> {
    const r = await this.one<DisplayTokenRow>('SELECT * FROM display_tokens WHERE token_hash = $1 AND revoked_at IS NULL', [tokenHash]);
    return r ? toDisplayToken(r) : null;
  }

  async revokeDisplayToken(id: number, now: number): Promise<boolean> {
    return (await this.pool.query('UPDATE display_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL', [now, id])).rowCount === 1;
  }

  async appendAudit(e: AuditEntry): Promise<number> {
    const r = await this.one<{ id: number }>(
      'INSERT INTO audit_log (at, user_id, username, address, action, object_type, object_id, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id',
      [e.at, e.userId, e.username, e.address, e.action, e.objectType ?? null, e.objectId ?? null, JSON.stringify(e.detail ?? {})],
    );
    return r?.id as number;
  }

  async audit(q: AuditQuery): Promise<AuditRecord[]> {
    const { where, args } = auditWhere(q, (n) => `$${n}`);
    const { rows } = await this.pool.query(`SELECT * FROM audit_log ${where} ORDER BY id DESC LIMIT $${args.length + 1}`, [...args, q.limit]);
    return rows.map(toAudit);
  }

  async purgeAudit(before: number): Promise<number> {
    return (await this.pool.query('DELETE FROM audit_log WHERE at < $1', [before])).rowCount ?? 0;
  }

  /** Shared by every process on the database (see PgSignInBook). */
  signInBook(limits: SignInLimits): SignInBook {
    return new PgSignInBook(this.pool, limits);
  }
}
