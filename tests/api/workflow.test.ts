import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { distanceKm, offsetKm } from '../../server/domain/geometry.ts';
import { replayMismatches } from '../../server/domain/replay.ts';
import type { ProblemRecord } from '../../server/store/records.ts';
import { addAfterPhoto, demoApp, ORIGIN } from '../helpers/demo.ts';

let ctx: Awaited<ReturnType<typeof demoApp>>;
let reported: ProblemRecord;

beforeAll(async () => {
  ctx = await demoApp(1500);
  const t = ctx.app.problemTable;
  // Reported or waiting to be rectified: both may be (re)assigned.
  for (let i = 0; i < t.size && !reported; i++) if (['reported', 'open'].includes(t.record(i).status)) reported = t.record(i);
  expect(reported).toBeDefined();
});
afterAll(async () => ctx.close());

async function transition(id: number, body: object, as: 'admin' | 'grid_manager' | 'unit' = 'admin', ifMatch?: string) {
  const etag = ifMatch ?? `"${(await ctx.app.store.problem(id))?.version}"`;
  return ctx.app.inject({
    method: 'POST',
    url: `/api/problems/${id}/transitions`,
    headers: { ...ctx.as[as], origin: ORIGIN, 'if-match': etag },
    payload: body,
  });
}

describe('POST /api/problems/:id/transitions', () => {
  it('walks a problem from reported to closed and back, one event each, with ETags', async () => {
    const id = reported.id;
    const unitId = ctx.users.unit.unitId as string;
    const assigned = await transition(id, { action: 'assign', unitId, note: '请限期整改' });
    expect(assigned.statusCode).toBe(200);
    expect(assigned.json().properties).toMatchObject({ status: 'open', unitId, version: reported.version + 1 });
    expect(assigned.headers.etag).toBe(`"${reported.version + 1}"`);
    expect((await transition(id, { action: 'start' })).json().properties.status).toBe('in_progress');

    // Submitting needs an "after" photo of this problem.
    const noPhoto = await transition(id, { action: 'submit' });
    expect(noPhoto.statusCode).toBe(422);
    expect(noPhoto.json()).toMatchObject({ field: 'photos', code: 'missing_photo' });
    const photo = await addAfterPhoto(ctx.app.store, id, 'a'.repeat(64));
    const unknown = await transition(id, { action: 'submit', photos: ['b'.repeat(64)] });
    expect(unknown.json()).toMatchObject({ statusCode: 422, field: 'photos', code: 'unknown_photo' });
    expect((await transition(id, { action: 'submit', photos: [photo] })).json().properties.status).toBe('awaiting_verification');

    const noReason = await transition(id, { action: 'reject', note: ' ' });
    expect(noReason.json()).toMatchObject({ statusCode: 422, field: 'note' });
    expect((await transition(id, { action: 'reject', note: '仍有小广告残留' })).json().properties.status).toBe('open');
    await transition(id, { action: 'start' });
    await transition(id, { action: 'submit', photos: [photo] });
    const closed = (await transition(id, { action: 'close' })).json().properties;
    expect(closed).toMatchObject({ status: 'closed', closedAt: '2026-11-27T15:00:00+08:00', overdue: false });
    const reopened = (await transition(id, { action: 'reopen', note: '群众再次反映' })).json().properties;
    expect(reopened).toMatchObject({ status: 'open', closedAt: null });
    expect(Date.parse(reopened.deadline)).toBeGreaterThan(Date.parse('2026-11-27T15:00:00+08:00'));

    const history = reopened.history.map((e: { action: string }) => e.action);
    expect(history.slice(-8)).toEqual(['assign', 'start', 'submit', 'reject', 'start', 'submit', 'close', 'reopen']);
    expect(reopened.history.at(-5)).toMatchObject({ action: 'reject', note: '仍有小广告残留', fromStatus: 'awaiting_verification', toStatus: 'open' });
    const audit = (await ctx.app.inject({ url: '/api/audit?action=problem.close&limit=1', headers: ctx.as.admin })).json().entries[0];
    expect(audit).toMatchObject({ username: 'admin', objectType: 'problem', objectId: String(id) });
    // The in-memory table follows: the statistics see the reopened problem.
    const row = ctx.app.problemTable.record(ctx.app.problemTable.positionOf(id));
    expect(row.status).toBe('open');
    // The row is its history replayed: unit, deadline and closing time included.
    const stored = (await ctx.app.store.problem(id)) as ProblemRecord;
    expect(replayMismatches(stored, await ctx.app.store.events(id))).toEqual([]);
    expect(reopened.history.findLast((e: { action: string }) => e.action === 'assign').changes).toMatchObject({ unitId });
  });

  it('refuses a wrong status with 409, a missing If-Match with 428, a stale one with 412', async () => {
    const t = ctx.app.problemTable;
    let closed = 0;
    for (let i = 0; i < t.size && !closed; i++) if (t.record(i).status === 'closed') closed = t.id[i];
    const wrong = await transition(closed, { action: 'start' });
    expect(wrong.statusCode).toBe(409);
    expect(wrong.json()).toMatchObject({ code: 'invalid_transition', field: 'action' });
    const missing = await ctx.app.inject({
      method: 'POST',
      url: `/api/problems/${closed}/transitions`,
      headers: { ...ctx.as.admin, origin: ORIGIN },
      payload: { action: 'reopen' },
    });
    expect(missing.statusCode).toBe(428);
    expect((await transition(closed, { action: 'reopen' }, 'admin', '"1"')).statusCode).toBe(412);
  });

  it('lets exactly one of two writers with the same version through; the other gets 412', async () => {
    const t = ctx.app.problemTable;
    let target = 0;
    for (let i = 0; i < t.size && !target; i++) if (t.record(i).status === 'closed') target = t.id[i];
    const etag = `"${(await ctx.app.store.problem(target))?.version}"`;
    const both = await Promise.all([transition(target, { action: 'reopen' }, 'admin', etag), transition(target, { action: 'reopen' }, 'admin', etag)]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([200, 412]);
    const events = await ctx.app.store.events(target);
    expect(events.filter((e) => e.action === 'reopen')).toHaveLength(1);
  });

  it('keeps the event log append-only in the store', async () => {
    await expect(ctx.raw("UPDATE problem_events SET note = 'x' WHERE id = 1")).rejects.toThrow(/append-only/);
    await expect(ctx.raw('DELETE FROM problem_events WHERE id = 1')).rejects.toThrow(/append-only/);
  });
});

describe('POST /api/problems', () => {
  const post = (body: object, as: 'admin' | 'grid_manager' = 'admin', key?: string) =>
    ctx.app.inject({
      method: 'POST',
      url: '/api/problems',
      headers: { ...ctx.as[as], origin: ORIGIN, ...(key ? { 'idempotency-key': key } : {}) },
      payload: body,
    });
  /** A point inside a grid of the grid manager, and one in a grid that is not theirs. */
  const pointIn = (mine: boolean) => {
    const t = ctx.app.problemTable;
    for (let i = 0; i < t.size; i++) if (ctx.users.grid_manager.gridIds.includes(t.record(i).gridId) === mine) return t.record(i);
    throw new Error('no point');
  };

  it('reports a problem: grid, community and deadline from the point and category, a report event, dispatched by rule, the reporter masked', async () => {
    const at = pointIn(true);
    const res = await post({
      lon: at.lon,
      lat: at.lat,
      category: 'flyers',
      description: '电线杆上新贴了小广告',
      source: 'public_report',
      reporter: { name: '王建国', phone: '13912345678' },
    });
    expect(res.statusCode).toBe(201);
    const { problem, possibleDuplicates, recurrenceOf } = res.json();
    // The demo's rule sends 小广告 to the sanitation station (镇环卫所) at once.
    expect(problem.properties).toMatchObject({
      status: 'open',
      unitId: 'dept-sanitation',
      gridId: at.gridId,
      communityId: at.communityId,
      category: 'flyers',
      reportedAt: '2026-11-27T15:00:00+08:00',
      version: 2,
      reporter: { name: '王**', phone: '139****5678' },
    });
    expect(problem.properties.deadline > problem.properties.reportedAt).toBe(true);
    expect(problem.properties.history).toEqual([
      expect.objectContaining({ action: 'report', toStatus: 'reported', actor: '测试admin' }),
      expect.objectContaining({ action: 'assign', fromStatus: 'reported', toStatus: 'open', actor: '自动派遣' }),
    ]);
    expect(res.headers.location).toBe(`/api/problems/${problem.id}`);
    expect(Array.isArray(possibleDuplicates)).toBe(true);
    expect(recurrenceOf === null || typeof recurrenceOf.id === 'number').toBe(true);
    expect(await ctx.app.store.reporter(problem.id)).toEqual({ name: '王建国', phone: '13912345678' });
    // The statistics count it at once.
    expect((await ctx.app.inject({ url: '/api/stats/summary', headers: ctx.as.admin })).json().total).toBe(1501);
  });

  it('ties a report to the key site within 150 m of it, and one farther from every site to none', async () => {
    const sites = ctx.app.townData.sites;
    // A site with no other within 300 m, and a point 80 m east of it.
    const site = sites.find((s) => sites.every((o) => o === s || distanceKm([s.lon, s.lat], [o.lon, o.lat]) > 0.3));
    if (!site) throw new Error('no site 300 m from every other');
    const near = offsetKm([site.lon, site.lat], 0.08, 0);
    const tied = await post({ lon: near[0], lat: near[1], category: 'littering', description: '站点旁有垃圾', source: 'inspection' });
    expect(tied.statusCode).toBe(201);
    expect(tied.json().problem.properties).toMatchObject({ siteId: site.id, siteName: site.name });

    const t = ctx.app.problemTable;
    let far: [number, number] | undefined;
    for (let i = 0; i < t.size && !far; i++) {
      const p: [number, number] = [t.lon[i], t.lat[i]];
      if (sites.every((s) => distanceKm(p, [s.lon, s.lat]) > 0.3)) far = p;
    }
    if (!far) throw new Error('no problem 300 m from every site');
    const untied = await post({ lon: far[0], lat: far[1], category: 'littering', description: '路边有垃圾', source: 'inspection' });
    expect(untied.statusCode).toBe(201);
    expect(untied.json().problem.properties).toMatchObject({ siteId: null, siteName: null });
  });

  it('refuses a point outside the town (422 naming lon) and a grid manager outside their grids (403)', async () => {
    const outside = await post({ lon: 121.5, lat: 31.2, category: 'flyers', description: '上海', source: 'inspection' });
    expect(outside.statusCode).toBe(422);
    expect(outside.json()).toMatchObject({ code: 'outside_town', field: 'lon' });
    expect(outside.json().message).toContain('不在盐东镇范围内');
    const theirs = pointIn(false);
    expect(
      (await post({ lon: theirs.lon, lat: theirs.lat, category: 'flyers', description: '别人网格', source: 'grid_patrol' }, 'grid_manager')).statusCode,
    ).toBe(403);
    const mine = pointIn(true);
    expect((await post({ lon: mine.lon, lat: mine.lat, category: 'flyers', description: '本人网格', source: 'grid_patrol' }, 'grid_manager')).statusCode).toBe(
      201,
    );
    expect((await post({ lon: mine.lon, lat: mine.lat, category: 'nonsense', description: 'x', source: 'grid_patrol' })).json()).toMatchObject({
      statusCode: 422,
      field: 'category',
    });
  });

  it('makes a retry with the same Idempotency-Key safe, and refuses the key with another body', async () => {
    const at = pointIn(true);
    const body = { lon: at.lon, lat: at.lat, category: 'littering', description: '路边有暴露垃圾', source: 'volunteer' };
    const before = ctx.app.problemTable.size;
    const first = await post(body, 'admin', 'retry-key-0001');
    const again = await post(body, 'admin', 'retry-key-0001');
    expect(first.statusCode).toBe(201);
    expect(again.statusCode).toBe(201);
    expect(again.json()).toEqual(first.json());
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(ctx.app.problemTable.size).toBe(before + 1);
    const misuse = await post({ ...body, description: '另一件事' }, 'admin', 'retry-key-0001');
    expect(misuse.statusCode).toBe(422);
    expect(misuse.json()).toMatchObject({ code: 'idempotency_key_reused', field: 'Idempotency-Key' });
    expect(await ctx.app.store.purgeIdempotencyKeys(Date.parse('2026-11-27T15:00:00+08:00') + 1)).toBeGreaterThan(0);
  });

  it('lists open problems of the same category nearby as possible duplicates, and marks a recurrence of one closed lately', async () => {
    const t = ctx.app.problemTable;
    const now = Date.parse('2026-11-27T15:00:00+08:00');
    let open: ProblemRecord | undefined;
    let closedLately: ProblemRecord | undefined;
    for (let i = 0; i < t.size; i++) {
      const p = t.record(i);
      if (!open && p.status !== 'closed') open = p;
      if (!closedLately && p.status === 'closed' && p.closedAt !== null && now - p.closedAt < 60 * 86_400_000) closedLately = p;
    }
    if (!open || !closedLately) throw new Error('fixtures');
    const dup = (await post({ lon: open.lon + 0.0001, lat: open.lat, category: open.category, description: '又发现', source: 'inspection' })).json();
    expect(dup.possibleDuplicates.map((d: { id: number }) => d.id)).toContain(open.id);
    const d = dup.possibleDuplicates.find((x: { id: number }) => x.id === open.id);
    expect(d.distanceM).toBeGreaterThan(5);
    expect(d.distanceM).toBeLessThan(15);
    const gridRecurrences = async (gridId: string) =>
      (await ctx.app.inject({ url: '/api/stats/grids', headers: ctx.as.admin })).json().grids.find((g: { id: string }) => g.id === gridId).recurrences;
    const spot = { lon: closedLately.lon, lat: closedLately.lat + 0.0002 };
    const gridId = ctx.app.townData.gridIndex.locate(spot.lon, spot.lat) as string;
    const before = await gridRecurrences(gridId);
    const again = (await post({ ...spot, category: closedLately.category, description: '反弹了', source: 'inspection' })).json();
    expect(again.recurrenceOf).toMatchObject({ id: expect.any(Number) });
    expect(await ctx.app.store.recurrenceOf(again.problem.id)).toMatchObject({ problemId: again.recurrenceOf.id });
    // The statistics count it at once (the grid's recurrence rate).
    expect(again.problem.properties.gridId).toBe(gridId);
    expect(await gridRecurrences(gridId)).toBe(before + 1);
  });
});

describe('POST /api/problems/:id/merge', () => {
  const merge = async (id: number, body: object, ifMatch?: string) =>
    ctx.app.inject({
      method: 'POST',
      url: `/api/problems/${id}/merge`,
      headers: { ...ctx.as.admin, origin: ORIGIN, 'if-match': ifMatch ?? `"${(await ctx.app.store.problem(id))?.version}"` },
      payload: body,
    });

  it('closes a duplicate into the problem it repeats, with its photos, and both cards say so', async () => {
    const t = ctx.app.problemTable;
    const open: ProblemRecord[] = [];
    for (let i = 0; i < t.size; i++) {
      const p = t.record(i);
      if (p.status !== 'closed' && (open.length === 0 || p.category === open[0].category)) open.push(p);
      if (open.length === 2) break;
    }
    const [target, dup] = open;
    const photo = 'c'.repeat(64);
    await ctx.app.store.addPhoto({
      id: photo,
      problemId: dup.id,
      kind: 'before',
      mime: 'image/jpeg',
      width: 1,
      height: 1,
      bytes: 1,
      lon: null,
      lat: null,
      createdAt: 1,
      createdBy: 't',
    });

    const res = await merge(dup.id, { into: target.id });
    expect(res.statusCode).toBe(200);
    expect(res.json().properties).toMatchObject({ status: 'closed', mergedInto: target.id, closedAt: '2026-11-27T15:00:00+08:00' });
    expect(res.json().properties.history.at(-1)).toMatchObject({ action: 'merge', toStatus: 'closed', note: `与编号 ${target.id} 重复，合并办结` });
    const after = (await ctx.app.inject({ url: `/api/problems/${target.id}`, headers: ctx.as.admin })).json().properties;
    expect(after.duplicates).toEqual([dup.id]);
    expect(after.photos.map((p: { id: string }) => p.id)).toContain(photo);
    // The duplicate's row is still its history replayed; the table and the statistics see it closed.
    expect(replayMismatches((await ctx.app.store.problem(dup.id)) as ProblemRecord, await ctx.app.store.events(dup.id))).toEqual([]);
    expect(t.record(t.positionOf(dup.id)).status).toBe('closed');

    // Refusals, each naming its field.
    const closedAgain = await merge(dup.id, { into: target.id });
    expect(closedAgain.json()).toMatchObject({ statusCode: 409, code: 'invalid_transition' });
    expect((await merge(target.id, { into: target.id })).json()).toMatchObject({ statusCode: 422, field: 'into' });
    expect((await merge(target.id, { into: 999_999 })).json()).toMatchObject({ statusCode: 422, field: 'into', code: 'unknown_problem' });
    expect((await merge(target.id, { into: dup.id })).json()).toMatchObject({ statusCode: 422, field: 'into', code: 'merged_target' });
    expect((await merge(target.id, { into: dup.id }, '"1"')).json()).toMatchObject({ statusCode: 412, field: 'If-Match' });
    let otherCategory = 0;
    for (let i = 0; i < t.size && !otherCategory; i++) if (t.record(i).category !== target.category) otherCategory = t.id[i];
    expect((await merge(target.id, { into: otherCategory })).json()).toMatchObject({ statusCode: 422, field: 'into', code: 'category_mismatch' });
  });
});
