import { describe, expect, it } from 'vitest';
import { generateDemo } from '../../scripts/demo/generate.ts';
import type { ProblemDraft, ProblemRecord } from '../../server/store/records.ts';
import type { Store } from '../../server/store/store.ts';
import { DEMO_NOW } from '../helpers/demo.ts';
import { type OpenStore, storeKinds } from '../helpers/stores.ts';

/** The parts of the store contract beyond problems (patrols, decks, imports, boundaries, rounds, projects), on both stores. */
describe.each(storeKinds())('$name store parts', ({ open }) => {
  const t = (name: string, fn: (store: Store, s: OpenStore) => Promise<void>) =>
    it.skipIf(!open)(name, async () => {
      const s = await (open as () => Promise<OpenStore>)();
      try {
        await s.store.load(generateDemo({ seed: 1, count: 30, endMs: DEMO_NOW }));
        await fn(s.store as Store, s);
      } finally {
        await s.cleanup();
      }
    });

  const draft = async (store: Store, note: string): Promise<ProblemDraft> => {
    const p = (await store.problem(1)) as ProblemRecord;
    return {
      problem: { ...p, status: 'reported', unitId: null, measure: null, deadline: null, closedAt: null, updatedAt: DEMO_NOW, reportedAt: DEMO_NOW, version: 1 },
      events: [{ at: DEMO_NOW, actor: 'tester', action: 'report', fromStatus: null, toStatus: 'reported', note, photos: [], changes: {} }],
    };
  };

  t('patrols: a start once, a thinned track, check-ins once per key, an end with its distance, a purge, and a revision that moves', async (store) => {
    const p = { id: 'p-1', userId: 3, actor: '网格员', gridIds: ['lizao-01'], mode: 'walk', startedAt: DEMO_NOW };
    const r0 = await store.patrols.revision();
    expect(await store.patrols.start(p)).toBe(true);
    expect(await store.patrols.start(p)).toBe(false);
    const r1 = await store.patrols.revision();
    expect(r1).not.toBe(r0);
    const points = Array.from({ length: 20 }, (_, i) => ({ at: DEMO_NOW + i * 5000, lon: 120.3 + i * 0.0002, lat: 33.1 }));
    const kept = await store.patrols.addPoints('p-1', points);
    expect(kept).toBeGreaterThan(1);
    expect(await store.patrols.addPoints('p-1', points)).toBe(0);
    expect((await store.patrols.track('p-1')).length).toBe(kept);
    expect((await store.patrols.tracksSince(DEMO_NOW)).get('p-1')?.length).toBe(kept);
    const c = {
      patrolId: 'p-1',
      key: 'k1',
      kind: 'stop' as const,
      problemId: null,
      siteId: 'site-01',
      result: 'ok',
      note: '',
      lon: 120.3,
      lat: 33.1,
      at: DEMO_NOW + 1000,
    };
    expect((await store.patrols.addCheckin(c)).created).toBe(true);
    const again = await store.patrols.addCheckin({ ...c, note: 'retry' });
    expect(again).toMatchObject({ created: false, checkin: { note: '' } });
    expect((await store.patrols.checkins('p-1')).map((x) => x.key)).toEqual(['k1']);
    expect((await store.patrols.checkinsSince(DEMO_NOW)).length).toBe(1);
    expect((await store.patrols.lastSiteVisits()).get('site-01')).toBe(DEMO_NOW + 1000);
    const ended = await store.patrols.end('p-1', DEMO_NOW + 100_000);
    expect(ended?.distanceM).toBeGreaterThan(300);
    expect(await store.patrols.end('p-1', DEMO_NOW + 200_000)).toEqual(ended);
    expect(await store.patrols.end('nope', DEMO_NOW)).toBeNull();
    expect((await store.patrols.list({ userId: 3 })).map((x) => x.id)).toEqual(['p-1']);
    expect(await store.patrols.purgeTracks(DEMO_NOW + 1)).toBe(1);
    expect(await store.patrols.purgeTracks(DEMO_NOW + 1)).toBe(0);
    expect(await store.patrols.track('p-1')).toEqual([]);
    expect(await store.patrols.get('p-1')).toMatchObject({ trackPurged: true, distanceM: ended?.distanceM });
    expect(await store.patrols.revision()).not.toBe(r1);
  });

  t('decks: created at version 1, replaced only at the version read, listed with their scene counts, deleted', async (store) => {
    const scene = { kind: 'title', title: '动员大会' } as never;
    const d = await store.decks.create({ title: '一', theme: 'light', scenes: [scene, scene] }, '创文办', DEMO_NOW);
    expect(d).toMatchObject({ version: 1, title: '一', scenes: [scene, scene] });
    expect(await store.decks.update(d.id, { title: '二', theme: 'dark', scenes: [scene] }, 2, 'x', DEMO_NOW + 1)).toBeNull();
    const u = await store.decks.update(d.id, { title: '二', theme: 'dark', scenes: [scene] }, 1, 'x', DEMO_NOW + 1);
    expect(u).toMatchObject({ version: 2, title: '二', theme: 'dark', author: 'x' });
    expect(await store.decks.list()).toEqual([
      { id: d.id, title: '二', theme: 'dark', version: 2, author: 'x', createdAt: DEMO_NOW, updatedAt: DEMO_NOW + 1, sceneCount: 1 },
    ]);
    expect(await store.decks.delete(d.id)).toBe(true);
    expect(await store.decks.get(d.id)).toBeNull();
  });

  t('imports: a batch all or nothing, a row never twice, an undo that gives no id again, refused once a problem was touched', async (store) => {
    const rows = await Promise.all([1, 2, 3].map(async (n) => ({ draft: await draft(store, `行${n}`), line: n + 1, fingerprint: `fp${n}` })));
    const b = { filename: '台账.xlsx', fileSha256: 'a'.repeat(64), datum: 'wgs84', createdBy: 'clerk', createdAt: DEMO_NOW };
    const made = await store.imports.commit(b, rows);
    expect(made?.problemIds).toEqual([31, 32, 33]);
    expect(made?.batch).toMatchObject({ rowsAdded: 3, undoneAt: null });
    expect((await store.events(31))[0]).toMatchObject({ note: '行1' });
    expect(await store.imports.commit(b, [{ ...rows[0], fingerprint: 'fp9' }, rows[1]])).toBeNull();
    expect(await store.imports.fingerprints()).toEqual(new Set(['fp1', 'fp2', 'fp3']));
    expect(await store.problem(34)).toBeNull();
    const undone = await store.imports.undo(made?.batch.id as number, 'clerk', DEMO_NOW + 5);
    expect(undone).toEqual({ undone: true, problemIds: [31, 32, 33] });
    expect(await store.problem(31)).toBeNull();
    expect(await store.imports.undo(made?.batch.id as number, 'clerk', DEMO_NOW + 6)).toEqual({ undone: false, reason: 'already_undone' });
    expect(await store.imports.undo(999, 'clerk', DEMO_NOW)).toEqual({ undone: false, reason: 'not_found' });
    const second = await store.imports.commit(b, rows);
    expect(second?.problemIds.every((id) => id > 33)).toBe(true);
    const p = (await store.problem(second?.problemIds[0] as number)) as ProblemRecord;
    const ev = {
      at: DEMO_NOW,
      actor: 'a',
      action: 'measure' as const,
      fromStatus: p.status,
      toStatus: p.status,
      note: '',
      photos: [],
      changes: { measure: 'm' },
    };
    await store.updateProblem({ ...p, measure: 'm', version: p.version + 1 }, p.version, ev);
    expect(await store.imports.undo(second?.batch.id as number, 'clerk', DEMO_NOW + 7)).toEqual({ undone: false, reason: 'touched', problemIds: [p.id] });
    expect((await store.imports.batches()).map((x) => x.undoneAt)).toEqual([null, DEMO_NOW + 5]);
  });

  t('boundaries: a plan moves problems with a regrid event, all or nothing when one moved on', async (store) => {
    const grids = await store.grids();
    const p = (await store.problem(2)) as ProblemRecord;
    const to = grids.find((g) => g.id !== p.gridId) as (typeof grids)[number];
    const move = {
      problemId: 2,
      version: p.version,
      status: p.status,
      from: { gridId: p.gridId, communityId: p.communityId },
      to: { gridId: to.id, communityId: to.communityId },
      note: '边界调整',
    };
    const plan = { communities: [], removedCommunities: [], grids: [], removedGrids: [], moves: [move], sites: [] };
    const stale = await store.boundaries.commitAreas({ ...plan, moves: [move, { ...move, problemId: 3, version: 99 }] }, { actor: 'admin', at: DEMO_NOW });
    expect(stale).toEqual({ committed: false, staleProblemIds: [3] });
    expect((await store.problem(2))?.gridId).toBe(p.gridId);
    const done = await store.boundaries.commitAreas(plan, { actor: 'admin', at: DEMO_NOW });
    expect(done).toMatchObject({ committed: true, moved: 1, assignmentsRemoved: [] });
    expect(await store.problem(2)).toMatchObject({ gridId: to.id, communityId: to.communityId, version: p.version + 1 });
    expect((await store.events(2)).at(-1)).toMatchObject({ action: 'regrid', changes: { gridId: to.id, communityId: to.communityId } });
  });

  t('rounds: sites in their order, one check per site, a failed item links the open problem or makes one', async (store) => {
    const sites = (await store.sites()).slice(0, 3);
    const round = await store.inspections.createRound(
      {
        kind: 'supervision',
        name: '11月督导',
        startsOn: '2026-11-01',
        endsOn: '2026-11-30',
        team: ['甲', '乙'],
        deadlineRule: { kind: 'category' },
        recheckOf: null,
        sample: { mode: 'all' },
        createdBy: 'admin',
        createdAt: DEMO_NOW,
      },
      [...sites].reverse().map((s, i) => ({ siteId: s.id, items: i === 0 ? ['a', 'b'] : null })),
    );
    const check = async (siteId: string, at: number) =>
      store.inspections.submitCheck({
        roundId: round.id,
        siteId,
        checkedAt: at,
        inspector: '甲',
        note: '',
        items: [
          { item: 'b', result: 'fail', note: '脏', draft: await draft(store, '失分') },
          { item: 'a', result: 'pass', note: '', draft: null },
        ],
      });
    const first = await check(sites[0].id, DEMO_NOW);
    expect(first?.created).toHaveLength(1);
    expect(first?.check.items.map((i) => i.item)).toEqual(['b', 'a']);
    expect(await check(sites[0].id, DEMO_NOW + 1)).toBeNull();
    const both = await Promise.all([check(sites[1].id, DEMO_NOW + 2), check(sites[1].id, DEMO_NOW + 3)]);
    expect(both.filter((x) => x !== null)).toHaveLength(1);
    const got = await store.inspections.round(round.id);
    expect(got?.sites.map((s) => s.siteId)).toEqual([...sites].reverse().map((s) => s.id));
    expect(got?.sites[0].items).toEqual(['a', 'b']);
    expect(got?.checks).toHaveLength(2);
    expect((await store.inspections.rounds())[0]).toMatchObject({ id: round.id, sites: 3, checked: 2, team: ['甲', '乙'] });
    expect((await store.inspections.checkFailures()).map((f) => f.failed)).toEqual([['b'], ['b']]);
    // a later round's failure of the same item at the same site links the problem still open
    const later = await store.inspections.createRound({ ...round, name: '12月', startsOn: '2026-12-01' }, [{ siteId: sites[0].id, items: null }]);
    const linked = await store.inspections.submitCheck({
      roundId: later.id,
      siteId: sites[0].id,
      checkedAt: DEMO_NOW + 9,
      inspector: '乙',
      note: '',
      items: [{ item: 'b', result: 'fail', note: '', draft: await draft(store, 'x') }],
    });
    expect(linked?.created).toEqual([]);
    expect(linked?.check.items[0].problemId).toBe(first?.created[0]);
    expect((await store.inspections.siteChecks(sites[0].id)).map((c) => c.round.name)).toEqual(['12月', '11月督导']);
  });

  t('projects: created with milestones and a first update, changed only at the version read, updates append-only', async (store, s) => {
    const unit = (await store.units())[0];
    const p = await store.projects.create({
      name: '背街小巷整治',
      unitId: unit.id,
      communityId: null,
      geometry: { type: 'Point', coordinates: [120.3, 33.1] },
      description: '',
      startsOn: '2026-09-01',
      dueOn: '2026-12-31',
      percent: 10,
      milestones: [
        { name: '完工', plannedOn: '2026-12-20', doneOn: null },
        { name: '设计', plannedOn: '2026-09-15', doneOn: '2026-09-14' },
      ],
      createdBy: 'admin',
      createdAt: DEMO_NOW,
    });
    expect(p.milestones.map((m) => m.name)).toEqual(['设计', '完工']);
    const by = { actor: unit.name, at: DEMO_NOW + 1, note: '进度' };
    const done = p.milestones[1];
    const u = await store.projects.update(p.id, 1, { percent: 60, milestones: [{ id: done.id, doneOn: '2026-11-20' }] }, by);
    expect(u).toMatchObject({ version: 2, percent: 60 });
    expect(await store.projects.update(p.id, 1, { percent: 70 }, by)).toBeNull();
    const updates = await store.projects.updates(p.id);
    expect(updates.map((x) => x.changes)).toEqual([
      { percent: { from: 10, to: 60 }, [`milestone:${done.id}`]: { from: null, to: '2026-11-20' } },
      { percent: { from: null, to: 10 } },
    ]);
    expect((await store.projects.list()).map((x) => x.id)).toEqual([p.id]);
    await expect(s.raw("UPDATE project_updates SET note = 'x'")).rejects.toThrow(/append-only/);
  });
});
