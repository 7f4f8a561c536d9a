import { Type } from 'typebox';
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
