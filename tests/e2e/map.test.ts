import { mkdirSync } from 'node:fs';
import { pointOnFeature } from '@turf/turf';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { periodStart } from '../../client/state/view-state.ts';
import { DEMO_NOW, demoApp } from '../helpers/demo.ts';
import { launch, openMap, pagePoint, pixels, watchedPage } from './browser.ts';

const ARTIFACTS = 'test-artifacts';

let ctx: Awaited<ReturnType<typeof demoApp>>;
let browser: Browser;
let origin: string;

beforeAll(async () => {
  ctx = await demoApp(5000);
  origin = await ctx.app.listen({ host: '127.0.0.1', port: 0 });
  browser = await launch();
  mkdirSync(ARTIFACTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await ctx?.close();
});

describe('the map page', () => {
  it('draws the town with heat over 李灶 and 东南, no console error and no request off the machine', async () => {
    const { page, consoleErrors, outside } = await watchedPage(browser, origin);
    // Given the map has loaded its style and data and deck.gl has drawn a frame,
    await openMap(page, origin);
    await page.waitForTimeout(3000);
    // when we look at it,
    const png = await page.screenshot({ path: `${ARTIFACTS}/map-overview.png` });
    const communities = (await ctx.app.inject({ url: '/api/communities' })).json();
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
    const summary = (await ctx.app.inject({ url: '/api/stats/summary' })).json();
    const kpi = async (key: string) => (await page.locator(`[data-kpi="${key}"] .kpi-value`).textContent())?.replaceAll(',', '');
    expect(await kpi('total')).toBe(String(summary.total));
    expect(await kpi('rate')).toBe(`${(summary.rectificationRate * 100).toFixed(1)}%`);
    expect(await kpi('overdue')).toBe(String(summary.overdue));
    expect(await kpi('week')).toBe(String(summary.newThisWeek));
    expect(consoleErrors).toEqual([]);
    expect(outside).toEqual([]);
  });
});

describe('the grid layer', () => {
  it('shows, on a click on a grid, the same figures as /api/stats/grids, and colours grids by rectification rate', async () => {
    const { page, consoleErrors } = await watchedPage(browser, origin);
    await openMap(page, origin);
    // Given the grid layer is on,
    await page.getByRole('button', { name: '网格着色' }).click();
    await page.waitForTimeout(1500);
    await page.screenshot({ path: `${ARTIFACTS}/map-grid-rate.png` });
    // when a grid in 李灶 is clicked,
    const grids = (await ctx.app.inject({ url: '/api/grids' })).json();
    const grid = grids.features.find((f: { id: string }) => f.id === 'lizao-05');
    const inside = pointOnFeature(grid).geometry.coordinates as [number, number];
    const [x, y] = await pagePoint(page, inside);
    await page.mouse.click(x, y);
    // then the panel shows that grid's figures as the statistics route gives them.
    const panel = page.locator('[data-grid="lizao-05"]');
    await panel.waitFor({ timeout: 10_000 });
    const stats = (await ctx.app.inject({ url: '/api/stats/grids' })).json().grids.find((g: { id: string }) => g.id === 'lizao-05');
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

describe('filters', () => {
  it('changes the KPI strip and the heatmap when a category is toggled, and a link restores the view', async () => {
    const { page, consoleErrors } = await watchedPage(browser, origin);
    await openMap(page, origin);
    await page.waitForTimeout(2000);
    const samples: [number, number][] = [];
    for (let x = 220; x < 1500; x += 40) for (let y = 140; y < 880; y += 40) samples.push([x, y]);
    const before = (await pixels(page, await page.screenshot(), samples)).map((p) => p.join(','));
    // When only 违建 (illegal building) is selected,
    await page.locator('[data-category="illegal_building"]').click();
    await page.locator('.app[data-query="?category=illegal_building"]').waitFor({ timeout: 15_000 });
    await page.waitForTimeout(2000);
    const png = await page.screenshot({ path: `${ARTIFACTS}/map-filter-category.png` });
    const after = (await pixels(page, png, samples)).map((p) => p.join(','));
    // then the KPIs are the server's for that category,
    const summary = (await ctx.app.inject({ url: '/api/stats/summary?category=illegal_building' })).json();
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
    const again = await watchedPage(browser, origin);
    await again.page.goto(link, { waitUntil: 'load' });
    await again.page.locator('.app[data-query="?category=illegal_building"]').waitFor({ timeout: 30_000 });
    expect(await again.page.locator('[data-kpi="total"] .kpi-value').textContent()).toBe(summary.total.toLocaleString('zh-CN'));
    expect(await again.page.getByRole('button', { name: '网格着色' }).getAttribute('aria-pressed')).toBe('true');
    expect(await again.page.locator('[data-category="illegal_building"]').getAttribute('aria-pressed')).toBe('true');
    expect(consoleErrors).toEqual([]);
    expect(again.consoleErrors).toEqual([]);
  });
});

describe('period presets', () => {
  it('counts 近30天 from the server clock, as /api/stats/summary does', async () => {
    const { page, consoleErrors } = await watchedPage(browser, origin);
    await page.goto(origin, { waitUntil: 'load' });
    await page.locator('[data-period="30d"]').click();
    const from = periodStart('30d', DEMO_NOW);
    await page.locator(`.app[data-query="?from=${from}"]`).waitFor({ timeout: 30_000 });
    const summary = (await ctx.app.inject({ url: `/api/stats/summary?from=${from}` })).json();
    expect(summary.total).toBeGreaterThan(0);
    expect((await page.locator('[data-kpi="total"] .kpi-value').textContent())?.replaceAll(',', '')).toBe(String(summary.total));
    expect(page.url()).toContain('period=30d');
    expect(consoleErrors).toEqual([]);
  });
});
