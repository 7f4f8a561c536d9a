import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pointOnFeature } from '@turf/turf';
import type { Feature } from 'geojson';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { monthEnd, periodStart } from '../../client/state/view-state.ts';
import { DEMO_NOW, ORIGIN, TEST_PASSWORD } from '../helpers/demo.ts';
import { pmtilesArchive, tileOf } from '../helpers/pmtiles-fixture.ts';
import { ARTIFACTS, type BrowserSuite, browserSuite, openMap, pagePoint, pixels, signIn, watchedPage } from './browser.ts';

// Software WebGL on a shared 2-core machine: a browser test may take minutes when the machine is
// busy. These tests check pixels and correctness, never speed (that is npm run bench:client).
vi.setConfig({ testTimeout: 240_000 });

let suite: BrowserSuite;
let ctx: BrowserSuite['ctx'];
let browser: Browser;
let origin: string;

beforeAll(async () => {
  suite = await browserSuite(5000, { patrols: true });
  ({ ctx, browser, origin } = suite);
});
afterAll(async () => suite?.close());

describe('the map page', () => {
  it('draws the town with heat over 李灶 and 东南, no console error and no request off the machine', async () => {
    const { page, consoleErrors, outside } = await watchedPage(browser, origin, null);
    // Given a leader signed in through the sign-in page, under the server's Content-Security-Policy,
    const response = await page.goto(origin, { waitUntil: 'load' });
    expect(response?.headers()['content-security-policy']).toContain("worker-src 'self' blob:");
    await page.screenshot({ path: `${ARTIFACTS}/sign-in.png` });
    await signIn(page, 'leader', TEST_PASSWORD);
    // and the map has loaded its style and data and deck.gl has drawn a frame,
    await page.waitForTimeout(3000);
    // when we look at it,
    const png = await page.screenshot({ path: `${ARTIFACTS}/map-overview.png` });
    const communities = (await ctx.app.inject({ headers: ctx.as.admin, url: '/api/communities' })).json();
    const centre = (id: string) => communities.features.find((f: { id: string }) => f.id === id).properties.center as [number, number];
    const spots = await Promise.all([centre('lizao'), centre('dongnan'), centre('xinchong')].map((ll) => pagePoint(page, ll)));
    const [lizao, dongnan, quiet] = await pixels(page, png, spots);
    // then the market towns are hot (red-orange) and a quiet village is not,
    const hot = ([r, g, b]: number[]) => r > 180 && g < 140 && b < 110;
    expect(hot(lizao), `李灶 pixel ${lizao}`).toBe(true);
    expect(hot(dongnan), `东南 pixel ${dongnan}`).toBe(true);
    expect(hot(quiet), `新冲村 pixel ${quiet}`).toBe(false);
    // and the canvas is a map, not a blank: many distinct colours across a grid of samples.
    const grid: [number, number][] = [];
    for (let x = 100; x < 1600; x += 50) for (let y = 80; y < 900; y += 50) grid.push([x, y]);
    const colours = new Set((await pixels(page, png, grid)).map((p) => p.join(',')));
    expect(colours.size).toBeGreaterThan(20);
    expect(await page.getByText('演示数据').isVisible()).toBe(true);
    // The KPI strip shows the server's own summary.
    const summary = (await ctx.app.inject({ headers: ctx.as.admin, url: '/api/stats/summary' })).json();
    const kpi = async (key: string) => (await page.locator(`[data-kpi="${key}"] .kpi-value`).textContent())?.replaceAll(',', '');
    expect(await kpi('total')).toBe(String(summary.total));
    expect(await kpi('rate')).toBe(`${(summary.rectificationRate * 100).toFixed(1)}%`);
    expect(await kpi('overdue')).toBe(String(summary.overdue));
    expect(await kpi('week')).toBe(String(summary.newThisWeek));
    expect(consoleErrors).toEqual([]);
    expect(outside).toEqual([]);
  });
});

