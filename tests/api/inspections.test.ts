import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { siteKinds } from '../../server/domain/catalogue.ts';
import { checklistFor, findItem } from '../../server/domain/checklists.ts';
import { DEMO_NOW, demoApp, ORIGIN } from '../helpers/demo.ts';

let ctx: Awaited<ReturnType<typeof demoApp>>;
const send = (method: 'POST' | 'GET', url: string, payload?: unknown, who: keyof typeof ctx.as = 'admin') =>
  ctx.app.inject({ method, url, headers: { ...ctx.as[who], ...(method === 'POST' && { origin: ORIGIN }) }, payload: payload as never });
const ROUND = { name: '十一月模拟测评', startsOn: '2026-11-26', endsOn: '2026-11-30', team: ['王检查', '李测评'] };

beforeAll(async () => {
  ctx = await demoApp(300);
});
afterAll(async () => ctx?.close());

describe('inspection rounds (测评轮次)', () => {
  it('every site type has its checklist', async () => {
    const res = await send('GET', '/api/checklists', undefined, 'leader');
    expect(res.statusCode).toBe(200);
    expect(
      res
        .json()
        .checklists.map((c: { kind: string }) => c.kind)
        .sort(),
    ).toEqual([...siteKinds].sort());
  });

  it('a random sample stratified by type: the same seed, the same sites', async () => {
    const sites = ctx.app.townData.sites;
    const size = Math.min(30, sites.length - 1);
    const a = await send('POST', '/api/inspections/rounds', {
      ...ROUND,
      kind: 'supervision',
      deadline: 'category',
      sample: { mode: 'random', size, seed: 42 },
    });
    expect(a.statusCode, a.body).toBe(201);
    expect(a.json()).toMatchObject({ kindName: '督导检查', sites: size, checked: 0, sample: { mode: 'random', size, seed: 42 }, deadline: '按问题类型时限' });
    const b = await send('POST', '/api/inspections/rounds', {
      ...ROUND,
      kind: 'supervision',
      deadline: 'category',
      sample: { mode: 'random', size, seed: 42 },
    });
    const ids = async (id: number) => (await send('GET', `/api/inspections/rounds/${id}`)).json().sites.map((s: { siteId: string }) => s.siteId);
    expect(await ids(b.json().id)).toEqual(await ids(a.json().id));
    // every type the town has is in it
    const kinds = new Set((await send('GET', `/api/inspections/rounds/${a.json().id}`)).json().sites.map((s: { kind: string }) => s.kind));
    expect(kinds.size).toBe(new Set(sites.map((s) => s.kind)).size);
  });

  it('a failed item makes one problem at the site, of its category, due next working day (立行立改), assigned to the site’s unit; a 回头看 links a repeat to it', async () => {
    const site = ctx.app.townData.sites.find((s) => s.kind === '农贸市场' && s.unitId) ?? ctx.app.townData.sites[0];
    const created = await send('POST', '/api/inspections/rounds', {
      ...ROUND,
      kind: 'mock_evaluation',
      deadline: 'immediate',
      sample: { mode: 'chosen', siteIds: [site.id] },
    });
    expect(created.statusCode, created.body).toBe(201);
    const round = created.json().id;
    const detail = (await send('GET', `/api/inspections/rounds/${round}`)).json();
    const items = detail.sites[0].items as { code: string; veto: boolean }[];
    expect(items.map((i) => i.code)).toEqual(checklistFor(site.kind).items.map((i) => i.code));
    const failed = items.find((i) => i.veto) ?? items[0];
    const answers = items.map((i) => ({
      item: i.code,
      result: i.code === failed.code ? 'fail' : i === items[1] ? 'na' : 'pass',
      ...(i.code === failed.code && { note: '东门外三处占道' }),
    }));

    // bad answers are named
    const missing = await send('POST', `/api/inspections/rounds/${round}/checks`, { siteId: site.id, items: answers.slice(1) });
    expect(missing.statusCode).toBe(422);
    expect(missing.json()).toMatchObject({ code: 'missing_items', field: 'items' });
    const unknown = await send('POST', `/api/inspections/rounds/${round}/checks`, { siteId: site.id, items: [...answers, { item: 'nope', result: 'pass' }] });
    expect(unknown.json()).toMatchObject({ field: `items/${answers.length}/item` });
    const other = ctx.app.townData.sites.find((s) => s.id !== site.id) ?? site;
    expect((await send('POST', `/api/inspections/rounds/${round}/checks`, { siteId: other.id, items: answers })).json().field).toBe('siteId');
    expect((await send('POST', `/api/inspections/rounds/${round}/checks`, { siteId: site.id, items: answers }, 'leader')).statusCode).toBe(403);

    const before = ctx.app.problemTable.size;
    const res = await send('POST', `/api/inspections/rounds/${round}/checks`, { siteId: site.id, note: '', items: answers });
    expect(res.statusCode, res.body).toBe(201);
    const done = res.json();
    expect(done.check).toMatchObject({ passed: items.length - 2, failed: 1, vetoFailed: findItem(failed.code)?.veto === true, inspector: '测试admin' });
    expect(done.problems).toEqual([{ id: expect.any(Number), item: failed.code, created: true }]);
    expect(ctx.app.problemTable.size).toBe(before + 1);
    const problem = (await send('GET', `/api/problems/${done.problems[0].id}`)).json().properties;
    const item = findItem(failed.code);
    expect(problem).toMatchObject({
      category: item?.category,
      source: 'mock_evaluation',
      siteId: site.id,
      gridId: site.gridId,
      status: site.unitId ? 'open' : 'reported',
      unitId: site.unitId,
      deadline: '2026-11-30T15:00:00+08:00',
    });
    expect(problem.description).toBe(`十一月模拟测评：${site.name}「${item?.text}」不合格，东门外三处占道`);
    expect(new Date(DEMO_NOW).toISOString()).toBe('2026-11-27T07:00:00.000Z');
    // once per round
    expect((await send('POST', `/api/inspections/rounds/${round}/checks`, { siteId: site.id, items: answers })).statusCode).toBe(409);

    // 回头看: the failed item only; failed again, it is the same open problem
    const recheck = await send('POST', '/api/inspections/rounds', {
      ...ROUND,
      name: '回头看',
      kind: 'recheck',
      recheckOf: round,
      deadline: 'immediate',
      sample: { mode: 'all' },
    });
    expect(recheck.statusCode, recheck.body).toBe(201);
    const again = (await send('GET', `/api/inspections/rounds/${recheck.json().id}`)).json();
    expect(again.sites.map((s: { siteId: string; items: { code: string }[] }) => [s.siteId, s.items.map((i) => i.code)])).toEqual([[site.id, [failed.code]]]);
    const repeat = await send('POST', `/api/inspections/rounds/${recheck.json().id}/checks`, {
      siteId: site.id,
      items: [{ item: failed.code, result: 'fail' }],
    });
    expect(repeat.statusCode, repeat.body).toBe(201);
    expect(repeat.json().problems).toEqual([{ id: done.problems[0].id, item: failed.code, created: false }]);
    expect(ctx.app.problemTable.size).toBe(before + 1);

    // the round's report and the site's history
    const report = (await send('GET', `/api/inspections/rounds/${round}`, undefined, 'leader')).json().report;
    expect(report.byKind).toEqual([
      { key: site.kind, name: site.kind, passed: items.length - 2, failed: 1, rate: Math.round(((items.length - 2) / (items.length - 1)) * 10_000) / 10_000 },
    ]);
    const history = (await send('GET', `/api/sites/${site.id}/checks`, undefined, 'leader')).json();
    expect(history.checks.map((c: { round: { kindName: string } }) => c.round.kindName)).toEqual(['回头看', '模拟测评']);
  });

  it('bad rounds are refused naming the field', async () => {
    for (const [body, field] of [
      [{ ...ROUND, kind: 'supervision', deadline: 'category', sample: { mode: 'chosen', siteIds: ['nope'] } }, 'sample/siteIds/0'],
      [{ ...ROUND, endsOn: '2026-11-01', kind: 'supervision', deadline: 'category', sample: { mode: 'all' } }, 'endsOn'],
      [{ ...ROUND, kind: 'recheck', deadline: 'category', sample: { mode: 'all' } }, 'recheckOf'],
      [{ ...ROUND, kind: 'recheck', recheckOf: 999, deadline: 'category', sample: { mode: 'all' } }, 'recheckOf'],
      [{ ...ROUND, kind: 'supervision', deadline: 'soon', sample: { mode: 'all' } }, 'deadline'],
    ] as const) {
      const res = await send('POST', '/api/inspections/rounds', body);
      expect(res.statusCode, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(res.statusCode).toBeLessThan(500);
      expect(res.json().field, JSON.stringify(body)).toBe(field);
    }
    expect(
      (await send('POST', '/api/inspections/rounds', { ...ROUND, kind: 'supervision', deadline: 'category', sample: { mode: 'all' } }, 'leader')).statusCode,
    ).toBe(403);
  });
});
