import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { selectPage } from '../analytics/filter.ts';
import { encodePoints } from '../analytics/points.ts';
import { unitScope } from '../auth/access.ts';
import { badRequest, notFound } from '../errors.ts';
import { errorResponses, guardedResponses, problemFilterProperties } from '../schemas/common.ts';
import { ProblemCollection, ProblemDetail } from '../schemas/problems.ts';
import { parseProblemFilter } from './problem-filter.ts';
import { IdParams, problemDetail, problemFeature, readableProblem } from './problem-json.ts';
import { sendBinary, sendSerialized } from './send-serialized.ts';

/** Reading problems: the list (GeoJSON pages), the binary points for the map, one problem, its reporter. */

const ListQuery = Type.Object(
  {
    ...problemFilterProperties,
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, default: 1000, description: 'page size, 1–10000' })),
    cursor: Type.Optional(Type.String({ maxLength: 64, pattern: '^[A-Za-z0-9_-]+$', description: 'nextCursor of the previous page' })),
  },
  { additionalProperties: false },
);

/** Who the history names for an automatic assignment. */
function encodeCursor(afterId: number): string {
  return Buffer.from(`p${afterId}`).toString('base64url');
}

function decodeCursor(raw: string): number {
  const m = /^p(\d{1,10})$/.exec(Buffer.from(raw, 'base64url').toString('latin1'));
  if (!m) throw badRequest('cursor', 'cursor 无效，请使用上一页返回的 nextCursor');
  return Number(m[1]);
}

const problemRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/problems',
    {
      config: { access: 'users' },
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
      const filter = parseProblemFilter(filterQuery, app.problemTable, unitScope(req.principal));
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
      config: { access: 'aggregate' },
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
      const filter = parseProblemFilter(req.query, app.problemTable, unitScope(req.principal));
      const buffer = encodePoints(app.problemTable, filter, app.now(), app.townData.town.center);
      return sendBinary(reply, Buffer.from(buffer));
    },
  );

  app.get(
    '/api/problems/:id',
    {
      config: { access: 'users' },
      schema: {
        tags: ['problems'],
        summary: '单个问题及其处置记录',
        params: IdParams,
        response: { 200: ProblemDetail, ...errorResponses, ...guardedResponses },
      },
    },
    async (req, reply) => problemDetail(app, await readableProblem(app, req), reply),
  );

  app.get(
    '/api/problems/:id/reporter',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['problems'],
        summary: '查看举报人完整信息（仅管理员，记入审计日志）',
        params: IdParams,
        response: { 200: Type.Object({ name: Type.String(), phone: Type.String() }), ...errorResponses, ...guardedResponses },
      },
    },
    async (req, reply) => {
      const p = await readableProblem(app, req);
      const reporter = await app.store.reporter(p.id);
      if (!reporter) throw notFound(`问题 ${p.id} 没有登记举报人`);
      await app.audit(req, 'reveal', 'problem', p.id, { fields: ['reporter_name', 'reporter_phone'] });
      reply.header('Cache-Control', 'no-store');
      return reporter;
    },
  );
};

export default problemRoutes;
