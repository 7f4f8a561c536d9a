import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoApp, ORIGIN } from '../helpers/demo.ts';

let ctx: Awaited<ReturnType<typeof demoApp>>;
type Who = keyof typeof ctx.as;
const send = (method: 'POST' | 'GET' | 'PATCH', url: string, payload?: unknown, who: Who = 'admin', headers: Record<string, string> = {}) =>
  ctx.app.inject({ method, url, headers: { ...ctx.as[who], ...(method !== 'GET' && { origin: ORIGIN }), ...headers }, payload: payload as never });

// DEMO_NOW is 2026-11-27 (Asia/Shanghai)
const body = () => ({
  name: '李灶农贸市场提升改造',
  unitId: ctx.users.unit.unitId as string,
  geometry: { type: 'Point', coordinates: ctx.app.townData.communities[0].center },
  description: '雨棚、排水、摊位划线',
  startsOn: '2026-09-01',
  dueOn: '2026-12-31',
  percent: 40,
  milestones: [
    { name: '方案批复', plannedOn: '2026-09-30' },
    { name: '主体完工', plannedOn: '2026-11-30' },
    { name: '竣工验收', plannedOn: '2026-12-31' },
  ],
});

beforeAll(async () => {
  ctx = await demoApp(100);
});
afterAll(async () => ctx?.close());

