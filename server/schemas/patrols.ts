import { Type } from 'typebox';
import { CHECKIN_RESULTS, type CheckinResult } from '../domain/checkin-results.ts';
import { MODES, STOP_KINDS } from '../patrol/patrol-plan.ts';

const LonLat = Type.Tuple([Type.Number(), Type.Number()]);
const NullableString = Type.Union([Type.Null(), Type.String()]);

/** POST /api/patrols/plan: what the grid manager asks for. */
export const PlanRequest = Type.Object(
  {
    start: Type.Optional(
      Type.Object(
        { lon: Type.Number({ minimum: -180, maximum: 180 }), lat: Type.Number({ minimum: -90, maximum: 90 }) },
        { additionalProperties: false, description: 'where the patrol starts (the phone’s position); default: the middle of the first grid' },
      ),
    ),
    gridIds: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 50, description: 'default: the grid manager’s own grids' })),
    budgetMinutes: Type.Optional(Type.Integer({ minimum: 15, maximum: 480, description: 'time for the walk and the stops; default 120' })),
    mode: Type.Optional(Type.Enum(Object.keys(MODES) as (keyof typeof MODES)[], { description: 'walk 4.5 km/h (default) · ebike 12 km/h' })),
    lock: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 60, description: 'problem ids kept in the plan whatever the time' })),
    drop: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 500, description: 'problem ids left out' })),
    sites: Type.Optional(Type.Boolean({ description: 'include key sites (重点点位); default true' })),
    maxStops: Type.Optional(Type.Integer({ minimum: 1, maximum: 60, description: 'at most this many stops (a printed sheet holds 15); default 60' })),
  },
  { additionalProperties: false },
);

export const PlanStop = Type.Object({
  kind: Type.Enum(Object.keys(STOP_KINDS) as (keyof typeof STOP_KINDS)[], {
    description: 'overdue 逾期督办 · verify 整改核查 · due_soon 即将到期 · site 重点点位',
  }),
  kindName: Type.String(),
  problemId: Type.Union([Type.Null(), Type.Integer()]),
  siteId: NullableString,
  name: Type.String({ description: 'the category, or the key site' }),
  address: Type.String(),
  gridId: Type.String(),
  deadline: NullableString,
  lon: Type.Number(),
  lat: Type.Number(),
  dwellMinutes: Type.Integer(),
  arriveMinute: Type.Integer({ description: 'minutes from the start until arriving here' }),
  locked: Type.Boolean(),
});

export const PlanLeg = Type.Object({
  meters: Type.Integer(),
  minutes: Type.Number(),
  coordinates: Type.Array(LonLat),
  straight: Type.Boolean({ description: 'no road joins its ends: the straight line × detourFactor' }),
  offRoadMeters: Type.Integer({ description: 'of meters, those between a stop and its nearest road, walked straight' }),
});

export const PlanAnswer = Type.Object({
  start: LonLat,
  mode: Type.String(),
  kmh: Type.Number(),
  budgetMinutes: Type.Integer(),
  stops: Type.Array(PlanStop),
  legs: Type.Array(PlanLeg),
  totals: Type.Object({ meters: Type.Integer(), travelMinutes: Type.Integer(), dwellMinutes: Type.Integer(), minutes: Type.Integer() }),
  leftOut: Type.Integer({ description: 'stops that did not fit in the time' }),
  detourFactor: Type.Number(),
});

/** A patrol's id: made by the phone (a UUID), so that a patrol started without signal has one at once. */
export const PatrolId = Type.String({ pattern: '^[0-9a-fA-F-]{16,40}$', description: 'a UUID made by the phone' });

const Instant = Type.String({ maxLength: 40, description: 'ISO 8601 instant (the phone’s clock)' });

/** POST /api/patrols: 开始巡查. */
export const PatrolStart = Type.Object(
  {
    id: PatrolId,
    gridIds: Type.Optional(Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 50, description: 'default: the grid manager’s own grids' })),
    mode: Type.Optional(Type.Enum(Object.keys(MODES) as (keyof typeof MODES)[])),
    startedAt: Type.Optional(Instant),
  },
  { additionalProperties: false },
);

export const PatrolSummary = Type.Object({
  id: Type.String(),
  actor: Type.String({ description: 'who walked it' }),
  gridIds: Type.Array(Type.String()),
  mode: Type.String(),
  startedAt: Type.String(),
  endedAt: NullableString,
  meters: Type.Integer({ description: 'the track’s length (at the end)' }),
  minutes: Type.Union([Type.Null(), Type.Integer()], { description: 'from start to end' }),
  checkins: Type.Integer({ description: 'check-ins at stops' }),
  reports: Type.Integer({ description: 'problems reported on the way' }),
  fixes: Type.Integer({ description: '当场整改: fixed on the spot' }),
  trackPurged: Type.Boolean({ description: 'the track was deleted after its 180 days' }),
});

/** POST /api/patrols/:id/track: positions as the phone recorded them (thinned again by the server). */
export const TrackBatch = Type.Object(
  {
    points: Type.Array(
      Type.Object(
        { lon: Type.Number({ minimum: -180, maximum: 180 }), lat: Type.Number({ minimum: -90, maximum: 90 }), at: Instant },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 1000 },
    ),
  },
  { additionalProperties: false },
);

