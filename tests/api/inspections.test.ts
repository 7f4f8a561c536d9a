import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scoreFacts, tableProblems } from '../../server/analytics/score-facts.ts';
import { SESSION_COOKIE } from '../../server/auth/access.ts';
import { siteKinds } from '../../server/domain/catalogue.ts';
import { checklistFor, findItem } from '../../server/domain/checklists.ts';
import { Random } from '../../server/domain/random.ts';
import { replayEvents } from '../../server/domain/replay.ts';
import { scoreMonth } from '../../server/domain/scores.ts';
import type { ProblemRecord } from '../../server/store/records.ts';
import { DEMO_NOW, demoApp, ORIGIN, TEST_PASSWORD } from '../helpers/demo.ts';

let ctx: Awaited<ReturnType<typeof demoApp>>;
const send = (method: 'POST' | 'GET', url: string, payload?: unknown, who: keyof typeof ctx.as = 'admin') =>
  ctx.app.inject({ method, url, headers: { ...ctx.as[who], ...(method === 'POST' && { origin: ORIGIN }) }, payload: payload as never });
const ROUND = { name: '十一月模拟测评', startsOn: '2026-11-26', endsOn: '2026-11-30', team: ['王检查', '李测评'] };

/** The app's clock: DEMO_NOW, moved on by the property test. */
let clock = DEMO_NOW;

