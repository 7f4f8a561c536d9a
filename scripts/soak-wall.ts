/**
 * Wall soak (npm run soak:wall): does the wall display stay flat and correct over a long unattended
 * run? A benchmark that prints figures, not a test; it is not part of npm test.
 *
 * Builds the client, starts the real server in a child process on a fresh data directory (its
 * first start generates the demo), issues a display token as the admin and opens the wall with it
 * in headless Chromium at 1920×1080 with a fast tour. Meanwhile a stream of changes goes through the
 * API: new reports and lifecycle actions, one every --every seconds. Every --sample minutes (and at
 * minute 5) it pauses the stream, lets the wall catch up, forces a garbage collection in the page and
 * prints the JS heap, the DOM counters, the wall's scene and whether its KPIs equal
 * /api/stats/summary. At the end: the heap growth from minute 5 to the end (the bar is < 20 MB), and
 * exit 1 when that, a KPI check, a reload of the page or a console error says something is wrong.
 *
 *   npm run soak:wall -- [--minutes 30] [--tour 5] [--every 5] [--sample 2.5] [--problems 5000] [--size 1920x1080]
 */
import { execSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { allowedActions, type Status } from '../server/domain/lifecycle.ts';
import { CHROMIUM, CHROMIUM_ARGS } from '../tests/e2e/browser.ts';
import { ChildServer, freePort } from './lib/child-server.ts';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    tour: { type: 'string', default: '5' },
    every: { type: 'string', default: '5' },
    sample: { type: 'string', default: '2.5' },
    problems: { type: 'string', default: '5000' },
    size: { type: 'string', default: '1920x1080' },
    out: { type: 'string', default: 'var/soak' },
  },
});
const MINUTES = Number(args.minutes);
const TOUR_S = Number(args.tour);
const EVERY_S = Number(args.every);
const SAMPLE_MIN = Number(args.sample);
const [WIDTH, HEIGHT] = args.size.split('x').map(Number);
for (const [name, v, min] of [
  ['--minutes', MINUTES, 1],
  ['--tour', TOUR_S, 1],
  ['--every', EVERY_S, 0.2],
  ['--sample', SAMPLE_MIN, 0.25],
  ['--problems', Number(args.problems), 100],
] as const) {
  if (!Number.isFinite(v) || v < min) throw new Error(`${name} must be a number ≥ ${min}`);
}
if (!(WIDTH >= 320 && HEIGHT >= 240)) throw new Error('--size must be WIDTHxHEIGHT, e.g. 1920x1080');

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

console.log(`wall soak: ${MINUTES} min at ${WIDTH}×${HEIGHT}, tour every ${TOUR_S} s, a change every ${EVERY_S} s, a sample every ${SAMPLE_MIN} min`);
console.log(`machine: ${process.platform} ${process.arch}, node ${process.version}, ${cpus().length} cores; software WebGL (SwiftShader)`);
execSync('npx vite build --logLevel warn', { stdio: 'inherit' });

const dataDir = mkdtempSync(join(tmpdir(), 'cw-soak-'));
const server = new ChildServer(dataDir, await freePort(), { DEMO_COUNT: args.problems });
const startMs = await server.start();
console.log(`server: first start with a ${args.problems}-problem demo in ${(startMs / 1000).toFixed(1)} s (${dataDir})`);
const admin = await server.signIn('admin');
const api = async <T>(path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> => {
  const res = await fetch(server.base + path, {
    ...init,
    headers: { cookie: admin, origin: server.base, 'content-type': 'application/json', ...init.headers },
  });
  return { status: res.status, body: (await res.json()) as T };
};
const issued = await api<{ url: string }>('/api/display-tokens', { method: 'POST', body: JSON.stringify({ name: '压力测试大屏' }) });
if (issued.status !== 201) throw new Error(`display token: HTTP ${issued.status}`);
const { units } = (await api<{ units: { id: string }[] }>('/api/units')).body;

// --- the stream of changes: new reports and lifecycle actions, as a busy campaign office makes them
interface Row {
  id: number;
  status: Status;
  version: number;
  lon: number;
  lat: number;
  category: string;
}
const rows: Row[] = [];
{
  let cursor: string | null = null;
  do {
    const list: { nextCursor: string | null; features: { geometry: { coordinates: [number, number] }; properties: Row }[] } = (
      await api<typeof list>(`/api/problems?limit=10000${cursor ? `&cursor=${cursor}` : ''}`)
    ).body;
    for (const f of list.features) rows.push({ ...f.properties, lon: f.geometry.coordinates[0], lat: f.geometry.coordinates[1] });
    cursor = list.nextCursor;
  } while (cursor);
}
const tally = { reported: 0, transitions: 0, refused: 0, failed: 0 };
/** What the failed changes were answered, to say so at the end. */
const failures: string[] = [];
const failed = (what: string, status: number, body: unknown) => {
  tally.failed++;
  failures.push(`${what}: HTTP ${status} ${JSON.stringify(body).slice(0, 160)}`);
};
let seed = 20261128;
const rand = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];

