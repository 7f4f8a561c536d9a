import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ARTIFACTS, type BrowserSuite, browserSuite, changeWords, expectPhoneReady, openMap, reachable, watchedPage } from './browser.ts';

vi.setConfig({ testTimeout: 300_000 });

let suite: BrowserSuite;
beforeAll(async () => {
  suite = await browserSuite(2000);
}, 120_000);
afterAll(async () => suite?.close());

/** Elements with their own text, and whether any two overlap (text boxes measured, the map's canvas aside). */
async function textClashes(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const boxes: { text: string; x: number; y: number; w: number; h: number }[] = [];
    for (const e of document.querySelectorAll('body *')) {
      if (e.closest('.maplibregl-map') || e.closest('option') || e.tagName === 'OPTION') continue;
      const own = [...e.childNodes].some((n) => n.nodeType === 3 && (n.textContent ?? '').trim() !== '');
      if (!own) continue;
      const style = getComputedStyle(e);
      if (style.visibility === 'hidden') continue;
      const r = e.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || r.bottom < 0 || r.top > window.innerHeight) continue;
      boxes.push({ text: (e.textContent ?? '').trim().slice(0, 12), x: r.x, y: r.y, w: r.width, h: r.height });
    }
    const inside = (a: (typeof boxes)[number], b: (typeof boxes)[number]) =>
      a.x <= b.x + 1 && a.y <= b.y + 1 && a.x + a.w >= b.x + b.w - 1 && a.y + a.h >= b.y + b.h - 1;
    const clashes: string[] = [];
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const [a, b] = [boxes[i], boxes[j]];
        const overlap = a.x < b.x + b.w - 1 && b.x < a.x + a.w - 1 && a.y < b.y + b.h - 1 && b.y < a.y + a.h - 1;
        if (overlap && !inside(a, b) && !inside(b, a)) clashes.push(`${a.text} × ${b.text}`);
      }
    return clashes;
  });
}

