import type { SignInBook, SignInLimits } from '../auth/sign-in-guard.ts';

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

  /** Where failed sign-ins are counted: in the process (SQLite), or shared by every process (PostgreSQL). */
  signInBook(limits: SignInLimits): SignInBook;
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
