import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { SESSION_COOKIE } from '../../server/auth/access.ts';

/**
 * The real server (server/main.ts) in a child process on its own data directory, as in production:
 * used by the scripts that stop, kill or watch it (crash test, wall soak). A first start on an
 * empty directory generates the demo and writes initial-passwords.txt there.
 */
export class ChildServer {
  readonly base: string;
  process: ChildProcess | null = null;
  /** What the server wrote to stderr since its last start. */
  errors = '';

  constructor(
    readonly dataDir: string,
    readonly port: number,
    private readonly env: Record<string, string> = {},
  ) {
    this.base = `http://127.0.0.1:${port}`;
  }

  /** Starts the server and waits until /api/health answers; returns the milliseconds that took. */
  async start(): Promise<number> {
    const started = performance.now();
    this.errors = '';
    // node itself (not the tsx wrapper), so that a signal hits the process that holds the database.
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: {
        ...process.env,
        PORT: String(this.port),
        HOST: '127.0.0.1',
        DATA_DIR: this.dataDir,
        LOG_LEVEL: 'error',
        RATE_LIMIT_PER_MINUTE: '10000000',
        LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
        ...this.env,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    this.process = child;
    child.stderr?.on('data', (d) => {
      this.errors += d;
    });
    for (;;) {
      if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode} while starting:\n${this.errors}`);
      try {
        const res = await fetch(`${this.base}/api/health`);
        if (res.ok) return performance.now() - started;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Sends `signal` (SIGKILL: a crash; SIGTERM: a shutdown) and waits for the process to exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  }

  /** Signs in as `username` with the password from initial-passwords.txt; returns the cookie (`name=value`). */
  async signIn(username = 'admin'): Promise<string> {
    const line = readFileSync(join(this.dataDir, 'initial-passwords.txt'), 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${username}:`));
    if (!line) throw new Error(`no password for ${username} in initial-passwords.txt`);
    const res = await fetch(`${this.base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: this.base },
      body: JSON.stringify({ username, password: line.slice(username.length + 1).trim() }),
    });
    if (!res.ok) throw new Error(`sign-in as ${username} failed: ${res.status} ${await res.text()}`);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith(`${SESSION_COOKIE}=`));
    if (!cookie) throw new Error('no session cookie');
    return cookie.split(';')[0];
  }
}

/** A TCP port nobody listens on right now. */
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
