import '@fastify/cookie';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { AuthService } from '../auth/auth-service.ts';
import { requireRole, SESSION_COOKIE } from '../auth/guard.ts';
import { toShanghaiIso } from '../domain/calendar.ts';
import { RequestError } from '../errors.ts';
import { ErrorResponse } from '../schemas/common.ts';
import { ROLES, type UserRecord } from '../store/account-store.ts';

const PublicUser = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  role: Type.String({ description: ROLES.join(' | ') }),
  unitId: Type.Union([Type.String(), Type.Null()]),
  gridIds: Type.Array(Type.String()),
});

/** What a client may know of an account (never the hash, the failure count or the lock). */
export function publicUser(u: UserRecord) {
  return { id: u.id, username: u.username, displayName: u.displayName, role: u.role, unitId: u.unitId, gridIds: u.gridIds };
}

function setSessionCookie(req: FastifyRequest, reply: FastifyReply, token: string): void {
  // HttpOnly: scripts cannot read it; SameSite=Strict: other sites cannot send it; Secure behind HTTPS.
  reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', path: '/', secure: req.protocol === 'https' });
}

export interface AuthRoutesOptions {
  auth: AuthService;
}

/** Sign-in, sign-out and who am I. The session lives server-side; the cookie holds only a random token. */
const authRoutes: FastifyPluginAsyncTypebox<AuthRoutesOptions> = async (app, { auth }) => {
  app.post(
    '/api/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: '登录',
        body: Type.Object(
          { username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 128 }) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ user: PublicUser }), 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 423: ErrorResponse },
      },
    },
    async (req, reply) => {
      const r = await auth.login(req.body.username, req.body.password, req.ip);
      if (r.ok) {
        setSessionCookie(req, reply, r.token);
        return { user: publicUser(r.user) };
      }
      if (r.reason === 'locked') {
        const until = toShanghaiIso(r.lockedUntil).slice(11, 16);
        throw new RequestError(423, 'account_locked', 'username', `连续 ${auth.policy.maxFailures} 次密码错误，账号已锁定，请于 ${until} 后再试`);
      }
      if (r.reason === 'disabled') throw new RequestError(403, 'account_disabled', 'username', '账号已停用，请联系创文办');
      throw new RequestError(401, 'bad_credentials', 'password', '用户名或密码错误');
    },
  );

  app.post('/api/auth/logout', { schema: { tags: ['auth'], summary: '退出登录', response: { 204: Type.Null() } } }, async (req, reply) => {
    const token = req.cookies[SESSION_COOKIE];
    if (token) await auth.logout(token, req.ip);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send(null);
  });

  app.get(
    '/api/auth/me',
    {
      preHandler: requireRole(auth),
      schema: { tags: ['auth'], summary: '当前用户', response: { 200: Type.Object({ user: PublicUser }), 401: ErrorResponse } },
    },
    async (req) => ({ user: publicUser(req.user as UserRecord) }),
  );
};

export default authRoutes;
