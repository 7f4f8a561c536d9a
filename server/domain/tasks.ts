import { computeDeadline } from './calendar.ts';
import { isOverdue, type Status } from './lifecycle.ts';
import type { Actor } from './permissions.ts';

/**
 * 我的待办: what waits for the signed-in user, by role. Pure rules: GET /api/tasks applies them to
 * every problem, and the page shows what it answers.
 */

/** Why a problem waits for someone (the list says it in words). */
export const TASK_REASONS = ['assign', 'rectify', 'rejected', 'verify', 'overdue', 'due_soon'] as const;
export type TaskReason = (typeof TASK_REASONS)[number];

export const TASK_REASON_NAMES: Record<TaskReason, string> = {
  assign: '待交办',
  rectify: '待整改',
  rejected: '被退回',
  verify: '待核查',
  overdue: '逾期督办',
  due_soon: '即将到期',
};

/** Problems due within this many working days count as due soon (临期). */
export const DUE_SOON_WORKDAYS = 2;

/** The instant before which a deadline counts as due soon: `DUE_SOON_WORKDAYS` working days from now. */
export function dueSoonBefore(now: number): number {
  return computeDeadline(now, { unit: 'workdays', value: DUE_SOON_WORKDAYS });
}

export interface TaskCandidate {
  status: Status;
  gridId: string;
  unitId: string | null;
  deadline: number | null;
}

/**
 * Why `problem` waits for `actor`, or null when it does not:
 * - a unit: its problems not yet submitted (待整改, 整改中; sent back ones are 待整改 again);
 * - a grid manager, in their grids: those awaiting verification, then overdue or due-soon ones;
 * - an admin: reported and not assigned, awaiting verification, overdue;
 * - a leader: overdue ones (督办); a wall screen: none.
 */
export function taskReason(actor: Actor, problem: TaskCandidate, now: number, soon: number): TaskReason | null {
  const { status } = problem;
  if (status === 'closed') return null;
  const overdue = isOverdue(status, problem.deadline, now);
  const dueSoon = !overdue && problem.deadline !== null && problem.deadline <= soon;
  switch (actor.role) {
    case 'unit':
      return actor.unitId !== null && problem.unitId === actor.unitId && (status === 'open' || status === 'in_progress') ? 'rectify' : null;
    case 'grid_manager':
      if (!actor.gridIds.includes(problem.gridId)) return null;
      if (status === 'awaiting_verification') return 'verify';
      return overdue ? 'overdue' : dueSoon ? 'due_soon' : null;
    case 'admin':
      if (status === 'reported') return 'assign';
      if (status === 'awaiting_verification') return 'verify';
      return overdue ? 'overdue' : null;
    case 'leader':
      return overdue ? 'overdue' : null;
    default:
      return null;
  }
}

/** Urgency bands: overdue (0), due within two working days (1), the rest (2). */
export function urgencyBand(deadline: number | null, status: Status, now: number, soon: number): 0 | 1 | 2 {
  if (isOverdue(status, deadline, now)) return 0;
  return deadline !== null && deadline <= soon ? 1 : 2;
}

/**
 * The order of the list: overdue first, most days late first; then due soon, soonest first; then
 * the rest by deadline (none last); ties by id.
 */
export function compareTasks(a: { band: number; deadline: number | null; id: number }, b: { band: number; deadline: number | null; id: number }): number {
  return a.band - b.band || (a.deadline ?? Number.POSITIVE_INFINITY) - (b.deadline ?? Number.POSITIVE_INFINITY) || a.id - b.id;
}
