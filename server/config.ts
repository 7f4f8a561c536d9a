import { resolve } from 'node:path';
import { type AuthPolicy, DEFAULT_AUTH_POLICY } from './auth/auth-service.ts';
import type { SignInLimits } from './auth/sign-in-guard.ts';

/** Everything the server reads from its environment, validated once at start. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** The SQLite file's name inside dataDir. */
  dbFile: string;
  /** PostgreSQL + PostGIS instead of SQLite (postgres://…); null: the SQLite file in dataDir. */
  databaseUrl: string | null;
  /** Connections this process opens to PostgreSQL at most. */
  dbPoolSize: number;
  /** Proxies (nginx) trusted to name the caller's address in X-Forwarded-For: TRUST_PROXY=127.0.0.1,10.0.0.5. */
  trustProxy: string[];
  /** Load the demo town into an empty database on start. */
  demo: boolean;
  demoSeed: number;
  demoCount: number;
  /** Days the audit log is kept (at least 180, 等保 practice); older rows are purged daily. */
  auditRetentionDays: number;
  /** Sign-in policy (等保 level 2 practice by default; may be made stricter, not weaker than 8 characters). */
  authPolicy: AuthPolicy;
  /** Requests a minute from one address over all routes, and sign-in attempts a minute. */
  rateLimitPerMinute: number;
  loginRateLimitPerMinute: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** 天地图: the key (null: not offered), the upstream ({s}: 0–7), the tile cache's cap in MB (kept in dataDir/tiles). */
  tianditu: { token: string | null; upstream: string; cacheMb: number };
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  const v = Number(raw);
  if (v < min || v > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${v}`);
  return v;
}

function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name]?.toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'on', 'yes'].includes(raw)) return true;
  if (['0', 'false', 'off', 'no'].includes(raw)) return false;
  throw new ConfigError(`${name} must be on or off, got "${env[name]}"`);
}

function dbFile(name: string): string {
  if (!/^[\w.-]+\.db$/.test(name)) throw new ConfigError(`DB_FILE must be a file name ending in .db, got "${name}"`);
  return name;
}

/** DATABASE_URL: a PostgreSQL connection string, or unset for SQLite. */
function databaseUrl(raw: string | undefined): string | null {
  if (raw === undefined || raw === '') return null;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('DATABASE_URL must be a connection string like postgres://user@host:5432/database');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError(`DATABASE_URL must start with postgres:// (PostgreSQL), got "${url.protocol}//"`);
  }
  if (url.pathname.length <= 1) throw new ConfigError('DATABASE_URL must name the database, e.g. postgres://user@host:5432/chuangwen');
  return raw;
}

/** TRUST_PROXY: IP addresses or CIDR ranges, comma-separated. */
function addresses(raw: string | undefined): string[] {
  if (raw === undefined || raw.trim() === '') return [];
  const list = raw.split(',').map((a) => a.trim());
  for (const a of list) {
    if (!/^[\d.]+(\/\d{1,2})?$/.test(a) && !/^[\da-f:]+(\/\d{1,3})?$/i.test(a)) {
      throw new ConfigError(`TRUST_PROXY must list IP addresses of the proxies in front, like 127.0.0.1, got "${a}"`);
    }
  }
  return list;
}

/** A 天地图 key: 32 hex digits as the console issues them. */
function tiandituToken(raw: string | undefined): string | null {
  if (raw === undefined || raw === '') return null;
  if (!/^[0-9a-fA-F]{32}$/.test(raw)) throw new ConfigError('TIANDITU_TOKEN must be the 32-character key from the 天地图 console');
  return raw;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Reads the configuration; throws ConfigError naming the variable that is wrong. */
/** Failed sign-ins: per name and address (LOGIN_MAX_FAILURES, slowed two before), per name from many addresses (LOGIN_ACCOUNT_MAX_FAILURES). */
function signInLimits(env: NodeJS.ProcessEnv): SignInLimits {
  const d = DEFAULT_AUTH_POLICY.signIn;
  const maxFailures = integer(env, 'LOGIN_MAX_FAILURES', d.maxFailures, 3, 20);
  return {
    ...d,
    maxFailures,
    slowAfter: Math.min(d.slowAfter, maxFailures - 2),
    lockMinutes: integer(env, 'LOCK_MINUTES', d.lockMinutes, 1, 1440),
    accountMaxFailures: integer(env, 'LOGIN_ACCOUNT_MAX_FAILURES', d.accountMaxFailures, maxFailures * 2, 10_000),
  };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const logLevel = (env.LOG_LEVEL || 'info') as Config['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  return {
    port: integer(env, 'PORT', 8080, 0, 65535),
    host: env.HOST || '127.0.0.1',
    dataDir: resolve(env.DATA_DIR || './var'),
    dbFile: dbFile(env.DB_FILE || 'chuangwen.db'),
    databaseUrl: databaseUrl(env.DATABASE_URL),
    dbPoolSize: integer(env, 'DB_POOL_SIZE', 10, 2, 500),
    trustProxy: addresses(env.TRUST_PROXY),
    demo: flag(env, 'DEMO', true),
    demoSeed: integer(env, 'DEMO_SEED', 20260101, 0, 2 ** 32 - 1),
    demoCount: integer(env, 'DEMO_COUNT', 5000, 0, 1_000_000),
    auditRetentionDays: integer(env, 'AUDIT_RETENTION_DAYS', 365, 180, 3650),
    authPolicy: {
      password: {
        minLength: integer(env, 'PASSWORD_MIN_LENGTH', DEFAULT_AUTH_POLICY.password.minLength, 8, 64),
        minClasses: integer(env, 'PASSWORD_MIN_CLASSES', DEFAULT_AUTH_POLICY.password.minClasses, 1, 4),
      },
      signIn: signInLimits(env),
      idleMinutes: integer(env, 'SESSION_IDLE_MINUTES', DEFAULT_AUTH_POLICY.idleMinutes, 5, 480),
    },
    rateLimitPerMinute: integer(env, 'RATE_LIMIT_PER_MINUTE', 1200, 10, 10_000_000),
    loginRateLimitPerMinute: integer(env, 'LOGIN_RATE_LIMIT_PER_MINUTE', 20, 1, 10_000_000),
    logLevel,
    tianditu: {
      token: tiandituToken(env.TIANDITU_TOKEN),
      upstream: env.TIANDITU_URL || 'https://t{s}.tianditu.gov.cn',
      cacheMb: integer(env, 'TILE_CACHE_MB', 1024, 10, 1_000_000),
    },
  };
}