async function oneChange(): Promise<void> {
  if (rand() < 0.4) {
    // A new report a metre or two from an existing problem (the hotspots keep being hotspots; a
    // wider jitter could step out of the town at its edge).
    const near = pick(rows);
    const r = await api<{ problem: Row }>('/api/problems', {
      method: 'POST',
      body: JSON.stringify({
        lon: near.lon + (rand() - 0.5) * 0.00002,
        lat: near.lat + (rand() - 0.5) * 0.00002,
        category: near.category,
        description: '压力测试：巡查发现',
        source: 'inspection',
      }),
    });
    if (r.status === 201) {
      tally.reported++;
      rows.push({ ...r.body.problem, category: near.category, lon: near.lon, lat: near.lat });
    } else failed('report', r.status, r.body);
    return;
  }
  const row = pick(rows);
  const choices = allowedActions(row.status).filter((a) => a !== 'submit');
  if (choices.length === 0) return;
  const action = pick(choices);
  const body: Record<string, unknown> = { action, note: action === 'reject' ? '压力测试：整改不到位' : `压力测试 ${action}` };
  if (action === 'assign') body.unitId = pick(units).id;
  const r = await api<{ properties: Row }>(`/api/problems/${row.id}/transitions`, {
    method: 'POST',
    headers: { 'if-match': `"${row.version}"` },
    body: JSON.stringify(body),
  });
  if (r.status === 200) {
    tally.transitions++;
    row.status = r.body.properties.status;
    row.version = r.body.properties.version;
  } else if (r.status === 409 || r.status === 412) tally.refused++;
  else failed(`${action} of ${row.id}`, r.status, r.body);
}

