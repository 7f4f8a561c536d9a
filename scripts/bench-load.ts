/**
 * npm run bench:load: a morning's load (grid managers opening lists and the map, offices reading
 * statistics, problems moving and new ones reported) from 200 connections for 60 s, against
 *   1. one server process on SQLite,
 *   2. one process on PostgreSQL,
 *   3. two processes on PostgreSQL behind nginx (deploy/nginx.conf).
 * Each target is a fresh demo town (DEMO_COUNT problems). Prints p50/p95/p99 latency, requests a
 * second, and errors (failed connections, timeouts, answers other than 2xx) per target.
 *
 * Options: --seconds N (60), --connections N (200), --problems N (5000), --only sqlite|pg|cluster.
 * PostgreSQL: PG_TEST_URL (as the tests) names a server where it may create databases.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { type Action, allowedActions, type Status } from '../server/domain/lifecycle.ts';
import { ChildServer, freePort } from './lib/child-server.ts';
import { Nginx } from './lib/nginx.ts';
import { scratchDatabase } from './lib/pg-scratch.ts';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    connections: { type: 'string', default: '200' },
    problems: { type: 'string', default: '5000' },
    only: { type: 'string' },
  },
});
const SECONDS = Number(args.seconds);
const CONNECTIONS = Number(args.connections);
/** Demo data, and limits a benchmark from one address would meet at once. */
const ENV = { DEMO_COUNT: args.problems, RATE_LIMIT_PER_MINUTE: '10000000', LOGIN_RATE_LIMIT_PER_MINUTE: '100000' };

interface Owned {
  id: number;
  status: Status;
  version: number;
}

/** The admin's next step for a problem in `status` that needs no photo, with its body. */
function nextStep(status: Status, unitId: string): { action: Action; body: Record<string, unknown> } | null {
  const action = allowedActions(status).find((a) => a !== 'submit' && a !== 'self_fix');
  if (!action) return null;
  return { action, body: { action, note: `早高峰 ${action}`, ...(action === 'assign' ? { unitId } : {}) } };
}

/** The first answer other than 2xx, to say what went wrong. */
let firstFailure: string | null = null;

interface Run {
  result: autocannon.Result;
  /** Every answer's time (ms), for exact percentiles (autocannon reports p90 and p97.5, not p95). */
  times: number[];
}

/** Runs the morning mix against `base` (signed in with `cookie`). */
async function morning(base: string, cookie: string): Promise<Run> {
  const headers = { cookie };
  const problems = (await (await fetch(`${base}/api/problems?limit=10000`, { headers })).json()) as {
    features: { geometry: { coordinates: [number, number] }; properties: Owned & { category: string } }[];
  };
  const { units } = (await (await fetch(`${base}/api/units`, { headers })).json()) as { units: { id: string }[] };
  const pool = problems.features.map((f) => ({ ...f.properties, lon: f.geometry.coordinates[0], lat: f.geometry.coordinates[1] }));
  const movable = pool.filter((p) => nextStep(p.status, units[0].id) !== null);
  let next = 0;
  let reports = 0;
  /** Each movable problem as the last answer about it left it (a problem comes round again once `next` wraps). */
  const current = new Map(movable.map((p) => [p.id, { id: p.id, status: p.status, version: p.version }]));
  /**
   * The problem a connection moves in this pass of the mix: its own for the pass (autocannon starts
   * each pass with a fresh context), so its If-Match is the version its last answer gave.
   */
  const own = (context: object): Owned => {
    const c = context as { problem?: Owned };
    c.problem ??= current.get(movable[next++ % movable.length].id) as Owned;
    return c.problem;
  };
  const write = { ...headers, origin: base, 'content-type': 'application/json' };
  const times: number[] = [];
  const options: autocannon.Options = {
    url: base,
    connections: CONNECTIONS,
    duration: SECONDS,
    timeout: 30,
    requests: [
      { method: 'GET', path: '/api/problems?status=open&limit=50', headers },
      { method: 'GET', path: '/api/problems/points', headers },
      { method: 'GET', path: '/api/stats/summary', headers },
      {
        method: 'POST',
        path: '/api/problems',
        headers: write,
        setupRequest: (req) => {
          const p = pool[reports++ % pool.length];
          return {
            ...req,
            headers: { ...write, 'idempotency-key': `bench-${process.pid}-${reports}` },
            body: JSON.stringify({ lon: p.lon, lat: p.lat, category: p.category, source: 'grid_patrol', description: '早高峰巡查上报' }),
          };
        },
        onResponse: (status, body) => {
          if (status !== 201) firstFailure ??= `report: ${status} ${body.slice(0, 200)}`;
        },
      },
      { method: 'GET', path: '/api/problems?limit=50', headers },
      { method: 'GET', path: '/api/stats/grids', headers },
      {
        method: 'POST',
        path: '/api/problems/0/transitions',
        headers: write,
        setupRequest: (req, context) => {
          const p = own(context);
          const step = nextStep(p.status, units[0].id) ?? { body: { action: 'reopen', note: '早高峰 复查' } };
          return { ...req, path: `/api/problems/${p.id}/transitions`, headers: { ...write, 'if-match': `"${p.version}"` }, body: JSON.stringify(step.body) };
        },
        onResponse: (status, body, context) => {
          if (status !== 200) {
            firstFailure ??= `transition: ${status} ${body.slice(0, 200)}`;
            return;
          }
          const p = own(context);
          const after = JSON.parse(body) as { properties: { status: Status; version: number } };
          p.status = after.properties.status;
          p.version = after.properties.version;
        },
      },
      { method: 'GET', path: '/api/stats/communities', headers },
      { method: 'GET', path: '/api/tasks', headers },
      { method: 'GET', path: '/api/stats/trend', headers },
    ],
  };
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(options, (err, r) => (err ? reject(err) : resolve(r)));
    instance.on('response', (_client, _status, _bytes, ms) => times.push(ms));
    instance.on('reqError', (e) => {
      firstFailure ??= String(e);
    });
  });
  return { result, times };
}