describe('the map page on phones', () => {
  for (const size of [
    { width: 390, height: 844 },
    { width: 360, height: 740 },
  ]) {
    it(`at ${size.width}×${size.height}: the map fills the width, menus and sheets stay on screen, every tap target is 44×44 or more`, async () => {
      const { ctx } = suite;
      const { page, consoleErrors, outside } = await watchedPage(suite.browser, suite.origin, ctx.sessions.grid_manager, size, { mobile: true });
      await openMap(page, `${suite.origin}/map`);
      const map = await page.locator('.map-area').boundingBox();
      expect(map?.width).toBe(size.width);
      expect(map?.height).toBeGreaterThan(size.height * 0.5);
      await expectPhoneReady(page, 'map');
      // My area first: the grid manager's grids are outlined and the map opens on them, not on the whole town.
      const own = ctx.users.grid_manager.gridIds;
      const view = await page.evaluate(() => {
        const m = window.__map;
        const b = m?.getBounds();
        return { filter: JSON.stringify(m?.getFilter('grid-own')), west: b?.getWest() ?? 0, east: b?.getEast() ?? 0 };
      });
      for (const id of own) expect(view.filter).toContain(`"${id}"`);
      const [townWest, , townEast] = ctx.app.townData.town.bbox;
      expect(view.east - view.west).toBeLessThan((townEast - townWest) * 0.9);
      // …and its figures stand beside the town's.
      const mine = (await ctx.app.inject({ url: `/api/stats/summary?grid=${own.join(',')}`, headers: ctx.as.grid_manager })).json();
      await expect
        .poll(() => page.locator('[data-kpi-mine]').textContent())
        .toContain(`我的网格（${own.length} 个）：问题 ${mine.total.toLocaleString('zh-CN')}`);
      expect(await page.locator('[data-kpi-mine]').textContent()).toContain(`逾期未改 ${mine.overdue.toLocaleString('zh-CN')}`);
      await page.screenshot({ path: `${ARTIFACTS}/phone-map-${size.width}.png` });

      await page.locator('[data-toggle="menu"]').tap();
      await page.locator('.header-actions[data-open="true"] .report-button').waitFor();
      await expectPhoneReady(page, 'menu');
      await page.screenshot({ path: `${ARTIFACTS}/phone-menu-${size.width}.png` });
      await page.locator('[data-toggle="menu"]').tap();

      await page.locator('[data-toggle="filters"]').tap();
      await page.locator('.filter-bar').waitFor();
      await expectPhoneReady(page, 'filters');
      await page.screenshot({ path: `${ARTIFACTS}/phone-filters-${size.width}.png` });
      await page.locator('[data-toggle="filters"]').tap();

      // A problem card is a bottom sheet within the screen.
      const id = ctx.app.problemTable.record(0).id;
      await openMap(page, `${suite.origin}/map?problem=${id}`);
      const card = page.locator(`.problem-card[data-problem="${id}"]`);
      await card.waitFor();
      await expectPhoneReady(page, 'card');
      const sheet = await card.boundingBox();
      expect(
        sheet && sheet.x >= 0 && sheet.x + sheet.width <= size.width + 0.5 && sheet.y >= 0 && sheet.y + sheet.height <= size.height + 0.5,
        JSON.stringify(sheet),
      ).toBe(true);
      await page.screenshot({ path: `${ARTIFACTS}/phone-card-${size.width}.png` });
      expect(consoleErrors).toEqual([]);
      expect(outside).toEqual([]);
      await page.context().close();
    });
  }

  it('我的待办 at 390×844: no sideways scroll, 44×44 targets, the card a sheet on screen', async () => {
    const { page, consoleErrors } = await watchedPage(suite.browser, suite.origin, suite.ctx.sessions.unit, { width: 390, height: 844 }, { mobile: true });
    await page.goto(`${suite.origin}/tasks`);
    await page.locator('.tasks-page[data-loaded="true"]').waitFor();
    await expectPhoneReady(page, 'tasks');
    await page.screenshot({ path: `${ARTIFACTS}/phone-tasks-390.png` });
    await page.locator('.task-list [data-task]').first().tap();
    const card = page.locator('.problem-card');
    await card.waitFor();
    const sheet = await card.boundingBox();
    expect(sheet && sheet.x >= 0 && sheet.x + sheet.width <= 390.5 && sheet.y + sheet.height <= 844.5).toBe(true);
    await expectPhoneReady(page, 'tasks card');
    // On to the map, the phone's first map of the session: it loads its worker and data with a clean
    // console (a "Worker failed to load" was reported on a phone's first load).
    await card.locator('.panel-close').tap();
    await page.locator('.tasks-page a[href="/map"]').tap();
    await page.waitForFunction(() => window.__map?.loaded() === true, undefined, { timeout: 60_000 });
    await page.waitForTimeout(1000);
    expect(consoleErrors).toEqual([]);
    await page.context().close();
  });

  it('reports at the phone’s own position (使用我的位置)', async () => {
    const { ctx } = suite;
    const { page, consoleErrors } = await watchedPage(suite.browser, suite.origin, ctx.sessions.grid_manager, { width: 390, height: 844 }, { mobile: true });
    const mine = ctx.app.problemTable.record(
      [...Array(ctx.app.problemTable.size).keys()].find((i) => ctx.users.grid_manager.gridIds.includes(ctx.app.problemTable.record(i).gridId)) ?? 0,
    );
    await page.context().grantPermissions(['geolocation'], { origin: suite.origin });
    await page.context().setGeolocation({ longitude: mine.lon, latitude: mine.lat, accuracy: 12 });
    await openMap(page, `${suite.origin}/map`);
    await page.locator('[data-toggle="menu"]').tap();
    await page.locator('.report-button').tap();
    const form = page.locator('aside.report-form');
    await form.locator('[data-locate]').tap();
    await expect.poll(() => form.locator('[data-field=point]').textContent()).toBe(`位置：${mine.lon.toFixed(5)}, ${mine.lat.toFixed(5)}（点击地图可修改）`);
    expect(await form.textContent()).toContain('精度约 12 米');
    await expectPhoneReady(page, 'report form');
    await page.screenshot({ path: `${ARTIFACTS}/phone-report-390.png` });
    expect(consoleErrors).toEqual([]);
    await page.context().close();
  });
});