describe('a local .pmtiles basemap', () => {
  it('is offered in the 底图 switcher once copied into the folder, and drawn under the town from range requests', async () => {
    // an imagery archive (magenta tiles) over the town, zooms 10–14
    const png = await sharp({ create: { width: 256, height: 256, channels: 3, background: '#c026d3' } })
      .png()
      .toBuffer();
    const [w, s, e, n] = ctx.app.townData.town.bbox;
    const tiles = [10, 11, 12, 13, 14].flatMap((z) => {
      const a = tileOf(w, n, z);
      const b = tileOf(e, s, z);
      const out = [];
      for (let x = a.x; x <= b.x; x++) for (let y = a.y; y <= b.y; y++) out.push({ z, x, y, data: png });
      return out;
    });
    mkdirSync(join(ctx.dir, 'basemaps'), { recursive: true });
    writeFileSync(join(ctx.dir, 'basemaps', '盐东影像.pmtiles'), pmtilesArchive(tiles, { type: 'png', name: '盐东影像', bounds: [w, s, e, n] }));

    const { page, consoleErrors, outside } = await watchedPage(browser, origin, ctx.sessions.leader);
    const ranges: string[] = [];
    page.on('request', (r) => {
      if (r.url().includes('/api/basemaps/files/')) ranges.push(r.headers().range ?? 'none');
    });
    await openMap(page, origin);
    const magenta = async () => {
      const { data, info } = await sharp(await page.locator('.map').first().screenshot())
        .raw()
        .toBuffer({ resolveWithObject: true });
      let count = 0;
      for (let i = 0; i < data.length; i += info.channels) if (data[i] > 150 && data[i + 1] < 110 && data[i + 2] > 150) count++;
      return count;
    };
    expect(await magenta()).toBeLessThan(1000);
    await page.getByLabel('底图').selectOption({ label: '本地 盐东影像' });
    await expect.poll(magenta, { timeout: 60_000 }).toBeGreaterThan(50_000);
    await page.screenshot({ path: `${ARTIFACTS}/map-local-basemap.png` });
    expect(ranges.length).toBeGreaterThan(0);
    expect(ranges.every((r) => /^bytes=\d+-\d+$/.test(r))).toBe(true);
    expect(consoleErrors).toEqual([]);
    expect(outside).toEqual([]);
    await page.evaluate(() => localStorage.removeItem('cw-basemap'));
    await page.context().close();
  });
});

describe('the grid layer', () => {
  it('shows, on a click on a grid, the same figures as /api/stats/grids, and colours grids by rectification rate', async () => {
    const { page, consoleErrors } = await watchedPage(browser, origin, ctx.sessions.admin);
    await openMap(page, origin);
    // Given the grid layer is on,
    await page.getByRole('button', { name: '网格着色' }).click();
    await page.waitForTimeout(1500);
    await page.screenshot({ path: `${ARTIFACTS}/map-grid-rate.png` });
    // when a grid in 李灶 is clicked,
    const grids = (await ctx.app.inject({ headers: ctx.as.admin, url: '/api/grids' })).json();
    const grid = grids.features.find((f: { id: string }) => f.id === 'lizao-05');
    const inside = pointOnFeature(grid).geometry.coordinates as [number, number];
    const [x, y] = await pagePoint(page, inside);
    await page.mouse.click(x, y);
    // then the panel shows that grid's figures as the statistics route gives them.
    const panel = page.locator('[data-grid="lizao-05"]');
    await panel.waitFor({ timeout: 60_000 });
    const stats = (await ctx.app.inject({ headers: ctx.as.admin, url: '/api/stats/grids' })).json().grids.find((g: { id: string }) => g.id === 'lizao-05');
    const field = async (name: string) => panel.locator(`[data-field="${name}"]`).textContent();
    expect(await field('total')).toBe(String(stats.total));
    expect(await field('overdue')).toBe(String(stats.overdue));
    expect(await field('rate')).toBe(stats.rectificationRate === null ? '—' : `${(stats.rectificationRate * 100).toFixed(1)}%`);
    for (const s of ['reported', 'open', 'in_progress', 'awaiting_verification', 'closed']) expect(await field(s)).toBe(String(stats.byStatus[s]));
    expect(await panel.locator('h2').textContent()).toBe(stats.name);
    await page.screenshot({ path: `${ARTIFACTS}/map-grid-panel.png` });
    expect(consoleErrors).toEqual([]);
  });
});