describe('key projects (重点项目推进表)', () => {
  let id = 0;

  it('an admin sets a project up; its status comes from its milestones on the day', async () => {
    const res = await send('POST', '/api/projects', body());
    expect(res.statusCode, res.body).toBe(201);
    const p = res.json();
    id = p.id;
    expect(res.headers.etag).toBe('"1"');
    // 方案批复 was due 2026-09-30 and is not reached: late
    expect(p).toMatchObject({
      status: 'late',
      statusName: '滞后',
      percent: 40,
      communityId: ctx.app.townData.communities[0].id,
      next: { name: '方案批复', plannedOn: '2026-09-30', doneOn: null },
      reasons: ['节点「方案批复」计划 2026-09-30 完成，已逾期 58 天'],
    });
    const list = (await send('GET', '/api/projects', undefined, 'display')).json();
    expect(list.today).toBe('2026-11-27');
    expect(list.projects.map((x: { id: number }) => x.id)).toContain(id);
    expect(list.counts.late).toBeGreaterThanOrEqual(1);
  });

  it('the owner unit reports progress with a reason; the status follows and every update is kept', async () => {
    const p = (await send('GET', `/api/projects/${id}`)).json().project;
    const first = p.milestones[0].id;
    const res = await send(
      'PATCH',
      `/api/projects/${id}`,
      { percent: 75, milestones: [{ id: first, doneOn: '2026-09-28' }], note: '方案已批复，雨棚完成' },
      'unit',
      {
        'if-match': '"1"',
      },
    );
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers.etag).toBe('"2"');
    // 主体完工 is due 2026-11-30, 3 days on: at risk
    expect(res.json()).toMatchObject({ status: 'at_risk', percent: 75, version: 2, reasons: ['节点「主体完工」3 天后到期，尚未完成'] });
    const detail = (await send('GET', `/api/projects/${id}`, undefined, 'leader')).json();
    expect(detail.updates).toHaveLength(2);
    expect(detail.updates[0]).toMatchObject({
      actor: ctx.users.unit.displayName,
      note: '方案已批复，雨棚完成',
      changes: [
        { field: 'percent', name: '完成进度（%）', from: '40', to: '75' },
        { field: `milestone:${first}`, name: '节点「方案批复」完成日期', from: null, to: '2026-09-28' },
      ],
    });
    expect(detail.updates[1]).toMatchObject({ note: '新建项目', actor: ctx.users.admin.displayName });
    const audit = (await send('GET', '/api/audit?action=project.update')).json();
    expect(JSON.stringify(audit)).toContain('project.update');
  });

  it('a stale or missing version is refused, and nothing is written', async () => {
    const stale = await send('PATCH', `/api/projects/${id}`, { percent: 90, note: '迟到的更新' }, 'admin', { 'if-match': '"1"' });
    expect(stale.statusCode).toBe(412);
    expect(stale.json().field).toBe('If-Match');
    expect((await send('PATCH', `/api/projects/${id}`, { percent: 90, note: '无版本' })).statusCode).toBe(428);
    const p = (await send('GET', `/api/projects/${id}`)).json();
    expect(p.project.percent).toBe(75);
    expect(p.updates).toHaveLength(2);
  });

  it('bad input names its field', async () => {
    const bad = async (payload: unknown, field: string, status = 400) => {
      const res = await send('POST', '/api/projects', payload);
      expect(res.statusCode, res.body).toBe(status);
      expect(res.json().field).toBe(field);
    };
    await bad({ ...body(), unitId: 'nope' }, 'unitId', 422);
    await bad({ ...body(), dueOn: '2026-08-01' }, 'dueOn');
    await bad({ ...body(), geometry: { type: 'Point', coordinates: [116.4, 39.9] } }, 'geometry', 422);
    await bad({ ...body(), geometry: { type: 'Point', coordinates: [500, 39.9] } }, 'geometry');
    const [x, y] = ctx.app.townData.communities[0].center;
    await bad(
      {
        ...body(),
        geometry: {
          type: 'Polygon',
          coordinates: [
            [
              [x, y],
              [x + 0.001, y],
              [x, y + 0.001],
              [x + 0.002, y],
            ],
          ],
        },
      },
      'geometry/coordinates/0',
    );
    await bad({ ...body(), name: '   ' }, 'name');
    const p = (await send('GET', `/api/projects/${id}`)).json().project;
    const patch = (payload: unknown) => send('PATCH', `/api/projects/${id}`, payload, 'admin', { 'if-match': `"${p.version}"` });
    const future = await patch({ milestones: [{ id: p.milestones[1].id, doneOn: '2026-12-05' }], note: '提前填' });
    expect(future.statusCode).toBe(400);
    expect(future.json().field).toBe('milestones/0/doneOn');
    const other = await patch({ milestones: [{ id: 99_999, doneOn: '2026-11-01' }], note: 'x' });
    expect(other.statusCode).toBe(422);
    expect(other.json().field).toBe('milestones/0/id');
    const noNote = await patch({ percent: 80 });
    expect(noNote.statusCode).toBe(400);
  });

  it('another unit may not update the project; a leader may not either', async () => {
    const otherUnit = ctx.app.townData.units.find((u) => u.id !== ctx.users.unit.unitId)?.id as string;
    const res = await send('POST', '/api/projects', { ...body(), unitId: otherUnit });
    const p = res.json();
    expect((await send('PATCH', `/api/projects/${p.id}`, { percent: 10, note: 'x' }, 'unit', { 'if-match': '"1"' })).statusCode).toBe(403);
    expect((await send('PATCH', `/api/projects/${p.id}`, { percent: 10, note: 'x' }, 'leader', { 'if-match': '"1"' })).statusCode).toBe(403);
  });

  it('once every milestone is reached at 100% the project is done, and listed last', async () => {
    const p = (await send('GET', `/api/projects/${id}`)).json().project;
    const res = await send(
      'PATCH',
      `/api/projects/${id}`,
      { percent: 100, milestones: p.milestones.map((m: { id: number }) => ({ id: m.id, doneOn: '2026-11-27' })), note: '竣工验收通过' },
      'admin',
      { 'if-match': `"${p.version}"` },
    );
    expect(res.json()).toMatchObject({ status: 'done', statusName: '已完成', next: null });
    const list = (await send('GET', '/api/projects')).json().projects;
    expect(list[list.length - 1].id).toBe(id);
  });
});
