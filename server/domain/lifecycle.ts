/** Problem statuses in lifecycle order. Overdue is derived, never a status. */
export const statuses = [
  { code: 'reported', name: '已上报' },
  { code: 'open', name: '待整改' },
  { code: 'in_progress', name: '整改中' },
  { code: 'awaiting_verification', name: '待核查' },
  { code: 'closed', name: '已销号' },
] as const;

export type Status = (typeof statuses)[number]['code'];

export const statusCodes: readonly Status[] = statuses.map((s) => s.code);

/** Actions that move a problem through its lifecycle. */
export const actions = [
  { code: 'assign', name: '交办', from: ['reported', 'open'], to: 'open' },
  { code: 'start', name: '开始整改', from: ['open'], to: 'in_progress' },
  { code: 'submit', name: '提交整改', from: ['in_progress'], to: 'awaiting_verification' },
  { code: 'close', name: '核查销号', from: ['awaiting_verification'], to: 'closed' },
  { code: 'reject', name: '核查退回', from: ['awaiting_verification'], to: 'open' },
  { code: 'reopen', name: '重新打开', from: ['closed'], to: 'open' },
  // 当场整改: a small problem the grid manager fixed on the spot; it closes as 自行处置, no unit's work.
  { code: 'self_fix', name: '当场整改', from: ['reported', 'open'], to: 'closed' },
] as const satisfies readonly { code: string; name: string; from: readonly Status[]; to: Status }[];

export type Action = (typeof actions)[number]['code'];

export const actionCodes: readonly Action[] = actions.map((a) => a.code);

/** Thrown when an action is not allowed from a status. */
export class TransitionError extends Error {
  constructor(
    readonly action: string,
    readonly from: Status,
  ) {
    super(`action "${action}" is not allowed from status "${from}"`);
    this.name = 'TransitionError';
  }
}

/**
 * The status a problem reaches when `action` is applied in status `from`.
 * @throws TransitionError when the lifecycle does not allow it.
 */
export function nextStatus(from: Status, action: Action): Status {
  const rule = actions.find((a) => a.code === action);
  if (!rule || !(rule.from as readonly Status[]).includes(from)) throw new TransitionError(action, from);
  return rule.to;
}

/** Actions allowed from a status, in lifecycle order. */
export function allowedActions(from: Status): Action[] {
  return actions.filter((a) => (a.from as readonly Status[]).includes(from)).map((a) => a.code);
}

/**
 * A problem is overdue (逾期) when it is not closed and its deadline has passed.
 * Derived on every read; never stored.
 */
export function isOverdue(status: Status, deadlineMs: number | null, nowMs: number): boolean {
  return status !== 'closed' && deadlineMs !== null && nowMs > deadlineMs;
}
