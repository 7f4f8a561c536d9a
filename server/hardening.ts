import helmet from '@fastify/helmet';
import rateLimit, { type FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { RequestError } from './errors.ts';

export interface RateLimits {
  /** Requests a minute from one address, every route together but sign-in, which counts apart. */
  perMinute: number;
  /** Sign-in attempts a minute from one address (lockout guards each account as well). */
  loginPerMinute: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = { perMinute: 1200, loginPerMinute: 20 };

/**
 * The Content-Security-Policy: everything from this origin only. MapLibre's worker and deck.gl
 * need workers from blob: and images from data:/blob:; inline styles are allowed because MapLibre
 * and ECharts set element styles; no inline or eval'd script, no framing.
 */
export const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  workerSrc: ["'self'", 'blob:'],
  childSrc: ["'self'", 'blob:'],
  imgSrc: ["'self'", 'data:', 'blob:'],
  styleSrc: ["'self'", "'unsafe-inline'"],
  fontSrc: ["'self'", 'data:'],
  connectSrc: ["'self'", 'data:', 'blob:'],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  // Intranet deployments often serve plain HTTP: do not rewrite requests to https.
  upgradeInsecureRequests: null,
};

/**
 * Security headers (with the CSP), rate limits, and no caching of API answers by shared caches.
 * The rate-limit counts stay in the process unless `store` keeps them where every process of a
 * district counts together (PostgreSQL).
 */
export async function registerHardening(app: FastifyInstance, limits: RateLimits, store: FastifyRateLimitStoreCtor | null = null): Promise<void> {
  await app.register(helmet, {
    contentSecurityPolicy: { directives: CSP_DIRECTIVES },
    crossOriginEmbedderPolicy: false,
  });
  await app.register(rateLimit, {
    global: true,
    max: limits.perMinute,
    timeWindow: 60_000,
    // A shared store that cannot be reached skips the count rather than failing the request: every
    // route that needs the database answers for itself (health says 503 degraded, not a 500).
    ...(store ? { store, skipOnError: true } : {}),
    errorResponseBuilder: (_req, ctx) =>
      new RequestError(429, 'rate_limited', null, `请求过于频繁，请 ${Math.ceil(ctx.ttl / 1000)} 秒后再试`) as unknown as Record<string, unknown>,
  });
  app.addHook('onSend', async (req, reply) => {
    // API answers are per user: never kept by a shared cache.
    if (req.url.startsWith('/api/') && !reply.hasHeader('cache-control')) reply.header('Cache-Control', 'private, no-store');
  });
}
