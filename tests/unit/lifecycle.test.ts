import { describe, expect, it } from 'vitest';
import { type Action, actionCodes, allowedActions, isOverdue, nextStatus, type Status, statusCodes, TransitionError } from '../../server/domain/lifecycle.ts';

const expected: Record<Status, Partial<Record<Action, Status>>> = {
  reported: { assign: 'open', self_fix: 'closed' },
  open: { assign: 'open', start: 'in_progress', self_fix: 'closed' },
  in_progress: { submit: 'awaiting_verification' },
  awaiting_verification: { close: 'closed', reject: 'open' },
  closed: { reopen: 'open' },
};

describe('lifecycle', () => {
  for (const from of statusCodes) {
    for (const action of actionCodes) {
      const to = expected[from][action];
      it(`${action} from ${from} ${to ? `goes to ${to}` : 'is refused'}`, () => {
        if (to) expect(nextStatus(from, action)).toBe(to);
        else expect(() => nextStatus(from, action)).toThrow(TransitionError);
      });
    }
  }

  it('lists the allowed actions of a status', () => {
    expect(allowedActions('awaiting_verification')).toEqual(['close', 'reject']);
  });
});

describe('isOverdue', () => {
  it('is overdue when open past the deadline', () => {
    expect(isOverdue('in_progress', 1000, 1001)).toBe(true);
  });
  it('is not overdue at the deadline itself', () => {
    expect(isOverdue('open', 1000, 1000)).toBe(false);
  });
  it('is never overdue once closed', () => {
    expect(isOverdue('closed', 1000, 5000)).toBe(false);
  });
  it('is not overdue without a deadline', () => {
    expect(isOverdue('open', null, 5000)).toBe(false);
  });
});
