import { createHash } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { nearbyProblems } from '../analytics/nearby.ts';
import { computeDeadline, toShanghaiIso } from '../domain/calendar.ts';
import { findCategory, sourceCodes } from '../domain/catalogue.ts';
import { describeRule } from '../domain/dispatch.ts';
import { duplicateRadiusM, RECURRENCE_RADIUS_M, withinRecurrenceWindow } from '../domain/duplicates.ts';
import { KEY_SITE_RADIUS_KM, nearestWithin } from '../domain/geometry.ts';
import { statusCodes } from '../domain/lifecycle.ts';
import { cleanText } from '../domain/text.ts';
import { RequestError } from '../errors.ts';
import { ErrorResponse, errorResponses, guardedResponses } from '../schemas/common.ts';
import { PatrolId } from '../schemas/patrols.ts';
import { Created } from '../schemas/problems.ts';
import type { UserRecord } from '../store/account-store.ts';
import type { ProblemDraft, ProblemRecord } from '../store/records.ts';
import { ruleNames } from './dispatch.ts';
import { problemDetail } from './problem-json.ts';
import { sendSerialized } from './send-serialized.ts';

/** Reporting a problem (上报): placed in its grid, checked for duplicates and recurrence, dispatched by rule, safe to retry. */

export const DISPATCH_ACTOR = '自动派遣';

const problemReportRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/api/problems',
    {
      config: { access: ['admin', 'grid_manager'] },
      schema: {
        tags: ['problems'],
        summary: '上报问题（管理员；网格员限本人网格）',
        description:
          'Grid and community come from the point; the deadline from the category time limit (working days honoured). With patrolId (the caller’s patrol) it is recorded as found on that patrol (途中上报). An Idempotency-Key header makes a retry safe: the same key and body return the first answer, the same key with another body gets 422. Keys are kept 7 days.',
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 8, maxLength: 128, pattern: '^[A-Za-z0-9_.:-]+$' })) }),
        body: Type.Object(
          {
            lon: Type.Number({ minimum: -180, maximum: 180 }),
            lat: Type.Number({ minimum: -90, maximum: 90 }),
            category: Type.String({ maxLength: 64 }),
            description: Type.String({ minLength: 1, maxLength: 500 }),
            source: Type.Union(sourceCodes.map((c) => Type.Literal(c))),
            address: Type.Optional(Type.String({ maxLength: 200 })),
            patrolId: Type.Optional(PatrolId),
            reporter: Type.Optional(
              Type.Object(
                { name: Type.String({ minLength: 1, maxLength: 32 }), phone: Type.String({ pattern: '^[0-9+ -]{5,20}$' }) },
                { additionalProperties: false },
              ),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 201: Created, ...errorResponses, ...guardedResponses, 409: ErrorResponse, 422: ErrorResponse },
      },
    },
    async (req, reply) => {
      const user = req.user as UserRecord;
      const b = req.body;
      const category = findCategory(b.category);
      if (!category) throw new RequestError(422, 'unknown_value', 'category', `未知的问题类型：${b.category}`);
      const description = cleanText(b.description, 'description', '问题描述', { multiline: true });
      const typedAddress = b.address === undefined ? '' : cleanText(b.address, 'address', '地址', { optional: true });
      const reporterName = b.reporter ? cleanText(b.reporter.name, 'reporter.name', '举报人姓名') : '';
      const gridId = app.townData.gridIndex.locate(b.lon, b.lat);
      if (!gridId)
        throw new RequestError(
          422,
          'outside_town',
          'lon',
          `位置（${b.lon.toFixed(5)}, ${b.lat.toFixed(5)}）不在${app.townData.town.name}范围内，请在地图上重新选点`,
        );
      if (user.role === 'grid_manager' && !user.gridIds.includes(gridId))
        throw new RequestError(403, 'forbidden', 'lon', '网格员只能在本人负责的网格内上报问题');
      const grid = app.townData.gridById.get(gridId);
      if (!grid) throw new RequestError(422, 'outside_town', 'lon', '该位置没有网格');
      if (b.patrolId !== undefined) {
        // Found on a patrol (途中上报): the caller's own patrol, still going.
        const patrol = await app.store.patrols.get(b.patrolId);
        if (!patrol || patrol.userId !== user.id) throw new RequestError(422, 'unknown_value', 'patrolId', `巡查 ${b.patrolId} 不是本人的巡查`);
      }
      const key = req.headers['idempotency-key'];
      const bodyHash = createHash('sha256').update(JSON.stringify(b)).digest('hex');
      const now = app.now();
      const t = app.problemTable;
      const catIndex = t.categoryIndex.get(category.code) ?? -1;
      const closed = t.statusIndex.get('closed') ?? -1;
      const duplicates = nearbyProblems(t, b.lon, b.lat, duplicateRadiusM(category.code), (r) => t.category[r] === catIndex && t.status[r] !== closed);
      const recurrence = nearbyProblems(
        t,
        b.lon,
        b.lat,
        RECURRENCE_RADIUS_M,
        (r) => t.category[r] === catIndex && t.status[r] === closed && withinRecurrenceWindow(t.closedAt[r], now),
      )[0];
      const site = nearestWithin(app.townData.sites, [b.lon, b.lat], KEY_SITE_RADIUS_KM);
      const community = app.townData.communityById.get(grid.communityId);
      const address = typedAddress || `${community?.name ?? ''} ${site?.name ?? grid.name}`.trim();
      const deadline = computeDeadline(now, category.timeLimit);
      const draft: ProblemDraft = {
        problem: {
          townId: app.townData.town.id,
          lon: Math.round(b.lon * 1e7) / 1e7,
          lat: Math.round(b.lat * 1e7) / 1e7,
          gridId,
          communityId: grid.communityId,
          category: category.code,
          source: b.source,
          status: 'reported',
          unitId: null,
          siteId: site?.id ?? null,
          description,
          address,
          measure: null,
          reportedAt: now,
          deadline,
          closedAt: null,
          updatedAt: now,
          version: 1,
        },
        events: [
          { at: now, actor: user.displayName, action: 'report', fromStatus: null, toStatus: 'reported', note: '', photos: [], changes: { deadline: deadline } },
        ],
        reporter: b.reporter ? { name: reporterName, phone: b.reporter.phone.replace(/[\s-]/g, '') } : null,
      };
      // 自动派遣: the rule for the category and community assigns it at once, in the same transaction.
      const rule = app.dispatch.match(category.code, grid.communityId);
      if (rule) {
        const unitName = app.townData.unitById.get(rule.unitId)?.name ?? rule.unitId;
        Object.assign(draft.problem, { status: 'open', unitId: rule.unitId, version: 2 });
        draft.events.push({
          at: now,
          actor: DISPATCH_ACTOR,
          action: 'assign',
          fromStatus: 'reported',
          toStatus: 'open',
          note: `按规则「${describeRule(rule, ruleNames(app.townData))}」交办${unitName}`,
          photos: [],
          changes: { unitId: rule.unitId },
        });
      }
      const result = await app.store.createProblem(draft, {
        idempotency: key ? { userId: user.id, key, bodyHash, at: now } : undefined,
        recurrence: recurrence ? { problemId: recurrence.id, distanceM: recurrence.distanceM } : null,
        patrol: b.patrolId === undefined ? undefined : { patrolId: b.patrolId, key: key ?? `report-${bodyHash.slice(0, 32)}`, at: now },
      });
      if (!result.created) {
        const earlier = result.earlier;
        if (earlier.bodyHash !== bodyHash)
          throw new RequestError(422, 'idempotency_key_reused', 'Idempotency-Key', '该 Idempotency-Key 已用于另一份内容，请为新的上报换一个');
        if (earlier.response === null || earlier.status === null) {
          reply.header('Retry-After', '1');
          throw new RequestError(409, 'in_progress', 'Idempotency-Key', '同一请求正在处理，请稍后重试');
        }
        reply.header('Idempotent-Replayed', 'true');
        return sendSerialized(reply.code(earlier.status), earlier.response, 'application/json; charset=utf-8');
      }
      // The row and its report event as written: no need to read them back.
      const record: ProblemRecord = { ...draft.problem, id: result.id };
      // the table (with its recurrence) and the live streams, from the log in id order (see ChangeFeed)
      await app.feed.catchUp();
      await app.audit(req, 'problem.report', 'problem', record.id, {
        category: category.code,
        gridId,
        idempotencyKey: key ?? null,
        dispatchedTo: rule?.unitId ?? null,
      });
      const answer = {
        problem: await problemDetail(app, record, reply),
        possibleDuplicates: duplicates.slice(0, 10).map((d) => ({
          id: d.id,
          distanceM: d.distanceM,
          status: statusCodes[t.status[d.row]],
          reportedAt: toShanghaiIso(t.reportedAt[d.row]),
        })),
        recurrenceOf: recurrence ? { id: recurrence.id, distanceM: recurrence.distanceM } : null,
      };
      const json = JSON.stringify(answer);
      if (key) await app.store.saveIdempotentAnswer(user.id, key, 201, json);
      reply.header('Location', `/api/problems/${record.id}`);
      return sendSerialized(reply.code(201), json, 'application/json; charset=utf-8');
    },
  );
};

export default problemReportRoutes;
