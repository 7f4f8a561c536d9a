import '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { RequestError } from '../errors.ts';
import type { StreamOwner } from '../live.ts';
import type { DisplayTokenRecord, Role, UserRecord } from '../store/account-store.ts';
import { type AuthService, tokenHash } from './auth-service.ts';

/** The session cookie's name (a signed-in user). */
export const SESSION_COOKIE = 'cw_session';
/** The display cookie's name: it holds a wall screen's display token. */
export const DISPLAY_COOKIE = 'cw_display';

/**
 * Who may call a route. Every /api route must declare one (`config: { access }`); a route without
 * it makes the app refuse to start, so nothing is open by omission.
 * - `public`: anyone (health, sign-in, the API docs).
 * - `aggregate`: any signed-in user and display devices; the answer carries no personal information.
 * - `users`: any signed-in user, not a display device.
 * - a list of roles: users with one of them.
 */
export type Access = 'public' | 'aggregate' | 'users' | readonly Role[];

/** Who is calling: a user, or a wall screen (a display token, or an account with the display role). */
export type Principal = { kind: 'user'; user: UserRecord } | { kind: 'display'; name: string; user: UserRecord | null; token: DisplayTokenRecord | null };

declare module 'fastify' {
  interface FastifyInstance {
    /** Every API route as `METHOD /url`, in registration order (for the access tests). */
    apiRoutes: string[];
  }
  interface FastifyContextConfig {
    access?: Access;
  }
  interface FastifyRequest {
    /** Set for every route that is not public. */
    principal?: Principal;
    /** The signed-in user, set when the principal is a user. */
    user?: UserRecord;
  }
}

/** The decision for a caller on a route: let through, 401 (no one signed in) or 403 (not allowed). */
export function decide(access: Access, principal: Principal | null): 'allow' | 401 | 403 {
  if (access === 'public') return 'allow';
  if (!principal) return 401;
  if (access === 'aggregate') return 'allow';
  if (principal.kind === 'display') return 403;
  if (access === 'users') return 'allow';
  return access.includes(principal.user.role) ? 'allow' : 403;
}

export { mayChangeProblem } from '../domain/permissions.ts';

/** The unit whose problems alone a caller may read (a 责任单位 account), or null for the whole town. */
export function unitScope(principal: Principal | undefined): string | null {
  if (principal?.kind !== 'user' || principal.user.role !== 'unit') return null;
  if (principal.user.unitId === null) throw new RequestError(403, 'no_unit', null, '该账号未分配责任单位，请联系创文办');
  return principal.user.unitId;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The host an Origin header names, or null when it is absent or not a URL. */
function originHost(origin: string | undefined): string | null {
  if (!origin) return null;
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
}

/**
 * Installs access control on every route: checks at start that each /api route declares its
 * access, then for each request resolves the caller from its cookies and lets it through, or
 * answers 401/403. Unsafe methods sent with a cookie must carry an Origin of this host (CSRF).
 */
export function installAccessControl(app: FastifyInstance, auth: AuthService): void {
  const check = async (req: FastifyRequest): Promise<void> => {
    if (UNSAFE.has(req.method) && (req.cookies[SESSION_COOKIE] || req.cookies[DISPLAY_COOKIE] || req.headers.origin)) {
      if (originHost(req.headers.origin) !== originHost(`${req.protocol}://${req.host}`)) {
        throw new RequestError(403, 'origin_mismatch', 'Origin', '请求来源（Origin）与本站不符，已拒绝（防跨站请求伪造）');
      }
    }
    const access = (req.routeOptions.config as { access?: Access } | undefined)?.access ?? 'public';
    if (access === 'public') return;
    const principal = await resolvePrincipal(auth, req);
    const verdict = decide(access, principal);
    if (verdict === 401) throw new RequestError(401, 'unauthenticated', null, '请先登录');
    if (verdict === 403) throw new RequestError(403, 'forbidden', null, principal?.kind === 'display' ? '大屏只能读取汇总数据' : '当前账号无权执行此操作');
    req.principal = principal ?? undefined;
    if (principal?.kind === 'user') req.user = principal.user;
  };

  app.decorate('apiRoutes', [] as string[]);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD' && route.url.startsWith('/api/')) app.apiRoutes.push(`${method} ${route.url}`);
    const config = (route.config ?? {}) as { access?: Access };
    if (route.url.startsWith('/api/') && config.access === undefined) {
      // Routes of the API-docs plugin describe the API, not data.
      if (!route.url.startsWith('/api/docs') && route.url !== '/api/openapi.json') {
        throw new Error(`route ${route.method} ${route.url} declares no access rule (config.access)`);
      }
      route.config = { ...config, access: 'public' } as typeof route.config;
    }
    // Appended to the route's own hooks, so that the rate limit (added the same way, earlier) counts refused requests too.
    const own = route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest];
    route.onRequest = [...own, check] as typeof route.onRequest;
  });
}

/** The caller of a request: a live session first, then a display token (cookie). */
/**
 * The owner of a stream a request opens, and a check that it may still have it: the session not
 * ended nor idle, the account not disabled, the display token not revoked. The check does not count
 * as use (an open stream alone does not keep a session alive).
 */
export function streamHolder(auth: AuthService, req: FastifyRequest): { owner: StreamOwner; stillValid: () => Promise<boolean> } {
  const p = req.principal;
  const session = req.cookies[SESSION_COOKIE];
  const display = req.cookies[DISPLAY_COOKIE];
  if (p?.user && session) {
    return {
      owner: { sessionHash: tokenHash(session), userId: p.user.id, displayTokenId: null },
      stillValid: async () => (await auth.authenticate(session, false)) !== null,
    };
  }
  if (p?.kind === 'display' && p.token && display) {
    return {
      owner: { sessionHash: null, userId: null, displayTokenId: p.token.id },
      stillValid: async () => (await auth.authenticateDisplay(display)) !== null,
    };
  }
  return { owner: { sessionHash: null, userId: null, displayTokenId: null }, stillValid: async () => false };
}

export async function resolvePrincipal(auth: AuthService, req: FastifyRequest): Promise<Principal | null> {
  const session = req.cookies[SESSION_COOKIE];
  if (session) {
    const user = await auth.authenticate(session);
    if (user) return user.role === 'display' ? { kind: 'display', name: user.displayName, user, token: null } : { kind: 'user', user };
  }
  const display = req.cookies[DISPLAY_COOKIE];
  if (display) {
    const token = await auth.authenticateDisplay(display);
    if (token) return { kind: 'display', name: token.name, user: null, token };
  }
  return null;
}
