import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDemo } from '../../scripts/demo/generate.ts';
import { ChildServer, freePort } from '../../scripts/lib/child-server.ts';
import { Nginx } from '../../scripts/lib/nginx.ts';
import { hashPassword } from '../../server/auth/password.ts';
import { markRecurrences } from '../../server/demo-seed.ts';
import { PgAccountStore } from '../../server/store/pg/account-store.ts';
import { PgStore } from '../../server/store/pg/pg-store.ts';
import { DEMO_NOW, DEMO_SEED, TEST_PASSWORD } from './demo.ts';
import { pgTestDatabase } from './stores.ts';

/** Two server processes on one PostgreSQL database and one data folder, behind nginx. */
export interface Cluster {
  a: ChildServer;
  b: ChildServer;
  nginx: Nginx;
  store: PgStore;
  /** Session cookies (signed in through A: sessions live in the database) of an admin and a wall account. */
  admin: string;
  wall: string;
  close(): Promise<void>;
}

/** A demo town of `count` problems in a new PostgreSQL database, two processes on it and nginx in front. */
export async function startCluster(pgUrl: string, count: number): Promise<Cluster> {
  const db = await pgTestDatabase(pgUrl);
  const dir = mkdtempSync(join(tmpdir(), 'chuangwen-cluster-'));
  const store = await PgStore.open(db.url, { max: 4 });
  await store.load(generateDemo({ seed: DEMO_SEED, count, endMs: DEMO_NOW }));
  await markRecurrences(store);
  const accounts = new PgAccountStore(store.pool);
  const passwordHash = await hashPassword(TEST_PASSWORD);
  await accounts.createUser({ username: 'admin', displayName: '测试管理员', role: 'admin', passwordHash }, DEMO_NOW);
  await accounts.createUser({ username: 'dapin', displayName: '指挥中心大屏', role: 'display', passwordHash }, DEMO_NOW);
  const env = { DATABASE_URL: db.url, DEMO: 'off', TRUST_PROXY: '127.0.0.1', DB_POOL_SIZE: '8' };
  const [pa, pb, pn] = [await freePort(), await freePort(), await freePort()];
  // one data folder, shared (photos, wall.json)
  const a = new ChildServer(join(dir, 'data'), pa, env);
  const b = new ChildServer(join(dir, 'data'), pb, env);
  await a.start();
  await b.start();
  mkdirSync(join(dir, 'data'), { recursive: true, mode: 0o700 });
  const nginx = new Nginx(join(dir, 'nginx'), pn, [pa, pb]);
  await nginx.start();
  const signIn = async (username: string) => {
    const res = await fetch(`${a.base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: TEST_PASSWORD }),
    });
    const cookie = res.headers.get('set-cookie')?.split(';')[0];
    if (res.status !== 200 || !cookie) throw new Error(`sign-in as ${username} failed: ${res.status}`);
    return cookie;
  };
  return {
    a,
    b,
    nginx,
    store,
    admin: await signIn('admin'),
    wall: await signIn('dapin'),
    close: async () => {
      await nginx.stop();
      await Promise.all([a.stop(), b.stop()]);
      await store.close();
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A live stream as a wall reads it: every change message with the time it arrived; it reconnects with Last-Event-ID as EventSource does. */
export class StreamReader {
  readonly changes: { eventId: number; problemId: number; action: string; at: number }[] = [];
  /** Times the stream was down: from its end to the next open answer. */
  readonly gaps: number[] = [];
  #lastId: number | null = null;
  #req: http.ClientRequest | null = null;
  #closed = false;
  #connected!: Promise<void>;

  constructor(
    private readonly origin: string,
    private readonly cookie: string,
  ) {}

  /** Resolves once the stream is open. */
  open(): Promise<void> {
    this.#connected = this.#connect(null);
    return this.#connected;
  }

  #connect(downSince: number | null): Promise<void> {
    return new Promise((resolve) => {
      const retry = () => {
        if (this.#closed) return;
        const since = downSince ?? performance.now();
        setTimeout(() => void this.#connect(since).then(resolve), 200);
      };
      const headers: Record<string, string> = { cookie: this.cookie };
      if (this.#lastId !== null) headers['last-event-id'] = String(this.#lastId);
      const req = http.get(`${this.origin}/api/events`, { headers }, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          return retry();
        }
        if (downSince !== null) this.gaps.push(performance.now() - downSince);
        resolve();
        let buffer = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buffer += chunk;
          for (let i = buffer.indexOf('\n\n'); i >= 0; i = buffer.indexOf('\n\n')) {
            const message = buffer.slice(0, i);
            buffer = buffer.slice(i + 2);
            const id = /^id: (\d+)$/m.exec(message);
            const data = /^data: (.*)$/m.exec(message);
            if (id && data && /^event: change$/m.test(message)) {
              this.#lastId = Number(id[1]);
              const c = JSON.parse(data[1]);
              this.changes.push({ eventId: c.eventId, problemId: c.problemId, action: c.action, at: performance.now() });
            }
          }
        });
        res.on('end', () => {
          if (this.#closed) return;
          this.#connect(performance.now());
        });
        res.on('error', () => {});
      });
      req.on('error', retry);
      this.#req = req;
    });
  }

  close(): void {
    this.#closed = true;
    this.#req?.destroy();
  }
}
