import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config.ts';

describe('loadConfig', () => {
  it('has defaults that start the demo on port 8080', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 8080, host: '127.0.0.1', demo: true, demoCount: 5000, dbFile: 'chuangwen.db', logLevel: 'info', auditRetentionDays: 365 });
    expect(c.dataDir).toMatch(/var$/);
    // 等保 level 2 practice.
    expect(c.authPolicy).toEqual({
      password: { minLength: 8, minClasses: 3 },
      signIn: { slowAfter: 3, maxFailures: 5, accountMaxFailures: 50, accountMinSources: 3, windowMinutes: 15, lockMinutes: 15, maxDelayMs: 8000 },
      idleMinutes: 30,
    });
    expect(c).toMatchObject({ rateLimitPerMinute: 1200, loginRateLimitPerMinute: 20 });
  });

  it('takes a stricter sign-in policy', () => {
    const c = loadConfig({
      PASSWORD_MIN_LENGTH: '12',
      PASSWORD_MIN_CLASSES: '4',
      LOGIN_MAX_FAILURES: '3',
      LOGIN_ACCOUNT_MAX_FAILURES: '20',
      LOCK_MINUTES: '30',
      SESSION_IDLE_MINUTES: '10',
    });
    expect(c.authPolicy).toEqual({
      password: { minLength: 12, minClasses: 4 },
      signIn: { slowAfter: 1, maxFailures: 3, accountMaxFailures: 20, accountMinSources: 3, windowMinutes: 15, lockMinutes: 30, maxDelayMs: 8000 },
      idleMinutes: 10,
    });
  });

  it('reads the environment', () => {
    expect(loadConfig({ PORT: '9000', DEMO: 'off', DEMO_COUNT: '100', DATA_DIR: '/tmp/x', DB_FILE: 'big.db' })).toMatchObject({
      port: 9000,
      demo: false,
      demoCount: 100,
      dataDir: '/tmp/x',
      dbFile: 'big.db',
      databaseUrl: null,
    });
    expect(loadConfig({ DATABASE_URL: 'postgres://cw@db.example:5432/chuangwen', DB_POOL_SIZE: '20' })).toMatchObject({
      databaseUrl: 'postgres://cw@db.example:5432/chuangwen',
      dbPoolSize: 20,
    });
    expect(loadConfig({ TRUST_PROXY: '127.0.0.1, 10.0.0.0/8' }).trustProxy).toEqual(['127.0.0.1', '10.0.0.0/8']);
    expect(loadConfig({}).trustProxy).toEqual([]);
  });

  for (const [name, value] of [
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['DEMO', 'maybe'],
    ['DEMO_COUNT', '2000000'],
    ['DB_FILE', '../etc/passwd'],
    ['LOG_LEVEL', 'loud'],
    ['AUDIT_RETENTION_DAYS', '90'],
    ['PASSWORD_MIN_LENGTH', '6'],
    ['LOGIN_MAX_FAILURES', '0'],
    ['SESSION_IDLE_MINUTES', '0'],
    ['RATE_LIMIT_PER_MINUTE', 'lots'],
    ['DATABASE_URL', 'mysql://root@localhost/cw'],
    ['DATABASE_URL', 'postgres://localhost'],
    ['DATABASE_URL', 'not a url'],
    ['DB_POOL_SIZE', '1'],
    ['TRUST_PROXY', 'nginx.local'],
  ]) {
    it(`refuses ${name}=${value}, naming the variable`, () => {
      expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
      expect(() => loadConfig({ [name]: value })).toThrow(name);
    });
  }
});