describe('巡查覆盖', () => {
  it('colours each grid by the days since it was last patrolled: a grid walked today green, one never walked red', async () => {
    const { page, consoleErrors } = await watchedPage(browser, origin, ctx.sessions.leader, { width: 1366, height: 768 });
    await openMap(page, `${origin}/?mode=grid&metric=patrol`);
    await settled(page, '');
    const coverage = (await ctx.app.inject({ headers: ctx.as.leader, url: '/api/stats/coverage?days=7' })).json();
    const grids = (await ctx.app.inject({ headers: ctx.as.admin, url: '/api/grids' })).json().features as (Feature & {
      id: string;
      properties: { areaKm2: number };
    })[];
    const area = (id: string) => grids.find((g) => g.id === id)?.properties.areaKm2 ?? 0;
    // The largest grid of each kind: sampled well inside.
    const pick = (rows: { gridId: string }[]) => rows.map((r) => r.gridId).sort((a, b) => area(b) - area(a))[0];
    const recent = pick(coverage.grids.filter((g: { daysSince: number | null }) => g.daysSince !== null && g.daysSince <= 1));
    const never = pick(coverage.grids.filter((g: { daysSince: number | null }) => g.daysSince === null));
    expect(recent && never).toBeTruthy();
    await page.waitForFunction(() => window.__map?.isMoving() === false);
    await page.waitForTimeout(1500);
    const png = await page.screenshot({ path: `${ARTIFACTS}/map-patrol-coverage.png` });
    const colourAt = async (id: string) => {
      const grid = grids.find((g) => g.id === id);
      const [x, y] = await pagePoint(page, pointOnFeature(grid as Feature).geometry.coordinates as [number, number]);
      const around: [number, number][] = [-6, 0, 6].flatMap((dx) => [-6, 0, 6].map((dy): [number, number] => [x + dx, y + dy]));
      const px = await pixels(page, png, around);
      // The most common colour of the nine (a label or a line may cross one).
      const counts = new Map<string, number>();
      for (const p of px) counts.set(p.slice(0, 3).join(','), (counts.get(p.slice(0, 3).join(',')) ?? 0) + 1);
      return [...counts]
        .sort((a, b) => b[1] - a[1])[0][0]
        .split(',')
        .map(Number) as [number, number, number];
    };
    const [gr, gg, gb] = await colourAt(recent);
    const [rr, rg, rb] = await colourAt(never);
    // #1b5e20 (今天/昨天) and #b71c1c (15 天以上或未巡查) at three quarters over the basemap.
    expect(gg, `grid ${recent}: ${gr},${gg},${gb}`).toBeGreaterThan(gr + 30);
    expect(rr, `grid ${never}: ${rr},${rg},${rb}`).toBeGreaterThan(rg + 60);
    await expect.poll(() => page.locator('.legend').textContent()).toContain('距上次巡查天数');
    expect(consoleErrors).toEqual([]);
  });
});

