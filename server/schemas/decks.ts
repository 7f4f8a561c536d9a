import { type Static, Type } from 'typebox';

/**
 * Presentation decks (演示文稿) for mobilization and progress meetings: an ordered list of scenes,
 * each a view of the map with one side element and speaker notes. Stored on the server, versioned,
 * with its author; leaders show them, admins edit them.
 */

const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD (Asia/Shanghai)' });
const Id = Type.String({ minLength: 1, maxLength: 64 });

export const Period = Type.Object({ from: Day, to: Day }, { additionalProperties: false, description: 'both days included' });

export const Camera = Type.Object(
  {
    center: Type.Tuple([Type.Number({ minimum: -180, maximum: 180 }), Type.Number({ minimum: -90, maximum: 90 })]),
    zoom: Type.Number({ minimum: 0, maximum: 22 }),
    pitch: Type.Number({ minimum: 0, maximum: 85 }),
    bearing: Type.Number({ minimum: -180, maximum: 180 }),
  },
  { additionalProperties: false },
);

export const SceneFilters = Type.Object(
  {
    period: Type.Union([Type.Null(), Period]),
    categories: Type.Array(Id, { maxItems: 30 }),
    community: Type.Union([Type.Null(), Id]),
    grid: Type.Union([Type.Null(), Id]),
  },
  { additionalProperties: false },
);

export const KPI_KEYS = ['total', 'closed', 'rate', 'overdue', 'newReports'] as const;

/** What stands beside the map: figures, a chart, a table, a case, text, or nothing. */
export const SideElement = Type.Union([
  Type.Object({ kind: Type.Literal('none') }, { additionalProperties: false }),
  Type.Object(
    {
      kind: Type.Literal('kpis'),
      items: Type.Array(Type.Enum(KPI_KEYS), { minItems: 1, maxItems: 5, description: 'figures with their change vs the previous period' }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('chart'),
      chart: Type.Enum(['trend', 'categories', 'ranking', 'scores'], {
        description: '12-month trend · categories · village ranking by rectification rate · village assessment scores (考核得分) of the period’s month',
      }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { kind: Type.Literal('table'), table: Type.Literal('overdue-by-unit'), limit: Type.Integer({ minimum: 1, maximum: 20 }) },
    { additionalProperties: false },
  ),
  Type.Object({ kind: Type.Literal('case'), problemId: Type.Integer({ minimum: 1, maximum: 2 ** 31 - 1 }) }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('text'), body: Type.String({ maxLength: 2000 }) }, { additionalProperties: false }),
]);

export const Scene = Type.Object(
  {
    id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,40}$', description: 'stable across reordering' }),
    title: Type.String({ minLength: 1, maxLength: 60 }),
    caption: Type.String({ maxLength: 200 }),
    camera: Type.Union([Type.Null(), Camera], { description: 'null: framed on the filters’ area (the town when none)' }),
    map: Type.Object(
      {
        mode: Type.Enum(['heat', 'hex', 'grid', 'patrol', 'none'], { description: 'none: a slide without a map (cover, text)' }),
        metric: Type.Enum(['rate', 'overdue', 'density', 'score'], {
          description: 'grid colouring: score colours each village by its assessment score of the period’s month',
        }),
      },
      { additionalProperties: false },
    ),
    filters: SceneFilters,
    /** The same view over another period beside it (this month | last month), on one colour scale. */
    compareWith: Type.Union([Type.Null(), Period]),
    outline: Type.Array(Id, { maxItems: 20, description: 'community or grid ids drawn outlined' }),
    side: SideElement,
    notes: Type.String({ maxLength: 4000, description: 'speaker notes' }),
  },
  { additionalProperties: false },
);

export const DeckInput = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 80 }),
    theme: Type.Optional(Type.Enum(['light', 'dark'], { default: 'light', description: 'light by default: projectors wash out dark slides' })),
    scenes: Type.Array(Scene, { minItems: 1, maxItems: 60 }),
  },
  { additionalProperties: false },
);

export const DeckSummary = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  theme: Type.String(),
  scenes: Type.Integer({ description: 'how many' }),
  version: Type.Integer(),
  author: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const Deck = Type.Object({
  id: Type.Integer(),
  title: Type.String(),
  theme: Type.String(),
  scenes: Type.Array(Scene),
  version: Type.Integer(),
  author: Type.String(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  url: Type.String({ description: 'where it is shown: /present/:id' }),
});

export type SceneValue = Static<typeof Scene>;
export type DeckInputValue = Static<typeof DeckInput>;