beforeAll(async () => {
  ctx = await demoApp(300, { now: () => clock });
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

    // the map colours the site by its latest check: the 回头看, an item failed again
    const results = (await send('GET', '/api/sites/results', undefined, 'display')).json().sites;
    expect(results.find((r: { siteId: string }) => r.siteId === site.id)).toMatchObject({
      roundKind: 'recheck',
      failed: 1,
      result: findItem(failed.code)?.veto ? 'veto' : 'fail',
    });
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

describe('the monthly assessment (考核) and its 红黑榜', () => {
  it('the 模拟测评 above: its veto item vetoes the site’s village, its problem is a line; every score is its base and lines', async () => {
    const res = await send('GET', '/api/scores?month=2026-11', undefined, 'display');
    expect(res.statusCode, res.body).toBe(200);
    const { scores, red, black, rulesFrom } = res.json();
    expect(rulesFrom).toBe('2025-01');
    expect(scores).toHaveLength(ctx.app.townData.communities.length);
    for (const s of scores) expect(s.score).toBeCloseTo(s.base + s.lines.reduce((n: number, l: { points: number }) => n + l.points, 0), 6);
    const site = ctx.app.townData.sites.find((x) => x.kind === '农贸市场' && x.unitId) ?? ctx.app.townData.sites[0];
    const village = scores.find((s: { area: string }) => s.area === site.communityId);
    expect(village.lines.find((l: { rule: string }) => l.rule === 'found_mock_evaluation')?.count).toBeGreaterThanOrEqual(1);
    if (site.kind === '农贸市场') {
      expect(village.vetoes.map((v: { rule: string }) => v.rule)).toContain('veto_item');
      expect(black).toContain(site.communityId);
      expect(red).not.toContain(site.communityId);
    }
    // the best three not vetoed, with any tied with the third
    const clean = scores.filter((s: { vetoes: unknown[] }) => s.vetoes.length === 0);
    expect(red.length).toBeGreaterThanOrEqual(3);
    for (const id of red)
      expect(clean.findIndex((s: { area: string }) => s.area === id) < 3 || clean.find((s: { area: string }) => s.area === id).score === clean[2].score).toBe(
        true,
      );
    expect((await send('GET', '/api/scores?month=2026-13')).json().field).toBe('month');
  });

  it('property: after random work on random problems over weeks, the scores from the live table equal those replayed from the event log', async () => {
    const rng = new Random(19);
    const png = await sharp({ create: { width: 16, height: 16, channels: 3, background: '#3a7' } })
      .png()
      .toBuffer();
    const t = ctx.app.problemTable;
    const units = ctx.app.townData.units.map((u) => u.id);
    const ids = Array.from({ length: t.size }, (_, i) => t.id[i]);
    const BOUNDARY = 'score-photo';
    // days pass between steps: sign in again each time (a session ends when idle)
    let admin = { cookie: '' };
    const signIn = async () => {
      const res = await ctx.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: TEST_PASSWORD } });
      admin = { cookie: `${SESSION_COOKIE}=${res.cookies.find((c) => c.name === SESSION_COOKIE)?.value}` };
    };
    const read = (id: number) => ctx.app.inject({ url: `/api/problems/${id}`, headers: admin });
    const act = async (id: number, body: object) => {
      const card = await read(id);
      return ctx.app.inject({
        method: 'POST',
        url: `/api/problems/${id}/transitions`,
        headers: { ...admin, origin: ORIGIN, 'if-match': card.headers.etag as string },
        payload: body as never,
      });
    };
    let moved = 0;
    for (let step = 0; step < 60; step++) {
      clock += rng.int(48) * 3_600_000; // 0–2 days later
      await signIn();
      const id = rng.pick(ids);
      const status = (await read(id)).json().properties.status as string;
      let res: Awaited<ReturnType<typeof act>> | null = null;
      if (status === 'reported') res = await act(id, { action: 'assign', unitId: rng.pick(units) });
      else if (status === 'open') res = await act(id, { action: 'start' });
      else if (status === 'in_progress') {
        const photo = await ctx.app.inject({
          method: 'POST',
          url: `/api/problems/${id}/photos`,
          headers: { ...admin, origin: ORIGIN, 'content-type': `multipart/form-data; boundary=${BOUNDARY}` },
          payload: Buffer.concat([
            Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nafter\r\n`),
            Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n`),
            png,
            Buffer.from(`\r\n--${BOUNDARY}--\r\n`),
          ]),
        });
        res = await act(id, { action: 'submit', photos: [photo.json().photo.id] });
      } else if (status === 'awaiting_verification') res = await act(id, rng.chance(0.7) ? { action: 'close' } : { action: 'reject', note: '整改不到位' });
      else res = await act(id, { action: 'reopen', note: '回潮' });
      expect(res.statusCode, res.body).toBe(200);
      moved++;
    }
    expect(moved).toBe(60);
    // the same facts, once from the live table, once from each problem's events
    const live = tableProblems(t);
    const replayed = await Promise.all(
      live.problems.map(async (p) => {
        const row = (await ctx.app.store.problem(p.id)) as ProblemRecord;
        const state = replayEvents(await ctx.app.store.events(p.id));
        return {
          id: p.id,
          communityId: row.communityId,
          source: row.source,
          siteId: row.siteId,
          reportedAt: row.reportedAt,
          unitId: state.unitId,
          deadline: state.deadline,
          closedAt: state.closedAt,
        };
      }),
    );
    const recurrent = new Set(await ctx.app.store.recurrentProblemIds());
    expect(live.recurrent).toEqual(recurrent);
    const town = ctx.app.townData;
    const fromLive = await scoreFacts(live.problems, live.recurrent, ctx.app.store, town);
    const fromLog = await scoreFacts(replayed, recurrent, ctx.app.store, town);
    for (const month of ['2026-09', '2026-10', '2026-11', '2026-12', '2027-01']) {
      const villages = town.communities.map((c) => c.id);
      const unitIds = town.units.map((u) => u.id);
      expect(scoreMonth(fromLog, month, 'community', villages), month).toEqual(scoreMonth(fromLive, month, 'community', villages));
      expect(scoreMonth(fromLog, month, 'unit', unitIds), month).toEqual(scoreMonth(fromLive, month, 'unit', unitIds));
    }
    // and the work moved the scores at all
    const lines = scoreMonth(
      fromLive,
      '2026-12',
      'unit',
      town.units.map((u) => u.id),
    ).flatMap((s) => s.lines);
    expect(lines.length).toBeGreaterThan(0);
  });
});