describe('filters', () => {
  it('changes the KPI strip and the heatmap when a category is toggled, and a link restores the view', async () => {
    const { page, consoleErrors } = await watchedPage(browser, origin, ctx.sessions.admin);
    await openMap(page, origin);
    await page.waitForTimeout(2000);
    const samples: [number, number][] = [];
    for (let x = 220; x < 1500; x += 40) for (let y = 140; y < 880; y += 40) samples.push([x, y]);
    const before = (await pixels(page, await page.screenshot(), samples)).map((p) => p.join(','));
    // When only 违建 (illegal building) is selected,
    await page.locator('[data-category="illegal_building"]').click();
    await page.locator('.app[data-query="?category=illegal_building"]').waitFor({ timeout: 60_000 });
    await page.waitForTimeout(2000);
    const png = await page.screenshot({ path: `${ARTIFACTS}/map-filter-category.png` });
    const after = (await pixels(page, png, samples)).map((p) => p.join(','));
    // then the KPIs are the server's for that category,
    const summary = (await ctx.app.inject({ headers: ctx.as.admin, url: '/api/stats/summary?category=illegal_building' })).json();
    const kpiTotal = (await page.locator('[data-kpi="total"] .kpi-value').textContent())?.replaceAll(',', '');
    expect(kpiTotal).toBe(String(summary.total));
    expect(summary.total).toBeLessThan(5000);
    // and the heatmap is another picture.
    const changed = after.filter((p, i) => p !== before[i]).length;
    expect(changed).toBeGreaterThan(samples.length / 20);
    // A link to this view, opened afresh, shows the same filter, mode and panel.
    await page.getByRole('button', { name: '网格着色' }).click();
    await page.waitForFunction(() => window.location.search.includes('mode=grid'));
    const link = page.url();
    expect(link).toContain('cat=illegal_building');
    const again = await watchedPage(browser, origin, ctx.sessions.admin);
    await again.page.goto(link, { waitUntil: 'load' });
    await again.page.locator('.app[data-query="?category=illegal_building"]').waitFor({ timeout: 90_000 });
    expect(await again.page.locator('[data-kpi="total"] .kpi-value').textContent()).toBe(summary.total.toLocaleString('zh-CN'));
    expect(await again.page.getByRole('button', { name: '网格着色' }).getAttribute('aria-pressed')).toBe('true');
    expect(await again.page.locator('[data-category="illegal_building"]').getAttribute('aria-pressed')).toBe('true');
    expect(consoleErrors).toEqual([]);
    expect(again.consoleErrors).toEqual([]);
  });
});

describe('period presets', () => {
  it('counts 近30天 from the server clock, as /api/stats/summary does', async () => {
    const { page, consoleErrors } = await watchedPage(browser, origin, ctx.sessions.admin);
    await page.goto(origin, { waitUntil: 'load' });
    await page.locator('[data-period="30d"]').click();
    const from = periodStart('30d', DEMO_NOW);
    await page.locator(`.app[data-query="?from=${from}"]`).waitFor({ timeout: 90_000 });
    const summary = (await ctx.app.inject({ headers: ctx.as.admin, url: `/api/stats/summary?from=${from}` })).json();
    expect(summary.total).toBeGreaterThan(0);
    expect((await page.locator('[data-kpi="total"] .kpi-value').textContent())?.replaceAll(',', '')).toBe(String(summary.total));
    expect(page.url()).toContain('period=30d');
    expect(consoleErrors).toEqual([]);
  });
});

/** Where the 李灶 and 东南 market-town labels are, from the basemap the server gives. */
async function marketTowns(): Promise<[number, number][]> {
  const features = (await ctx.app.inject({ headers: ctx.as.admin, url: '/api/basemap' })).json().features as {
    properties: { name: string };
    geometry: { coordinates: [number, number] };
  }[];
  return ['李灶集镇', '东南集镇'].map((n) => {
    const f = features.find((x) => x.properties.name === n);
    if (!f) throw new Error(`no ${n} in the basemap`);
    return f.geometry.coordinates;
  });
}

/** The app's data for the current query is on screen. */
async function settled(page: Page, query: string) {
  await page.locator(`.app[data-query="${query}"][data-loading="false"]`).waitFor({ timeout: 90_000 });
}

