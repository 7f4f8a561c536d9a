import type { AccountStore } from '../store/account-store.ts';

const DAY = 86_400_000;

/** Deletes audit rows older than `days` days before `now`; returns how many went. */
export async function purgeExpiredAudit(accounts: AccountStore, now: number, days: number): Promise<number> {
  return accounts.purgeAudit(now - days * DAY);
}

/** Purges once now and then daily; the timer does not keep the process alive. Returns a stop function. */
export function scheduleAuditPurge(
  accounts: AccountStore,
  days: number,
  report: { purged: (n: number) => void; failed: (e: unknown) => void },
  now: () => number = Date.now,
): () => void {
  const run = () => {
    purgeExpiredAudit(accounts, now(), days).then(report.purged, report.failed);
  };
  run();
  const timer = setInterval(run, DAY);
  timer.unref();
  return () => clearInterval(timer);
}
