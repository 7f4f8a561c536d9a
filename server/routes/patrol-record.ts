import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { mayChangeProblem } from '../auth/access.ts';
import type { Action } from '../domain/lifecycle.ts';
import { cleanText } from '../domain/text.ts';
import { decideTransition } from '../domain/workflow.ts';
import { badRequest, notFound, RequestError } from '../errors.ts';
import { ErrorResponse, errorResponses, guardedResponses } from '../schemas/common.ts';
import { CHECKIN_RESULTS, CheckinAnswer, CheckinRequest, type CheckinResult, PatrolEnd, PatrolStart, PatrolSummary, TrackBatch } from '../schemas/patrols.ts';
import type { UserRecord } from '../store/account-store.ts';
import type { CheckinKind, PatrolRecord } from '../store/patrol-store.ts';
import { checkinJson, summaryOf } from './patrol-json.ts';
import { closingChanges, commitProblemChange, transitionPhotos } from './problem-commit.ts';
import { parseInstant } from './problem-filter.ts';

/**
 * 巡查记录: a grid manager starts a patrol, sends the phone's track, checks in at stops (verifying
 * or sending back a fix there, or fixing a small problem on the spot), and ends it. Every write is
 * safe to repeat (the phone sends its queue again after a lost answer): the patrol's id is the
 * phone's, check-ins carry an Idempotency-Key, track points are kept once per instant.
 * Reading them: patrol-reads.ts.
 */

const PatrolParams = Type.Object({ id: Type.String({ maxLength: 40 }) });
const KeyHeaders = Type.Object({
  'idempotency-key': Type.Optional(Type.String({ minLength: 8, maxLength: 128, pattern: '^[A-Za-z0-9_.:-]+$' })),
});

/** How far ahead of the server's clock a phone's time may be (clocks drift). */
const CLOCK_SKEW_MS = 5 * 60_000;

/** The lifecycle action a check-in result takes on its problem, if any. */
const RESULT_ACTIONS: Partial<Record<CheckinResult, Extract<Action, 'close' | 'reject' | 'self_fix'>>> = {
  verified: 'close',
  sent_back: 'reject',
  self_fixed: 'self_fix',
};

/** An instant sent by the phone: not in the future beyond the clock skew; the server's time when none. */
function phoneTime(app: FastifyInstance, raw: string | undefined, field: string): number {
  const now = app.now();
  if (raw === undefined) return now;
  const at = parseInstant(raw, field, false);
  if (at > now + CLOCK_SKEW_MS) throw badRequest(field, `${field} 晚于当前时间（手机时钟不准？）`);
  return Math.min(at, now);
}

const patrolRecordRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const patrols = app.store.patrols;

  /** A patrol the caller walks (404 when there is none, 403 when it is someone else's). */
  async function ownPatrol(id: string, user: UserRecord, open: boolean): Promise<PatrolRecord> {
    const p = await patrols.get(id);
    if (!p) throw notFound(`巡查 ${id} 不存在`);
    if (p.userId !== user.id) throw new RequestError(403, 'forbidden', 'id', '只能记录本人的巡查');
    if (open && p.endedAt !== null) throw new RequestError(409, 'patrol_ended', 'id', '该巡查已结束');
    return p;
  }

  app.post(
    '/api/patrols',
    {
      config: { access: ['admin', 'grid_manager'] },
      schema: {
        tags: ['patrols'],
        summary: '开始巡查（网格员限本人网格）',
        description:
          'The id is made by the phone (a UUID), so a patrol started without signal is known at once; sending the same start again answers the patrol (200), another user’s id is 409.',
        body: PatrolStart,
        response: { 201: PatrolSummary, 200: PatrolSummary, ...errorResponses, ...guardedResponses, 409: ErrorResponse },
      },
    },
    async (req, reply) => {
      const user = req.user as UserRecord;
      const b = req.body;
      const gridIds = b.gridIds ?? (user.role === 'grid_manager' ? user.gridIds : null);
      if (!gridIds || gridIds.length === 0) throw badRequest('gridIds', '请选择要巡查的网格');
      for (const g of gridIds) {
        if (!app.townData.gridById.has(g)) throw badRequest('gridIds', `未知的网格：${g}`, 'unknown_value');
        if (user.role === 'grid_manager' && !user.gridIds.includes(g))
          throw new RequestError(403, 'forbidden', 'gridIds', `只能巡查本人负责的网格（${g} 不是）`);
      }
      const startedAt = phoneTime(app, b.startedAt, 'startedAt');
      const created = await patrols.start({ id: b.id, userId: user.id, actor: user.displayName, gridIds, mode: b.mode ?? 'walk', startedAt });
      const p = await patrols.get(b.id);
      if (!p || p.userId !== user.id) throw new RequestError(409, 'id_taken', 'id', '巡查编号已被占用，请重新开始');
      if (created) await app.audit(req, 'patrol.start', 'patrol', p.id, { gridIds });
      reply.code(created ? 201 : 200);
      return summaryOf(app, p);
    },
  );

  app.post(
    '/api/patrols/:id/track',
    {
      config: { access: ['admin', 'grid_manager'] },
      schema: {
        tags: ['patrols'],
        summary: '上传巡查轨迹点（本人的巡查）',
        description:
          'Points are kept at least 10 m and 5 s apart (after the last kept one); a point at an instant already stored, or before it, is dropped, so a batch sent twice is kept once.',
        params: PatrolParams,
        body: TrackBatch,
        response: { 200: Type.Object({ kept: Type.Integer(), points: Type.Integer() }), ...errorResponses, ...guardedResponses, 409: ErrorResponse },
      },
    },
    async (req) => {
      const user = req.user as UserRecord;
      const p = await ownPatrol(req.params.id, user, true);
      const points = req.body.points.map((pt, i) => ({ lon: pt.lon, lat: pt.lat, at: phoneTime(app, pt.at, `points[${i}].at`) }));
      if (points.some((pt) => pt.at < p.startedAt - CLOCK_SKEW_MS)) throw badRequest('points', '轨迹点早于巡查开始时间');
      const kept = await patrols.addPoints(p.id, points);
      return { kept, points: (await patrols.track(p.id)).length };
    },
  );

  app.post(
    '/api/patrols/:id/checkins',
    {
      config: { access: ['admin', 'grid_manager'] },
      schema: {
        tags: ['patrols'],
        summary: '到点打卡：核查结果、说明、照片；待核查的问题可当场核查销号或退回',
        description:
          'Idempotency-Key is required: the same key again answers the stored check-in and changes nothing. verified / sent_back / self_fixed move the problem under the workflow rules (403 outside the grid manager’s grids, 409 when its status does not allow it, 422 when a reason or a photo is missing).',
        params: PatrolParams,
        headers: KeyHeaders,
        body: CheckinRequest,
        response: { 201: CheckinAnswer, 200: CheckinAnswer, ...errorResponses, ...guardedResponses, 409: ErrorResponse, 422: ErrorResponse },
      },
    },
    async (req, reply) => {
      const user = req.user as UserRecord;
      const key = req.headers['idempotency-key'];
      if (!key) throw badRequest('Idempotency-Key', '打卡须带 Idempotency-Key，以免重发时重复记录');
      const patrol = await ownPatrol(req.params.id, user, false);
      const b = req.body;
      const earlier = await patrols.checkinByKey(patrol.id, key);
      if (earlier) {
        if (earlier.problemId !== (b.problemId ?? null) || earlier.siteId !== (b.siteId ?? null) || earlier.result !== b.result)
          throw new RequestError(422, 'idempotency_key_reused', 'Idempotency-Key', '该 Idempotency-Key 已用于另一次打卡');
        const p = earlier.problemId === null ? null : await app.store.problem(earlier.problemId);
        return { checkin: checkinJson(earlier), problemStatus: p?.status ?? null };
      }
      if (patrol.endedAt !== null) throw new RequestError(409, 'patrol_ended', 'id', '该巡查已结束');
      if ((b.problemId === undefined) === (b.siteId === undefined)) throw badRequest('problemId', '打卡须指明一个问题（problemId）或一个重点点位（siteId）');
      const note = cleanText(b.note ?? '', 'note', '说明', { multiline: true, optional: true });
      const at = phoneTime(app, b.at, 'at');
      let problemStatus: string | null = null;
      let kind: CheckinKind = 'stop';
      if (b.siteId !== undefined) {
        const site = app.townData.sites.find((s) => s.id === b.siteId);
        if (!site) throw new RequestError(422, 'unknown_value', 'siteId', `未知的重点点位：${b.siteId}`);
        if (user.role === 'grid_manager' && !user.gridIds.includes(site.gridId))
          throw new RequestError(403, 'forbidden', 'siteId', '只能在本人负责网格内的点位打卡');
        if (RESULT_ACTIONS[b.result]) throw badRequest('result', '重点点位的打卡结果只能是已整改/无问题、未整改或新发现');
      } else {
        const p = await app.store.problem(b.problemId as number);
        if (!p) throw new RequestError(422, 'unknown_problem', 'problemId', `问题 ${b.problemId} 不存在`);
        if (!mayChangeProblem(user, p)) throw new RequestError(403, 'forbidden', 'problemId', '只能在本人负责网格内的问题打卡');
        const action = RESULT_ACTIONS[b.result];
        problemStatus = p.status;
        if (action) {
          const photos = b.photos ?? [];
          const { afterPhotos, beforePhotos } = await transitionPhotos(app, p, photos);
          const verdict = decideTransition(user, p, action, { note, afterPhotos, beforePhotos });
          if (!verdict.ok) throw new RequestError(verdict.status, verdict.code, verdict.field === 'action' ? 'result' : verdict.field, verdict.message);
          const now = app.now();
          const changes = action === 'reject' ? {} : closingChanges(action, now);
          const next = await commitProblemChange(
            app,
            req,
            p,
            verdict.to,
            changes,
            { action, note: note || `巡查${CHECKIN_RESULTS[b.result]}`, photos },
            { patrolId: patrol.id },
          );
          problemStatus = next.status;
          if (action === 'self_fix') kind = 'fix';
        }
      }
      const { checkin, created } = await patrols.addCheckin({
        patrolId: patrol.id,
        key,
        kind,
        problemId: b.problemId ?? null,
        siteId: b.siteId ?? null,
        result: b.result,
        note,
        lon: b.lon ?? null,
        lat: b.lat ?? null,
        at,
      });
      reply.code(created ? 201 : 200);
      return { checkin: checkinJson(checkin), problemStatus };
    },
  );

  app.post(
    '/api/patrols/:id/end',
    {
      config: { access: ['admin', 'grid_manager'] },
      schema: {
        tags: ['patrols'],
        summary: '结束巡查：里程与时长',
        description: 'The distance is the length of the track received. Ending an ended patrol answers it unchanged.',
        params: PatrolParams,
        body: PatrolEnd,
        response: { 200: PatrolSummary, ...errorResponses, ...guardedResponses },
      },
    },
    async (req) => {
      const user = req.user as UserRecord;
      const p = await ownPatrol(req.params.id, user, false);
      const wasOpen = p.endedAt === null;
      const ended = await patrols.end(p.id, phoneTime(app, req.body.at, 'at'));
      if (!ended) throw notFound(`巡查 ${p.id} 不存在`);
      if (wasOpen) await app.audit(req, 'patrol.end', 'patrol', p.id, { meters: Math.round(ended.distanceM) });
      return summaryOf(app, ended);
    },
  );
};

export default patrolRecordRoutes;
