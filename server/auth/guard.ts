import '@fastify/cookie';
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { RequestError } from '../errors.ts';
import type { Role, UserRecord } from '../store/account-store.ts';
import type { AuthService } from './auth-service.ts';

/** The session cookie's name. */
export const SESSION_COOKIE = 'cw_session';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in user, set by a guard. */
    user?: UserRecord;
  }
}

/**
 * A preHandler that lets a request through only with a live session of one of `roles`
 * (any role when empty): 401 without a session, 403 with the wrong role.
 */
export function requireRole(auth: AuthService, ...roles: Role[]): preHandlerAsyncHookHandler {
  return async (req: FastifyRequest, _reply: FastifyReply) => {
    const token = req.cookies[SESSION_COOKIE];
    const user = token ? await auth.authenticate(token) : null;
    if (!user) throw new RequestError(401, 'unauthenticated', null, '请先登录');
    if (roles.length > 0 && !roles.includes(user.role)) throw new RequestError(403, 'forbidden', null, '当前账号无权执行此操作');
    req.user = user;
  };
}
