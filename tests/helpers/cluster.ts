import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDemo } from '../../scripts/demo/generate.ts';
import { hashPassword } from '../../server/auth/password.ts';
import { markRecurrences } from '../../server/demo-seed.ts';
import { PgAccountStore } from '../../server/store/pg/account-store.ts';
import { PgStore } from '../../server/store/pg/pg-store.ts';
import { DEMO_NOW, DEMO_SEED, TEST_PASSWORD } from './demo.ts';
import { pgTestDatabase } from './stores.ts';

export const NGINX = '/usr/sbin/nginx';

/** A free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** One server process (`tsx server/main.ts`) on the cluster's database and data folder. */
export class ServerProcess {
  #child: ChildProcess | null = null;
  readonly log: string[] = [];

  constructor(
    readonly name: string,
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {}

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts the process and waits until it answers /api/health. */
  async start(): Promise<number> {
    const t0 = performance.now();
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: { ...process.env, ...this.env, PORT: String(this.port) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#child = child;
    const keep = (d: Buffer) => this.log.push(d.toString());
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${this.name} exited ${child.exitCode}: ${this.log.join('').slice(-2000)}`);
      if (await healthy(this.origin)) return performance.now() - t0;
      if (performance.now() - t0 > 60_000) throw new Error(`${this.name} did not answer in 60 s: ${this.log.join('').slice(-2000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** SIGTERM (a graceful stop: streams ended, the pool closed) and waits for the exit. */
  async stop(): Promise<number> {
    const child = this.#child;
    if (!child || child.exitCode !== null) return 0;
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
    this.#child = null;
    return performance.now() - t0;
  }
}

function healthy(origin: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(`${origin}/api/health`, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.setTimeout(1000, () => req.destroy());
  });
}

/** nginx with deploy/nginx.conf, its upstream servers and its port replaced, in a prefix of its own. */
export class Nginx {
  #child: ChildProcess | null = null;
  constructor(
    private readonly prefix: string,
    readonly port: number,
    private readonly upstreams: number[],
  ) {}

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const site = readFileSync('deploy/nginx.conf', 'utf8')
      .replace(/^\s*server 127\.0\.0\.1:\d+ .*$/gm, '')
      .replace(
        'upstream chuangwen {',
        `upstream chuangwen {\n${this.upstreams.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=2s;`).join('\n')}`,
      )
      .replace('listen 8080;', `listen 127.0.0.1:${this.port};`);
    for (const d of ['logs', 'tmp']) mkdirSync(join(this.prefix, d), { recursive: true });
    writeFileSync(join(this.prefix, 'site.conf'), site);
    writeFileSync(
      join(this.prefix, 'nginx.conf'),
      `daemon off;
pid ${this.prefix}/nginx.pid;
error_log ${this.prefix}/logs/error.log warn;
worker_processes 1;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${this.prefix}/tmp/body;
  proxy_temp_path ${this.prefix}/tmp/proxy;
  fastcgi_temp_path ${this.prefix}/tmp/fastcgi;
  uwsgi_temp_path ${this.prefix}/tmp/uwsgi;
  scgi_temp_path ${this.prefix}/tmp/scgi;
  include ${this.prefix}/site.conf;
}
`,
    );
    const child = spawn(NGINX, ['-p', this.prefix, '-c', join(this.prefix, 'nginx.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    const err: string[] = [];
    child.stderr?.on('data', (d: Buffer) => err.push(d.toString()));
    const t0 = performance.now();
    while (!(await healthy(this.origin))) {
      if (child.exitCode !== null) throw new Error(`nginx exited: ${err.join('')}`);
      if (performance.now() - t0 > 20_000) throw new Error(`nginx did not answer: ${err.join('')}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async stop(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }
}

/** Two server processes on one PostgreSQL database and one data folder, behind nginx. */
export interface Cluster {
  a: ServerProcess;
  b: ServerProcess;
  nginx: Nginx;
  store: PgStore;
  /** Session cookies (signed in through A: sessions live in the database) of an admin and a wall account. */
  admin: string;
  wall: string;
  close(): Promise<void>;
}

/** A demo town of `count` problems in a new PostgreSQL database, two processes on it and nginx in front. */
export async function startCluster(pgUrl: string, count: number): Promise<Cluster> {
  if (!existsSync(NGINX)) throw new Error(`the multi-process tests need nginx: apt-get install -y nginx (${NGINX})`);
  const db = await pgTestDatabase(pgUrl);
  const dir = mkdtempSync(join(tmpdir(), 'chuangwen-cluster-'));
  const store = await PgStore.open(db.url, { max: 4 });
  await store.load(generateDemo({ seed: DEMO_SEED, count, endMs: DEMO_NOW }));
  await markRecurrences(store);
  const accounts = new PgAccountStore(store.pool);
  const passwordHash = await hashPassword(TEST_PASSWORD);
  await accounts.createUser({ username: 'admin', displayName: '测试管理员', role: 'admin', passwordHash }, DEMO_NOW);
  await accounts.createUser({ username: 'dapin', displayName: '指挥中心大屏', role: 'display', passwordHash }, DEMO_NOW);
  const env = {
    DATABASE_URL: db.url,
    DATA_DIR: join(dir, 'data'),
    DEMO: 'off',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '10000000',
    LOGIN_RATE_LIMIT_PER_MINUTE: '10000',
    TRUST_PROXY: '127.0.0.1',
    DB_POOL_SIZE: '8',
  };
  const [pa, pb, pn] = [await freePort(), await freePort(), await freePort()];
  const a = new ServerProcess('A', pa, env);
  const b = new ServerProcess('B', pb, env);
  await a.start();
  await b.start();
  const nginx = new Nginx(join(dir, 'nginx'), pn, [pa, pb]);
  await nginx.start();
  const signIn = async (username: string) => {
    const res = await fetch(`${a.origin}/api/auth/login`, {
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
