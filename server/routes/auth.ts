import '@fastify/cookie';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { DISPLAY_COOKIE, type Principal, resolvePrincipal, SESSION_COOKIE } from '../auth/access.ts';
import type { AuthService, Locked } from '../auth/auth-service.ts';
import { toShanghaiIso } from '../domain/calendar.ts';
import { RequestError } from '../errors.ts';
import { Me } from '../schemas/auth.ts';
import { ErrorResponse } from '../schemas/common.ts';
import type { UserRecord } from '../store/account-store.ts';

function me(p: Principal) {
  return {
    user: p.user ? publicUser(p.user) : null,
    display: p.kind === 'display' ? { name: p.name } : null,
  };
}

/** What a client may know of an account (never the hash, the failure count or the lock). */
export function publicUser(u: UserRecord) {
  return { id: u.id, username: u.username, displayName: u.displayName, role: u.role, unitId: u.unitId, gridIds: u.gridIds };
}

/** 423 for failed sign-ins: the same words for every name, existing or not. */
export function lockedError(r: Locked): RequestError {
  const until = toShanghaiIso(r.lockedUntil).slice(11, 16);
  return r.scope === 'source'
    ? new RequestError(423, 'account_locked', 'username', `密码错误次数过多，本设备已暂停登录该账号，请于 ${until} 后再试，或联系创文办解锁`)
    : new RequestError(423, 'account_locked', 'username', `该账号在多处密码错误次数过多，已临时锁定，请于 ${until} 后再试，或联系创文办解锁`);
}

function setSessionCookie(req: FastifyRequest, reply: FastifyReply, token: string): void {
  // HttpOnly: scripts cannot read it; SameSite=Strict: other sites cannot send it; Secure behind HTTPS.
  reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', path: '/', secure: req.protocol === 'https' });
}

export interface AuthRoutesOptions {
  auth: AuthService;
  /** Sign-in attempts a minute from one address. */
  loginPerMinute: number;
}

/** Sign-in, sign-out and who am I. The session lives server-side; the cookie holds only a random token. */
const authRoutes: FastifyPluginAsyncTypebox<AuthRoutesOptions> = async (app, { auth, loginPerMinute }) => {
  app.post(
    '/api/auth/login',
    {
      config: { access: 'public', rateLimit: { max: loginPerMinute, timeWindow: 60_000 } },
      schema: {
        tags: ['auth'],
        summary: '登录',
        body: Type.Object(
          { username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 128 }) },
          { additionalProperties: false },
        ),
        response: { 200: Me, 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 423: ErrorResponse },
      },
    },
    async (req, reply) => {
      const r = await auth.login(req.body.username, req.body.password, req.ip);
      if (r.ok) {
        setSessionCookie(req, reply, r.token);
        return me(r.user.role === 'display' ? { kind: 'display', name: r.user.displayName, user: r.user, token: null } : { kind: 'user', user: r.user });
      }
      if (r.reason === 'locked') throw lockedError(r);
      if (r.reason === 'disabled') throw new RequestError(403, 'account_disabled', 'username', '账号已停用，请联系创文办');
      throw new RequestError(401, 'bad_credentials', 'password', '用户名或密码错误');
    },
  );

  app.post(
    '/api/auth/logout',
    { config: { access: 'public' }, schema: { tags: ['auth'], summary: '退出登录', response: { 204: Type.Null() } } },
    async (req, reply) => {
      const token = req.cookies[SESSION_COOKIE];
      if (token) await auth.logout(token, req.ip);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      reply.clearCookie(DISPLAY_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/auth/display',
    {
      config: { access: 'public', rateLimit: { max: loginPerMinute, timeWindow: 60_000 } },
      schema: {
        tags: ['auth'],
        summary: '大屏设备以令牌接入（令牌由管理员签发，可随时吊销）',
        description: 'Sets the display cookie. The device then reads aggregated data only, with no idle timeout, until the token is revoked.',
        body: Type.Object({ token: Type.String({ minLength: 1, maxLength: 128 }) }, { additionalProperties: false }),
        response: { 200: Me, 400: ErrorResponse, 401: ErrorResponse },
      },
    },
    async (req, reply) => {
      const record = await auth.connectDisplay(req.body.token, req.ip);
      if (!record) throw new RequestError(401, 'bad_display_token', 'token', '大屏令牌无效或已被吊销，请联系创文办重新签发');
      // A wall runs for days: the cookie outlives browser restarts; the server checks the token on every request.
      reply.setCookie(DISPLAY_COOKIE, req.body.token, {
        httpOnly: true,
        sameSite: 'strict',
        path: '/',
        secure: req.protocol === 'https',
        maxAge: 400 * 24 * 3600,
      });
      return me({ kind: 'display', name: record.name, user: null, token: record });
    },
  );

  app.get(
    '/api/auth/session',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary: '当前会话（未登录时 user 与 display 均为 null）',
        description: 'Part of sign-in: lets a page decide between the sign-in form and the app without a 401. /api/auth/me answers 401 instead.',
        response: { 200: Me },
      },
    },
    async (req) => {
      const principal = await resolvePrincipal(auth, req);
      return principal ? me(principal) : { user: null, display: null };
    },
  );

  app.get(
    '/api/auth/me',
    {
      config: { access: 'aggregate' },
      schema: { tags: ['auth'], summary: '当前用户或大屏设备', response: { 200: Me, 401: ErrorResponse } },
    },
    async (req) => me(req.principal as Principal),
  );
};

export default authRoutes;
