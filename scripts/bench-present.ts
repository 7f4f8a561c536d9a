import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { median as exactMedian } from '../server/analytics/stats.ts';
import { SESSION_COOKIE } from '../server/auth/access.ts';
import { CHROMIUM, CHROMIUM_ARGS, sceneDrawnMs } from '../tests/e2e/browser.ts';
import { addCasePhotos, demoApp, ORIGIN } from '../tests/helpers/demo.ts';

/**
 * Benchmark, not a test: prints figures. On a demo town (the size `npm start` makes) it generates
 * the month's report deck, then in headless Chromium (software WebGL here; a laptop's GPU is much
 * faster) prints:
 *  - the PPTX export: from the click on 导出 PPTX to the file, per run and the median;
 *  - the show: for each scene, how long after the scene before was drawn the next one was ready
 *    (loaded, and drawn out of sight unless its camera flies there), then from the clicker's key
 *    to the scene drawn (every map finished a frame). The key is pressed once the next scene is
 *    ready, or after `--dwell` seconds when that is later (a speaker stays longer than either).
 *   npm run bench:present -- [--problems 5000] [--runs 3] [--month 2026-10] [--dwell 0]
 */
const { values } = parseArgs({
  options: {
    problems: { type: 'string', default: '5000' },
    runs: { type: 'string', default: '3' },
    month: { type: 'string', default: '2026-10' },
    dwell: { type: 'string', default: '0' },
  },
});
const problems = Number(values.problems);
const runs = Number(values.runs);
const dwellMs = Number(values.dwell) * 1000;
if (!(dwellMs >= 0)) throw new Error('--dwell: seconds on each scene before the next key');
if (!Number.isInteger(problems) || problems < 100) throw new Error('--problems must be at least 100');
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be at least 1');
const median = (xs: number[]) => exactMedian(Float64Array.from(xs), xs.length) ?? Number.NaN;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

console.log(`machine: ${process.platform} ${process.arch}, node ${process.version}, ${cpus().length} cores; ${problems} problems, ${runs} runs`);
const ctx = await demoApp(problems);
// Typical cases for the deck, as the demo's photos give them: two problems closed in the month with photos.
const [y, m] = values.month.split('-').map(Number);
const monthStart = Date.parse(`${values.month}-01T00:00:00+08:00`);
const monthEnd = Date.parse(`${m === 12 ? y + 1 : y}-${String(m === 12 ? 1 : m + 1).padStart(2, '0')}-01T00:00:00+08:00`);
await addCasePhotos(ctx, monthStart, monthEnd, 2);
const origin = await ctx.app.listen({ host: '127.0.0.1', port: 0 });
const made = await ctx.app.inject({
  method: 'POST',
  url: '/api/decks/generate',
  headers: { ...ctx.as.admin, origin: ORIGIN },
  payload: { month: values.month },
});
if (made.statusCode !== 201) throw new Error(`generate: ${made.statusCode} ${made.body}`);
const deck = made.json() as { id: number; scenes: { id: string }[] };
console.log(`deck: ${deck.scenes.length} scenes (${deck.scenes.map((x) => x.id).join(', ')})`);

const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
try {
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', acceptDownloads: true });
  await context.addCookies([{ name: SESSION_COOKIE, value: ctx.sessions.admin, url: origin }]);
  context.setDefaultTimeout(180_000);

  // The PPTX, each run in a fresh page (nothing drawn before it).
  const exportMs: number[] = [];
  for (let r = 0; r < runs; r++) {
    const page = await context.newPage();
    await page.goto(`${origin}/present`);
    const button = page.locator(`[data-export="${deck.id}"]`);
    await button.waitFor();
    const t = performance.now();
    const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
    await download.path();
    exportMs.push(performance.now() - t);
    console.log(`PPTX run ${r + 1}: ${s(exportMs[r])}`);
    await page.close();
  }
  console.log(`PPTX of ${deck.scenes.length} scenes: median ${s(median(exportMs))} (the issue's budget: 15 s)`);

  // The show: key to drawn, scene by scene.
  const page = await context.newPage();
  await page.goto(`${origin}/present/${deck.id}`);
  const drawnMs: number[] = [];
  for (const [i, scene] of deck.scenes.entries()) {
    let ready = '';
    if (i > 0) {
      const r = performance.now();
      await Promise.all([page.locator(`.show[data-ready="${i}"]`).waitFor(), page.waitForTimeout(dwellMs)]);
      ready = `, ready ${s(performance.now() - r)} after the scene before`;
    }
    if (i > 0) await page.keyboard.press('PageDown');
    drawnMs.push(await sceneDrawnMs(page, i));
    console.log(`show: ${scene.id.padEnd(14)} key to drawn ${s(drawnMs[i])}${ready}`);
  }
  const after = drawnMs.slice(1);
  console.log(
    `show (the key once the next scene is ready${dwellMs > 0 ? ` and ${values.dwell} s have passed` : ''}): key to drawn, median ${s(median(after))}, slowest ${s(Math.max(...after))} (the first scene, ${s(drawnMs[0])}, includes the page's load)`,
  );
} finally {
  await browser.close();
  await ctx.close();
}