describe('the map page on laptops and projectors', () => {
  for (const size of [
    { width: 1366, height: 768 },
    { width: 1024, height: 768 },
  ]) {
    it(`at ${size.width}×${size.height}: nothing wider than the screen, no text over other text, the playback bar on screen`, async () => {
      const { page, consoleErrors } = await watchedPage(suite.browser, suite.origin, suite.ctx.sessions.admin, size);
      await openMap(page, `${suite.origin}/map`);
      await page.waitForTimeout(1500);
      const { overflow } = await reachable(page);
      expect(overflow).toBeLessThanOrEqual(0);
      expect(await page.evaluate(() => document.documentElement.scrollHeight - window.innerHeight)).toBeLessThanOrEqual(0);
      expect(await textClashes(page)).toEqual([]);
      const playback = await page.locator('.playback').boundingBox();
      expect(playback && playback.y + playback.height <= size.height).toBe(true);
      // The header stays one row.
      const header = await page.locator('header.title').boundingBox();
      expect(header?.height).toBeLessThan(70);
      await page.screenshot({ path: `${ARTIFACTS}/laptop-map-${size.width}x${size.height}.png` });
      expect(consoleErrors).toEqual([]);
      await page.context().close();
    });
  }

  it('at 1366×768: 环比 on the KPIs, each chart says its window, 村居排名 by 整改率 on request, a unit in the link filters the page', async () => {
    const { ctx } = suite;
    const { page, consoleErrors } = await watchedPage(suite.browser, suite.origin, ctx.sessions.admin, { width: 1366, height: 768 });
    await openMap(page, `${suite.origin}/map?period=30d`);
    const compare = (await ctx.app.inject({ url: '/api/stats/compare', headers: ctx.as.admin })).json();
    await expect.poll(() => page.locator('[data-kpi="week"] .kpi-change').textContent()).toBe(`较上周同期 ${changeWords(compare.week.reported)}`);
    expect(await page.locator('[data-kpi="total"] .kpi-change').textContent()).toBe(
      `本月新增 ${compare.month.reported.current.toLocaleString('zh-CN')} · 环比 ${changeWords(compare.month.reported)}`,
    );
    // Every chart but the monthly trend says the period the filters cover.
    const windows = await page.locator('.charts [data-window]').allTextContents();
    expect(windows.filter((w) => w.startsWith('20') && w.includes(' 至 ')).length).toBe(3);
    // Rank by 整改率: the server's order, and the address bar keeps it.
    await page.getByLabel('排名依据').selectOption('rectificationRate');
    await expect.poll(() => new URL(page.url()).searchParams.get('rank')).toBe('rectificationRate');
    await page.locator('[data-chart="communities"] [aria-label="村居排名（按整改率）"]').waitFor();
    // 责任单位: the most overdue unit's bar filters the map to that unit.
    const units = (await ctx.app.inject({ url: '/api/stats/units', headers: ctx.as.admin })).json();
    expect(units.units[0].overdue).toBeGreaterThanOrEqual(units.units[1].overdue);
    await page.goto(`${suite.origin}/map?unit=${units.units[0].id}`);
    await page.waitForFunction(() => window.__map?.loaded() === true);
    await expect.poll(() => page.locator('.app').getAttribute('data-query')).toContain(`unit=${units.units[0].id}`);
    const summary = (await ctx.app.inject({ url: `/api/stats/summary?unit=${units.units[0].id}`, headers: ctx.as.admin })).json();
    await expect.poll(() => page.locator('[data-kpi="total"] .kpi-value').textContent()).toBe(summary.total.toLocaleString('zh-CN'));
    await page.screenshot({ path: `${ARTIFACTS}/laptop-charts-1366x768.png` });
    // Under a status filter (待整改 alone) the rate is closed / all = 0 by construction: the strip says so instead of 0.0%.
    await page.goto(`${suite.origin}/map?status=open`);
    await page.waitForFunction(() => window.__map?.loaded() === true);
    await expect.poll(() => page.locator('[data-kpi="rate"] .kpi-value').textContent()).toBe('—');
    expect(await page.locator('[data-kpi="rate"]').textContent()).toContain('按状态筛选时不计');
    expect(consoleErrors).toEqual([]);
    await page.context().close();
  });
});
