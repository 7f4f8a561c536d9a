import { existsSync, mkdirSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { sceneTiming } from '../../client/present/timing.ts';
import { SESSION_COOKIE } from '../../server/auth/access.ts';
import { type DemoApp, demoApp } from '../helpers/demo.ts';

/** Where browser tests keep their screenshots (git-ignored; kept by CI). */
export const ARTIFACTS = 'test-artifacts';

/** What a browser test file runs against: a demo app listening on a free port, and a Chromium. */
export interface BrowserSuite {
  ctx: DemoApp;
  browser: Browser;
  origin: string;
  close(): Promise<void>;
}

/** Starts a demo app with `count` problems (its clock pinned to the demo's end unless `now` is given; with `patrols`, the demo's past patrols) on a free port and launches Chromium; `close` stops both. */
export async function browserSuite(count: number, options: { now?: () => number; patrols?: boolean } = {}): Promise<BrowserSuite> {
  const ctx = await demoApp(count, options);
  const origin = await ctx.app.listen({ host: '127.0.0.1', port: 0 });
  const browser = await launch();
  mkdirSync(ARTIFACTS, { recursive: true });
  return {
    ctx,
    browser,
    origin,
    async close() {
      await browser.close();
      await ctx.close();
    },
  };
}

export const CHROMIUM = '/usr/bin/chromium';
/** Software WebGL through SwiftShader; no network noise. */
export const CHROMIUM_ARGS = [
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
];

/** Headless Debian Chromium with software WebGL (see README: browser tests); `extraArgs` after the usual ones. */
export async function launch(extraArgs: readonly string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`browser tests need ${CHROMIUM}: apt-get install -y chromium fonts-noto-cjk`);
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [...CHROMIUM_ARGS, ...extraArgs],
  });
}

/**
 * Pages as a wall screen shows them: each one in the foreground. Headless Chromium treats all but
 * one page as background tabs and delays their timers when they are busy (a reconnect planned in
 * 1 s was seen to fire after 10 s while the machine's two cores restarted a server).
 */
export const FOREGROUND_PAGES = ['--disable-background-timer-throttling', '--disable-renderer-backgrounding', '--disable-backgrounding-occluded-windows'];

export interface Watched {
  page: Page;
  consoleErrors: string[];
  /** Requests to any host but the test server; they are blocked. */
  outside: string[];
}

/**
 * A page that records console errors and blocks (and records) every request leaving the test
 * server; with `session` (a session cookie's value) it is signed in, else it meets the sign-in page.
 */
export async function watchedPage(
  browser: Browser,
  origin: string,
  session: string | null,
  size = { width: 1600, height: 900 },
  device: { mobile?: boolean; scale?: number; geolocation?: { longitude: number; latitude: number } } = {},
): Promise<Watched> {
  // A phone: touch, a mobile viewport and three device pixels a CSS pixel; `scale` alone: a sharper desktop (a printer's resolution).
  const phone = device.mobile ? { isMobile: true, hasTouch: true, deviceScaleFactor: 3 } : device.scale ? { deviceScaleFactor: device.scale } : {};
  const where = device.geolocation ? { geolocation: { ...device.geolocation, accuracy: 10 }, permissions: ['geolocation'] } : {};
  const context = await browser.newContext({ viewport: size, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', ...phone, ...where });
  if (session) await context.addCookies([{ name: SESSION_COOKIE, value: session, url: origin, httpOnly: true, sameSite: 'Strict' }]);
  // Generous waits: software WebGL on a busy machine is slow; tests gate on correctness, not speed.
  context.setDefaultTimeout(90_000);
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  const outside: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    outside.push(url);
    return route.abort();
  });
  return { page, consoleErrors, outside };
}

/**
 * Keeps a screenshot in test-artifacts for a person to look at (not an assertion). Software GL on a
 * busy machine now and then answers a capture with "Unable to capture screenshot": it is tried
 * again, up to three times.
 */
export async function keepShot(page: Page, name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await page.screenshot({ path: `${ARTIFACTS}/${name}` });
      return;
    } catch (e) {
      if (attempt >= 3 || !String(e).includes('Unable to capture screenshot')) throw e;
      await page.waitForTimeout(500);
    }
  }
}

/** RGBA of screenshot pixels, decoded by the browser itself (no PNG library needed here). */
export async function pixels(page: Page, png: Buffer, at: [number, number][]): Promise<[number, number, number, number][]> {
  return page.evaluate(
    async ({ b64, at }) => {
      const blob = await (await fetch(`data:image/png;base64,${b64}`)).blob();
      const bitmap = await createImageBitmap(blob);
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const ctx = canvas.getContext('2d');
      if (!ctx) throw new Error('no 2d context');
      ctx.drawImage(bitmap, 0, 0);
      return at.map(([x, y]) => Array.from(ctx.getImageData(Math.round(x), Math.round(y), 1, 1).data) as [number, number, number, number]);
    },
    { b64: png.toString('base64'), at },
  );
}

/** Where a longitude/latitude is drawn on the page, in page pixels (the map may sit below other elements, or be scaled with CSS as on the wall). */
export async function pagePoint(page: Page, lonLat: [number, number]): Promise<[number, number]> {
  return page.evaluate((ll) => {
    const canvas = window.__map?.getCanvas();
    const p = window.__map?.project(ll);
    const r = canvas?.getBoundingClientRect();
    const scale = r && canvas?.clientWidth ? r.width / canvas.clientWidth : 1;
    return [(p?.x ?? 0) * scale + (r?.left ?? 0), (p?.y ?? 0) * scale + (r?.top ?? 0)] as [number, number];
  }, lonLat);
}

