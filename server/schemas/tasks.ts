import { Type } from 'typebox';
import { TASK_REASONS } from '../domain/tasks.ts';

const NullableString = Type.Union([Type.String(), Type.Null()]);

/** A row of 我的待办. */
export const TaskRow = Type.Object({
  id: Type.Integer(),
  reason: Type.Enum(TASK_REASONS, {
    description: 'assign 待交办 · rectify 待整改 · rejected 被退回 · verify 待核查 · overdue 逾期督办 · due_soon 即将到期',
  }),
  reasonName: Type.String(),
  band: Type.Integer({ description: '0 overdue, 1 due within two working days, 2 the rest: the order of the list' }),
  category: Type.String(),
  categoryName: Type.String(),
  status: Type.String(),
  address: Type.String(),
  communityName: Type.String(),
  gridName: Type.String(),
  unitName: NullableString,
  reportedAt: Type.String(),
  deadline: NullableString,
  overdue: Type.Boolean(),
  daysOverdue: Type.Union([Type.Integer(), Type.Null()], { description: 'whole days past the deadline (1 on the first day late); null when not overdue' }),
  lon: Type.Number(),
  lat: Type.Number(),
  version: Type.Integer(),
});

/** GET /api/tasks: the counts for the header badge, and the rows in order. */
export const TasksAnswer = Type.Object({
  now: Type.String({ description: 'server time of the answer, ISO 8601 +08:00: countdowns are counted from it' }),
  total: Type.Integer({ description: 'all the tasks, also those past `limit`' }),
  overdue: Type.Integer(),
  dueSoon: Type.Integer({ description: 'due within two working days' }),
  tasks: Type.Array(TaskRow),
});
