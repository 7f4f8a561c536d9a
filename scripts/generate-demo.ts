import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { markRecurrences } from '../server/demo-seed.ts';
import { SqliteStore } from '../server/store/sqlite-store.ts';
import { generateDemoInWorker } from './demo/generate.ts';

const HELP = `Writes the demo town 盐东镇 with a year of problems into a new SQLite database.

  npm run generate -- [--count N] [--seed S] [--end ISO] --db PATH

  --count  problems to generate, 0–1000000 (default 5000)
  --seed   generator seed, a whole number (default 20260101)
  --end    the instant the simulated year ends, ISO 8601 (default now)
  --db     database file to create; must not exist yet
`;

function fail(message: string): never {
  console.error(`generate-demo: ${message}\n\n${HELP}`);
  process.exit(2);
}

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '5000' },
    seed: { type: 'string', default: '20260101' },
    end: { type: 'string' },
    db: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
if (!/^\d+$/.test(values.count) || Number(values.count) > 1_000_000) fail('--count must be a whole number from 0 to 1000000');
if (!/^\d+$/.test(values.seed) || Number(values.seed) >= 2 ** 32) fail('--seed must be a whole number below 2^32');
const endMs = values.end === undefined ? Date.now() : Date.parse(values.end);
if (Number.isNaN(endMs)) fail('--end must be an ISO 8601 date or instant');
if (!values.db) fail('--db is required');
const path = resolve(values.db);
if (existsSync(path)) fail(`${path} already exists; choose a new file`);
mkdirSync(dirname(path), { recursive: true });

const started = performance.now();
const store = new SqliteStore(path);
const result = await store.load(generateDemoInWorker({ seed: Number(values.seed), count: Number(values.count), endMs }));
const recurrences = await markRecurrences(store);
await store.close();
const seconds = (performance.now() - started) / 1000;
console.log(`wrote ${result.problems} problems (${recurrences} recurrences) and ${result.events} events to ${path} in ${seconds.toFixed(1)} s`);
