import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dueSoonBefore, taskReason } from '../../server/domain/tasks.ts';
import type { ProblemRecord } from '../../server/store/records.ts';
import { addAfterPhoto, DEMO_NOW, type DemoApp, demoApp, ORIGIN } from '../helpers/demo.ts';

let ctx: DemoApp;
let all: ProblemRecord[];

/** Submits a problem as its unit would (整改后照片 attached), so that it awaits verification. */
async function submit(p: ProblemRecord): Promise<void> {
  const photo = await addAfterPhoto(ctx.app.store, p.id);
  const res = await ctx.app.inject({
    method: 'POST',
    url: `/api/problems/${p.id}/transitions`,
    headers: { ...ctx.as.unit, origin: ORIGIN, 'if-match': `"${p.version}"` },
    payload: { action: 'submit', photos: [photo] },
  });
  expect(res.statusCode).toBe(200);
}

const table = () => Array.from({ length: ctx.app.problemTable.size }, (_, i) => ctx.app.problemTable.record(i));

beforeAll(async () => {
  ctx = await demoApp(2500);
  // Two of the test unit's problems in the grid manager's grids wait for verification.
  const mine = table().filter((p) => p.unitId === ctx.users.unit.unitId && p.status === 'in_progress' && ctx.users.grid_manager.gridIds.includes(p.gridId));
  for (const p of mine.slice(0, 2)) await submit(p);
  all = table();
});
afterAll(async () => ctx.close());

type Row = { id: number; reason: string; band: number; deadline: string | null; overdue: boolean; daysOverdue: number | null; status: string };
const tasks = async (role: 'admin' | 'leader' | 'grid_manager' | 'unit', query = '') => {
  const res = await ctx.app.inject({ method: 'GET', url: `/api/tasks${query}`, headers: ctx.as[role] });
  expect(res.statusCode).toBe(200);
  return res.json() as { total: number; overdue: number; dueSoon: number; tasks: Row[] };
};

/** The stated order: overdue (most days late first), then due soon, then the rest by deadline. */
function expectOrdered(rows: Row[]) {
  for (let i = 1; i < rows.length; i++) {
    const [a, b] = [rows[i - 1], rows[i]];
    expect(a.band <= b.band, `${a.id} before ${b.id}`).toBe(true);
    if (a.band === b.band && a.deadline && b.deadline) expect(Date.parse(a.deadline) <= Date.parse(b.deadline), `${a.id} before ${b.id}`).toBe(true);
    if (a.band === 0 && b.band === 0) expect((a.daysOverdue ?? 0) >= (b.daysOverdue ?? 0)).toBe(true);
  }
}

describe('GET /api/tasks (我的待办)', () => {
  it("a unit's: its problems not yet submitted, overdue first", async () => {
    const unitId = ctx.users.unit.unitId;
    const expected = all.filter((p) => p.unitId === unitId && (p.status === 'open' || p.status === 'in_progress')).map((p) => p.id);
    const answer = await tasks('unit');
    expect(expected.length).toBeGreaterThan(10);
    expect(answer.total).toBe(expected.length);
    expect(answer.tasks.map((r) => r.id).sort((a, b) => a - b)).toEqual(expected.sort((a, b) => a - b));
    expect(answer.tasks.every((r) => r.reason === 'rectify' || r.reason === 'rejected')).toBe(true);
    expect(answer.overdue).toBe(answer.tasks.filter((r) => r.overdue).length);
    expect(answer.overdue).toBeGreaterThan(0);
    expect(answer.tasks[0].overdue).toBe(true);
    expect(answer.tasks[0].daysOverdue).toBeGreaterThan(0);
    expectOrdered(answer.tasks);
  });

  it("a grid manager's: awaiting verification, overdue and due soon in their grids only", async () => {
    const grids = ctx.users.grid_manager.gridIds;
    const soon = dueSoonBefore(DEMO_NOW);
    const expected = all.filter((p) => taskReason(ctx.users.grid_manager, p, DEMO_NOW, soon) !== null);
    expect(expected.every((p) => grids.includes(p.gridId))).toBe(true);
    const answer = await tasks('grid_manager');
    expect(answer.tasks.map((r) => r.id).sort((a, b) => a - b)).toEqual(expected.map((p) => p.id).sort((a, b) => a - b));
    const reasons = new Set(answer.tasks.map((r) => r.reason));
    expect(reasons.has('verify')).toBe(true);
    expect(reasons.has('overdue')).toBe(true);
    for (const r of answer.tasks) {
      if (r.reason === 'verify') expect(r.status).toBe('awaiting_verification');
      if (r.reason === 'due_soon') expect(Date.parse(r.deadline as string)).toBeLessThanOrEqual(soon);
    }
    expectOrdered(answer.tasks);
  });

  it("an admin's: not yet assigned, awaiting verification and overdue, town-wide; limit keeps the counts", async () => {
    const answer = await tasks('admin');
    const expected = all.filter(
      (p) => p.status === 'reported' || p.status === 'awaiting_verification' || (p.status !== 'closed' && p.deadline !== null && DEMO_NOW > p.deadline),
    );
    expect(answer.total).toBe(expected.length);
    const limited = await tasks('admin', '?limit=5');
    expect(limited.tasks).toHaveLength(5);
    expect(limited.total).toBe(answer.total);
    expect(limited.tasks.map((r) => r.id)).toEqual(answer.tasks.slice(0, 5).map((r) => r.id));
  });

  it('says 被退回 for a problem sent back at verification', async () => {
    const unitId = ctx.users.unit.unitId;
    const waiting = all.find((p) => p.unitId === unitId && p.status === 'awaiting_verification' && ctx.users.grid_manager.gridIds.includes(p.gridId));
    if (!waiting) throw new Error('no problem awaiting verification for the test unit in the grid manager’s grids');
    const res = await ctx.app.inject({
      method: 'POST',
      url: `/api/problems/${waiting.id}/transitions`,
      headers: { ...ctx.as.grid_manager, origin: ORIGIN, 'if-match': `"${waiting.version}"` },
      payload: { action: 'reject', note: '现场仍有堆放' },
    });
    expect(res.statusCode).toBe(200);
    const row = (await tasks('unit', '?limit=2000')).tasks.find((r) => r.id === waiting.id);
    expect(row?.reason).toBe('rejected');
  });

  it('refuses a bad limit naming the field', async () => {
    const res = await ctx.app.inject({ method: 'GET', url: '/api/tasks?limit=0', headers: ctx.as.unit });
    expect(res.statusCode).toBe(400);
    expect(res.json().field).toBe('limit');
  });
});
