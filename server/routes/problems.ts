import { createHash } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Static, Type } from 'typebox';
import { selectPage } from '../analytics/filter.ts';
import { nearbyProblems } from '../analytics/nearby.ts';
import { encodePoints } from '../analytics/points.ts';
import { mayChangeProblem, unitScope } from '../auth/access.ts';
import { computeDeadline, toShanghaiIso } from '../domain/calendar.ts';
import { findCategory, sourceCodes } from '../domain/catalogue.ts';
import { describeRule } from '../domain/dispatch.ts';
import { duplicateRadiusM, RECURRENCE_RADIUS_M, withinRecurrenceWindow } from '../domain/duplicates.ts';
import { KEY_SITE_RADIUS_KM, nearestWithin } from '../domain/geometry.ts';
import { actionCodes, isOverdue, statusCodes } from '../domain/lifecycle.ts';
import { maskName, maskPhone } from '../domain/personal-info.ts';
import { decideTransition } from '../domain/workflow.ts';
import { badRequest, notFound, RequestError } from '../errors.ts';
import { changeOf } from '../live.ts';
import { ErrorResponse, errorResponses, guardedResponses, problemFilterProperties } from '../schemas/common.ts';
import { Created, ProblemCollection, ProblemDetail, type ProblemFeature } from '../schemas/problems.ts';
import type { UserRecord } from '../store/account-store.ts';
import type { EventChanges, ProblemDraft, ProblemEventRecord, ProblemRecord } from '../store/records.ts';
import type { TownData } from '../town-data.ts';
import { ruleNames } from './dispatch.ts';
import { photoJson } from './photos.ts';
import { problemFor } from './problem-access.ts';
import { parseInstant, parseProblemFilter } from './problem-filter.ts';
import { sendBinary, sendSerialized } from './send-serialized.ts';

const ListQuery = Type.Object(
  {
    ...problemFilterProperties,
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, default: 1000, description: 'page size, 1–10000' })),
    cursor: Type.Optional(Type.String({ maxLength: 64, pattern: '^[A-Za-z0-9_-]+$', description: 'nextCursor of the previous page' })),
  },
  { additionalProperties: false },
);

/** Who the history names for an automatic assignment. */
export const DISPATCH_ACTOR = '自动派遣';

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

/** An event's changes as the API gives them: instants as ISO text. */
function historyChanges(c: EventChanges): {
  unitId?: string | null;
  measure?: string | null;
  deadline?: string | null;
  closedAt?: string | null;
  mergedInto?: number;
} {
  const { deadline, closedAt, ...rest } = c;
  return { ...rest, ...(deadline !== undefined && { deadline: iso(deadline) }), ...(closedAt !== undefined && { closedAt: iso(closedAt) }) };
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
    changes: historyChanges(e.changes),
  };
}

/** What a lifecycle write answers: the problem, or why not (409 status, 412 stale, 422 missing, 428 no If-Match). */
const lifecycleResponses = {
  200: ProblemDetail,
  ...errorResponses,
  ...guardedResponses,
  409: ErrorResponse,
  412: ErrorResponse,
  422: ErrorResponse,
  428: ErrorResponse,
};

const IfMatchHeaders = Type.Object({ 'if-match': Type.Optional(Type.String({ maxLength: 32, description: 'the ETag of the problem as last read' })) });

