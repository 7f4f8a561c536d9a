import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildApp } from '../server/app.ts';
import { hashPassword } from '../server/auth/password.ts';
import { SqliteAccountStore } from '../server/store/sqlite-account-store.ts';
import { SqliteStore } from '../server/store/sqlite-store.ts';
import { generateDemo } from './demo/generate.ts';

/**
 * Benchmark, not a test: prints figures. Do the answers to a sign-in tell a name that exists from
 * one that does not, or a locked one, by their time? Times --tries sign-ins (default 20) of each
 * kind against the app in this process, each from its own address (so that no slow-down applies):
 * a wrong password for a real name, any password for a made-up name, the right password for a name
 * locked everywhere, and for a name refused at this address.
 *   npm run bench:sign-in -- [--tries N]
 */
const { values } = parseArgs({ options: { tries: { type: 'string', default: '20' } } });
const tries = Number(values.tries);
if (!Number.isInteger(tries) || tries < 5 || tries > 1000) throw new Error('--tries must be 5–1000');

const dir = mkdtempSync(join(tmpdir(), 'chuangwen-bench-sign-in-'));
const store = new SqliteStore(join(dir, 'bench.db'));
await store.load(generateDemo({ seed: 1, count: 100, endMs: Date.now() }));
const accounts = new SqliteAccountStore(store.db);
const app = await buildApp({ store, accounts, photoDir: join(dir, 'photos'), rateLimits: { perMinute: 1e7, loginPerMinute: 1e7 } });
const PASSWORD = 'Bench#2026pass';
const passwordHash = await hashPassword(PASSWORD);
for (const username of ['known', 'locked', 'refused']) await accounts.createUser({ username, displayName: username, role: 'leader', passwordHash }, Date.now());

let addresses = 0;
const from = () => `10.${(++addresses >> 16) & 255}.${(addresses >> 8) & 255}.${addresses & 255}`;
const login = (username: string, password: string, remoteAddress = from()) =>
  app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress });

// `locked`: fifty failures from ten addresses lock it everywhere; `refused`: five from one address refuse it there.
for (let a = 0; a < 10; a++) {
  const address = from();
  for (let i = 0; i < 5; i++) await login('locked', 'wrong', address);
}
const refusedAt = from();
for (let i = 0; i < 5; i++) await login('refused', 'wrong', refusedAt);

async function time(label: string, attempt: (i: number) => ReturnType<typeof login>) {
  const ms: number[] = [];
  const statuses = new Set<number>();
  for (let i = 0; i < tries; i++) {
    const start = performance.now();
    const res = await attempt(i);
    ms.push(performance.now() - start);
    statuses.add(res.statusCode);
  }
  ms.sort((a, b) => a - b);
  const median = ms[Math.floor(ms.length / 2)];
  console.log(
    `${label.padEnd(34)} ${[...statuses].join('/')}  median ${median.toFixed(1).padStart(6)} ms  p90 ${ms[Math.floor(ms.length * 0.9)].toFixed(1).padStart(6)} ms  min ${ms[0].toFixed(1).padStart(6)} ms`,
  );
  return median;
}

console.log(`machine: ${process.platform} ${process.arch}, node ${process.version}, ${cpus().length} cores; ${tries} sign-ins of each kind`);
await login('warm-up', 'x');
const medians = [
  await time('known name, wrong password', () => login('known', 'wrong')),
  await time('unknown name', (i) => login(`nobody${i}`, 'wrong')),
  await time('locked everywhere, right password', () => login('locked', PASSWORD)),
  await time('refused at this address, right pw', () => login('refused', PASSWORD, refusedAt)),
];
const spread = Math.max(...medians) / Math.min(...medians);
console.log(`largest ratio between the medians: ${spread.toFixed(2)} (1.00 = the same time)`);
await app.close();
await store.close();
rmSync(dir, { recursive: true, force: true });
