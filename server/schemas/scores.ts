import { Type } from 'typebox';

const Line = Type.Object({
  rule: Type.String(),
  name: Type.String(),
  points: Type.Number({ description: 'after the rule’s monthly cap' }),
  uncapped: Type.Number(),
  count: Type.Integer(),
  problems: Type.Array(Type.Integer()),
  checks: Type.Array(Type.Integer()),
});

const Scored = Type.Object({
  area: Type.String(),
  name: Type.String(),
  rank: Type.Integer(),
  score: Type.Number(),
  base: Type.Number(),
  lines: Type.Array(Line),
  vetoes: Type.Array(Type.Object({ rule: Type.String(), name: Type.String(), problems: Type.Array(Type.Integer()), checks: Type.Array(Type.Integer()) })),
});

/** A month's assessment of the villages or the units (GET /api/scores). */
export const ScoresAnswer = Type.Object({
  month: Type.String(),
  by: Type.Union([Type.Literal('community'), Type.Literal('unit')]),
  rulesFrom: Type.Union([Type.String(), Type.Null()], { description: 'the month the rules in force took effect; null: no rules for this month' }),
  scores: Type.Array(Scored, { description: 'best first' }),
  red: Type.Array(Type.String(), { description: '红榜: the best three not vetoed' }),
  black: Type.Array(Type.String(), { description: '黑榜: the worst three, every vetoed one among them' }),
});
