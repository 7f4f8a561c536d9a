import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { mayChangeProblem } from '../auth/access.ts';
import { computeDeadline } from '../domain/calendar.ts';
import { findCategory } from '../domain/catalogue.ts';
import { actionCodes } from '../domain/lifecycle.ts';
import { cleanText } from '../domain/text.ts';
import { decideTransition } from '../domain/workflow.ts';
import { badRequest, RequestError } from '../errors.ts';
import { ErrorResponse, errorResponses, guardedResponses } from '../schemas/common.ts';
import { ProblemDetail } from '../schemas/problems.ts';
import type { UserRecord } from '../store/account-store.ts';
import type { EventChanges, ProblemEventRecord, ProblemRecord } from '../store/records.ts';
import { checkIfMatch, closingChanges, commitProblemChange, transitionPhotos } from './problem-commit.ts';
import { parseInstant } from './problem-filter.ts';
import { IdParams, problemDetail, readableProblem } from './problem-json.ts';

/** Changing a problem: its measure, the workflow's transitions, and merging a duplicate — each checked against the version the client saw. */

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

const problemChangeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  /** Writes a change (see commitProblemChange) and answers the problem with its new ETag. */
  async function commit(
    req: FastifyRequest,
    reply: FastifyReply,
    p: ProblemRecord,
    status: ProblemRecord['status'],
    changes: EventChanges,
    event: { action: ProblemEventRecord['action']; note: string; photos: string[] },
    detailForAudit: Record<string, unknown>,
  ) {
    return problemDetail(app, await commitProblemChange(app, req, p, status, changes, event, detailForAudit), reply);
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
      const p = await readableProblem(app, req);
      const user = req.user as UserRecord;
      if (!mayChangeProblem(user, p)) {
        throw new RequestError(403, 'forbidden', 'id', user.role === 'grid_manager' ? '只能修改本人负责网格内的问题' : '只能修改本单位负责的问题');
      }
      const measure = cleanText(req.body.measure, 'measure', '整改措施', { multiline: true });
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
        summary: '处置流转：交办、开始整改、提交整改、核查销号、核查退回、重新打开、当场整改',
        description:
          "Rules per role and status in server/domain/workflow.ts: 403 when the role may not, 409 when the status does not allow it, 422 when something is missing (a unit to assign to, a reason to reject, an 'after' photo to submit, a 'before' and an 'after' photo for self_fix 当场整改, which closes the problem and clears its unit: 自行处置). If-Match with the problem's ETag is required (412 stale, 428 missing).",
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
      const p = await readableProblem(app, req);
      const user = req.user as UserRecord;
      const { action, photos = [], unitId } = req.body;
      const note = cleanText(req.body.note ?? '', 'note', '说明', { multiline: true, optional: true });
      if (unitId !== undefined && !app.townData.unitById.has(unitId)) throw badRequest('unitId', `未知的责任单位：${unitId}`, 'unknown_value');
      const { afterPhotos, beforePhotos } = await transitionPhotos(app, p, photos);
      // A stale version first: what the client saw is no longer there, whatever it asks.
      checkIfMatch(req.headers['if-match'], p);
      const verdict = decideTransition(user, p, action, { note, afterPhotos, beforePhotos, unitId });
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
      if (action === 'close' || action === 'self_fix') Object.assign(change, closingChanges(action, now));
      if (action === 'reopen') {
        change.closedAt = null;
        // A reopened problem gets a fresh time limit from now.
        if (limit) change.deadline = computeDeadline(now, limit);
      }
      return commit(req, reply, p, verdict.to, change, { action, note, photos }, { note, photos, unitId: change.unitId });
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
      const p = await readableProblem(app, req);
      const { into } = req.body;
      const note = cleanText(req.body.note ?? '', 'note', '说明', { multiline: true, optional: true });
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
        { action: 'merge', note: note || `与编号 ${target.id} 重复，合并办结`, photos: [] },
        { into: target.id },
      );
      // The duplicate's photos document the problem it repeats too.
      for (const photo of await app.store.photos(p.id))
        await app.store.addPhoto({ ...photo, problemId: target.id, createdAt: now, createdBy: user.displayName });
      return answer;
    },
  );
};

export default problemChangeRoutes;