describe('street zoom and the problem card', () => {
  it('draws single problems by status at street zoom; a click opens the card with the server’s record', async () => {
    const { page, consoleErrors } = await watchedPage(browser, origin, ctx.sessions.admin);
    await openMap(page, origin);
    // Given the map zoomed into 李灶's streets,
    const [lizao] = await marketTowns();
    await page.evaluate((center) => window.__map?.jumpTo({ center, zoom: 16.2 }), lizao);
    await page.locator('[data-testid="map"][data-street="true"]').waitFor();
    await page.waitForFunction(() => window.__deck?.layerIds().includes('problem-points'));
    await page.waitForTimeout(2500);
    await page.screenshot({ path: `${ARTIFACTS}/map-street.png` });
    // when a drawn problem is clicked,
    const hit = await page.evaluate(() => {
      const deck = window.__deck?.overlay;
      const box = window.__map?.getCanvas().getBoundingClientRect();
      if (!deck || !box) return null;
      for (let y = 100; y < box.height - 100; y += 9)
        for (let x = 100; x < box.width - 300; x += 9) {
          const h = deck.pickObject({ x, y, radius: 1, layerIds: ['problem-points'] });
          if (h) return [x + box.left, y + box.top];
        }
      return null;
    });
    expect(hit).not.toBeNull();
    await page.mouse.click(...(hit as [number, number]));
    // then its card opens with what /api/problems/:id says, and the link names it.
    const card = page.locator('.problem-card');
    await card.waitFor({ timeout: 60_000 });
    const id = Number(await card.getAttribute('data-problem'));
    const record = (await ctx.app.inject({ headers: ctx.as.admin, url: `/api/problems/${id}` })).json().properties;
    expect(await card.locator('h2').textContent()).toBe(record.categoryName);
    expect(await card.locator('.description').textContent()).toBe(record.description);
    expect(await card.locator('[data-field="deadline"]').textContent()).toContain(record.deadline.slice(0, 16).replace('T', ' '));
    expect(await card.locator('.timeline li').count()).toBe(record.history.length);
    expect(page.url()).toContain(`problem=${id}`);
    expect(consoleErrors).toEqual([]);
  });

  it('shows an overdue problem’s deadline in red and flies to it, from a link', async () => {
    const { page, consoleErrors } = await watchedPage(browser, origin, ctx.sessions.admin);
    const late = (await ctx.app.inject({ headers: ctx.as.admin, url: '/api/problems?overdue=true&limit=1' })).json().features[0].properties;
    await openMap(page, `${origin}/?problem=${late.id}`);
    const deadline = page.locator(`.problem-card[data-problem="${late.id}"] [data-field="deadline"]`);
    await deadline.waitFor({ timeout: 60_000 });
    expect(await deadline.textContent()).toContain('逾期');
    const [r, g, b] = (await deadline.evaluate((el) => getComputedStyle(el).color)).match(/\d+/g)?.map(Number) ?? [];
    expect(r).toBeGreaterThan(150);
    expect(g).toBeLessThan(80);
    expect(b).toBeLessThan(80);
    // and the map has flown to it at street zoom, where single problems are drawn.
    await page.locator('[data-testid="map"][data-street="true"]').waitFor({ timeout: 60_000 });
    await page.waitForFunction(() => window.__map?.isMoving() === false && window.__deck?.layerIds().includes('selected-problem'));
    await page.waitForTimeout(1500);
    await page.screenshot({ path: `${ARTIFACTS}/map-problem-card.png` });
    expect(consoleErrors).toEqual([]);
  });
});

