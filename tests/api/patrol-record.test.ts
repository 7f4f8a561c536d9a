import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offsetKm } from '../../server/domain/geometry.ts';
import { trackMeters } from '../../server/patrol/track.ts';
import type { ProblemRecord } from '../../server/store/records.ts';
import { addAfterPhoto, DEMO_NOW, demoApp, ORIGIN } from '../helpers/demo.ts';

let ctx: Awaited<ReturnType<typeof demoApp>>;
/** Problems of the grid manager's grids awaiting verification, one of another grid, a key site in and out of their grids. */
let waiting: ProblemRecord[];
let foreign: ProblemRecord;
let ownSite: { id: string; lon: number; lat: number };
let foreignSite: { id: string };

beforeAll(async () => {
  ctx = await demoApp(3000);
  const own = ctx.users.grid_manager.gridIds;
  const t = ctx.app.problemTable;
  const rows = Array.from({ length: t.size }, (_, i) => t.record(i));
  // Rectifications submitted by their units, waiting for the grid manager's check (复查).
  const submit = async (p: ProblemRecord): Promise<ProblemRecord> => {
    const next: ProblemRecord = { ...p, status: 'awaiting_verification', version: p.version + 1 };
    const at = DEMO_NOW - 86_400_000;
    await ctx.app.store.updateProblem(next, p.version, {
      at,
      actor: '单位',
      action: 'submit',
      fromStatus: p.status,
      toStatus: next.status,
      note: '',
      photos: [],
      changes: {},
    });
    ctx.app.problemTable.upsert(next);
    return next;
  };
  const inProgress = rows.filter((p) => p.status === 'in_progress');
  waiting = await Promise.all(
    inProgress
      .filter((p) => own.includes(p.gridId))
      .slice(0, 3)
      .map(submit),
  );
  foreign = await submit(inProgress.find((p) => !own.includes(p.gridId)) as ProblemRecord);
  const sites = ctx.app.townData.sites;
  ownSite = sites.find((s) => own.includes(s.gridId)) as typeof ownSite;
  foreignSite = sites.find((s) => !own.includes(s.gridId)) as typeof foreignSite;
  expect(waiting.length).toBeGreaterThanOrEqual(3);
  expect([foreign, ownSite, foreignSite].every(Boolean)).toBe(true);
});
afterAll(async () => ctx.close());

type As = 'grid_manager' | 'admin' | 'leader' | 'unit' | 'display';
const send = (as: As, method: 'GET' | 'POST', url: string, payload?: object, headers: Record<string, string> = {}) =>
  ctx.app.inject({ method, url, headers: { ...ctx.as[as], origin: ORIGIN, ...headers }, payload });
const iso = (ms: number) => new Date(ms).toISOString();

async function startPatrol(as: As = 'grid_manager', startedAt = DEMO_NOW - 3600_000): Promise<string> {
  const id = randomUUID();
  const res = await send(as, 'POST', '/api/patrols', { id, startedAt: iso(startedAt), ...(as === 'admin' ? { gridIds: ['lizao-01'] } : {}) });
  expect(res.statusCode, res.body).toBe(201);
  return id;
}