export { CHECKIN_RESULTS, type CheckinResult } from '../domain/checkin-results.ts';

/** POST /api/patrols/:id/checkins: 到点打卡 at a stop (a problem or a key site). */
export const CheckinRequest = Type.Object(
  {
    problemId: Type.Optional(Type.Integer({ minimum: 1, maximum: 2 ** 31 - 1 })),
    siteId: Type.Optional(Type.String({ maxLength: 64 })),
    result: Type.Enum(Object.keys(CHECKIN_RESULTS) as CheckinResult[], {
      description:
        'ok 已整改/无问题 · not_fixed 未整改 · found 新发现 · verified 核查通过 (closes) · sent_back 核查退回 (reopens, note required) · self_fixed 当场整改 (closes as 自行处置; a before and an after photo)',
    }),
    note: Type.Optional(Type.String({ maxLength: 500 })),
    photos: Type.Optional(Type.Array(Type.String({ pattern: '^[0-9a-f]{64}$' }), { maxItems: 10, description: 'ids of photos of the problem' })),
    lon: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
    lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
    at: Type.Optional(Instant),
  },
  { additionalProperties: false },
);

export const Checkin = Type.Object({
  id: Type.Integer(),
  kind: Type.Enum(['stop', 'report', 'fix'], { description: 'stop 到点打卡 · report 途中上报 · fix 当场整改' }),
  problemId: Type.Union([Type.Null(), Type.Integer()]),
  siteId: NullableString,
  result: Type.String(),
  resultName: Type.String(),
  note: Type.String(),
  lon: Type.Union([Type.Null(), Type.Number()]),
  lat: Type.Union([Type.Null(), Type.Number()]),
  at: Type.String(),
});

export const CheckinAnswer = Type.Object({
  checkin: Checkin,
  /** The problem's status after the check-in (verified closes it, sent back reopens it). */
  problemStatus: NullableString,
});

export const PatrolDetail = Type.Object({ patrol: PatrolSummary, checkins: Type.Array(Checkin) });

export const PatrolEnd = Type.Object({ at: Type.Optional(Instant) }, { additionalProperties: false });

export const PatrolListQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ maxLength: 40, description: 'started on or after (YYYY-MM-DD or ISO)' })),
    to: Type.Optional(Type.String({ maxLength: 40, description: 'started on or before' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 200 })),
  },
  { additionalProperties: false },
);

/** GET /api/patrols/:id/track: a GeoJSON Feature (LineString) with each point's time. */
export const TrackFeature = Type.Object({
  type: Type.Literal('Feature'),
  geometry: Type.Object({ type: Type.Literal('LineString'), coordinates: Type.Array(LonLat) }),
  properties: Type.Object({ patrolId: Type.String(), times: Type.Array(Type.String()), meters: Type.Integer() }),
});

export const CoverageQuery = Type.Object(
  {
    days: Type.Optional(Type.Integer({ minimum: 1, maximum: 60, default: 7, description: 'the window: walked metres and road share of the last N days' })),
    siteDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 60, default: 7, description: 'a key site counts as visited when checked in within N days' })),
  },
  { additionalProperties: false },
);

/** GET /api/stats/coverage: 巡查覆盖 per grid and key site (no names of people: the wall shows it). */
export const CoverageAnswer = Type.Object({
  days: Type.Integer(),
  siteDays: Type.Integer(),
  since: Type.String(),
  reachMeters: Type.Integer({ description: 'a road counts as walked within this distance of a track' }),
  lookbackDays: Type.Integer({ description: 'last patrolled is looked for this far back; beyond it: null' }),
  grids: Type.Array(
    Type.Object({
      gridId: Type.String(),
      name: Type.String(),
      communityId: Type.String(),
      lastPatrolledAt: NullableString,
      daysSince: Type.Union([Type.Null(), Type.Integer()], { description: 'whole days since last patrolled (0: today)' }),
      patrols: Type.Integer(),
      meters: Type.Integer({ description: 'walked inside the grid in the window' }),
      roadMeters: Type.Integer(),
      coveredMeters: Type.Integer(),
      share: Type.Number({ description: 'coveredMeters / roadMeters' }),
      fixes: Type.Integer({ description: '当场整改 in the window' }),
    }),
  ),
  sites: Type.Array(
    Type.Object({
      siteId: Type.String(),
      name: Type.String(),
      gridId: Type.String(),
      lastVisitedAt: NullableString,
      visited: Type.Boolean({ description: 'checked in within siteDays' }),
    }),
  ),
  totals: Type.Object({
    grids: Type.Integer(),
    gridsPatrolled: Type.Integer({ description: 'grids with a patrol in the window' }),
    share: Type.Number({ description: 'the town’s walked road share (by length)' }),
    meters: Type.Integer(),
    patrols: Type.Integer({ description: 'patrols started in the window' }),
    fixes: Type.Integer(),
    sites: Type.Integer(),
    sitesVisited: Type.Integer(),
  }),
});