describe('the 3D hexagon mode', () => {
  it('raises hexagon columns over the market towns', async () => {
    const { page, consoleErrors } = await watchedPage(browser, origin, ctx.sessions.admin);
    await openMap(page, origin);
    await page.locator('[data-mode="hex"]').click();
    await page.waitForFunction(() => window.__deck?.layerIds().includes('problem-hex') && window.__map?.getPitch() === 50 && !window.__map?.isMoving());
    await page.waitForTimeout(3000);
    const png = await page.screenshot({ path: `${ARTIFACTS}/map-hexagons.png` });
    // Columns are drawn in the heat colours around 李灶 and 东南: sample a box around each.
    const near = async (ll: [number, number]) => {
      const [cx, cy] = await pagePoint(page, ll);
      const box: [number, number][] = [];
      for (let dx = -60; dx <= 60; dx += 6) for (let dy = -120; dy <= 30; dy += 6) box.push([cx + dx, cy + dy]);
      return (await pixels(page, png, box)).filter(([r, g, b]) => r > 200 && g < 150 && b < 90).length;
    };
    const [lizao, dongnan] = await marketTowns();
    expect(await near(lizao)).toBeGreaterThan(5);
    expect(await near(dongnan)).toBeGreaterThan(5);
    expect(page.url()).toContain('mode=hex');
    expect(consoleErrors).toEqual([]);
  });
});

describe('charts and filters', () => {
  it('filters the map by a click on a community bar, and by status, source and a custom range, KPIs following', async () => {
    const { page, consoleErrors } = await watchedPage(browser, origin, ctx.sessions.admin);
    await openMap(page, origin);
    await settled(page, '');
    // A click on 东南村's bar in the ranking filters to that community.
    await page.waitForFunction(() => Boolean(window.__charts?.communities));
    const [x, y] = await page.evaluate(() => {
      const chart = window.__charts?.communities;
      if (!chart) throw new Error('no community chart');
      const el = chart.getDom().getBoundingClientRect();
      const yAxis = (chart.getOption() as { yAxis: { data: string[] }[] }).yAxis[0].data;
      const p = chart.convertToPixel({ seriesIndex: 0 }, [1, yAxis.indexOf('东南村')]) as number[];
      return [el.left + p[0], el.top + p[1]];
    });
    await page.mouse.click(x, y);
    await settled(page, '?community=dongnan');
    const kpi = async () => (await page.locator('[data-kpi="total"] .kpi-value').textContent())?.replaceAll(',', '');
    expect(await kpi()).toBe(String((await ctx.app.inject({ headers: ctx.as.admin, url: '/api/stats/summary?community=dongnan' })).json().total));
    // Status, source and a custom range narrow it further.
    await page.locator('[data-status="closed"]').click();
    await page.getByLabel('来源').selectOption('mock_evaluation');
    await page.getByLabel('开始日期').fill('2026-03-01');
    await page.getByLabel('结束日期').fill('2026-08-31');
    const query = '?from=2026-03-01&to=2026-08-31&status=closed&source=mock_evaluation&community=dongnan';
    await settled(page, query);
    const summary = (await ctx.app.inject({ headers: ctx.as.admin, url: `/api/stats/summary${query}` })).json();
    expect(summary.total).toBeGreaterThan(0);
    expect(await kpi()).toBe(String(summary.total));
    await page.screenshot({ path: `${ARTIFACTS}/map-filters.png` });
    expect(page.url()).toContain('period=custom&from=2026-03-01&to=2026-08-31');
    expect(consoleErrors).toEqual([]);
  });
});

describe('month playback', () => {
  it('steps the map through the months and stops on pause', async () => {
    const { page, consoleErrors } = await watchedPage(browser, origin, ctx.sessions.admin);
    await openMap(page, origin);
    await settled(page, '');
    await page.getByLabel('回放速度').selectOption('2');
    await page.getByRole('button', { name: '播放' }).click();
    // It starts from the first month and moves on by itself.
    const first = await page.locator('.playback-month').getAttribute('data-month');
    expect(first).toMatch(/^\d{4}-\d{2}$/);
    await page.waitForFunction((m) => document.querySelector('.playback-month')?.getAttribute('data-month') !== m, first, { timeout: 90_000 });
    await page.getByRole('button', { name: '暂停' }).click();
    const month = (await page.locator('.playback-month').getAttribute('data-month')) as string;
    await page.waitForTimeout(2500);
    expect(await page.locator('.playback-month').getAttribute('data-month')).toBe(month);
    // What is shown is that month's data.
    const query = `?from=${month}-01&to=${monthEnd(month)}`;
    await settled(page, query);
    const summary = (await ctx.app.inject({ headers: ctx.as.admin, url: `/api/stats/summary${query}` })).json();
    expect((await page.locator('[data-kpi="total"] .kpi-value').textContent())?.replaceAll(',', '')).toBe(String(summary.total));
    await page.screenshot({ path: `${ARTIFACTS}/map-playback.png` });
    expect(consoleErrors).toEqual([]);
  });
});

