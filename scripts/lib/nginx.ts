import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Debian's nginx (apt-get install -y nginx). */
export const NGINX = '/usr/sbin/nginx';

/**
 * nginx with deploy/nginx.conf, its upstream servers and its port replaced, in a prefix of its own
 * (the multi-process tests and the load benchmark).
 */
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
    if (!existsSync(NGINX)) throw new Error(`nginx is needed: apt-get install -y nginx (${NGINX})`);
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
    while (!(await answers(`${this.origin}/api/health`))) {
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

/** Whether `url` answers 200 within a second. */
async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(1000) })).status === 200;
  } catch {
    return false;
  }
}
