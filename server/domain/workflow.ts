import { type Action, actions, type Status } from './lifecycle.ts';
import { type Actor, mayChangeProblem } from './permissions.ts';

/**
 * Who may take which lifecycle action (一条一条整改落实): the 创文办 (admin) assigns, verifies,
 * rejects and reopens anywhere; the responsible unit starts and submits its own rectifications; a
 * grid manager verifies or rejects in their grids (on-site check). Leaders and wall screens never
 * act. The admin may also start and submit on a unit's behalf. A grid manager who fixes a small
 * problem on the spot closes it at once (当场整改, with before and after photos). Pure rules: the server enforces
 * them, the client offers only what they allow.
 */
export const ACTION_ROLES: Record<Action, readonly string[]> = {
  assign: ['admin'],
  start: ['admin', 'unit'],
  submit: ['admin', 'unit'],
  close: ['admin', 'grid_manager'],
  reject: ['admin', 'grid_manager'],
  reopen: ['admin'],
  self_fix: ['admin', 'grid_manager'],
};

/** What a transition request carries besides the action. */
export interface TransitionInput {
  note: string;
  /** Ids of the "after" photos attached (a submission needs at least one). */
  afterPhotos: readonly string[];
  /** Ids of the "before" photos of the problem (当场整改 needs one, and an "after" one). */
  beforePhotos?: readonly string[];
  /** The unit to assign to (assign only). */
  unitId?: string | null;
}

export type TransitionVerdict = { ok: true; to: Status } | { ok: false; status: 403 | 409 | 422; code: string; field: string | null; message: string };

const refuse = (status: 403 | 409 | 422, code: string, field: string | null, message: string): TransitionVerdict => ({
  ok: false,
  status,
  code,
  field,
  message,
});

const ACTION_NAMES = Object.fromEntries(actions.map((a) => [a.code, a.name])) as Record<Action, string>;
const STATUS_NAMES: Record<Status, string> = {
  reported: '已上报',
  open: '待整改',
  in_progress: '整改中',
  awaiting_verification: '待核查',
  closed: '已销号',
};

/**
 * Decides a transition: 403 when the actor's role may not take the action or the problem is not
 * theirs, 409 when the problem's status does not allow it, 422 when the request lacks what the
 * action needs (a unit to assign to, a reason to reject, an "after" photo to submit).
 */
export function decideTransition(
  actor: Actor,
  problem: { status: Status; gridId: string; unitId: string | null },
  action: Action,
  input: TransitionInput,
): TransitionVerdict {
  const rule = actions.find((a) => a.code === action);
  if (!rule) return refuse(422, 'unknown_action', 'action', `未知的操作：${action}`);
  if (!ACTION_ROLES[action].includes(actor.role)) return refuse(403, 'forbidden', 'action', `当前角色不能执行“${ACTION_NAMES[action]}”`);
  if (!mayChangeProblem(actor, problem)) {
    return refuse(403, 'forbidden', 'id', actor.role === 'grid_manager' ? '只能处理本人负责网格内的问题' : '只能处理本单位负责的问题');
  }
  if (!(rule.from as readonly Status[]).includes(problem.status)) {
    return refuse(409, 'invalid_transition', 'action', `问题当前为“${STATUS_NAMES[problem.status]}”，不能“${ACTION_NAMES[action]}”`);
  }
  if (action === 'assign' && !input.unitId) return refuse(422, 'missing_unit', 'unitId', '交办须指定责任单位');
  if (action === 'reject' && input.note.trim().length < 2) return refuse(422, 'missing_reason', 'note', '退回须写明原因');
  if (action === 'submit' && input.afterPhotos.length === 0) return refuse(422, 'missing_photo', 'photos', '提交整改须附至少一张整改后照片');
  if (action === 'self_fix' && (input.afterPhotos.length === 0 || (input.beforePhotos ?? []).length === 0))
    return refuse(422, 'missing_photo', 'photos', '当场整改须有整改前、整改后照片各至少一张');
  return { ok: true, to: rule.to };
}
