import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AuthService } from '../auth/auth-service.ts';
import { toShanghaiIso } from '../domain/calendar.ts';
import { cleanText } from '../domain/text.ts';
import { notFound } from '../errors.ts';
import { ErrorResponse, guardedResponses } from '../schemas/common.ts';
import type { AccountStore, DisplayTokenRecord, UserRecord } from '../store/account-store.ts';

export const TokenInfo = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  createdBy: Type.Union([Type.Integer(), Type.Null()]),
  createdAt: Type.String(),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
});

const info = (t: DisplayTokenRecord) => ({ ...t, createdAt: toShanghaiIso(t.createdAt), revokedAt: t.revokedAt === null ? null : toShanghaiIso(t.revokedAt) });

/** Display devices (wall screens): an admin issues a token for the wall URL, lists and revokes them. */
const displayTokenRoutes: FastifyPluginAsyncTypebox<{ auth: AuthService; accounts: AccountStore }> = async (app, { auth, accounts }) => {
  app.post(
    '/api/display-tokens',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['auth'],
        summary: '签发大屏令牌（仅管理员；令牌只显示这一次）',
        body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 64, description: '设备名称，如 指挥中心大屏' }) }, { additionalProperties: false }),
        response: { 201: Type.Object({ token: TokenInfo, secret: Type.String(), url: Type.String() }), 400: ErrorResponse, ...guardedResponses },
      },
    },
    async (req, reply) => {
      const name = cleanText(req.body.name, 'name', '设备名称');
      const { record, token } = await auth.issueDisplayToken(name, req.user as UserRecord, req.ip);
      return reply.code(201).send({ token: info(record), secret: token, url: `/wall?display=${token}` });
    },
  );

  app.get(
    '/api/display-tokens',
    {
      config: { access: ['admin'] },
      schema: { tags: ['auth'], summary: '大屏令牌列表（仅管理员）', response: { 200: Type.Object({ tokens: Type.Array(TokenInfo) }), ...guardedResponses } },
    },
    async () => ({ tokens: (await accounts.displayTokens()).map(info) }),
  );

  app.delete(
    '/api/display-tokens/:id',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['auth'],
        summary: '吊销大屏令牌（仅管理员）',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        response: { 204: Type.Null(), 400: ErrorResponse, 404: ErrorResponse, ...guardedResponses },
      },
    },
    async (req, reply) => {
      if (!(await auth.revokeDisplayToken(req.params.id, req.user as UserRecord, req.ip))) throw notFound(`没有有效的大屏令牌 ${req.params.id}`);
      return reply.code(204).send(null);
    },
  );
};

export default displayTokenRoutes;