function report(name: string, { result: r, times }: Run): string {
  const sorted = times.sort((a, b) => a - b);
  const q = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]?.toFixed(0) ?? '—';
  const errors = r.errors + r.timeouts + r.non2xx;
  return (
    `${name.padEnd(34)} p50 ${q(50).padStart(5)} ms  p95 ${q(95).padStart(5)} ms  p99 ${q(99).padStart(5)} ms  ` +
    `${Math.round(r.requests.average).toString().padStart(5)} req/s  ${r.requests.total} requests  errors ${errors}` +
    (errors > 0 ? ` (${r.errors} failed, ${r.timeouts} timeouts, ${r.non2xx} non-2xx: ${JSON.stringify(r.statusCodeStats)}; ${firstFailure ?? ''})` : '')
  );
}

async function sqliteTarget(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'cw-load-'));
  const s = new ChildServer(dir, await freePort(), ENV);
  try {
    console.log(`SQLite: first start (demo of ${args.problems}) ${Math.round((await s.start()) / 1000)} s`);
    return report('1 process, SQLite', await morning(s.base, await s.signIn()));
  } finally {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function pgTarget(processes: 1 | 2): Promise<string> {
  const database = scratchDatabase(`cw_load_${process.pid}_${processes}`);
  await database.create();
  const dir = mkdtempSync(join(tmpdir(), 'cw-load-'));
  const env = { ...ENV, DATABASE_URL: database.url, TRUST_PROXY: '127.0.0.1', DB_POOL_SIZE: '20' };
  const servers = [new ChildServer(dir, await freePort(), env)];
  if (processes === 2) servers.push(new ChildServer(dir, await freePort(), env));
  let nginx: Nginx | null = null;
  try {
    for (const s of servers) console.log(`PostgreSQL: process on :${s.port} answered after ${Math.round((await s.start()) / 1000)} s`);
    let base = servers[0].base;
    if (processes === 2) {
      nginx = new Nginx(
        join(dir, 'nginx'),
        await freePort(),
        servers.map((s) => s.port),
      );
      await nginx.start();
      base = nginx.origin;
    }
    const cookie = await servers[0].signIn();
    return report(processes === 1 ? '1 process, PostgreSQL' : '2 processes, PostgreSQL, nginx', await morning(base, cookie));
  } finally {
    await nginx?.stop();
    for (const s of servers) await s.stop();
    rmSync(dir, { recursive: true, force: true });
    await database.drop();
  }
}

const lines: string[] = [];
console.log(
  `load: ${CONNECTIONS} connections, ${SECONDS} s each; a morning's mix per connection, in turn: list, map points, summary, a report, list, grid stats, a transition, village stats, tasks, trend`,
);
if (!args.only || args.only === 'sqlite') lines.push(await sqliteTarget());
if (!args.only || args.only === 'pg') lines.push(await pgTarget(1));
if (!args.only || args.only === 'cluster') lines.push(await pgTarget(2));
console.log(`\n${lines.join('\n')}`);
process.exit(0);
