import gcoord from 'gcoord';
import jsQR from 'jsqr';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ringMean } from '../../server/domain/geometry.ts';
import { ORIGIN } from '../helpers/demo.ts';
import { ARTIFACTS, type BrowserSuite, browserSuite, expectPhoneReady, watchedPage } from './browser.ts';

vi.setConfig({ testTimeout: 240_000 });

let suite: BrowserSuite;
beforeAll(async () => {
  // The server keeps real time: the phone records times by its own clock, which the server checks.
  suite = await browserSuite(2500, { now: () => Date.now() });
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

  it('prints a 15-stop sheet on one A4 page, every QR code leading to its stop’s card', async () => {
    const { ctx } = suite;
    // Printed from the office's computer; rendered at 4 device pixels a CSS pixel (384 dpi, a printer's sharpness) to read the codes back.
    const { page, consoleErrors } = await watchedPage(suite.browser, suite.origin, ctx.sessions.grid_manager, { width: 1366, height: 768 }, { scale: 4 });
    // The sheet holds 15 stops: the request asks the server for at most 15 (a real plan, three hours by e-bike).
    await page.route('**/api/patrols/plan', (route) => route.continue({ postData: JSON.stringify({ ...route.request().postDataJSON(), maxStops: 15 }) }));
    await page.goto(`${suite.origin}/patrol`);
    await page.waitForFunction(() => window.__map?.loaded() === true, undefined, { timeout: 60_000 });
    await page.locator('[data-budget="180"]').click();
    await page.locator('[data-mode="ebike"]').click();
    await page.locator('[data-plan]').click();
    await page.locator('.patrol-page[data-planned="true"]').waitFor();
    expect(await page.locator('.patrol-stops > li').count()).toBe(15);
    await page.locator('.patrol-sheet[data-ready="true"]').waitFor({ state: 'attached' });
    // What 打印巡查单 does before printing: the map's picture into the sheet.
    await page.evaluate(() => {
      window.print = () => undefined;
    });
    await page.locator('[data-print]').click();
    await page.waitForFunction(() => (document.querySelector('.patrol-sheet-map') as HTMLImageElement | null)?.complete === true);

    await page.emulateMedia({ media: 'print' });
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    expect(pages).toBe(1);

    // Each QR code as printed (the page rendered for print, A4's width) decodes to its stop's card.
    await page.setViewportSize({ width: 718, height: 1047 });
    const expected = await page.locator('.patrol-qr').evaluateAll((imgs) => imgs.map((i) => i.getAttribute('data-qr')));
    expect(expected).toHaveLength(15);
    const raw = await sharp(await page.screenshot({ fullPage: true }))
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const shot = { width: raw.info.width, height: raw.info.height, data: new Uint8ClampedArray(raw.data) };
    const boxes = await page.locator('.patrol-qr').evaluateAll((imgs) =>
      imgs.map((i) => {
        const r = i.getBoundingClientRect();
        return { x: r.x + window.scrollX, y: r.y + window.scrollY, w: r.width, h: r.height };
      }),
    );
    const scale = shot.width / (await page.evaluate(() => document.documentElement.clientWidth));
    const decoded = boxes.map((b) => {
      const x0 = Math.max(0, Math.floor((b.x - 2) * scale));
      const y0 = Math.max(0, Math.floor((b.y - 2) * scale));
      const w = Math.min(shot.width - x0, Math.ceil((b.w + 4) * scale));
      const h = Math.min(shot.height - y0, Math.ceil((b.h + 4) * scale));
      const data = new Uint8ClampedArray(w * h * 4);
      for (let y = 0; y < h; y++) data.set(shot.data.subarray(((y0 + y) * shot.width + x0) * 4, ((y0 + y) * shot.width + x0 + w) * 4), y * w * 4);
      return jsQR(data, w, h)?.data ?? null;
    });
    expect(decoded).toEqual(expected);
    for (const url of expected) expect(url).toMatch(new RegExp(`^${suite.origin}/(tasks\\?problem=\\d+|map\\?grid=)`));
    await page.screenshot({ path: `${ARTIFACTS}/patrol-sheet.png`, fullPage: true });
    expect(consoleErrors).toEqual([]);
    await page.context().close();
  });
});

