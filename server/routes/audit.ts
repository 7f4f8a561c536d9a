import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { toShanghaiIso } from '../domain/calendar.ts';
import { ErrorResponse } from '../schemas/common.ts';
import type { AccountStore } from '../store/account-store.ts';
import { parseInstant } from './problem-filter.ts';

const AuditQuery = Type.Object(
  {
    from: Type.Optional(Type.String({ description: 'YYYY-MM-DD (Asia/Shanghai) or an ISO 8601 instant' })),
    to: Type.Optional(Type.String({ description: 'YYYY-MM-DD (inclusive) or an ISO 8601 instant' })),
    user: Type.Optional(Type.Integer({ minimum: 1, description: 'user id' })),
    action: Type.Optional(Type.String({ pattern: '^[a-z_.]{1,64}$', description: 'e.g. login, login_failed, lockout, logout, reveal' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
    before: Type.Optional(Type.Integer({ minimum: 1, description: 'the previous page’s nextBefore' })),
  },
  { additionalProperties: false },
);

const AuditEntry = Type.Object({
  id: Type.Integer(),
  at: Type.String(),
  userId: Type.Union([Type.Integer(), Type.Null()]),
  username: Type.Union([Type.String(), Type.Null()]),
  address: Type.String(),
  action: Type.String(),
  objectType: Type.Union([Type.String(), Type.Null()]),
  objectId: Type.Union([Type.String(), Type.Null()]),
  detail: Type.Record(Type.String(), Type.Unknown()),
});

/** The audit log for admins: newest first, filtered and paged. */
const auditRoutes: FastifyPluginAsyncTypebox<{ accounts: AccountStore }> = async (app, { accounts }) => {
  app.get(
    '/api/audit',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['auth'],
        summary: '审计日志（仅管理员）',
        querystring: AuditQuery,
        response: {
          200: Type.Object({ entries: Type.Array(AuditEntry), nextBefore: Type.Union([Type.Integer(), Type.Null()]) }),
          400: ErrorResponse,
          401: ErrorResponse,
          403: ErrorResponse,
        },
      },
    },
    async (req) => {
      const { limit = 100, ...q } = req.query;
      const rows = await accounts.audit({
        from: q.from === undefined ? undefined : parseInstant(q.from, 'from', false),
        to: q.to === undefined ? undefined : parseInstant(q.to, 'to', true),
        userId: q.user,
        action: q.action,
        beforeId: q.before,
        limit,
      });
      return {
        entries: rows.map((r) => ({ ...r, at: toShanghaiIso(r.at) })),
        nextBefore: rows.length === limit ? rows[rows.length - 1].id : null,
      };
    },
  );
};

export default auditRoutes;