describe('PNG export', () => {
  it('saves the view with title, filters and legend, at 1× and 2×', async () => {
    const { page, consoleErrors } = await watchedPage(browser, origin, ctx.sessions.admin);
    await openMap(page, `${origin}/?cat=flyers,littering`);
    await settled(page, '?category=flyers,littering');
    await page.waitForTimeout(2000);
    const size = await page.evaluate(() => {
      const c = window.__map?.getCanvas();
      return [c?.clientWidth ?? 0, c?.clientHeight ?? 0];
    });
    for (const scale of [1, 2]) {
      await page.locator('[data-export-open]').click();
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator(`[data-export="${scale}"]`).click()]);
      expect(download.suggestedFilename()).toMatch(/^创文一张图-\d{12}(@2x)?\.png$/);
      const file = `${ARTIFACTS}/export-${scale}x.png`;
      await download.saveAs(file);
      const png = readFileSync(file);
      // PNG signature and size: the map plus a 64 px title band and a 30 px footer, times the scale.
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      expect(png.readUInt32BE(16)).toBe(size[0] * scale);
      expect(png.readUInt32BE(20)).toBe((size[1] + 94) * scale);
      // Not blank: the title band is navy, the map has many colours and heat over 李灶.
      const samples: [number, number][] = [];
      for (let x = 20; x < size[0]; x += 40) for (let y = 80; y < size[1]; y += 40) samples.push([x * scale, y * scale]);
      const colours = new Set((await pixels(page, png, samples)).map((p) => p.join(',')));
      expect(colours.size).toBeGreaterThan(20);
      const [title] = await pixels(page, png, [[5 * scale, 5 * scale]]);
      expect(title.slice(0, 3)).toEqual([20, 50, 92]);
      const [lizao] = await marketTowns();
      const [mx, my] = await page.evaluate((ll) => {
        const p = window.__map?.project(ll);
        return [p?.x ?? 0, p?.y ?? 0];
      }, lizao);
      const ring: [number, number][] = [];
      for (let dx = -12; dx <= 12; dx += 4) for (let dy = -12; dy <= 12; dy += 4) ring.push([(mx + dx) * scale, (my + 64 + dy) * scale]);
      expect((await pixels(page, png, ring)).some(([r, g, b]) => r > 180 && g < 150 && b < 110)).toBe(true);
    }
    expect(consoleErrors).toEqual([]);
  });
});

