import { describe, expect, it } from 'vitest';
import { generateDemo } from '../../scripts/demo/generate.ts';
import { seedDemoIfEmpty } from '../../server/demo-seed.ts';
import { replayMismatches } from '../../server/domain/replay.ts';
import type { ProblemDraft, ProblemRecord } from '../../server/store/records.ts';
import type { CoreStore } from '../../server/store/store.ts';
import { DEMO_NOW } from '../helpers/demo.ts';
import { type OpenStore, storeKinds } from '../helpers/stores.ts';

/**
 * The store contract, run against SQLite and PostgreSQL alike: the same calls give the same
 * answers, and each database itself refuses what the contract forbids.
 */
describe.each(storeKinds())('$name store', ({ open }) => {
  const t = (name: string, fn: (s: OpenStore) => Promise<void>) =>
    it.skipIf(!open)(name, async () => {
      const s = await (open as () => Promise<OpenStore>)();
      try {
        await fn(s);
      } finally {
        await s.cleanup();
      }
    });

  const demo = (count: number, seed = 1) => generateDemo({ seed, count, endMs: DEMO_NOW });

  /** A new problem in the demo town, reported now. */
  const draft = async (store: CoreStore, note = 'x'): Promise<ProblemDraft> => {
    const p = (await store.problem(1)) as ProblemRecord;
    return {
      problem: { ...p, status: 'reported', unitId: null, measure: null, deadline: null, closedAt: null, updatedAt: DEMO_NOW, reportedAt: DEMO_NOW, version: 1 },
      events: [{ at: DEMO_NOW, actor: 'tester', action: 'report', fromStatus: null, toStatus: 'reported', note, photos: [], changes: {} }],
      reporter: { name: '张三', phone: '13800000000' },
    };
  };

  t('starts empty, loads one dataset, and refuses a second', async ({ store }) => {
    expect(await store.isEmpty()).toBe(true);
    expect(await store.ping()).toBe(true);
    expect(await store.datasetInfo()).toBeNull();
    expect(await store.load(demo(40))).toMatchObject({ problems: 40 });
    expect(await store.isEmpty()).toBe(false);
    expect((await store.datasetInfo())?.origin.seed).toBe(1);
    await expect(store.load(demo(3))).rejects.toThrow(/already/);
  });

  t('keeps its data over a restart, and the demo is not loaded over it', async (s) => {
    expect(await seedDemoIfEmpty(s.store, { seed: 2, count: 80, now: DEMO_NOW })).toMatchObject({ loaded: true, problems: 80 });
    const again = await s.reopen();
    try {
      expect((await seedDemoIfEmpty(again.store, { seed: 99, count: 500, now: DEMO_NOW + 1e9 })).loaded).toBe(false);
      let n = 0;
      for await (const batch of again.store.scanProblems(30)) n += batch.length;
      expect(n).toBe(80);
      expect((await again.store.problem(80))?.id).toBe(80);
      expect((await again.store.problemsByIds([80, 3, 999, 3])).map((p) => p.id)).toEqual([3, 80]);
      expect(await again.store.problemsByIds([])).toEqual([]);
      expect(await again.store.problem(81)).toBeNull();
    } finally {
      await again.cleanup();
    }
  });

  t('holds the town as loaded: areas, units, sites, basemap and dispatch rules in their order', async ({ store }) => {
    const d = demo(10);
    await store.load(d);
    expect(await store.town()).toEqual(d.town);
    expect(await store.communities()).toEqual(d.communities);
    expect(await store.grids()).toEqual(d.grids);
    expect(await store.units()).toEqual(d.units);
    expect(await store.sites()).toEqual(d.sites);
    expect(await store.basemap()).toEqual(d.basemap);
    expect(await store.dispatchRules()).toEqual(d.dispatchRules);
    const rules = [
      { category: null, communityId: null, unitId: d.units[0].id },
      { category: d.dispatchRules[0]?.category ?? 'litter', communityId: null, unitId: d.units[1].id },
    ];
    await store.saveDispatchRules(rules);
    expect(await store.dispatchRules()).toEqual(rules);
  });

  t('loads every problem with its history, and every row equals the replay of its events', async ({ store }) => {
    const d = demo(300, 5);
    const drafts = [...d.problems];
    await store.load({ ...d, problems: drafts });
    let n = 0;
    for await (const batch of store.scanProblems(128)) {
      for (const p of batch) {
        const events = await store.events(p.id);
        expect(events.map((e) => e.action)).toEqual(drafts[p.id - 1].events.map((e) => e.action));
        expect(replayMismatches(p, events)).toEqual([]);
        n++;
      }
    }
    expect(n).toBe(300);
    expect(await store.lastEventId()).toBe(drafts.reduce((k, x) => k + x.events.length, 0));
  });

  t('creates a problem with its report, reporter and recurrence; an idempotency key answers its retry', async ({ store }) => {
    await store.load(demo(20));
    const before = await store.lastEventId();
    const d = await draft(store);
    const idem = { userId: 7, key: 'k-1', bodyHash: 'h1', at: DEMO_NOW };
    const made = await store.createProblem(d, { idempotency: idem, recurrence: { problemId: 3, distanceM: 12.5 } });
    expect(made).toEqual({ created: true, id: 21, eventIds: [before + 1] });
    expect(await store.reporter(21)).toEqual({ name: '张三', phone: '13800000000' });
    expect((await store.reporters()).get(21)).toEqual({ name: '张三', phone: '13800000000' });
    expect(await store.recurrenceOf(21)).toEqual({ problemId: 3, distanceM: 12.5 });
    expect(await store.recurrentProblemIds()).toContain(21);
    expect(await store.createProblem(d, { idempotency: idem })).toEqual({
      created: false,
      earlier: { bodyHash: 'h1', problemId: 21, status: null, response: null },
    });
    await store.saveIdempotentAnswer(7, 'k-1', 201, '{"id":21}');
    expect(await store.createProblem(d, { idempotency: { ...idem, bodyHash: 'other' } })).toMatchObject({ earlier: { status: 201, response: '{"id":21}' } });
    expect(await store.purgeIdempotencyKeys(DEMO_NOW)).toBe(0);
    expect(await store.purgeIdempotencyKeys(DEMO_NOW + 1)).toBe(1);
    expect((await store.createProblem(d, { idempotency: idem })).created).toBe(true);
  });

  t('creates once when the same key arrives twice at the same moment', async ({ store }) => {
    await store.load(demo(5));
    const d = await draft(store);
    const idem = { userId: 1, key: 'same', bodyHash: 'h', at: DEMO_NOW };
    const answers = await Promise.all(Array.from({ length: 6 }, () => store.createProblem(d, { idempotency: idem })));
    expect(answers.filter((a) => a.created)).toHaveLength(1);
    let n = 0;
    for await (const batch of store.scanProblems()) n += batch.length;
    expect(n).toBe(6);
  });

  t('updates a problem only at the version it was read at, with its event', async ({ store }) => {
    await store.load(demo(20));
    const p = (await store.problem(4)) as ProblemRecord;
    const next = { ...p, status: 'closed' as const, closedAt: DEMO_NOW, updatedAt: DEMO_NOW, version: p.version + 1 };
    const event = {
      at: DEMO_NOW,
      actor: 'a',
      action: 'close' as const,
      fromStatus: p.status,
      toStatus: 'closed' as const,
      note: '',
      photos: [],
      changes: { closedAt: DEMO_NOW },
    };
    // Two writers read the same version: exactly one of them writes.
    const [a, b] = await Promise.all([store.updateProblem(next, p.version, event), store.updateProblem(next, p.version, { ...event, note: 'second' })]);
    expect([a, b].filter((x) => x !== null)).toHaveLength(1);
    const won = (a ?? b) as NonNullable<typeof a>;
    expect(won).toMatchObject({ problemId: 4, action: 'close', changes: { closedAt: DEMO_NOW } });
    expect(await store.problem(4)).toEqual(next);
    expect((await store.events(4)).at(-1)).toEqual(won);
    expect(await store.updateProblem({ ...next, id: 999 }, next.version, event)).toBeNull();
  });

  t('gives the events after an id with their problem, and the latest of some actions', async ({ store }) => {
    await store.load(demo(60, 3));
    const after = await store.eventsAfter(10, 5);
    expect(after.map((e) => e.id)).toEqual([11, 12, 13, 14, 15]);
    const p = (await store.problem(after[0].problemId)) as ProblemRecord;
    expect(after[0]).toMatchObject({ category: p.category, gridId: p.gridId, communityId: p.communityId, unitId: p.unitId });
    const recent = await store.recentEvents(5, ['report', 'close'], null);
    expect(recent.length).toBe(5);
    expect(recent.every((e) => e.action === 'report' || e.action === 'close')).toBe(true);
    for (let i = 1; i < recent.length; i++) expect(recent[i - 1].at).toBeGreaterThanOrEqual(recent[i].at);
    const unit = p.unitId ?? (await store.units())[0].id;
    for (const e of await store.recentEvents(10, ['report', 'assign', 'close'], unit)) expect((await store.problem(e.problemId))?.unitId).toBe(unit);
  });

  t('records photos once per problem and file', async ({ store }) => {
    await store.load(demo(5));
    const photo = {
      id: 'f'.repeat(64),
      problemId: 2,
      kind: 'before' as const,
      mime: 'image/jpeg',
      width: 4,
      height: 3,
      bytes: 99,
      lon: 120.1,
      lat: 33.2,
      createdAt: DEMO_NOW,
      createdBy: 'a',
    };
    await store.addPhoto(photo);
    await store.addPhoto(photo);
    await store.addPhoto({ ...photo, problemId: 3, lon: null, lat: null });
    expect(await store.photos(2)).toEqual([photo]);
    expect((await store.photo(photo.id)).map((p) => p.problemId)).toEqual([2, 3]);
  });

  t('lists merged duplicates and keeps recurrences it already knows', async ({ store }) => {
    await store.load(demo(10));
    for (const id of [5, 3]) {
      const p = (await store.problem(id)) as ProblemRecord;
      await store.updateProblem({ ...p, status: 'closed', closedAt: DEMO_NOW, updatedAt: DEMO_NOW, version: p.version + 1 }, p.version, {
        at: DEMO_NOW,
        actor: 'a',
        action: 'merge',
        fromStatus: p.status,
        toStatus: 'closed',
        note: '',
        photos: [],
        changes: { closedAt: DEMO_NOW, mergedInto: 8 },
      });
    }
    expect(await store.mergedInto(8)).toEqual([5, 3]);
    expect(await store.mergedInto(5)).toEqual([]);
    const rows = [
      { problemId: 6, ofProblemId: 2, distanceM: 4 },
      { problemId: 7, ofProblemId: 2, distanceM: 9 },
    ];
    expect(await store.addRecurrences(rows)).toBe(2);
    expect(await store.addRecurrences([...rows, { problemId: 9, ofProblemId: 1, distanceM: 1 }])).toBe(1);
    expect(await store.recurrentProblemIds()).toEqual([6, 7, 9]);
  });

  t('adds, moves and deletes a key site, but not one a problem cites', async ({ store }) => {
    await store.load(demo(30));
    const [first] = await store.sites();
    const site = { ...first, id: 'site-new', name: '新点位' };
    await store.saveSite(site);
    await store.saveSite({ ...site, lon: site.lon + 0.001 });
    expect((await store.sites()).at(-1)).toEqual({ ...site, lon: site.lon + 0.001 });
    expect(await store.deleteSite('site-new')).toBe('deleted');
    expect(await store.deleteSite('site-new')).toBe('missing');
    const d = await draft(store);
    await store.createProblem({ ...d, problem: { ...d.problem, siteId: first.id } }, {});
    expect(await store.deleteSite(first.id)).toBe('referenced');
  });

  t('refuses, in the database itself, any edit of the event log and the audit log', async (s) => {
    await s.store.load(demo(5));
    await expect(s.raw("UPDATE problem_events SET note = 'x' WHERE id = 1")).rejects.toThrow(/append-only/);
    await expect(s.raw('DELETE FROM problem_events WHERE id = 1')).rejects.toThrow(/append-only/);
    await s.accounts.appendAudit({ at: DEMO_NOW, userId: null, username: null, address: '127.0.0.1', action: 'login' });
    await expect(s.raw("UPDATE audit_log SET action = 'x'")).rejects.toThrow(/append-only/);
    expect((await s.store.events(1)).length).toBeGreaterThan(0);
  });
});
