import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Static, Type } from 'typebox';
import { selectPage } from '../analytics/filter.ts';
import { encodePoints } from '../analytics/points.ts';
import { toShanghaiIso } from '../domain/calendar.ts';
import { findCategory } from '../domain/catalogue.ts';
import { isOverdue } from '../domain/lifecycle.ts';
import { badRequest, notFound } from '../errors.ts';
import { errorResponses, problemFilterProperties } from '../schemas/common.ts';
import type { ProblemEventRecord, ProblemRecord } from '../store/records.ts';
import type { TownData } from '../town-data.ts';
import { parseProblemFilter } from './problem-filter.ts';
import { sendBinary, sendSerialized } from './send-serialized.ts';

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

const NullableString = Type.Union([Type.String(), Type.Null()]);

/** Properties of a problem feature in lists; the detail adds names and the history. */
const problemProperties = {
  id: Type.Integer(),
  category: Type.String(),
  source: Type.String(),
  status: Type.String(),
  overdue: Type.Boolean({ description: '逾期: not closed and past the deadline, as of the answer' }),
  gridId: Type.String(),
  communityId: Type.String(),
  unitId: NullableString,
  siteId: NullableString,
  description: Type.String(),
  address: Type.String(),
  measure: NullableString,
  reportedAt: Type.String(),
  deadline: NullableString,
  closedAt: NullableString,
  updatedAt: Type.String(),
  version: Type.Integer(),
};

const ProblemDetail = Type.Object({
  type: Type.Literal('Feature'),
  id: Type.Integer(),
  geometry: Type.Object({ type: Type.Literal('Point'), coordinates: Type.Array(Type.Number()) }),
  properties: Type.Object({
    ...problemProperties,
    categoryName: Type.String(),
    gridName: Type.String(),
    gridManager: Type.String(),
    communityName: Type.String(),
    unitName: NullableString,
    siteName: NullableString,
    history: Type.Array(HistoryEntry),
  }),
});

const ProblemFeature = Type.Object({
  type: Type.Literal('Feature'),
  id: Type.Integer(),
  geometry: Type.Object({ type: Type.Literal('Point'), coordinates: Type.Array(Type.Number()) }),
  properties: Type.Object(problemProperties),
});

const ProblemCollection = Type.Object({
  type: Type.Literal('FeatureCollection'),
  numberReturned: Type.Integer(),
  nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'cursor of the next page; null on the last' }),
  features: Type.Array(ProblemFeature),
});

/** A problem as a GeoJSON Feature with codes (names come from /api/meta and the area routes), overdue derived as of `now`. */
export function problemFeature(p: ProblemRecord, now: number): Static<typeof ProblemFeature> {
  return {
    type: 'Feature',
    id: p.id,
    geometry: { type: 'Point', coordinates: [p.lon, p.lat] },
    properties: {
      id: p.id,
      category: p.category,
      source: p.source,
      status: p.status,
      overdue: isOverdue(p.status, p.deadline, now),
      gridId: p.gridId,
      communityId: p.communityId,
      unitId: p.unitId,
      siteId: p.siteId,
      description: p.description,
      address: p.address,
      measure: p.measure,
      reportedAt: toShanghaiIso(p.reportedAt),
      deadline: iso(p.deadline),
      closedAt: iso(p.closedAt),
      updatedAt: toShanghaiIso(p.updatedAt),
      version: p.version,
    },
  };
}

/** The display names of a problem's codes, for the problem card. */
function problemNames(p: ProblemRecord, town: TownData) {
  return {
    categoryName: findCategory(p.category)?.name ?? p.category,
    gridName: town.gridById.get(p.gridId)?.name ?? '',
    gridManager: town.gridById.get(p.gridId)?.manager ?? '',
    communityName: town.communityById.get(p.communityId)?.name ?? '',
    unitName: p.unitId ? (town.unitById.get(p.unitId)?.name ?? '') : null,
    siteName: p.siteId ? (town.siteById.get(p.siteId)?.name ?? '') : null,
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

const problemRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/problems',
    {
      schema: {
        tags: ['problems'],
        summary: '点位问题 (GeoJSON)，按条件筛选、分页',
        description: 'Ordered by id. `nextCursor` fetches the next page (null on the last). For counts, ask /api/stats/summary with the same filters.',
        querystring: ListQuery,
        response: { 200: ProblemCollection, ...errorResponses },
      },
    },
    async (req, reply) => {
      const { limit = 1000, cursor, ...filterQuery } = req.query;
      const filter = parseProblemFilter(filterQuery, app.problemTable);
      const afterId = cursor === undefined ? 0 : decodeCursor(cursor);
      const now = app.now();
      const page = selectPage(app.problemTable, filter, now, afterId, limit);
      // List pages come from the in-memory table alone; the store is read for a problem's history.
      const features = page.rows.map((row) => problemFeature(app.problemTable.record(row), now));
      const body = {
        type: 'FeatureCollection',
        numberReturned: features.length,
        nextCursor: page.hasMore ? encodeCursor(page.ids[page.ids.length - 1]) : null,
        features,
      };
      return sendSerialized(reply, JSON.stringify(body));
    },
  );

  app.get(
    '/api/problems/points',
    {
      schema: {
        tags: ['problems'],
        summary: '点位问题的二进制点集（地图用）',
        description:
          'Every matching problem as 14 bytes: a 32-byte little-endian header, then columns of lon/lat offsets (float32), ids (uint32), category and status indexes (uint8, status bit 7 = overdue). Layout in server/domain/points-codec.ts. Same filters as /api/problems, no paging.',
        querystring: Type.Object(problemFilterProperties, { additionalProperties: false }),
        response: { 200: Type.String({ format: 'binary', contentMediaType: 'application/octet-stream' }), ...errorResponses },
      },
    },
    async (req, reply) => {
      const filter = parseProblemFilter(req.query, app.problemTable);
      const buffer = encodePoints(app.problemTable, filter, app.now(), app.townData.town.center);
      return sendBinary(reply, Buffer.from(buffer));
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
      const feature = problemFeature(p, app.now());
      const history = (await app.store.events(id)).map(eventJson);
      return {
        type: 'Feature' as const,
        id,
        geometry: { type: 'Point' as const, coordinates: [p.lon, p.lat] },
        properties: { ...feature.properties, ...problemNames(p, app.townData), history },
      };
    },
  );
};

export default problemRoutes;
