import gcoord from 'gcoord';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ORIGIN } from '../helpers/demo.ts';
import { ARTIFACTS, type BrowserSuite, browserSuite, expectPhoneReady, watchedPage } from './browser.ts';

vi.setConfig({ testTimeout: 240_000 });

let suite: BrowserSuite;
beforeAll(async () => {
  suite = await browserSuite(2500);
}, 120_000);
afterAll(async () => suite?.close());

/** The smallest font size of visible text on the page, in CSS px (the map's own labels aside). */
const smallestText = (page: Page) =>
  page.evaluate(() => {
    let min = Number.POSITIVE_INFINITY;
    let what = '';
    for (const e of document.querySelectorAll('body *')) {
      if (e.closest('.maplibregl-map')) continue;
      const own = [...e.childNodes].some((n) => n.nodeType === 3 && (n.textContent ?? '').trim() !== '');
      const r = e.getBoundingClientRect();
      if (!own || r.width === 0 || r.height === 0) continue;
      const size = Number.parseFloat(getComputedStyle(e).fontSize);
      if (size < min) {
        min = size;
        what = (e.textContent ?? '').trim().slice(0, 20);
      }
    }
    return { min, what };
  });

describe('巡查 on a phone', () => {
  for (const size of [
    { width: 390, height: 844 },
    { width: 360, height: 740 },
  ]) {
    it(`at ${size.width}×${size.height}: my grids at a glance, today's route on the map and in a list, 导航 in GCJ-02/BD-09`, async () => {
      const { ctx } = suite;
      const { page, consoleErrors } = await watchedPage(suite.browser, suite.origin, ctx.sessions.grid_manager, size, { mobile: true });
      await page.goto(`${suite.origin}/patrol`);
      await page.waitForFunction(() => window.__map?.loaded() === true, undefined, { timeout: 60_000 });
      // The glance equals 我的待办's counts.
      const tasks = (await ctx.app.inject({ url: '/api/tasks?limit=500', headers: ctx.as.grid_manager })).json();
      await expect.poll(() => page.locator('[data-glance="overdue"]').textContent()).toBe(String(tasks.overdue));
      expect(await page.locator('[data-glance="due-soon"]').textContent()).toBe(String(tasks.dueSoon));
      await expectPhoneReady(page, 'patrol');

      await page.locator('[data-budget="60"]').tap();
      await page.locator('[data-plan]').tap();
      await page.locator('.patrol-page[data-planned="true"]').waitFor();
      const stops = page.locator('.patrol-stops > li');
      const count = await stops.count();
      expect(count).toBeGreaterThan(0);
      // One numbered marker per stop, and the start.
      expect(await page.locator('.patrol-marker').count()).toBe(count + 1);
      await stops.first().locator('.patrol-stop-head').tap();
      const amap = await stops.first().locator('[data-nav="amap"]').getAttribute('href');
      const baidu = await stops.first().locator('[data-nav="baidu"]').getAttribute('href');
      await page.waitForTimeout(500);
      await expectPhoneReady(page, 'plan');
      const text = await smallestText(page);
      expect(text.min, `smallest text: ${text.what}`).toBeGreaterThanOrEqual(14);
      await page.screenshot({ path: `${ARTIFACTS}/patrol-${size.width}.png`, fullPage: true });

      // The links carry the first stop converted by gcoord.
      const plan = (
        await ctx.app.inject({
          method: 'POST',
          url: '/api/patrols/plan',
          headers: { ...ctx.as.grid_manager, origin: ORIGIN },
          payload: { budgetMinutes: 60, mode: 'walk', lock: [], drop: [] },
        })
      ).json();
      const first = plan.stops[0];
      const gcj = gcoord.transform([first.lon, first.lat], gcoord.WGS84, gcoord.GCJ02);
      const bd = gcoord.transform([first.lon, first.lat], gcoord.WGS84, gcoord.BD09);
      expect(new URL(amap ?? '').searchParams.get('to')).toBe(`${gcj[0].toFixed(6)},${gcj[1].toFixed(6)},${first.name}`);
      expect(new URL(baidu ?? '').searchParams.get('destination')).toBe(`latlng:${bd[1].toFixed(6)},${bd[0].toFixed(6)}|name:${first.name}`);

      // 去掉 leaves the stop out of the new plan.
      const dropped = await stops.first().getAttribute('data-stop');
      const id = await stops.first().locator('[data-drop]').getAttribute('data-drop');
      await stops.first().locator('[data-drop]').tap();
      await expect.poll(() => page.locator(`[data-drop="${id}"]`).count()).toBe(0);
      expect(dropped).toBe('0');
      expect(consoleErrors).toEqual([]);
      await page.context().close();
    });
  }
});
