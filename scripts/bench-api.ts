import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Random } from '../server/domain/random.ts';
import { client, demoDatabase, seconds, startServer } from './bench/server.ts';

/**
 * Benchmark, not a test: prints figures. Generates the demo with --count problems (default 1M)
 * into a temporary database (or takes --db), starts the API server in its own process on
 * loopback and times requests one after another from this process.
 *   npm run bench:api -- [--count N] [--requests N] [--db existing.db]
 */
const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '1000000' },
    requests: { type: 'string', default: '200' },
    db: { type: 'string' },
  },
});
const count = Number(values.count);
const requests = Number(values.requests);
if (!Number.isInteger(count) || count < 0 || count > 1_000_000) throw new Error('--count must be 0–1000000');
if (!Number.isInteger(requests) || requests < 10) throw new Error('--requests must be at least 10');

const dir = mkdtempSync(join(tmpdir(), 'chuangwen-bench-'));
const path = values.db ? resolve(values.db) : join(dir, 'bench.db');
console.log(`machine: ${process.platform} ${process.arch}, node ${process.version}, ${cpus().length} cores`);
if (!values.db) await demoDatabase(path, count);

const server = await startServer(path);
const { base, cookie } = server;
const meta = await (await fetch(`${base}/api/meta`, { headers: { cookie } })).json();
console.log(`startup: server answering with ${meta.counts.problems} problems after ${seconds(server.startupMs)}`);
const communities = await (await fetch(`${base}/api/communities`, { headers: { cookie } })).json();

const town: number[] = meta.bbox;
const w = (town[2] - town[0]) / 10;
const h = (town[3] - town[1]) / 10;
const rng = new Random(1);
/** Boxes of 1% of the town's box: 1/10 of its width by 1/10 of its height. */
const randomBox = () => {
  const x = town[0] + rng.next() * (town[2] - town[0] - w);
  const y = town[1] + rng.next() * (town[3] - town[1] - h);
  return [x, y, x + w, y + h].map((v) => v.toFixed(5)).join(',');
};
const [cx, cy]: number[] = communities.features.find((f: { id: string }) => f.id === 'lizao')?.properties.center ?? meta.center;
const lizaoBox = [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2].map((v) => v.toFixed(5)).join(',');

const get = client(base, cookie);

async function time(label: string, urls: () => string): Promise<void> {
  for (let i = 0; i < 5; i++) await get(urls()); // warm-up
  const ms: number[] = [];
  let bytes = 0;
  let status = 0;
  for (let i = 0; i < requests; i++) {
    const s = performance.now();
    const res = await get(urls());
    ms.push(performance.now() - s);
    bytes += res.bytes;
    status = Math.max(status, res.status);
  }
  ms.sort((a, b) => a - b);
  const q = (p: number) => ms[Math.min(ms.length - 1, Math.ceil(p * ms.length) - 1)].toFixed(1);
  console.log(
    `${label.padEnd(58)} p50 ${q(0.5).padStart(6)} ms  p95 ${q(0.95).padStart(6)} ms  max ${q(1).padStart(6)} ms  ${Math.round(bytes / requests)} B  (max status ${status})`,
  );
}

console.log(`\n${requests} requests each over HTTP on loopback, one at a time (keep-alive):`);
await time('GET /api/stats/summary', () => '/api/stats/summary');
await time(
  'GET /api/stats/summary?category=…&from=…&community=…',
  () => '/api/stats/summary?category=shop_spillover,street_vendor&from=2026-06-01&community=lizao',
);
await time('GET /api/stats/summary?overdue=true', () => '/api/stats/summary?overdue=true');
await time('GET /api/problems?bbox=<1% of town, random place>', () => `/api/problems?bbox=${randomBox()}`);
await time('GET /api/problems?bbox=<1% of town over 李灶, densest>', () => `/api/problems?bbox=${lizaoBox}`);
await time('GET /api/stats/communities', () => '/api/stats/communities');
await time('GET /api/stats/grids', () => '/api/stats/grids');
await time('GET /api/stats/trend?interval=week', () => '/api/stats/trend?interval=week');

await server.stop();
rmSync(dir, { recursive: true, force: true });
