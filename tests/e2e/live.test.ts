import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, type BrowserSuite, browserSuite, launch, openMap, settled, watchedPage } from './browser.ts';

let suite: BrowserSuite;
let otherBrowser: Browser | null = null;

beforeAll(async () => {
  suite = await browserSuite(1500);
}, 120_000);
afterAll(async () => {
  await otherBrowser?.close();
  await suite?.close();
});

/** Records, in the page, when the open card's status text changes and every value of the live state (data-live). */
async function watch(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __statusAt: Record<string, number>; __liveLog: string[] };
    w.__statusAt = {};
    w.__liveLog = [];
    const app = document.querySelector('.app');
    new MutationObserver(() => {
      const status = document.querySelector('.problem-card .status')?.textContent ?? '';
      if (!(status in w.__statusAt)) w.__statusAt[status] = Date.now();
      const toast = document.querySelector('.toasts li')?.textContent ?? '';
      if (toast && !(`toast:${toast}` in w.__statusAt)) w.__statusAt[`toast:${toast}`] = Date.now();
      const live = app?.getAttribute('data-live') ?? '';
      if (w.__liveLog.at(-1) !== live) w.__liveLog.push(live);
    }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['data-live'] });
  });
}

/** Takes an action on the open card of page `a` and returns, from the page's clock, when it was confirmed. */
async function act(a: Page, action: string, note: string): Promise<number> {
  await a.locator(`.problem-actions [data-action="${action}"]`).click();
  await a.getByLabel('说明').fill(note);
  const confirm = a.locator('.action-form button.primary');
  // The click time from the page's own clock, so that both pages measure on one clock.
  await confirm.evaluate((b) => {
    b.addEventListener('click', () => {
      (window as unknown as { __clickedAt: number }).__clickedAt = Date.now();
    });
  });
  await confirm.click();
  return a.evaluate(() => (window as unknown as { __clickedAt: number }).__clickedAt);
}

/** When page `b` first showed `status` on its card (its clock), waiting up to 10 s. */
async function shownAt(b: Page, status: string): Promise<number> {
  await b.waitForFunction((s) => (window as unknown as { __statusAt: Record<string, number> }).__statusAt[s] !== undefined, status, { timeout: 10_000 });
  return b.evaluate((s) => (window as unknown as { __statusAt: Record<string, number> }).__statusAt[s], status);
}

describe('two pages, one change', () => {
  it('a status change made on one page shows on the other within 2 s, and again after the server restarted', async () => {
    const { ctx, browser, origin } = suite;
    const t = ctx.app.problemTable;
    let id = 0;
    for (let i = 0; i < t.size && !id; i++) if (t.record(i).status === 'awaiting_verification') id = t.id[i];
    expect(id).toBeGreaterThan(0);

    // Two devices: page b in a browser of its own, so that the pages do not share one (software) GPU process.
    const a = await watchedPage(browser, origin, ctx.sessions.admin);
    otherBrowser = await launch();
    const b = await watchedPage(otherBrowser, origin, ctx.sessions.leader);
    for (const w of [a, b]) {
      await openMap(w.page, `${origin}/?problem=${id}`);
      await w.page.locator(`.problem-card[data-problem="${id}"]`).waitFor();
      await w.page.locator('.app[data-live="on"]').waitFor();
    }
    await watch(a.page);
    await watch(b.page);
    await settled(a.page);
    await settled(b.page);

    const rejectedAt = await act(a.page, 'reject', '整改不到位，仍有小广告');
    const first = (await shownAt(b.page, '待整改')) - rejectedAt;
    expect(first).toBeLessThan(2000);

    // Restart the server between the two changes: both pages must come back by themselves.
    const { stopMs } = await suite.ctx.restart();
    expect(stopMs).toBeLessThan(2000);
    const restartedAt = Date.now();
    for (const w of [a, b]) {
      await w.page.waitForFunction(
        // Gone off when the server stopped, and on again.
        () => {
          const log = (window as unknown as { __liveLog: string[] }).__liveLog;
          return log.includes('off') && log.at(-1) === 'on';
        },
        undefined,
        { timeout: 15_000 },
      );
    }
    const reconnectMs = Date.now() - restartedAt;

    await settled(a.page);
    await settled(b.page);
    const startedAt = await act(a.page, 'start', '已安排人员清理');
    const second = (await shownAt(b.page, '整改中')) - startedAt;
    expect(second).toBeLessThan(2000);
    await b.page.screenshot({ path: `${ARTIFACTS}/live-second-page.png` });

    const stored = await suite.ctx.app.store.events(id);
    expect(stored.slice(-2).map((e) => e.action)).toEqual(['reject', 'start']);
    console.log(
      `live: first change shown after ${first} ms, second (after a restart) after ${second} ms; stop ${Math.round(stopMs)} ms, pages back on the stream ${reconnectMs} ms after the restart`,
    );
    // While the server was down the browser logged failed connections (refused, reset or empty:
    // the stream retrying, a reload in flight); nothing else may complain, and the pages kept their
    // map and card throughout.
    for (const w of [a, b])
      expect(w.consoleErrors.filter((e) => !/^Failed to load resource: net::ERR_(CONNECTION_REFUSED|CONNECTION_RESET|EMPTY_RESPONSE)/.test(e))).toEqual([]);
  }, 180_000);
});