// --- the wall, as a display screen opens it
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
const context = await browser.newContext({ viewport: { width: WIDTH, height: HEIGHT }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
context.setDefaultTimeout(120_000);
const page = await context.newPage();
const consoleErrors: string[] = [];
page.on('console', (m) => {
  if (m.type() === 'error') consoleErrors.push(m.text());
});
page.on('pageerror', (e) => consoleErrors.push(String(e)));
let navigations = 0;
page.on('framenavigated', (f) => {
  if (f === page.mainFrame()) navigations++;
});
await page.goto(`${server.base}${issued.body.url}&tour=${TOUR_S}`);
await page.locator('.wall:not([data-updated="0"])').waitFor();
await page.locator('.wall[data-live="on"]').waitFor();
const cdp = await context.newCDPSession(page);
await cdp.send('HeapProfiler.enable');
const loadedNavigations = navigations;

interface Sample {
  minute: number;
  heapMb: number;
  domNodes: number;
  elements: number;
  listeners: number;
  kpisRight: boolean;
}
const samples: Sample[] = [];
const scenesSeen = new Set<string>();
let scenesChanged = 0;
let lastScene = '';

async function sample(minute: number): Promise<Sample> {
  // Let the wall catch up with the last change (figures reload 0.15 s after it).
  await sleep(3000);
  const summary = (await api<{ total: number; closed: number; overdue: number }>('/api/stats/summary')).body;
  const shown = await page.evaluate(() =>
    Object.fromEntries(
      [...document.querySelectorAll('[data-kpi] .wall-kpi-value')].map((e) => [
        e.closest('[data-kpi]')?.getAttribute('data-kpi'),
        Number(e.getAttribute('data-value')),
      ]),
    ),
  );
  const kpisRight = shown.total === summary.total && shown.closed === summary.closed && shown.overdue === summary.overdue;
  // Twice: the first collection can leave garbage that finalizers free for the second.
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const heap = await cdp.send('Runtime.getHeapUsage');
  const counters = await cdp.send('Memory.getDOMCounters');
  const elements = await page.evaluate(() => document.getElementsByTagName('*').length);
  const s = {
    minute,
    heapMb: heap.usedSize / 1024 / 1024,
    domNodes: counters.nodes,
    elements,
    listeners: counters.jsEventListeners,
    kpisRight,
  };
  console.log(
    `${minute.toFixed(1).padStart(5)} min  heap ${mb(heap.usedSize).padStart(6)} MB  DOM nodes ${String(counters.nodes).padStart(6)}  elements ${String(elements).padStart(5)}  ` +
      `listeners ${String(counters.jsEventListeners).padStart(5)}  scenes ${String(scenesChanged).padStart(4)}  changes ${tally.reported + tally.transitions}  ` +
      `KPIs ${kpisRight ? '= summary' : `≠ summary (shown ${shown.total}/${shown.closed}/${shown.overdue}, summary ${summary.total}/${summary.closed}/${summary.overdue})`}`,
  );
  return s;
}

const started = Date.now();
const minutesNow = () => (Date.now() - started) / 60_000;
const sampleAt = new Set<number>([5]);
for (let m = SAMPLE_MIN; m < MINUTES; m += SAMPLE_MIN) sampleAt.add(Math.round(m * 100) / 100);
sampleAt.add(MINUTES);
const due = [...sampleAt].filter((m) => m <= MINUTES).sort((a, b) => a - b);
console.log(`\nsamples at minutes ${due.join(', ')} (heap after two forced GCs)`);
samples.push(await sample(0));
let nextChange = Date.now();
while (due.length > 0) {
  const scene = (await page.locator('.wall').getAttribute('data-scene')) ?? '';
  if (scene !== lastScene) {
    if (lastScene) scenesChanged++;
    lastScene = scene;
    scenesSeen.add(scene);
  }
  if (minutesNow() >= due[0]) {
    samples.push(await sample(due.shift() as number));
    nextChange = Date.now();
    continue;
  }
  if (Date.now() >= nextChange) {
    await oneChange().catch((e: unknown) => failed('change', 0, String(e)));
    nextChange += EVERY_S * 1000;
  }
  await sleep(250);
}

mkdirSync(args.out, { recursive: true });
const shot = join(args.out, `wall-soak-${WIDTH}x${HEIGHT}.png`);
await page.screenshot({ path: shot });
const reloads = navigations - loadedNavigations;
await browser.close();
await server.stop('SIGTERM');
rmSync(dataDir, { recursive: true, force: true });

const at5 = samples.find((s) => s.minute === 5) ?? samples[1];
const end = samples[samples.length - 1];
const growth = end.heapMb - at5.heapMb;
const maxHeap = Math.max(...samples.map((s) => s.heapMb));
console.log(
  `\nchanges: ${tally.reported} reports and ${tally.transitions} transitions made, ${tally.refused} refused as conflicts, ${tally.failed} failed; ` +
    `${scenesChanged} scene changes over ${scenesSeen.size} scenes`,
);
console.log(
  `heap after GC: ${at5.heapMb.toFixed(1)} MB at minute ${at5.minute}, ${end.heapMb.toFixed(1)} MB at minute ${end.minute} (growth ${growth.toFixed(1)} MB; max ${maxHeap.toFixed(1)} MB); ` +
    `DOM nodes ${at5.domNodes} → ${end.domNodes}, elements ${at5.elements} → ${end.elements}, listeners ${at5.listeners} → ${end.listeners}`,
);
console.log(`page reloads: ${reloads}; console errors: ${consoleErrors.length}; last screen: ${shot}`);
for (const e of consoleErrors.slice(0, 10)) console.log(`  console: ${e}`);
for (const f of failures.slice(0, 10)) console.log(`  failed change: ${f}`);
const problems = [
  growth >= 20 && `heap grew ${growth.toFixed(1)} MB from minute ${at5.minute} (bar: < 20 MB)`,
  samples.some((s) => !s.kpisRight) && 'the KPIs differed from /api/stats/summary at a sample',
  reloads > 0 && `the page reloaded ${reloads} times`,
  consoleErrors.length > 0 && `${consoleErrors.length} console errors`,
  tally.failed > 0 && `${tally.failed} changes failed`,
].filter(Boolean);
console.log(problems.length === 0 ? '\nsoak ok' : `\nsoak FAILED: ${problems.join('; ')}`);
process.exit(problems.length === 0 ? 0 : 1);