/** Signs in through the sign-in form and waits for the page the account lands on: the map, or 我的待办 (units and grid managers). */
export async function signIn(page: Page, username: string, password: string, lands: 'map' | 'tasks' = 'map'): Promise<void> {
  await page.locator('input[name=username]').fill(username);
  await page.locator('input[name=password]').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  if (lands === 'tasks') await page.locator('.tasks-page[data-loaded="true"]').waitFor({ timeout: 60_000 });
  else await page.waitForFunction(() => window.__map?.loaded() === true, undefined, { timeout: 60_000 });
}

/** Opens the map page and waits until the map has loaded its style and data. */
export async function openMap(page: Page, url: string): Promise<void> {
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForFunction(() => window.__map?.loaded() === true, undefined, { timeout: 60_000 });
}

/**
 * Waits until the page has finished its first heavy work (software WebGL compiles shaders and
 * draws on the main thread): `quietMs` with no 200 ms gap in a 50 ms timer. A change is
 * timed from a settled page, as on a screen that has been up for a while.
 */
export async function settled(page: Page, quietMs = 1000): Promise<void> {
  await page.evaluate(
    (quiet) =>
      new Promise<void>((resolve) => {
        let last = Date.now();
        let quietSince = last;
        const timer = setInterval(() => {
          const now = Date.now();
          if (now - last > 200) quietSince = now;
          last = now;
          if (now - quietSince >= quiet) {
            clearInterval(timer);
            resolve();
          }
        }, 50);
      }),
    quietMs,
  );
}

/** 环比 as the pages should word it: ▲12.5% / ▼3.0% / 持平, 上期无 when there was nothing before. */
export function changeWords(c: { current: number; change: number | null }): string {
  if (c.change === null) return c.current === 0 ? '持平' : '上期无';
  if (c.change === 0) return '持平';
  return `${c.change > 0 ? '▲' : '▼'}${Math.abs(c.change * 100).toFixed(1)}%`;
}

interface Box {
  what: string;
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * What a phone user can reach: the page's horizontal overflow, and every visible control (button,
 * link, select, input, textarea) with its box. Controls inside the map's canvas container are
 * MapLibre's own (measured too); hidden ones (display none, zero size) are left out.
 */
export async function reachable(page: Page): Promise<{ wide: string[]; overflow: number; viewport: { width: number; height: number }; controls: Box[] }> {
  return page.evaluate(() => {
    const controls = [...document.querySelectorAll('button, a[href], select, input, textarea')]
      .map((e) => {
        const r = e.getBoundingClientRect();
        const name = (e.getAttribute('aria-label') ?? e.textContent ?? e.getAttribute('name') ?? e.tagName).trim().slice(0, 16);
        return { what: `${e.tagName.toLowerCase()} ${name}`, x: r.x, y: r.y, width: r.width, height: r.height };
      })
      .filter((b) => b.width > 0 && b.height > 0);
    // A phone widens its layout to fit content wider than the screen (and zooms out): measure against the screen.
    const screenWidth = window.visualViewport ? Math.round(window.visualViewport.width * window.visualViewport.scale) : window.innerWidth;
    const wide = [...document.querySelectorAll('body *')]
      .filter((e) => e.getBoundingClientRect().right > screenWidth + 0.5)
      .map((e) => `${e.tagName.toLowerCase()}.${String(e.className).split(' ')[0]}`)
      .slice(0, 8);
    return {
      wide,
      overflow: document.documentElement.scrollWidth - screenWidth,
      viewport: { width: screenWidth, height: window.innerHeight },
      controls,
    };
  });
}

/** No sideways scroll, every control inside the width, and at least 44×44 CSS px. */
export async function expectPhoneReady(page: Page, label: string): Promise<void> {
  const { wide, overflow, viewport, controls } = await reachable(page);
  expect(overflow, `${label}: horizontal scroll from ${wide.join(', ')}`).toBeLessThanOrEqual(0);
  expect(controls.length).toBeGreaterThan(3);
  const outside = controls.filter((c) => c.x < -0.5 || c.x + c.width > viewport.width + 0.5).map((c) => c.what);
  expect(outside, `${label}: controls off-screen`).toEqual([]);
  const small = controls.filter((c) => c.width < 43.5 || c.height < 43.5).map((c) => `${c.what} ${Math.round(c.width)}×${Math.round(c.height)}`);
  expect(small, `${label}: tap targets under 44×44`).toEqual([]);
}

/**
 * Waits until the show has drawn scene `i` (0-based) and answers how long that took in the page:
 * from the key to the first frame painted with every map of the scene drawn (its User Timing
 * measure), not counting how late a busy page lets the test see it.
 */
export async function sceneDrawnMs(page: Page, i: number): Promise<number> {
  await page.locator(`.show[data-drawn="${i}"]`).waitFor({ timeout: 60_000 });
  const name = sceneTiming(i + 1);
  await page.waitForFunction((n) => performance.getEntriesByName(n).length > 0, name, { timeout: 60_000 });
  return page.evaluate((n) => {
    const all = performance.getEntriesByName(n);
    return Math.round(all[all.length - 1].duration);
  }, name);
}
