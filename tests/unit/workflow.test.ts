import { describe, expect, it } from 'vitest';
import { type Action, type Status, statusCodes } from '../../server/domain/lifecycle.ts';
import { decideTransition } from '../../server/domain/workflow.ts';

// The specification, written out by hand (not derived from the code under test).
const WHO = `
             assign start submit close reject reopen self_fix
admin          y      y     y      y     y      y      y
leader         -      -     -      -     -      -      -
gm_own         -      -     -      y     y      -      y
gm_other       -      -     -      -     -      -      -
unit_own       -      y     y      -     -      -      -
unit_other     -      -     -      -     -      -      -
display        -      -     -      -     -      -      -
`;
const FROM: Record<Action, Status[]> = {
  assign: ['reported', 'open'],
  start: ['open'],
  submit: ['in_progress'],
  close: ['awaiting_verification'],
  reject: ['awaiting_verification'],
  reopen: ['closed'],
  self_fix: ['reported', 'open'],
};
const TO: Record<Action, Status> = {
  assign: 'open',
  start: 'in_progress',
  submit: 'awaiting_verification',
  close: 'closed',
  reject: 'open',
  reopen: 'open',
  self_fix: 'closed',
};

const ACTORS = {
  admin: { role: 'admin', unitId: null, gridIds: [] },
  leader: { role: 'leader', unitId: null, gridIds: [] },
  gm_own: { role: 'grid_manager', unitId: null, gridIds: ['lizao-05'] },
  gm_other: { role: 'grid_manager', unitId: null, gridIds: ['dongnan-01'] },
  unit_own: { role: 'unit', unitId: 'dept-enforcement', gridIds: [] },
  unit_other: { role: 'unit', unitId: 'dept-traffic', gridIds: [] },
  display: { role: 'display', unitId: null, gridIds: [] },
} as const;

const [header, ...rows] = WHO.trim().split('\n');
const actionsInOrder = header.trim().split(/\s+/) as Action[];
const may = new Map<string, boolean>();
for (const row of rows) {
  const [actor, ...cells] = row.trim().split(/\s+/);
  for (const [i, c] of cells.entries()) may.set(`${actor}:${actionsInOrder[i]}`, c === 'y');
}

/** A complete request: a unit, a reason, a before and an after photo, so only role and state decide. */
const FULL = { note: '整改不到位，重新清理', afterPhotos: ['p1'], beforePhotos: ['p0'], unitId: 'dept-enforcement' };

describe('the state × action × role matrix', () => {
  it('has a row for every actor and a column for every action', () => {
    expect(rows).toHaveLength(Object.keys(ACTORS).length);
    expect(actionsInOrder.sort()).toEqual(Object.keys(FROM).sort());
  });

  for (const [name, actor] of Object.entries(ACTORS)) {
    it(`${name}: every status × every action`, () => {
      for (const status of statusCodes) {
        for (const action of actionsInOrder) {
          const problem = { status, gridId: 'lizao-05', unitId: 'dept-enforcement' };
          const v = decideTransition(actor, problem, action, FULL);
          const expected = !may.get(`${name}:${action}`) ? 403 : FROM[action].includes(status) ? 200 : 409;
          const got = v.ok ? 200 : v.status;
          expect(got, `${name} ${action} from ${status}`).toBe(expected);
          if (v.ok) expect(v.to).toBe(TO[action]);
          else expect(v.message.length).toBeGreaterThan(3);
        }
      }
    });
  }
});

describe('what an action needs', () => {
  const admin = ACTORS.admin;
  it('assign needs a unit, reject a reason, submit an after photo (422 naming the field)', () => {
    expect(decideTransition(admin, { status: 'reported', gridId: 'g', unitId: null }, 'assign', { ...FULL, unitId: null })).toMatchObject({
      status: 422,
      field: 'unitId',
    });
    expect(decideTransition(admin, { status: 'awaiting_verification', gridId: 'g', unitId: 'u' }, 'reject', { ...FULL, note: ' ' })).toMatchObject({
      status: 422,
      field: 'note',
    });
    expect(decideTransition(admin, { status: 'in_progress', gridId: 'g', unitId: 'u' }, 'submit', { ...FULL, afterPhotos: [] })).toMatchObject({
      status: 422,
      field: 'photos',
    });
    expect(decideTransition(admin, { status: 'in_progress', gridId: 'g', unitId: 'u' }, 'submit', FULL)).toEqual({ ok: true, to: 'awaiting_verification' });
  });

  it('当场整改 needs a before and an after photo', () => {
    const gm = ACTORS.gm_own;
    const p = { status: 'reported' as const, gridId: 'lizao-05', unitId: null };
    expect(decideTransition(gm, p, 'self_fix', { ...FULL, beforePhotos: [] })).toMatchObject({ status: 422, field: 'photos' });
    expect(decideTransition(gm, p, 'self_fix', { ...FULL, afterPhotos: [] })).toMatchObject({ status: 422, field: 'photos' });
    expect(decideTransition(gm, p, 'self_fix', { note: '', afterPhotos: ['a'] })).toMatchObject({ status: 422, field: 'photos' });
    expect(decideTransition(gm, p, 'self_fix', FULL)).toEqual({ ok: true, to: 'closed' });
  });
});
