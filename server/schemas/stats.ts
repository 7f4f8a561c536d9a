import { Type } from 'typebox';

/** The answers of the statistics routes; the client takes its types from these. */

/** The orders of /api/stats/grids and /api/stats/communities: descending, except id. */
export const AREA_SORT_KEYS = ['perKm2', 'total', 'overdue', 'rectificationRate', 'recurrenceRate', 'id'] as const;

const StatusCounts = Type.Record(Type.String(), Type.Number());
const Rate = Type.Union([Type.Number(), Type.Null()], { description: 'closed / total, 0–1; null when total is 0' });

const RecurrenceFields = {
  recurrences: Type.Integer({ description: '反弹: problems reported within 50 m of one of the same category closed in the 90 days before' }),
  recurrenceRate: Type.Union([Type.Number(), Type.Null()], { description: 'recurrences / total, 0–1; null when total is 0' }),
};

export const Summary = Type.Object({
  total: Type.Integer(),
  byStatus: StatusCounts,
  closed: Type.Integer(),
  overdue: Type.Integer(),
  rectificationRate: Rate,
  newToday: Type.Integer(),
  newThisWeek: Type.Integer({ description: 'reported since Monday 00:00 Asia/Shanghai' }),
  closedToday: Type.Integer({ description: '销号 since 00:00 today, Asia/Shanghai' }),
  closedThisWeek: Type.Integer({ description: '本周销号: closed since Monday 00:00 Asia/Shanghai' }),
  medianHoursToClose: Type.Union([Type.Number(), Type.Null()]),
});

export const AreaRow = Type.Object({
  rank: Type.Integer({ description: 'position in the chosen order, from 1' }),
  id: Type.String(),
  name: Type.String(),
  areaKm2: Type.Number(),
  total: Type.Integer(),
  byStatus: StatusCounts,
  closed: Type.Integer(),
  overdue: Type.Integer(),
  rectificationRate: Rate,
  perKm2: Type.Number({ description: 'problems per km²' }),
  ...RecurrenceFields,
  communityId: Type.Optional(Type.String()),
  manager: Type.Optional(Type.String()),
});

/** A row of /api/stats/categories. */
export const CategoryRow = Type.Object({
  code: Type.String(),
  name: Type.String(),
  color: Type.String(),
  total: Type.Integer(),
  byStatus: StatusCounts,
  closed: Type.Integer(),
  overdue: Type.Integer(),
  rectificationRate: Rate,
  ...RecurrenceFields,
});

/** A period of /api/stats/trend. */
export const TrendPeriod = Type.Object({ period: Type.String(), start: Type.String(), reported: Type.Integer(), closed: Type.Integer() });

/** A hotspot of /api/hotspots. */
export const HotspotRow = Type.Object({
  rank: Type.Integer(),
  name: Type.String({ description: 'the place it covers: market town, key site or community' }),
  center: Type.Tuple([Type.Number(), Type.Number()]),
  count: Type.Integer(),
  share: Type.Number({ description: 'count / all problems matching the filter, 0–1' }),
  open: Type.Integer({ description: 'not yet closed' }),
  previous: Type.Union([Type.Integer(), Type.Null()], {
    description: 'problems in the same cells in the previous period of equal length; null without from and to',
  }),
  change: Type.Union([Type.Number(), Type.Null()], { description: '(count − previous) / previous; null when there is no previous figure' }),
  maxZ: Type.Number({ description: 'largest Getis-Ord Gi* z-score among its cells' }),
  cells: Type.Array(Type.Object({ lon: Type.Number(), lat: Type.Number(), count: Type.Integer(), z: Type.Number() })),
});

/** The orders of /api/stats/units: descending, except id. */
export const UNIT_SORT_KEYS = ['overdue', 'open', 'total', 'onTimeRate', 'medianDaysToClose', 'id'] as const;

/** A row of /api/stats/units: a responsible unit's record. */
export const UnitRow = Type.Object({
  rank: Type.Integer({ description: 'position in the chosen order, from 1' }),
  id: Type.String(),
  name: Type.String(),
  kind: Type.String({ description: 'department | community' }),
  total: Type.Integer({ description: 'problems assigned to it' }),
  open: Type.Integer({ description: 'not yet closed' }),
  overdue: Type.Integer(),
  closed: Type.Integer(),
  onTimeRate: Type.Union([Type.Number(), Type.Null()], { description: 'closed by the deadline / closed, 0–1; null when none is closed' }),
  medianDaysToClose: Type.Union([Type.Number(), Type.Null()], { description: 'median days from report to close; null when none is closed' }),
});

const ChangeSchema = Type.Object({
  current: Type.Integer(),
  previous: Type.Integer(),
  change: Type.Union([Type.Number(), Type.Null()], { description: '(current − previous) / previous; null when previous is 0' }),
});

/** /api/stats/compare: 环比 of reports and closures, this week and this month so far against the same part of the one before. */
export const ComparisonAnswer = Type.Object({
  week: Type.Object({ reported: ChangeSchema, closed: ChangeSchema }),
  month: Type.Object({ reported: ChangeSchema, closed: ChangeSchema }),
});