describe('重点项目推进表', () => {
  it('shows the projects on a map in traffic-light colours beside the table, late first; the owner unit reports progress and the status follows', async () => {
    const unitId = ctx.users.unit.unitId as string;
    const other = ctx.app.townData.units.find((u) => u.id !== unitId)?.id as string;
    const [x, y] = ctx.app.townData.communities.find((c) => c.id === 'lizao')?.center ?? [0, 0];
    const create = async (payload: Record<string, unknown>) => {
      const res = await ctx.app.inject({ method: 'POST', url: '/api/projects', headers: { ...ctx.as.admin, origin: ORIGIN }, payload });
      expect(res.statusCode, res.body).toBe(201);
      return res.json() as { id: number };
    };
    // DEMO_NOW is 2026-11-27: 方案批复 was due 2026-10-15 (late); the road is on track
    const late = await create({
      name: '测试滞后项目',
      unitId,
      geometry: { type: 'Point', coordinates: [x, y] },
      startsOn: '2026-09-01',
      dueOn: '2026-12-31',
      percent: 30,
      milestones: [
        { name: '方案批复', plannedOn: '2026-10-15' },
        { name: '完工', plannedOn: '2026-12-31' },
      ],
    });
    await create({
      name: '测试道路项目',
      unitId: other,
      geometry: {
        type: 'LineString',
        coordinates: [
          [x + 0.004, y - 0.002],
          [x + 0.012, y - 0.002],
        ],
      },
      startsOn: '2026-11-01',
      dueOn: '2027-03-01',
      percent: 10,
      milestones: [{ name: '完工', plannedOn: '2027-03-01' }],
    });
    const { page, consoleErrors } = await watchedPage(browser, origin, ctx.sessions.unit, { width: 1024, height: 768 });
    await page.goto(`${origin}/projects`, { waitUntil: 'load' });
    const rows = page.locator('[data-projects-table] tbody tr');
    await rows.first().waitFor();
    expect(await rows.first().getAttribute('data-project')).toBe(String(late.id));
    expect(await rows.first().getAttribute('data-status')).toBe('late');
    // the late project's point in red on the map (the legend's red dot left out), the road in green
    await page.waitForFunction(() => document.querySelector('[data-projects-map] canvas') !== null);
    await page.waitForTimeout(3000);
    const png = await page.screenshot({ path: join(ARTIFACTS, 'projects-1024.png') });
    const [mapBox, legendBox] = await page.evaluate(() =>
      ['[data-projects-map]', '.projects-legend'].map((s) => (document.querySelector(s) as HTMLElement).getBoundingClientRect().toJSON() as DOMRect),
    );
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    const near = (rgb: [number, number, number]) => {
      let n = 0;
      for (let py = Math.ceil(mapBox.top); py < mapBox.bottom; py++)
        for (let px = Math.ceil(mapBox.left); px < mapBox.right; px++) {
          if (px >= legendBox.left && px <= legendBox.right && py >= legendBox.top && py <= legendBox.bottom) continue;
          const i = (py * info.width + px) * info.channels;
          if (Math.hypot(data[i] - rgb[0], data[i + 1] - rgb[1], data[i + 2] - rgb[2]) < 40) n++;
        }
      return n;
    };
    expect(near([220, 38, 38])).toBeGreaterThan(60);
    expect(near([22, 163, 74])).toBeGreaterThan(60);
    // the owner unit reports progress: 方案批复 reached, 65%
    await rows.first().click();
    const detail = page.locator(`[data-project-detail="${late.id}"]`);
    await detail.waitFor();
    expect(await detail.locator('[data-project-reasons]').textContent()).toContain('方案批复');
    await detail.locator('input[type=number]').fill('65');
    await detail.locator('label.reached input[type=checkbox]').first().check();
    await detail.locator('textarea').fill('方案已批复，主体施工过半');
    await detail.locator('button[type=submit]').click();
    await expect.poll(() => rows.first().getAttribute('data-status'), { timeout: 10_000 }).not.toBe('late');
    const row = page.locator(`[data-projects-table] tr[data-project="${late.id}"]`);
    expect(await row.getAttribute('data-status')).toBe('on_track');
    await page.locator(`[data-project-detail="${late.id}"] .project-updates li`).first().waitFor();
    expect(await page.locator(`[data-project-detail="${late.id}"] .project-updates li`).first().textContent()).toContain('方案已批复，主体施工过半');
    const stored = (await ctx.app.inject({ url: `/api/projects/${late.id}`, headers: ctx.as.leader })).json();
    expect(stored.project).toMatchObject({ percent: 65, status: 'on_track' });
    expect(stored.project.milestones[0].doneOn).toBe('2026-11-27');
    expect(consoleErrors).toEqual([]);
    await page.context().close();
  });
});
