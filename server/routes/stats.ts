import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { compareSpans } from '../analytics/compare.ts';
import { type AreaStats, MAX_PERIODS, summarize, summarizeByArea, trend } from '../analytics/stats.ts';
import { summarizeUnits } from '../analytics/units.ts';
import { unitScope } from '../auth/access.ts';
import { categories } from '../domain/catalogue.ts';
import { badRequest } from '../errors.ts';
import { errorResponses, problemFilterProperties } from '../schemas/common.ts';
import { AREA_SORT_KEYS, AreaRow, CategoryRow, ComparisonAnswer, Summary, TrendPeriod, UNIT_SORT_KEYS, UnitRow } from '../schemas/stats.ts';
import { parseProblemFilter } from './problem-filter.ts';

const FilterQuery = Type.Object(problemFilterProperties, { additionalProperties: false });

type SortKey = (typeof AREA_SORT_KEYS)[number];

const AreaQuery = Type.Object(
  {
    ...problemFilterProperties,
    sort: Type.Optional(
      Type.Union(
        AREA_SORT_KEYS.map((k) => Type.Literal(k)),
        { default: 'perKm2', description: 'order of the rows: descending, except id' },
      ),
    ),
  },
  { additionalProperties: false },
);

const UnitQuery = Type.Object(
  {
    ...problemFilterProperties,
    sort: Type.Optional(
      Type.Enum(UNIT_SORT_KEYS, { default: 'overdue', description: 'order of the rows: descending, except id and medianDaysToClose (fastest first)' }),
    ),
  },
  { additionalProperties: false },
);

const { from: _from, to: _to, ...timelessFilter } = problemFilterProperties;
const CompareQuery = Type.Object(timelessFilter, { additionalProperties: false });

const TrendQuery = Type.Object(
  { ...problemFilterProperties, interval: Type.Optional(Type.Union([Type.Literal('day'), Type.Literal('week'), Type.Literal('month')], { default: 'month' })) },
  { additionalProperties: false },
);

interface AreaInfo {
  id: string;
  name: string;
  areaKm2: number;
  communityId?: string;
  manager?: string;
}

/**
 * The areas with their statistics, ranked. `stats` is indexed by the table's codes (`codes`), which
 * follow the areas' order at start but not after new boundaries (a grid that went keeps its code).
 */
function rankAreas(areas: AreaInfo[], stats: AreaStats[], codes: ReadonlyMap<string, number>, sort: SortKey) {
  const rows = areas.map((a) => {
    const s = stats[codes.get(a.id) as number];
    return {
      rank: 0,
      ...a,
      areaKm2: Math.round(a.areaKm2 * 1000) / 1000,
      ...s,
      perKm2: a.areaKm2 > 0 ? Math.round((s.total / a.areaKm2) * 100) / 100 : 0,
    };
  });
  if (sort !== 'id') rows.sort((x, y) => (y[sort] ?? -1) - (x[sort] ?? -1) || x.id.localeCompare(y.id));
  rows.forEach((r, i) => {
    r.rank = i + 1;
  });
  return rows;
}

const statsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/stats/summary',
    {
      config: { access: 'aggregate' },
      schema: {
        tags: ['stats'],
        summary: '总体统计：总数、各状态、逾期、整改率、今日/本周新增、销号中位时长',
        querystring: FilterQuery,
        response: { 200: Summary, ...errorResponses },
      },
    },
    async (req) => summarize(app.problemTable, parseProblemFilter(req.query, app.problemTable, unitScope(req.principal)), app.now()),
  );

  app.get(
    '/api/stats/grids',
    {
      config: { access: 'aggregate' },
      schema: {
        tags: ['stats'],
        summary: '各网格统计（含每平方公里问题数）',
        querystring: AreaQuery,
        response: { 200: Type.Object({ grids: Type.Array(AreaRow) }), ...errorResponses },
      },
    },
    async (req) => {
      const { sort = 'perKm2', ...q } = req.query;
      const stats = summarizeByArea(app.problemTable, parseProblemFilter(q, app.problemTable, unitScope(req.principal)), app.now(), 'grid');
      // Aggregate screens get no names of people: no grid manager for a display device.
      const named = req.principal?.kind !== 'display';
      const areas = app.townData.grids.map((g) => ({
        id: g.id,
        name: g.name,
        areaKm2: g.areaKm2,
        communityId: g.communityId,
        ...(named && { manager: g.manager }),
      }));
      return { grids: rankAreas(areas, stats, app.problemTable.gridIndex, sort) };
    },
  );

  app.get(
    '/api/stats/communities',
    {
      config: { access: 'aggregate' },
      schema: {
        tags: ['stats'],
        summary: '各村居统计与排名（默认按每平方公里问题数）',
        querystring: AreaQuery,
        response: { 200: Type.Object({ communities: Type.Array(AreaRow) }), ...errorResponses },
      },
    },
    async (req) => {
      const { sort = 'perKm2', ...q } = req.query;
      const stats = summarizeByArea(app.problemTable, parseProblemFilter(q, app.problemTable, unitScope(req.principal)), app.now(), 'community');
      const areas = app.townData.communities.map((c) => ({ id: c.id, name: c.name, areaKm2: c.areaKm2 }));
      return { communities: rankAreas(areas, stats, app.problemTable.communityIndex, sort) };
    },
  );

  app.get(
    '/api/stats/categories',
    {
      config: { access: 'aggregate' },
      schema: {
        tags: ['stats'],
        summary: '各问题类型统计（按问题数从多到少）',
        querystring: FilterQuery,
        response: {
          200: Type.Object({
            categories: Type.Array(CategoryRow),
          }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const stats = summarizeByArea(app.problemTable, parseProblemFilter(req.query, app.problemTable, unitScope(req.principal)), app.now(), 'category');
      const rows = categories.map((c, i) => ({ code: c.code, name: c.name, color: c.color, ...stats[i] }));
      rows.sort((a, b) => b.total - a.total || a.code.localeCompare(b.code));
      return { categories: rows };
    },
  );

  app.get(
    '/api/stats/units',
    {
      config: { access: 'aggregate' },
      schema: {
        tags: ['stats'],
        summary: '各责任单位：在办、逾期、按期整改率、整改用时中位数',
        description:
          'Problems assigned to each unit (not yet assigned ones are left out). onTimeRate: closed by the deadline / closed. Default order: most overdue first.',
        querystring: UnitQuery,
        response: { 200: Type.Object({ units: Type.Array(UnitRow) }), ...errorResponses },
      },
    },
    async (req) => {
      const { sort = 'overdue', ...q } = req.query;
      const stats = summarizeUnits(app.problemTable, parseProblemFilter(q, app.problemTable, unitScope(req.principal)), app.now());
      const rows = app.townData.units.map((u, i) => ({ rank: 0, id: u.id, name: u.name, kind: u.kind, ...stats[i] }));
      const visible = rows.filter((r) => r.total > 0 || unitScope(req.principal) === null);
      if (sort === 'medianDaysToClose')
        visible.sort((a, b) => (a.medianDaysToClose ?? Infinity) - (b.medianDaysToClose ?? Infinity) || a.id.localeCompare(b.id));
      else if (sort !== 'id') visible.sort((a, b) => (b[sort] ?? -1) - (a[sort] ?? -1) || a.id.localeCompare(b.id));
      visible.forEach((r, i) => {
        r.rank = i + 1;
      });
      return { units: visible };
    },
  );

  app.get(
    '/api/stats/compare',
    {
      config: { access: 'aggregate' },
      schema: {
        tags: ['stats'],
        summary: '环比：本周、本月至今的上报与销号，对比上周、上月同期',
        description:
          'This week since Monday 00:00 against the same part of last week; this month since the 1st against the same part of last month (cut at its end). The other filters select the problems; the spans are fixed by the server time.',
        querystring: CompareQuery,
        response: { 200: ComparisonAnswer, ...errorResponses },
      },
    },
    async (req) => compareSpans(app.problemTable, parseProblemFilter(req.query, app.problemTable, unitScope(req.principal)), app.now()),
  );

  app.get(
    '/api/stats/trend',
    {
      config: { access: 'aggregate' },
      schema: {
        tags: ['stats'],
        summary: '趋势：每期上报数与销号数',
        description: 'Periods are Asia/Shanghai days, weeks from Monday, or calendar months. from/to bound the periods; the other filters select problems.',
        querystring: TrendQuery,
        response: {
          200: Type.Object({
            interval: Type.String(),
            periods: Type.Array(TrendPeriod),
          }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const { interval = 'month', ...q } = req.query;
      const filter = parseProblemFilter(q, app.problemTable, unitScope(req.principal));
      const periods = trend(app.problemTable, filter, app.now(), interval);
      if (periods === null) throw badRequest('interval', `时间跨度超过 ${MAX_PERIODS} 个周期，请缩小 from/to 范围或改用更长的 interval`);
      return { interval, periods };
    },
  );
};

export default statsRoutes;
