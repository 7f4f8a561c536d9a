import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { purgeExpiredAudit, scheduleAuditPurge } from '../../server/auth/audit-retention.ts';
import { SqliteAccountStore } from '../../server/store/sqlite-account-store.ts';
import { DEMO_NOW, tempStore } from '../helpers/demo.ts';

const DAY = 86_400_000;
let t: ReturnType<typeof tempStore>;
let accounts: SqliteAccountStore;
beforeEach(async () => {
  t = tempStore();
  accounts = new SqliteAccountStore(t.store.db);
  for (const age of [400, 366, 364, 181, 179, 1]) {
    await accounts.appendAudit({ at: DEMO_NOW - age * DAY, userId: null, username: null, address: 'x', action: 'login', detail: { age } });
  }
});
afterEach(async () => t.cleanup());

const ages = async () => (await accounts.audit({ limit: 100 })).map((r) => r.detail.age);

describe('audit retention', () => {
  it('keeps a year by default and purges what is older', async () => {
    expect(await purgeExpiredAudit(accounts, DEMO_NOW, 365)).toBe(2);
    expect(await ages()).toEqual([1, 179, 181, 364]);
    expect(await purgeExpiredAudit(accounts, DEMO_NOW, 180)).toBe(2);
    expect(await ages()).toEqual([1, 179]);
  });

  it('purges at once when scheduled, and reports it', async () => {
    const purged = await new Promise<number>((resolve, reject) => {
      const stop = scheduleAuditPurge(accounts, 365, { purged: resolve, failed: reject }, () => DEMO_NOW);
      stop();
    });
    expect(purged).toBe(2);
  });
});
