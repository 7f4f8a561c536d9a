import { Type } from 'typebox';

/** Key projects (重点项目推进表): what the routes take and answer. */

const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });
const Position = Type.Array(Type.Number(), { minItems: 2, maxItems: 2 });

/** Where a project is: a point, a line (a road) or an area (WGS 84). */
const ProjectGeometry = Type.Union([
  Type.Object({ type: Type.Literal('Point'), coordinates: Position }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('LineString'), coordinates: Type.Array(Position, { minItems: 2, maxItems: 5000 }) }, { additionalProperties: false }),
  Type.Object(
    { type: Type.Literal('Polygon'), coordinates: Type.Array(Type.Array(Position, { minItems: 4, maxItems: 5000 }), { minItems: 1, maxItems: 50 }) },
    { additionalProperties: false },
  ),
]);

export const ProjectStatus = Type.Union([Type.Literal('on_track'), Type.Literal('at_risk'), Type.Literal('late'), Type.Literal('done')], {
  description: 'on_track 正常推进 · at_risk 存在风险 · late 滞后 · done 已完成 — derived from the milestones on the day asked',
});

const Milestone = Type.Object({ id: Type.Integer(), name: Type.String(), plannedOn: Day, doneOn: Type.Union([Day, Type.Null()]) });

export const Project = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  unitId: Type.String(),
  unitName: Type.String(),
  communityId: Type.Union([Type.String(), Type.Null()]),
  communityName: Type.String(),
  geometry: ProjectGeometry,
  description: Type.String(),
  startsOn: Day,
  dueOn: Day,
  percent: Type.Integer({ minimum: 0, maximum: 100 }),
  expectedPercent: Type.Integer({ description: 'what an even pace from start to due date would have reached today' }),
  milestones: Type.Array(Milestone),
  next: Type.Union([Milestone, Type.Null()], { description: 'the next milestone not reached' }),
  status: ProjectStatus,
  statusName: Type.String(),
  reasons: Type.Array(Type.String()),
  version: Type.Integer(),
  updatedAt: Type.String(),
});

export const ProjectsAnswer = Type.Object({
  today: Day,
  projects: Type.Array(Project, { description: 'late first, then at risk, on track, done' }),
  counts: Type.Object({ on_track: Type.Integer(), at_risk: Type.Integer(), late: Type.Integer(), done: Type.Integer() }),
});

export const ProjectDetail = Type.Object({
  project: Project,
  updates: Type.Array(
    Type.Object({
      id: Type.Integer(),
      at: Type.String(),
      actor: Type.String(),
      note: Type.String(),
      changes: Type.Array(
        Type.Object({
          field: Type.String(),
          name: Type.String(),
          from: Type.Union([Type.String(), Type.Null()]),
          to: Type.Union([Type.String(), Type.Null()]),
        }),
      ),
    }),
    { description: 'latest first' },
  ),
});

export const ProjectInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 60 }),
    unitId: Type.String({ maxLength: 64, description: 'the owner unit (责任单位)' }),
    geometry: ProjectGeometry,
    description: Type.Optional(Type.String({ maxLength: 500 })),
    startsOn: Day,
    dueOn: Day,
    percent: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
    milestones: Type.Array(Type.Object({ name: Type.String({ minLength: 1, maxLength: 40 }), plannedOn: Day }, { additionalProperties: false }), {
      minItems: 1,
      maxItems: 30,
    }),
  },
  { additionalProperties: false },
);

export const ProjectUpdateInput = Type.Object(
  {
    percent: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
    milestones: Type.Optional(
      Type.Array(Type.Object({ id: Type.Integer({ minimum: 1 }), doneOn: Type.Union([Day, Type.Null()]) }, { additionalProperties: false }), { maxItems: 30 }),
    ),
    note: Type.String({ minLength: 1, maxLength: 200, description: 'what was done (进展说明): every update says why' }),
  },
  { additionalProperties: false },
);
