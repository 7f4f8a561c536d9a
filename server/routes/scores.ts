import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { scoreFacts, tableProblems } from '../analytics/score-facts.ts';
import { shanghaiDate } from '../domain/calendar.ts';
import { redBlackLists, rulesFor, scoreMonth } from '../domain/scores.ts';
import { errorResponses } from '../schemas/common.ts';
import { ScoresAnswer } from '../schemas/scores.ts';

/** The monthly assessment (考核) and its 红黑榜, computed from the problems and the site checks as they are. */
const scoreRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/scores',
    {
      config: { access: 'aggregate' },
      schema: {
        tags: ['inspections'],
        summary: '月度考核得分与红黑榜（村居或责任单位），每项扣分、加分及其依据',
        description:
          'Rules from data/score-rules.json, the version in force in the month. Each line names its rule, the points after the monthly cap, and the problems or checks behind it; vetoes (一票否决) with theirs.',
        querystring: Type.Object(
          {
            month: Type.Optional(Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM (default: this month)' })),
            by: Type.Optional(Type.Union([Type.Literal('community'), Type.Literal('unit')], { default: 'community' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: ScoresAnswer, ...errorResponses },
      },
    },
    async (req) => {
      const month = req.query.month ?? shanghaiDate(app.now()).slice(0, 7);
      const by = req.query.by ?? 'community';
      const town = app.townData;
      const { problems, recurrent } = tableProblems(app.problemTable);
      const facts = await scoreFacts(problems, recurrent, app.store, town);
      const areas = by === 'community' ? town.communities.map((c) => ({ id: c.id, name: c.name })) : town.units.map((u) => ({ id: u.id, name: u.name }));
      const scores = scoreMonth(
        facts,
        month,
        by,
        areas.map((a) => a.id),
      );
      const name = new Map(areas.map((a) => [a.id, a.name]));
      const ranked = [...scores].sort((a, b) => b.score - a.score || a.area.localeCompare(b.area));
      const { red, black } = redBlackLists(scores);
      return {
        month,
        by,
        rulesFrom: rulesFor(month)?.effectiveFrom ?? null,
        scores: ranked.map((s, i) => ({ ...s, name: name.get(s.area) ?? s.area, rank: i + 1 })),
        red: red.map((s) => s.area),
        black: black.map((s) => s.area),
      };
    },
  );
};

export default scoreRoutes;