describe('巡查 without signal', () => {
  it('records 3 check-ins and a report with a photo offline, shows the plan after a reload offline, and sends each once, in order, when back online', async () => {
    const { ctx } = suite;
    const gm = ctx.users.grid_manager;
    const grid = ctx.app.townData.gridById.get(gm.gridIds[0]);
    const [lon, lat] = ringMean(grid?.geometry as Parameters<typeof ringMean>[0]);
    const { page, consoleErrors } = await watchedPage(
      suite.browser,
      suite.origin,
      ctx.sessions.grid_manager,
      { width: 390, height: 844 },
      {
        mobile: true,
        geolocation: { longitude: lon, latitude: lat },
      },
    );
    await page.goto(`${suite.origin}/patrol`);
    await page.waitForFunction(() => window.__map?.loaded() === true, undefined, { timeout: 60_000 });
    // The service worker runs and has kept what the page loaded (my grids at a glance last).
    await page.locator('[data-glance="overdue"]').filter({ hasText: /\d/ }).waitFor();
    await page.waitForFunction(async () => {
      const cache = await caches.open((await caches.keys())[0] ?? 'none');
      const kept = (await cache.keys()).map((r) => new URL(r.url).pathname);
      return ['/api/tasks', '/api/stats/summary', '/api/stats/coverage', '/api/basemap'].every((p) => kept.includes(p));
    });
    await page.locator('[data-budget="120"]').tap();
    await page.locator('[data-plan]').tap();
    await page.locator('.patrol-page[data-planned="true"]').waitFor();
    const stops = page.locator('.patrol-stops > li');
    expect(await stops.count()).toBeGreaterThanOrEqual(3);
    await page.locator('[data-start-patrol]').tap();
    await expect.poll(async () => (await ctx.app.store.patrols.list({ limit: 1 })).length, { timeout: 30_000 }).toBe(1);
    await page.locator('[data-outbox="0"]').waitFor();
    const [patrol] = await ctx.app.store.patrols.list({ limit: 1 });
    expect(patrol).toMatchObject({ userId: gm.id, endedAt: null });
    await page.screenshot({ path: `${ARTIFACTS}/patrol-under-way.png`, fullPage: true });

    // Playwright's request interception (which blocks requests leaving the test server) takes the map's
    // worker script away from the service worker: it is lifted for the offline part, and requests
    // leaving the server are only recorded (none may happen).
    await page.unrouteAll();
    const outside: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(suite.origin) && !/^(data|blob):/.test(r.url())) outside.push(r.url());
    });
    await page.context().setOffline(true);
    const results: string[] = [];
    for (const i of [0, 1, 2]) {
      const stop = stops.nth(i);
      const button = stop.locator('[data-result]').first();
      results.push((await button.getAttribute('data-result')) as string);
      await button.tap();
      await stop.locator('textarea').fill(`离线打卡 ${i + 1}`);
      await stop.locator('[data-confirm]').tap();
      await stop.locator('[data-done]').waitFor();
    }
    const photo = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#b45309' } })
      .jpeg()
      .toBuffer();
    await page.locator('[data-report-open]').tap();
    await page.locator('[data-report-category]').selectOption({ index: 1 });
    const category = await page.locator('[data-report-category]').inputValue();
    await page.locator('[data-report-text]').fill('离线上报：路口乱堆杂物');
    await page.locator('[data-report-before]').setInputFiles({ name: 'before.jpg', mimeType: 'image/jpeg', buffer: photo });
    await page.locator('[data-report-submit]').tap();
    await page.locator('.patrol-report').waitFor({ state: 'detached' });
    // The 3 check-ins, the report and the track so far wait on the phone.
    const waiting = Number(await page.locator('[data-outbox]').getAttribute('data-outbox'));
    expect(waiting).toBeGreaterThanOrEqual(4);
    await expectPhoneReady(page, 'offline');
    await page.screenshot({ path: `${ARTIFACTS}/patrol-offline.png`, fullPage: true });
    // Nothing reached the server.
    expect(await ctx.app.store.patrols.checkins(patrol.id)).toEqual([]);

    // A reload without signal: the page, today's plan and the patrol under way are still there.
    await page.reload();
    await page.locator('.patrol-page[data-planned="true"]').waitFor();
    expect(await stops.count()).toBeGreaterThanOrEqual(3);
    await page.locator('.patrol-bar[data-active="true"]').waitFor();
    expect(await page.locator('[data-done]').count()).toBe(3);
    expect(await page.locator('[data-outbox]').getAttribute('data-outbox')).toBe(String(waiting));

    await page.context().setOffline(false);
    await page.locator('[data-outbox="0"]').waitFor({ timeout: 60_000 });
    const checkins = await ctx.app.store.patrols.checkins(patrol.id);
    expect(checkins.map((c) => [c.kind, c.result, c.note])).toEqual([
      ['stop', results[0], '离线打卡 1'],
      ['stop', results[1], '离线打卡 2'],
      ['stop', results[2], '离线打卡 3'],
      ['report', 'found', ''],
    ]);
    const reported = checkins[3].problemId as number;
    const problem = await ctx.app.store.problem(reported);
    expect(problem).toMatchObject({ category, description: '离线上报：路口乱堆杂物', source: 'grid_patrol' });
    expect((await ctx.app.store.photos(reported)).map((p) => p.kind)).toEqual(['before']);
    // Exactly once: one problem with that description.
    const t = ctx.app.problemTable;
    const same = Array.from({ length: t.size }, (_, i) => t.record(i)).filter((p) => p.description === '离线上报：路口乱堆杂物');
    expect(same).toHaveLength(1);
    // Sending again (a later flush) adds nothing.
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    await page.waitForTimeout(500);
    expect(await ctx.app.store.patrols.checkins(patrol.id)).toHaveLength(4);

    await page.locator('[data-end]').tap();
    await page.locator('[data-ended]').waitFor();
    await page.locator('[data-outbox="0"]').waitFor();
    expect((await ctx.app.store.patrols.get(patrol.id))?.endedAt).not.toBeNull();
    expect(consoleErrors).toEqual([]);
    expect(outside).toEqual([]);
    await page.context().close();
  });
});