describe('a patrol record (巡查记录)', () => {
  it('starts once per id made by the phone, in the grid manager’s own grids only', async () => {
    const id = randomUUID();
    const first = await send('grid_manager', 'POST', '/api/patrols', { id });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ id, gridIds: ctx.users.grid_manager.gridIds, endedAt: null, meters: 0, checkins: 0 });
    // The same start again (its answer was lost): the same patrol.
    expect((await send('grid_manager', 'POST', '/api/patrols', { id })).statusCode).toBe(200);
    // Someone else cannot take that id.
    const taken = await send('admin', 'POST', '/api/patrols', { id, gridIds: ['lizao-01'] });
    expect(taken.json()).toMatchObject({ statusCode: 409, field: 'id' });
    const foreignGrid = ctx.app.townData.grids.find((g) => !ctx.users.grid_manager.gridIds.includes(g.id))?.id;
    const outside = await send('grid_manager', 'POST', '/api/patrols', { id: randomUUID(), gridIds: [foreignGrid] });
    expect(outside.json()).toMatchObject({ statusCode: 403, field: 'gridIds' });
    expect((await send('grid_manager', 'POST', '/api/patrols', { id: 'not a uuid' })).json()).toMatchObject({ statusCode: 400, field: 'id' });
  });

  it('keeps the track thinned to ≥ 10 m and ≥ 5 s, once however often a batch is sent, and ends with its length', async () => {
    const started = DEMO_NOW - 3600_000;
    const id = await startPatrol('grid_manager', started);
    // A walk east, one point a second, 1.25 m apart (4.5 km/h): one kept every 8 s (10 m).
    const points = Array.from({ length: 120 }, (_, i) => {
      const [lon, lat] = offsetKm([ownSite.lon, ownSite.lat], i * 0.00125, 0);
      return { lon, lat, at: iso(started + 60_000 + i * 1000) };
    });
    const sent = await send('grid_manager', 'POST', `/api/patrols/${id}/track`, { points });
    expect(sent.statusCode).toBe(200);
    expect(sent.json().kept).toBe(15);
    const again = await send('grid_manager', 'POST', `/api/patrols/${id}/track`, { points });
    expect(again.json()).toEqual({ kept: 0, points: 15 });
    const end = await send('grid_manager', 'POST', `/api/patrols/${id}/end`, { at: iso(started + 40 * 60_000) });
    expect(end.statusCode).toBe(200);
    const track = await ctx.app.store.patrols.track(id);
    expect(end.json()).toMatchObject({ minutes: 40, meters: Math.round(trackMeters(track)) });
    expect(end.json().meters).toBeGreaterThan(130);
    expect(end.json().meters).toBeLessThan(150);
    // Ended: no more points, the end again changes nothing.
    expect((await send('grid_manager', 'POST', `/api/patrols/${id}/track`, { points })).statusCode).toBe(409);
    expect((await send('grid_manager', 'POST', `/api/patrols/${id}/end`, {})).json().minutes).toBe(40);
  });

  it('verifies at a stop (closes) and sends back (reopens, with a reason) under the workflow rules, exactly once per key', async () => {
    const id = await startPatrol();
    const [a, b] = waiting;
    const checkin = (body: object, key: string) => send('grid_manager', 'POST', `/api/patrols/${id}/checkins`, body, { 'idempotency-key': key });
    const verified = await checkin({ problemId: a.id, result: 'verified', note: '现场已清理' }, 'key-verify-1');
    expect(verified.statusCode, verified.body).toBe(201);
    expect(verified.json()).toMatchObject({ problemStatus: 'closed', checkin: { kind: 'stop', result: 'verified', resultName: '核查通过（销号）' } });
    const after = await ctx.app.store.problem(a.id);
    expect(after).toMatchObject({ status: 'closed', version: a.version + 1 });
    // Sent again (the answer was lost): the stored check-in, nothing changed twice.
    const replay = await checkin({ problemId: a.id, result: 'verified', note: '现场已清理' }, 'key-verify-1');
    expect(replay.statusCode).toBe(200);
    expect(replay.json().checkin.id).toBe(verified.json().checkin.id);
    expect((await ctx.app.store.problem(a.id))?.version).toBe(a.version + 1);
    expect((await checkin({ problemId: b.id, result: 'verified' }, 'key-verify-1')).json()).toMatchObject({ statusCode: 422, field: 'Idempotency-Key' });
    // A closed problem cannot be verified again; a send-back needs a reason.
    expect((await checkin({ problemId: a.id, result: 'verified' }, 'key-verify-2')).json()).toMatchObject({ statusCode: 409 });
    expect((await checkin({ problemId: b.id, result: 'sent_back' }, 'key-back-1')).json()).toMatchObject({ statusCode: 422, field: 'note' });
    const back = await checkin({ problemId: b.id, result: 'sent_back', note: '仍有杂物堆放' }, 'key-back-2');
    expect(back.json()).toMatchObject({ problemStatus: 'open' });
    expect((await ctx.app.store.events(b.id)).at(-1)).toMatchObject({ action: 'reject', note: '仍有杂物堆放', actor: ctx.users.grid_manager.displayName });
    // A key site: its own results only.
    expect((await checkin({ siteId: ownSite.id, result: 'ok' }, 'key-site-1')).statusCode).toBe(201);
    expect((await checkin({ siteId: ownSite.id, result: 'verified' }, 'key-site-2')).json()).toMatchObject({ statusCode: 400, field: 'result' });
    expect((await checkin({ result: 'ok' }, 'key-none-1')).json()).toMatchObject({ statusCode: 400, field: 'problemId' });
    expect((await send('grid_manager', 'POST', `/api/patrols/${id}/checkins`, { siteId: ownSite.id, result: 'ok' })).json()).toMatchObject({
      statusCode: 400,
      field: 'Idempotency-Key',
    });
    const detail = (await send('grid_manager', 'GET', `/api/patrols/${id}`)).json();
    expect(detail.patrol.checkins).toBe(3);
    expect(detail.checkins.map((c: { result: string }) => c.result)).toEqual(['verified', 'sent_back', 'ok']);
  });

  it('ties a problem reported on the way to the patrol, and closes one fixed on the spot as 自行处置 (before and after photos)', async () => {
    const id = await startPatrol();
    const [lon, lat] = offsetKm([ownSite.lon, ownSite.lat], 0.03, 0.02);
    const report = (key: string) =>
      send(
        'grid_manager',
        'POST',
        '/api/problems',
        { lon, lat, category: 'flyers', description: '电线杆上小广告', source: 'grid_patrol', patrolId: id },
        { 'idempotency-key': key },
      );
    const made = await report('key-report-fix-1');
    expect(made.statusCode, made.body).toBe(201);
    const problemId = made.json().problem.properties.id as number;
    expect((await report('key-report-fix-1')).statusCode).toBe(201);
    const checkin = (body: object) => send('grid_manager', 'POST', `/api/patrols/${id}/checkins`, body, { 'idempotency-key': 'key-fix-1' });
    // No photos yet: refused, nothing recorded.
    expect((await checkin({ problemId, result: 'self_fixed' })).json()).toMatchObject({ statusCode: 422, field: 'photos' });
    const before = await addAfterPhoto(ctx.app.store, problemId, 'b'.repeat(64));
    await ctx.app.store.addPhoto({ ...(await ctx.app.store.photo(before))[0], id: 'c'.repeat(64), kind: 'before' });
    const fixed = await checkin({ problemId, result: 'self_fixed', photos: [before] });
    expect(fixed.statusCode, fixed.body).toBe(201);
    expect(fixed.json()).toMatchObject({ problemStatus: 'closed', checkin: { kind: 'fix' } });
    const p = await ctx.app.store.problem(problemId);
    expect(p).toMatchObject({ status: 'closed', unitId: null });
    expect((await ctx.app.store.events(problemId)).at(-1)).toMatchObject({ action: 'self_fix', toStatus: 'closed' });
    const summary = (await send('grid_manager', 'GET', `/api/patrols/${id}`)).json().patrol;
    expect(summary).toMatchObject({ reports: 1, fixes: 1, checkins: 0 });
    // Reporting on someone else's patrol is refused, naming the field.
    const other = await startPatrol('admin');
    const refused = await send('grid_manager', 'POST', '/api/problems', {
      lon,
      lat,
      category: 'flyers',
      description: '又一处小广告',
      source: 'grid_patrol',
      patrolId: other,
    });
    expect(refused.json()).toMatchObject({ statusCode: 422, field: 'patrolId' });
  });
});

