import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORIGIN, TEST_PASSWORD } from '../helpers/demo.ts';
import { ARTIFACTS, type BrowserSuite, browserSuite, signIn, watchedPage } from './browser.ts';

let suite: BrowserSuite;

beforeAll(async () => {
  suite = await browserSuite(2500);
}, 120_000);
afterAll(async () => suite?.close());

/** The ids of the list on the page, top to bottom. */
const listed = (page: Page) => page.locator('.task-list [data-task]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-task'))));

/** The ids /api/tasks gives a role, in its order. */
async function apiTasks(role: 'unit' | 'grid_manager'): Promise<number[]> {
  const res = await suite.ctx.app.inject({ url: '/api/tasks', headers: suite.ctx.as[role] });
  return res.json().tasks.map((t: { id: number }) => t.id);
}

describe('我的待办', () => {
  it('a unit and a grid manager sign in at / and land on their list, in the order of /api/tasks', async () => {
    for (const role of ['unit', 'grid_manager'] as const) {
      const { page, consoleErrors } = await watchedPage(suite.browser, suite.origin, null, { width: 1366, height: 768 });
      await page.goto(suite.origin);
      await signIn(page, role, TEST_PASSWORD, 'tasks');
      expect(new URL(page.url()).pathname).toBe('/tasks');
      const expected = await apiTasks(role);
      expect(expected.length).toBeGreaterThan(0);
      expect(await listed(page)).toEqual(expected);
      // Overdue rows first, marked red; the counts match the rows.
      const bands = await page.locator('.task-list [data-task]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-band'))));
      expect([...bands].sort((a, b) => a - b)).toEqual(bands);
      const overdue = bands.filter((b) => b === 0).length;
      expect(await page.locator('[data-count="overdue"]').textContent()).toBe(String(overdue));
      if (overdue > 0) expect(await page.locator('.task-list [data-band="0"] .task-due').first().textContent()).toMatch(/^已逾期 \d+ (天|小时)$/);
      await page.screenshot({ path: `${ARTIFACTS}/tasks-${role}-1366.png` });
      // The 逾期 chip keeps the overdue rows only.
      await page.locator('[data-filter="overdue"]').click();
      expect((await listed(page)).length).toBe(overdue);
      expect(new URL(page.url()).search).toBe('?show=overdue');
      expect(consoleErrors).toEqual([]);
      await page.context().close();
    }
  });

  it('a report made by a grid manager is dispatched by rule and shows at once in the unit’s open list', async () => {
    const { ctx } = suite;
    const unitId = ctx.users.unit.unitId as string;
    const gridId = ctx.users.grid_manager.gridIds[0];
    const grid = ctx.app.townData.gridById.get(gridId);
    if (!grid) throw new Error('no grid');
    // This community's 小广告 go to the test unit.
    await ctx.app.dispatch.replace([
      ...ctx.app.dispatch.rules.filter((r) => r.category !== 'flyers'),
      { category: 'flyers', communityId: grid.communityId, unitId },
    ]);
    const { page, consoleErrors } = await watchedPage(suite.browser, suite.origin, ctx.sessions.unit, { width: 1366, height: 768 });
    await page.goto(`${suite.origin}/tasks`);
    await page.locator('.tasks-page[data-loaded="true"]').waitFor();
    const before = await listed(page);

    const t = ctx.app.problemTable;
    let row = 0;
    while (t.record(row).gridId !== gridId) row++;
    const res = await ctx.app.inject({
      method: 'POST',
      url: '/api/problems',
      headers: { ...ctx.as.grid_manager, origin: ORIGIN },
      payload: { lon: t.lon[row], lat: t.lat[row], category: 'flyers', description: '宣传栏贴满小广告', source: 'grid_patrol' },
    });
    expect(res.statusCode).toBe(201);
    const created = res.json().problem.properties;
    expect(created).toMatchObject({ status: 'open', unitId });
    const assign = created.history.at(-1);
    expect(assign).toMatchObject({ action: 'assign', actor: '自动派遣' });
    expect(assign.note).toContain('小广告 / 牛皮癣 ×');

    const item = page.locator(`.task-list [data-task="${created.id}"]`);
    await item.waitFor({ timeout: 10_000 });
    expect(await item.textContent()).toContain('待整改');
    expect((await listed(page)).length).toBe(before.length + 1);
    expect(await listed(page)).toEqual(await apiTasks('unit'));

    // One tap opens the card with the unit's action, and its history names the rule.
    await item.click();
    const card = page.locator(`.problem-card[data-problem="${created.id}"]`);
    await card.waitFor();
    expect(await card.locator('[data-action]').evaluateAll((b) => b.map((x) => x.getAttribute('data-action')))).toEqual(['start']);
    expect(await card.textContent()).toContain('自动派遣');
    await page.screenshot({ path: `${ARTIFACTS}/tasks-unit-card-1366.png` });

    // A colleague starts it from another phone: the open card follows, with the next action.
    const started = await ctx.app.inject({
      method: 'POST',
      url: `/api/problems/${created.id}/transitions`,
      headers: { ...ctx.as.unit, origin: ORIGIN, 'if-match': `"${created.version}"` },
      payload: { action: 'start', note: '已安排清理' },
    });
    expect(started.statusCode).toBe(200);
    await expect
      .poll(() => card.locator('[data-action]').evaluateAll((b) => b.map((x) => x.getAttribute('data-action'))), { timeout: 10_000 })
      .toEqual(['submit']);
    expect(await card.textContent()).toContain('已安排清理');
    expect(consoleErrors).toEqual([]);
    await page.context().close();
  });
});
