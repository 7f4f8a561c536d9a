import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Feature, Point } from 'geojson';
import { Type } from 'typebox';
import { selectPage } from '../analytics/filter.ts';
import { toShanghaiIso } from '../domain/calendar.ts';
import { findCategory } from '../domain/catalogue.ts';
import { isOverdue } from '../domain/lifecycle.ts';
import { badRequest, notFound } from '../errors.ts';
import { errorResponses, FeatureCollection, problemFilterProperties } from '../schemas/common.ts';
import type { ProblemEventRecord, ProblemRecord } from '../store/records.ts';
import type { TownData } from '../town-data.ts';
import { parseProblemFilter } from './problem-filter.ts';
import { sendSerialized } from './send-serialized.ts';

const ListQuery = Type.Object(
  {
    ...problemFilterProperties,
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, default: 1000, description: 'page size, 1–10000' })),
    cursor: Type.Optional(Type.String({ maxLength: 64, pattern: '^[A-Za-z0-9_-]+$', description: 'nextCursor of the previous page' })),
  },
  { additionalProperties: false },
);

const IdParams = Type.Object({ id: Type.String({ maxLength: 12, description: 'problem id' }) });

const iso = (ms: number | null) => (ms === null ? null : toShanghaiIso(ms));

function encodeCursor(afterId: number): string {
  return Buffer.from(`p${afterId}`).toString('base64url');
}

function decodeCursor(raw: string): number {
  const m = /^p(\d{1,10})$/.exec(Buffer.from(raw, 'base64url').toString('latin1'));
  if (!m) throw badRequest('cursor', 'cursor 无效，请使用上一页返回的 nextCursor');
  return Number(m[1]);
}

/** A problem as a GeoJSON Feature, names resolved, overdue derived as of `now`. */
export function problemFeature(p: ProblemRecord, town: TownData, now: number): Feature<Point> {
  return {
    type: 'Feature',
    id: p.id,
    geometry: { type: 'Point', coordinates: [p.lon, p.lat] },
    properties: {
      id: p.id,
      category: p.category,
      categoryName: findCategory(p.category)?.name ?? p.category,
      source: p.source,
      status: p.status,
      overdue: isOverdue(p.status, p.deadline, now),
      gridId: p.gridId,
      gridName: town.gridById.get(p.gridId)?.name ?? '',
      communityId: p.communityId,
      communityName: town.communityById.get(p.communityId)?.name ?? '',
      unitId: p.unitId,
      unitName: p.unitId ? (town.unitById.get(p.unitId)?.name ?? '') : null,
      siteId: p.siteId,
      siteName: p.siteId ? (town.siteById.get(p.siteId)?.name ?? '') : null,
      description: p.description,
      address: p.address,
      measure: p.measure,
      reportedAt: iso(p.reportedAt),
      deadline: iso(p.deadline),
      closedAt: iso(p.closedAt),
      updatedAt: iso(p.updatedAt),
      version: p.version,
    },
  };
}

function eventJson(e: ProblemEventRecord) {
  return {
    id: e.id,
    at: toShanghaiIso(e.at),
    actor: e.actor,
    action: e.action,
    fromStatus: e.fromStatus,
    toStatus: e.toStatus,
    note: e.note,
    photos: e.photos,
  };
}

const HistoryEntry = Type.Object({
  id: Type.Integer(),
  at: Type.String(),
  actor: Type.String(),
  action: Type.String(),
  fromStatus: Type.Union([Type.String(), Type.Null()]),
  toStatus: Type.String(),
  note: Type.String(),
  photos: Type.Array(Type.String()),
});

const ProblemDetail = Type.Object({
  type: Type.Literal('Feature'),
  id: Type.Integer(),
  geometry: Type.Object({ type: Type.Literal('Point'), coordinates: Type.Array(Type.Number()) }),
  properties: Type.Object({ history: Type.Array(HistoryEntry) }, { additionalProperties: true }),
});

const problemRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/problems',
    {
      schema: {
        tags: ['problems'],
        summary: '点位问题 (GeoJSON)，按条件筛选、分页',
        description: 'Ordered by id. `numberMatched` counts every match; `nextCursor` fetches the next page (null on the last).',
        querystring: ListQuery,
        response: { 200: FeatureCollection, ...errorResponses },
      },
    },
    async (req, reply) => {
      const { limit = 1000, cursor, ...filterQuery } = req.query;
      const filter = parseProblemFilter(filterQuery, app.problemTable);
      const afterId = cursor === undefined ? 0 : decodeCursor(cursor);
      const now = app.now();
      const page = selectPage(app.problemTable, filter, now, afterId, limit);
      const rows = await app.store.problemsByIds(page.ids);
      const body = {
        type: 'FeatureCollection',
        numberMatched: page.matched,
        numberReturned: rows.length,
        nextCursor: page.hasMore ? encodeCursor(page.ids[page.ids.length - 1]) : null,
        features: rows.map((p) => problemFeature(p, app.townData, now)),
      };
      return sendSerialized(reply, JSON.stringify(body));
    },
  );

  app.get(
    '/api/problems/:id',
    { schema: { tags: ['problems'], summary: '单个问题及其处置记录', params: IdParams, response: { 200: ProblemDetail, ...errorResponses } } },
    async (req) => {
      if (!/^[1-9]\d{0,9}$/.test(req.params.id)) throw badRequest('id', 'id 应为正整数');
      const id = Number(req.params.id);
      const p = await app.store.problem(id);
      if (!p) throw notFound(`问题 ${id} 不存在`);
      const feature = problemFeature(p, app.townData, app.now());
      const history = (await app.store.events(id)).map(eventJson);
      return {
        type: 'Feature' as const,
        id,
        geometry: { type: 'Point' as const, coordinates: [p.lon, p.lat] },
        properties: { ...feature.properties, history },
      };
    },
  );
};

export default problemRoutes;