describe('rights and privacy of patrols', () => {
  it('a grid manager cannot check in outside their grids, nor on another’s patrol', async () => {
    const id = await startPatrol();
    const checkin = (body: object, key: string, as: As = 'grid_manager', patrol = id) =>
      send(as, 'POST', `/api/patrols/${patrol}/checkins`, body, { 'idempotency-key': key });
    expect((await checkin({ problemId: foreign.id, result: 'verified' }, 'key-out-1')).json()).toMatchObject({ statusCode: 403, field: 'problemId' });
    expect((await checkin({ problemId: foreign.id, result: 'ok' }, 'key-out-2')).json()).toMatchObject({ statusCode: 403, field: 'problemId' });
    expect((await checkin({ siteId: foreignSite.id, result: 'ok' }, 'key-out-3')).json()).toMatchObject({ statusCode: 403, field: 'siteId' });
    expect((await ctx.app.store.patrols.checkins(id)).length).toBe(0);
    expect((await ctx.app.store.problem(foreign.id))?.status).toBe('awaiting_verification');
    // The admin's own patrol is not the grid manager's to write to, nor the other way round.
    const adminPatrol = await startPatrol('admin');
    expect((await checkin({ siteId: ownSite.id, result: 'ok' }, 'key-out-4', 'grid_manager', adminPatrol)).statusCode).toBe(403);
    expect((await checkin({ siteId: ownSite.id, result: 'ok' }, 'key-out-5', 'admin')).statusCode).toBe(403);
  });

  it('a unit and a wall see no patrols; a grid manager sees their own, not the tracks; admins and leaders read tracks, each read audited', async () => {
    const id = await startPatrol();
    await send('grid_manager', 'POST', `/api/patrols/${id}/track`, {
      points: [0, 1, 2].map((i) => ({ lon: ownSite.lon + i * 0.0003, lat: ownSite.lat, at: iso(DEMO_NOW - 3000_000 + i * 10_000) })),
    });
    for (const as of ['unit', 'display'] as const) {
      expect((await send(as, 'GET', '/api/patrols')).statusCode).toBe(403);
      expect((await send(as, 'GET', `/api/patrols/${id}`)).statusCode).toBe(403);
      expect((await send(as, 'GET', `/api/patrols/${id}/track`)).statusCode).toBe(403);
    }
    expect((await send('grid_manager', 'GET', `/api/patrols/${id}/track`)).statusCode).toBe(403);
    const mine = (await send('grid_manager', 'GET', '/api/patrols')).json().patrols as { id: string; actor: string }[];
    expect(mine.map((p) => p.id)).toContain(id);
    expect(new Set(mine.map((p) => p.actor))).toEqual(new Set([ctx.users.grid_manager.displayName]));
    const all = (await send('leader', 'GET', '/api/patrols')).json().patrols as { actor: string }[];
    expect(all.some((p) => p.actor === ctx.users.admin.displayName)).toBe(true);

    const before = await ctx.accounts.audit({ action: 'patrol.track_read', limit: 100 });
    const read = await send('leader', 'GET', `/api/patrols/${id}/track`);
    expect(read.statusCode).toBe(200);
    expect(read.json().geometry.coordinates).toHaveLength(3);
    const after = await ctx.accounts.audit({ action: 'patrol.track_read', limit: 100 });
    expect(after.length).toBe(before.length + 1);
    expect(after[0]).toMatchObject({ userId: ctx.users.leader.id, objectType: 'patrol', objectId: id });
  });

  it('tracks older than 180 days are deleted; the patrol’s summary stays and its track answers 410', async () => {
    const id = await startPatrol('grid_manager', DEMO_NOW - 200 * 86_400_000);
    await ctx.app.store.patrols.addPoints(id, [
      { lon: ownSite.lon, lat: ownSite.lat, at: DEMO_NOW - 200 * 86_400_000 + 10_000 },
      { lon: ownSite.lon + 0.001, lat: ownSite.lat, at: DEMO_NOW - 200 * 86_400_000 + 60_000 },
    ]);
    await ctx.app.store.patrols.end(id, DEMO_NOW - 200 * 86_400_000 + 3600_000);
    expect(await ctx.app.store.patrols.purgeTracks(DEMO_NOW - 180 * 86_400_000)).toBeGreaterThanOrEqual(1);
    expect(await ctx.app.store.patrols.track(id)).toEqual([]);
    expect((await send('admin', 'GET', `/api/patrols/${id}/track`)).json()).toMatchObject({ statusCode: 410 });
    expect((await send('admin', 'GET', `/api/patrols/${id}`)).json().patrol).toMatchObject({ trackPurged: true, minutes: 60 });
    expect((await send('admin', 'GET', `/api/patrols/${id}`)).json().patrol.meters).toBeGreaterThan(80);
  });
});
