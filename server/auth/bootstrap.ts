import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { AccountStore, NewUser } from '../store/account-store.ts';
import { hashPassword, randomPassword } from './password.ts';

export const INITIAL_PASSWORDS_FILE = 'initial-passwords.txt';

/**
 * What the demo grid manager and demo unit look after: the grids of the busiest community (by
 * problems) and the unit with the most problems, so that trying either account shows real work.
 */
export function demoAssignments(app: FastifyInstance): { demoGridIds: string[]; demoUnitId: string | null } {
  const t = app.problemTable;
  const byCommunity = new Uint32Array(t.dictionaries.communityIds.length);
  const byUnit = new Uint32Array(t.dictionaries.unitIds.length);
  for (let i = 0; i < t.size; i++) {
    byCommunity[t.community[i]]++;
    if (t.unit[i] < byUnit.length) byUnit[t.unit[i]]++;
  }
  const top = (counts: Uint32Array) => counts.indexOf(Math.max(...counts));
  const communityId = t.dictionaries.communityIds[top(byCommunity)];
  const demoGridIds = app.townData.grids.filter((g) => g.communityId === communityId).map((g) => g.id);
  const demoUnitId = t.size > 0 ? t.dictionaries.unitIds[top(byUnit)] : null;
  return { demoGridIds, demoUnitId: demoUnitId ?? null };
}

export interface FirstAccountsOptions {
  dataDir: string;
  /** The demo town is loaded: also make one account per role to try the product with. */
  demo: boolean;
  now: number;
  /** Demo grid manager's grids and demo unit (ids that exist in the loaded town). */
  demoGridIds?: string[];
  demoUnitId?: string | null;
}

/**
 * On the first start (no account yet) creates `admin` with a random password — there is no
 * default password anywhere — and, with the demo, one account per role. Writes every
 * `username: password` line, admin first, to initial-passwords.txt in the data directory, readable
 * by the owner only. Returns the accounts made, or null when accounts already existed.
 */
export async function createFirstAccounts(
  accounts: AccountStore,
  o: FirstAccountsOptions,
): Promise<{ username: string; password: string; file: string }[] | null> {
  if ((await accounts.countUsers()) > 0) return null;
  const wanted: Omit<NewUser, 'passwordHash'>[] = [{ username: 'admin', displayName: '创文办管理员', role: 'admin' }];
  if (o.demo) {
    wanted.push(
      { username: 'leader', displayName: '镇领导（演示）', role: 'leader' },
      { username: 'wangge', displayName: '网格员（演示）', role: 'grid_manager', gridIds: o.demoGridIds ?? [] },
      { username: 'danwei', displayName: '责任单位（演示）', role: 'unit', unitId: o.demoUnitId ?? null },
      { username: 'dapin', displayName: '指挥大屏（演示）', role: 'display' },
    );
  }
  const made: { username: string; password: string }[] = [];
  for (const w of wanted) {
    const password = randomPassword();
    await accounts.createUser({ ...w, passwordHash: await hashPassword(password) }, o.now);
    made.push({ username: w.username, password });
  }
  const file = join(o.dataDir, INITIAL_PASSWORDS_FILE);
  writeFileSync(file, `${made.map((m) => `${m.username}: ${m.password}`).join('\n')}\n`, { mode: 0o600 });
  chmodSync(file, 0o600); // in case the file existed with wider rights
  return made.map((m) => ({ ...m, file }));
}
