import { Type } from 'typebox';

/** Inspection rounds (测评轮次) and site checks: what the routes take and answer. */

const RoundKind = Type.Union([Type.Literal('supervision'), Type.Literal('mock_evaluation'), Type.Literal('unannounced'), Type.Literal('recheck')], {
  description: 'supervision 督导检查 · mock_evaluation 模拟测评 · unannounced 暗访 · recheck 回头看 (of an earlier round’s failed items)',
});
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });
const Result = Type.Union([Type.Literal('pass'), Type.Literal('fail'), Type.Literal('na')], { description: 'pass 合格 · fail 不合格 · na 不适用' });

export const ChecklistsAnswer = Type.Object({
  checklists: Type.Array(
    Type.Object({
      kind: Type.String({ description: 'the key-site type' }),
      items: Type.Array(Type.Object({ code: Type.String(), text: Type.String(), weight: Type.Number(), veto: Type.Boolean(), category: Type.String() })),
    }),
  ),
});

export const RoundInput = Type.Object(
  {
    kind: RoundKind,
    name: Type.String({ minLength: 1, maxLength: 60 }),
    startsOn: Day,
    endsOn: Day,
    team: Type.Array(Type.String({ minLength: 1, maxLength: 20 }), { maxItems: 30, description: 'the inspectors’ names' }),
    deadline: Type.Union([Type.Literal('category'), Type.Literal('immediate'), Type.Object({ workdays: Type.Integer({ minimum: 1, maximum: 60 }) })], {
      description: 'when the problems it finds are due: category (each category’s limit), immediate (立行立改: the next working day) or N working days',
    }),
    sample: Type.Union(
      [
        Type.Object({ mode: Type.Literal('all') }, { additionalProperties: false }),
        Type.Object(
          { mode: Type.Literal('chosen'), siteIds: Type.Array(Type.String({ maxLength: 64 }), { minItems: 1, maxItems: 2000 }) },
          { additionalProperties: false },
        ),
        Type.Object(
          {
            mode: Type.Literal('random'),
            size: Type.Integer({ minimum: 1, maximum: 2000 }),
            seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1, description: 'the same seed draws the same sites' })),
          },
          { additionalProperties: false },
        ),
      ],
      { description: 'not for a recheck, which visits the failed items of `recheckOf`' },
    ),
    recheckOf: Type.Optional(Type.Integer({ minimum: 1, description: 'recheck only: the round whose failed items it looks at again' })),
  },
  { additionalProperties: false },
);

export const RoundSummary = Type.Object({
  id: Type.Integer(),
  kind: RoundKind,
  kindName: Type.String(),
  name: Type.String(),
  startsOn: Day,
  endsOn: Day,
  team: Type.Array(Type.String()),
  deadline: Type.String({ description: 'the deadline rule in words' }),
  recheckOf: Type.Union([Type.Integer(), Type.Null()]),
  sample: Type.Object({ mode: Type.String(), size: Type.Optional(Type.Integer()), seed: Type.Optional(Type.Integer()) }),
  createdBy: Type.String(),
  sites: Type.Integer(),
  checked: Type.Integer(),
});

const CheckItem = Type.Object({
  item: Type.String(),
  text: Type.String(),
  veto: Type.Boolean({ description: 'a veto item (一票否决项)' }),
  result: Result,
  note: Type.String(),
  problemId: Type.Union([Type.Integer(), Type.Null()]),
});

export const SiteCheck = Type.Object({
  id: Type.Integer(),
  roundId: Type.Integer(),
  siteId: Type.String(),
  checkedAt: Type.String(),
  inspector: Type.String(),
  note: Type.String(),
  items: Type.Array(CheckItem),
  passed: Type.Integer(),
  failed: Type.Integer(),
  vetoFailed: Type.Boolean({ description: 'a veto item (一票否决项) failed' }),
});

const Rate = Type.Object({
  key: Type.String(),
  name: Type.String(),
  passed: Type.Integer(),
  failed: Type.Integer(),
  rate: Type.Union([Type.Number(), Type.Null()]),
});

export const RoundDetail = Type.Object({
  round: RoundSummary,
  sites: Type.Array(
    Type.Object({
      siteId: Type.String(),
      name: Type.String(),
      kind: Type.String(),
      communityName: Type.String(),
      gridId: Type.String(),
      items: Type.Array(Type.Object({ code: Type.String(), text: Type.String(), veto: Type.Boolean() }), { description: 'what to check here' }),
      checkId: Type.Union([Type.Integer(), Type.Null()]),
    }),
  ),
  checks: Type.Array(SiteCheck),
  report: Type.Object(
    {
      byKind: Type.Array(Rate),
      byCommunity: Type.Array(Rate),
      byUnit: Type.Array(Rate),
    },
    { description: 'pass rates of the items checked (不适用 left out), by site type, village and owner unit' },
  ),
});

export const CheckInput = Type.Object(
  {
    siteId: Type.String({ maxLength: 64 }),
    note: Type.Optional(Type.String({ maxLength: 500 })),
    items: Type.Array(
      Type.Object(
        { item: Type.String({ maxLength: 64 }), result: Result, note: Type.Optional(Type.String({ maxLength: 500 })) },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 100 },
    ),
  },
  { additionalProperties: false },
);

export const CheckDone = Type.Object({
  check: SiteCheck,
  problems: Type.Array(
    Type.Object({
      id: Type.Integer(),
      item: Type.String(),
      created: Type.Boolean({ description: 'false: the open problem already linked to this site and item' }),
    }),
  ),
});

export const SiteHistory = Type.Object({
  site: Type.Object({ id: Type.String(), name: Type.String(), kind: Type.String(), unitName: Type.Union([Type.String(), Type.Null()]) }),
  checks: Type.Array(Type.Intersect([SiteCheck, Type.Object({ round: Type.Object({ id: Type.Integer(), kindName: Type.String(), name: Type.String() }) })])),
});

/** Each key site's latest check (GET /api/sites/results): the map colours sites by it. */
export const SiteResults = Type.Object({
  sites: Type.Array(
    Type.Object({
      siteId: Type.String(),
      checkedAt: Type.String(),
      roundKind: Type.String(),
      failed: Type.Integer(),
      result: Type.Union([Type.Literal('pass'), Type.Literal('fail'), Type.Literal('veto')], {
        description: 'pass 全部合格 · fail 有不合格项 · veto 一票否决项不合格',
      }),
    }),
  ),
});
