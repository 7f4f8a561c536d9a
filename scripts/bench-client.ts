import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { pointColumns } from '../client/map/layers.ts';
import { median as exactMedian } from '../server/analytics/stats.ts';
import { decodePoints } from '../server/domain/points-codec.ts';
import { CHROMIUM, CHROMIUM_ARGS } from '../tests/e2e/browser.ts';
import { client, demoDatabase, seconds, startServer } from './bench/server.ts';

/**
 * Benchmark, not a test: prints figures. For each size (default 100k and 1M problems) it starts the
 * API server on a demo database (generated once into var/bench/ and reused) and prints:
 *  - bytes and server time of GET /api/problems/points against /api/problems GeoJSON for the same
 *    points (all of them; the GeoJSON route pages by 10,000, so its pages are summed);
 *  - client decode time (decodePoints + the deck.gl attribute columns) in Node and in the page;
 *  - time from navigation to the first frame with the heatmap in headless Chromium, and the renderer.
 *   npm run bench:client -- [--sizes 100000,1000000] [--runs 5] [--dir var/bench]
 */
const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100000,1000000' },
    runs: { type: 'string', default: '5' },
    dir: { type: 'string', default: 'var/bench' },
  },
});
const sizes = values.sizes.split(',').map(Number);
const runs = Number(values.runs);
if (sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 1_000_000)) throw new Error('--sizes: problem counts 1–1000000, comma-separated');
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be at least 1');

/** The bytes of a Buffer as a fresh ArrayBuffer (what a browser's fetch gives). */
const copyOf = (b: Buffer): ArrayBuffer => new Uint8Array(b).buffer;
/** The median of non-negative timings (the analytics' exact median). */
const median = (xs: number[]) => exactMedian(Float64Array.from(xs), xs.length) ?? Number.NaN;
const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 1)} ms`;
const mb = (b: number) => `${(b / 1e6).toFixed(2)} MB`;
console.log(`machine: ${process.platform} ${process.arch}, node ${process.version}, ${cpus().length} cores; medians of ${runs} runs`);

const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
for (const size of sizes) {
  const path = resolve(join(values.dir, `demo-${size}.db`));
  console.log(`\n== ${size.toLocaleString('en')} problems ==`);
  await demoDatabase(path, size);
  const server = await startServer(path);
  const get = client(server.base, server.cookie);
  console.log(`startup: ${seconds(server.startupMs)}`);

  // Binary points: one request for all of them.
  await get('/api/problems/points');
  const binaryMs: number[] = [];
  let binary: Buffer = Buffer.alloc(0);
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const r = await get('/api/problems/points', true);
    binaryMs.push(performance.now() - t);
    binary = r.body as Buffer;
  }
  // GeoJSON: every page of 10,000 until there is no next cursor.
  const geojsonMs: number[] = [];
  let geojsonBytes = 0;
  let features = 0;
  for (let i = 0; i < Math.min(runs, size > 200_000 ? 2 : runs); i++) {
    let cursor: string | null = null;
    let bytes = 0;
    let n = 0;
    const t = performance.now();
    do {
      const r = await get(`/api/problems?limit=10000${cursor ? `&cursor=${cursor}` : ''}`, true);
      bytes += r.bytes;
      const page = JSON.parse((r.body as Buffer).toString('utf8')) as { nextCursor?: string | null; numberReturned: number };
      n += page.numberReturned;
      cursor = page.nextCursor ?? null;
    } while (cursor);
    geojsonMs.push(performance.now() - t);
    geojsonBytes = bytes;
    features = n;
  }
  const points = decodePoints(copyOf(binary));
  if (points.count !== features) throw new Error(`points ${points.count} ≠ GeoJSON features ${features}`);
  const b = median(binaryMs);
  const g = median(geojsonMs);
  console.log(`GET /api/problems/points   ${mb(binary.length).padStart(10)}  ${ms(b).padStart(10)}   (${points.count} points, one request)`);
  console.log(
    `GET /api/problems GeoJSON  ${mb(geojsonBytes).padStart(10)}  ${ms(g).padStart(10)}   (${features} features, ${Math.ceil(features / 10000)} pages)`,
  );
  console.log(`ratio: ${(geojsonBytes / binary.length).toFixed(1)}x fewer bytes, ${(g / b).toFixed(1)}x less time (targets 10x and 5x)`);

  const decodeMs: number[] = [];
  const heatMs: number[] = [];
  const allMs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const copy = copyOf(binary);
    const t = performance.now();
    const p = decodePoints(copy);
    const t2 = performance.now();
    const columns = pointColumns(p);
    columns.offsets;
    columns.weight('reported');
    const t3 = performance.now();
    columns.lonLat;
    columns.statusColor;
    columns.outline;
    columns.weight('backlog');
    columns.weight('overdue');
    decodeMs.push(t2 - t);
    heatMs.push(t3 - t2);
    allMs.push(performance.now() - t2);
  }
  console.log(
    `decode in Node: decodePoints ${ms(median(decodeMs))}, heatmap attribute columns ${ms(median(heatMs))}, all attribute columns ${ms(median(allMs))}`,
  );

  // The page: navigation → first frame with the heatmap, fresh context each run.
  const first: number[] = [];
  const pageDecode: number[] = [];
  const pageColumns: number[] = [];
  let renderer = '';
  let repaint = Number.NaN;
  for (let i = 0; i < Math.min(runs, 3); i++) {
    const context = await browser.newContext({ viewport: { width: 1600, height: 900 }, locale: 'zh-CN' });
    const [name, value] = server.cookie.split('=');
    await context.addCookies([{ name, value, url: server.base }]);
    const page = await context.newPage();
    await page.goto(server.base);
    await page.waitForFunction(() => window.__firstHeatFrame !== undefined, undefined, { timeout: 300_000 });
    // A string, not a function: tsx would wrap named helpers in `__name`, which the page lacks.
    const r = (await page.evaluate(`(() => {
      const gl = document.createElement('canvas').getContext('webgl2');
      const info = gl && gl.getExtension('WEBGL_debug_renderer_info');
      const duration = (name) => performance.getEntriesByName(name)[0]?.duration ?? NaN;
      return {
        first: window.__firstHeatFrame,
        decode: duration('points-decode'),
        columns: duration('points-columns'),
        renderer: info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : 'unknown',
      };
    })()`)) as { first: number; decode: number; columns: number; renderer: string };
    if (i === 0) {
      // A filter change: click a category, wait for its data on screen and the next two frames.
      await page.locator('.app[data-loading="false"]').waitFor();
      const t = Date.now();
      await page.locator('[data-category="littering"]').click();
      await page.locator('.app[data-query="?category=littering"][data-loading="false"]').waitFor({ timeout: 300_000 });
      await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
      repaint = Date.now() - t;
    }
    first.push(r.first);
    pageDecode.push(r.decode);
    pageColumns.push(r.columns);
    renderer = r.renderer;
    await context.close();
  }
  console.log(`decode in Chromium: decodePoints ${ms(median(pageDecode))}, heatmap attribute columns ${ms(median(pageColumns))}`);
  console.log(`navigation → first heatmap frame: ${ms(median(first))} (runs: ${first.map((x) => x.toFixed(0)).join(', ')} ms)`);
  console.log(`filter change (one category) → data on screen and repainted: ${ms(repaint)}`);
  console.log(`renderer: ${renderer}`);
  await server.stop();
}
await browser.close();