function stale(current: number): RequestError {
  return new RequestError(412, 'version_conflict', 'If-Match', `问题已被他人修改（当前版本 ${current}），请刷新后重试`);
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

  const readableProblem = (req: FastifyRequest & { params: { id: string } }) => problemFor(app, req.params.id, req.principal);

  /** A problem with names, the masked reporter and its history; the ETag is its version. */
  async function detail(p: ProblemRecord, reply: FastifyReply): Promise<Static<typeof ProblemDetail>> {
    const feature = problemFeature(p, app.now());
    const events = await app.store.events(p.id);
    const history = events.map(eventJson);
    const merged = events.findLast((e) => e.action === 'merge');
    const reporter = await app.store.reporter(p.id);
    reply.header('ETag', `"${p.version}"`);
    return {
      type: 'Feature',
      id: p.id,
      geometry: { type: 'Point', coordinates: [p.lon, p.lat] },
      properties: {
        ...feature.properties,
        reporter: reporter ? { name: maskName(reporter.name), phone: maskPhone(reporter.phone) } : null,
        ...problemNames(p, app.townData),
        photos: (await app.store.photos(p.id)).map(photoJson),
        mergedInto: p.status === 'closed' ? (merged?.changes.mergedInto ?? null) : null,
        duplicates: await app.store.mergedInto(p.id),
        history,
      },
    };
  }

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
    async (req, reply) => detail(await readableProblem(req), reply),
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
      const p = await readableProblem(req);
      const reporter = await app.store.reporter(p.id);
      if (!reporter) throw notFound(`问题 ${p.id} 没有登记举报人`);
      await app.audit(req, 'reveal', 'problem', p.id, { fields: ['reporter_name', 'reporter_phone'] });
      reply.header('Cache-Control', 'no-store');
      return reporter;
    },
  );

  /** The version the client saw (If-Match): 428 when missing, 400 when malformed, 412 when stale. */
  function checkIfMatch(ifMatch: string | undefined, p: ProblemRecord): void {
    if (ifMatch === undefined) throw new RequestError(428, 'precondition_required', 'If-Match', '请在 If-Match 中带上问题的版本（ETag），以免覆盖他人的修改');
    const expected = /^(?:W\/)?"(\d{1,9})"$/.exec(ifMatch.trim());
    if (!expected) throw badRequest('If-Match', 'If-Match 应为问题的 ETag，如 "3"');
    if (Number(expected[1]) !== p.version) throw stale(p.version);
  }

  /**
   * Writes a change: the new row and its event in one transaction that checks the version (412
   * when another writer was first), then the in-memory table and the audit log; answers the problem.
   */
  async function commit(
    req: FastifyRequest,
    reply: FastifyReply,
    p: ProblemRecord,
    status: ProblemRecord['status'],
    changes: EventChanges,
    event: { action: ProblemEventRecord['action']; note: string; photos: string[] },
    detailForAudit: Record<string, unknown>,
  ) {
    const user = req.user as UserRecord;
    const now = app.now();
    const { mergedInto: _, ...fields } = changes;
    const next: ProblemRecord = { ...p, ...fields, status, updatedAt: now, version: p.version + 1 };
    const written = await app.store.updateProblem(next, p.version, {
      at: now,
      actor: user.displayName,
      fromStatus: p.status,
      toStatus: status,
      changes,
      ...event,
    });
    if (!written) throw stale(p.version);
    app.problemTable.upsert(next);
    app.live.publish(changeOf(next, written));
    await app.audit(req, `problem.${event.action}`, 'problem', p.id, { version: next.version, from: p.status, to: next.status, ...detailForAudit });
    return detail(next, reply);
  }

  app.put(
    '/api/problems/:id/measure',
    {
      config: { access: ['admin', 'grid_manager', 'unit'] },
      schema: {
        tags: ['problems'],
        summary: '制定或修改整改措施（管理员；网格员限本人网格；责任单位限本单位问题）',
        description: "Send the problem's ETag back in If-Match: a stale version gets 412, a missing one 428. Answers the updated problem with its new ETag.",
        params: IdParams,
        headers: IfMatchHeaders,
        body: Type.Object({ measure: Type.String({ minLength: 1, maxLength: 200, description: '整改措施' }) }, { additionalProperties: false }),
        response: { 200: ProblemDetail, ...errorResponses, ...guardedResponses, 412: ErrorResponse, 428: ErrorResponse },
      },
    },
    async (req, reply) => {
      const p = await readableProblem(req);
      const user = req.user as UserRecord;
      if (!mayChangeProblem(user, p)) {
        throw new RequestError(403, 'forbidden', 'id', user.role === 'grid_manager' ? '只能修改本人负责网格内的问题' : '只能修改本单位负责的问题');
      }
      const measure = req.body.measure.trim();
      if (!measure) throw badRequest('measure', '整改措施不能为空');
      checkIfMatch(req.headers['if-match'], p);
      return commit(req, reply, p, p.status, { measure }, { action: 'measure', note: measure, photos: [] }, { measure });
    },
  );

  app.post(
    '/api/problems/:id/transitions',
    {
      config: { access: ['admin', 'grid_manager', 'unit'] },
      schema: {
        tags: ['problems'],
        summary: '处置流转：交办、开始整改、提交整改、核查销号、核查退回、重新打开',
        description:
          "Rules per role and status in server/domain/workflow.ts: 403 when the role may not, 409 when the status does not allow it, 422 when something is missing (a unit to assign to, a reason to reject, an 'after' photo to submit). If-Match with the problem's ETag is required (412 stale, 428 missing).",
        params: IdParams,
        headers: IfMatchHeaders,
        body: Type.Object(
          {
            action: Type.Union(
              actionCodes.map((a) => Type.Literal(a)),
              { description: actionCodes.join(' | ') },
            ),
            note: Type.Optional(Type.String({ maxLength: 500, description: '说明；退回时必填原因' })),
            photos: Type.Optional(Type.Array(Type.String({ pattern: '^[0-9a-f]{64}$' }), { maxItems: 20, description: 'ids of photos of this problem' })),
            unitId: Type.Optional(Type.String({ maxLength: 64, description: 'assign: the responsible unit' })),
            deadline: Type.Optional(
              Type.String({ maxLength: 40, description: 'assign: a deadline other than the category time limit (YYYY-MM-DD or ISO instant)' }),
            ),
          },
          { additionalProperties: false },
        ),
        response: lifecycleResponses,
      },
    },
    async (req, reply) => {
      const p = await readableProblem(req);
      const user = req.user as UserRecord;
      const { action, note = '', photos = [], unitId } = req.body;
      if (unitId !== undefined && !app.townData.unitById.has(unitId)) throw badRequest('unitId', `未知的责任单位：${unitId}`, 'unknown_value');
      const stored = new Map((await app.store.photos(p.id)).map((ph) => [ph.id, ph]));
      for (const id of photos) if (!stored.has(id)) throw new RequestError(422, 'unknown_photo', 'photos', `照片 ${id.slice(0, 12)}… 不是该问题的照片`);
      const afterPhotos = photos.filter((id) => stored.get(id)?.kind === 'after');
      // A stale version first: what the client saw is no longer there, whatever it asks.
      checkIfMatch(req.headers['if-match'], p);
      const verdict = decideTransition(user, p, action, { note, afterPhotos, unitId });
      if (!verdict.ok) throw new RequestError(verdict.status, verdict.code, verdict.field, verdict.message);
      const now = app.now();
      const limit = findCategory(p.category)?.timeLimit;
      const change: EventChanges = {};
      if (action === 'assign') {
        change.unitId = unitId ?? null;
        if (req.body.deadline !== undefined) {
          const deadline = parseInstant(req.body.deadline, 'deadline', true);
          if (deadline <= now) throw badRequest('deadline', '整改期限不能早于现在');
          change.deadline = deadline;
        }
      }
      if (action === 'close') change.closedAt = now;
      if (action === 'reopen') {
        change.closedAt = null;
        // A reopened problem gets a fresh time limit from now.
        if (limit) change.deadline = computeDeadline(now, limit);
      }
      return commit(req, reply, p, verdict.to, change, { action, note: note.trim(), photos }, { note: note.trim(), photos, unitId: change.unitId });
    },
  );

  app.post(
    '/api/problems/:id/merge',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['problems'],
        summary: '合并重复问题（仅管理员）：本问题作为重复件并入另一问题并办结',
        description:
          "The problem (a duplicate report) is closed with a `merge` event naming the problem it repeats, and its photos are attached to that problem too. Both must be of the same category; the duplicate must not be closed (409) and the target must not itself be a merged duplicate. If-Match with the duplicate's ETag is required.",
        params: IdParams,
        headers: IfMatchHeaders,
        body: Type.Object(
          {
            into: Type.Integer({ minimum: 1, maximum: 2 ** 31 - 1, description: 'the id of the problem this one repeats' }),
            note: Type.Optional(Type.String({ maxLength: 500 })),
          },
          { additionalProperties: false },
        ),
        response: lifecycleResponses,
      },
    },
    async (req, reply) => {
      const p = await readableProblem(req);
      const { into, note = '' } = req.body;
      if (into === p.id) throw new RequestError(422, 'invalid_value', 'into', '不能合并到问题自身');
      const target = await app.store.problem(into);
      if (!target) throw new RequestError(422, 'unknown_problem', 'into', `问题 ${into} 不存在`);
      checkIfMatch(req.headers['if-match'], p);
      if (p.status === 'closed') throw new RequestError(409, 'invalid_transition', 'id', '问题已销号，不能再合并');
      if (target.category !== p.category) throw new RequestError(422, 'category_mismatch', 'into', '只能合并同一类型的问题');
      if (target.status === 'closed' && (await app.store.events(target.id)).some((e) => e.action === 'merge'))
        throw new RequestError(422, 'merged_target', 'into', `问题 ${into} 本身已作为重复件合并，请合并到它所并入的问题`);
      const user = req.user as UserRecord;
      const now = app.now();
      const answer = await commit(
        req,
        reply,
        p,
        'closed',
        { closedAt: now, mergedInto: target.id },
        { action: 'merge', note: note.trim() || `与编号 ${target.id} 重复，合并办结`, photos: [] },
        { into: target.id },
      );
      // The duplicate's photos document the problem it repeats too.
      for (const photo of await app.store.photos(p.id))
        await app.store.addPhoto({ ...photo, problemId: target.id, createdAt: now, createdBy: user.displayName });
      return answer;
    },
  );

  app.post(
    '/api/problems',
    {
      config: { access: ['admin', 'grid_manager'] },
      schema: {
        tags: ['problems'],
        summary: '上报问题（管理员；网格员限本人网格）',
        description:
          'Grid and community come from the point; the deadline from the category time limit (working days honoured). An Idempotency-Key header makes a retry safe: the same key and body return the first answer, the same key with another body gets 422. Keys are kept 7 days.',
        headers: Type.Object({ 'idempotency-key': Type.Optional(Type.String({ minLength: 8, maxLength: 128, pattern: '^[A-Za-z0-9_.:-]+$' })) }),
        body: Type.Object(
          {
            lon: Type.Number({ minimum: -180, maximum: 180 }),
            lat: Type.Number({ minimum: -90, maximum: 90 }),
            category: Type.String({ maxLength: 64 }),
            description: Type.String({ minLength: 1, maxLength: 500 }),
            source: Type.Union(sourceCodes.map((c) => Type.Literal(c))),
            address: Type.Optional(Type.String({ maxLength: 200 })),
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
      const description = b.description.trim();
      if (!description) throw badRequest('description', '问题描述不能为空');
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
      const address = b.address?.trim() || `${community?.name ?? ''} ${site?.name ?? grid.name}`.trim();
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
        reporter: b.reporter ? { name: b.reporter.name.trim(), phone: b.reporter.phone.replace(/[\s-]/g, '') } : null,
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
      app.problemTable.upsert(record);
      if (recurrence) app.problemTable.markRecurrent([record.id]);
      for (const [i, e] of draft.events.entries()) app.live.publish(changeOf(record, { ...e, id: result.eventIds[i], problemId: result.id }));
      await app.audit(req, 'problem.report', 'problem', record.id, {
        category: category.code,
        gridId,
        idempotencyKey: key ?? null,
        dispatchedTo: rule?.unitId ?? null,
      });
      const answer = {
        problem: await detail(record, reply),
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

export default problemRoutes;
