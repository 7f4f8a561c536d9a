import { existsSync, mkdirSync } from 'node:fs';
import http from 'node:http';
import { basename, dirname } from 'node:path';
import { SESSION_COOKIE } from '../../server/auth/access.ts';
import { hashPassword, randomPassword } from '../../server/auth/password.ts';
import { markRecurrences } from '../../server/demo-seed.ts';
import { SqliteAccountStore } from '../../server/store/sqlite-account-store.ts';
import { SqliteStore } from '../../server/store/sqlite-store.ts';
import { generateDemoInWorker } from '../demo/generate.ts';
import { ChildServer, freePort } from '../lib/child-server.ts';

/** Shared by the benchmark scripts: demo databases, a server in its own process, a bare HTTP client. */

export const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Writes the demo with `count` problems into `path` unless it exists; says how long it took. */
export async function demoDatabase(path: string, count: number): Promise<void> {
  if (existsSync(path)) {
    console.log(`database: ${path} (reused)`);
    return;
  }
  mkdirSync(dirname(path), { recursive: true });
  const t = performance.now();
  const store = new SqliteStore(path);
  const r = await store.load(generateDemoInWorker({ seed: 20260101, count, endMs: Date.now() }));
  const marked = performance.now();
  const recurrences = await markRecurrences(store);
  console.log(`recurrences: ${recurrences} found in ${seconds(performance.now() - marked)}`);
  await store.close();
  console.log(`generator: ${r.problems} problems + ${r.events} events written in ${seconds(performance.now() - t)}`);
}

export interface BenchServer {
  base: string;
  /** The session cookie of the benchmark's own account (`name=value`). */
  cookie: string;
  /** ms from spawn to the first healthy answer. */
  startupMs: number;
  stop(): Promise<void>;
}

/** The API server on the database at `path`, in its own process as in production, so the client's work does not count. */
export async function startServer(path: string, role: 'leader' | 'admin' = 'leader'): Promise<BenchServer> {
  // The benchmark signs in as its own account (a leader's, or an admin's for imports), made (or reset) in the database beforehand.
  const username = role === 'leader' ? 'bench' : 'bench_admin';
  const password = randomPassword();
  const store = new SqliteStore(path);
  const accounts = new SqliteAccountStore(store.db);
  const existing = await accounts.userByName(username);
  if (existing) await accounts.setPassword(existing.id, await hashPassword(password), Date.now());
  else await accounts.createUser({ username, displayName: '基准测试', role, passwordHash: await hashPassword(password) }, Date.now());
  await store.close();

  const server = new ChildServer(dirname(path), await freePort(), { DB_FILE: basename(path), DEMO: 'off', LOG_LEVEL: 'warn' });
  const startupMs = await server.start();
  const login = await fetch(`${server.base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const cookie = login.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
  if (!login.ok || !cookie) throw new Error(`the benchmark could not sign in: HTTP ${login.status}`);
  return {
    base: server.base,
    cookie: cookie.split(';')[0],
    startupMs,
    async stop() {
      await server.stop('SIGTERM');
      // What the server warned of while measured (collected, not interleaved with the figures).
      if (server.errors) console.error(`server stderr:\n${server.errors}`);
    },
  };
}

export interface Answer {
  status: number;
  bytes: number;
  /** The body, when asked for. */
  body?: Buffer;
}

/** A bare keep-alive GET, signed in with `cookie`: node:http costs the measurement less than fetch does. */
export function client(base: string, cookie: string): (url: string, keepBody?: boolean) => Promise<Answer> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  return (url, keepBody = false) =>
    new Promise((resolveGet, reject) => {
      http
        .get(base + url, { agent, headers: { cookie } }, (res) => {
          let bytes = 0;
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
            if (keepBody) chunks.push(chunk);
          });
          res.on('end', () => resolveGet({ status: res.statusCode ?? 0, bytes, body: keepBody ? Buffer.concat(chunks) : undefined }));
        })
        .on('error', reject);
    });
}
