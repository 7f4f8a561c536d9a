import type Database from 'better-sqlite3';

/** Roles (DESIGN.md glossary): 创文办 admin, leader, 网格员, 责任单位, wall display. */
export const ROLES = ['admin', 'leader', 'grid_manager', 'unit', 'display'] as const;
export type Role = (typeof ROLES)[number];

export interface UserRecord {
  id: number;
  username: string;
  displayName: string;
  role: Role;
  passwordHash: string;
  unitId: string | null;
  /** The grids a grid manager may change problems in. */
  gridIds: string[];
  disabled: boolean;
  failedLogins: number;
  /** ms epoch until which sign-in is refused; null when not locked. */
  lockedUntil: number | null;
  createdAt: number;
  updatedAt: number;
}

export interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  passwordHash: string;
  unitId?: string | null;
  gridIds?: string[];
}

export interface UserPatch {
  displayName?: string;
  role?: Role;
  unitId?: string | null;
  gridIds?: string[];
  disabled?: boolean;
}

export interface SessionRecord {
  tokenHash: string;
  userId: number;
  createdAt: number;
  lastSeenAt: number;
  address: string;
}

export interface DisplayTokenRecord {
  id: number;
  name: string;
  createdBy: number | null;
  createdAt: number;
  revokedAt: number | null;
}

export interface AuditEntry {
  at: number;
  userId: number | null;
  username: string | null;
  address: string;
  /** e.g. login, login_failed, lockout, logout, reveal, problem.transition, user.create */
  action: string;
  objectType?: string | null;
  objectId?: string | null;
  detail?: Record<string, unknown>;
}

export interface AuditRecord extends Required<Omit<AuditEntry, 'detail'>> {
  id: number;
  detail: Record<string, unknown>;
}

export interface AuditQuery {
  from?: number;
  to?: number;
  userId?: number;
  action?: string;
  /** Rows with id below this (paging newest first). */
  beforeId?: number;
  limit: number;
}

/**
 * Accounts, sessions, display tokens and the audit log. Async like `Store`, so a networked store
 * fits later; this implementation shares the SQLite database of `SqliteStore`.
 */
export interface AccountStore {
  countUsers(): Promise<number>;
  createUser(user: NewUser, now: number): Promise<UserRecord>;
  userById(id: number): Promise<UserRecord | null>;
  userByName(username: string): Promise<UserRecord | null>;
  listUsers(): Promise<UserRecord[]>;
  /** Changes an account's profile, role, assignment or disabled flag; the grids are replaced when given. */
  updateUser(id: number, patch: UserPatch, now: number): Promise<UserRecord | null>;
  /** Sets a new password hash; clears failures and the lock, and ends the account's sessions. */
  setPassword(id: number, passwordHash: string, now: number): Promise<void>;
  /** Ends every session of an account (disabled, role changed). */
  deleteSessionsOf(userId: number): Promise<void>;
  /** Records a failed sign-in; locks until `lockUntil` when given. Returns the new failure count. */
  recordFailedLogin(id: number, lockUntil: number | null, now: number): Promise<number>;
  clearFailedLogins(id: number, now: number): Promise<void>;

  createSession(session: SessionRecord): Promise<void>;
  session(tokenHash: string): Promise<SessionRecord | null>;
  touchSession(tokenHash: string, now: number): Promise<void>;
  deleteSession(tokenHash: string): Promise<void>;

  /** Display devices (wall screens): only the token's hash is kept. */
  createDisplayToken(tokenHash: string, name: string, createdBy: number | null, now: number): Promise<DisplayTokenRecord>;
  displayTokens(): Promise<DisplayTokenRecord[]>;
  /** A token that is not revoked, by its hash. */
  liveDisplayToken(tokenHash: string): Promise<DisplayTokenRecord | null>;
  /** Revokes a live token; false when there is none with that id. */
  revokeDisplayToken(id: number, now: number): Promise<boolean>;

  appendAudit(entry: AuditEntry): Promise<number>;
  audit(query: AuditQuery): Promise<AuditRecord[]>;
  /** Deletes audit rows older than `before`; returns how many. */
  purgeAudit(before: number): Promise<number>;
}

/** A users row with its grids (comma-separated), as both stores select it. */
export interface UserRow {
  id: number;
  username: string;
  display_name: string;
  role: Role;
  password_hash: string;
  unit_id: string | null;
  /** 0 / 1 in SQLite, a boolean in PostgreSQL */
  disabled: number | boolean;
  failed_logins: number;
  locked_until: number | null;
  created_at: number;
  updated_at: number;
  grid_ids: string | null;
}

const USER_SELECT = `SELECT u.*, (SELECT group_concat(grid_id, ',') FROM user_grids g WHERE g.user_id = u.id) AS grid_ids FROM users u`;

export function toUser(r: UserRow): UserRecord {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    role: r.role,
    passwordHash: r.password_hash,
    unitId: r.unit_id,
    gridIds: r.grid_ids ? r.grid_ids.split(',').sort() : [],
    disabled: Boolean(r.disabled),
    failedLogins: r.failed_logins,
    lockedUntil: r.locked_until,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export interface DisplayTokenRow {
  id: number;
  name: string;
  created_by: number | null;
  created_at: number;
  revoked_at: number | null;
}

export const toDisplayToken = (r: DisplayTokenRow): DisplayTokenRecord => ({
  id: r.id,
  name: r.name,
  createdBy: r.created_by,
  createdAt: r.created_at,
  revokedAt: r.revoked_at,
});

export interface AuditRow {
  id: number;
  at: number;
  user_id: number | null;
  username: string | null;
  address: string;
  action: string;
  object_type: string | null;
  object_id: string | null;
  detail: string;
}

export const toAudit = (r: AuditRow): AuditRecord => ({
  id: r.id,
  at: r.at,
  userId: r.user_id,
  username: r.username,
  address: r.address,
  action: r.action,
  objectType: r.object_type,
  objectId: r.object_id,
  detail: JSON.parse(r.detail) as Record<string, unknown>,
});

/** The audit query's conditions, with a placeholder maker for the dialect (`?` or `$n`). */
export function auditWhere(q: AuditQuery, placeholder: (n: number) => string): { where: string; args: (string | number)[] } {
  const conditions: string[] = [];
  const args: (string | number)[] = [];
  const add = (condition: string, value: string | number | undefined) => {
    if (value === undefined) return;
    args.push(value);
    conditions.push(`${condition} ${placeholder(args.length)}`);
  };
  add('at >=', q.from);
  add('at <', q.to);
  add('user_id =', q.userId);
  add('action =', q.action);
  add('id <', q.beforeId);
  return { where: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', args };
}

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
}
