import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import type { FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { ProblemTable } from './analytics/problem-table.ts';
import { installAccessControl } from './auth/access.ts';
import { type AuthPolicy, AuthService } from './auth/auth-service.ts';
import basemapRoutes from './basemap/basemaps.ts';
import localPmtilesRoutes from './basemap/local-pmtiles.ts';
import tiandituRoutes, { type TiandituOptions } from './basemap/tianditu.ts';
import { ChangeFeed, type ClusterBus, followNotices } from './change-feed.ts';
import { installErrorHandler } from './errors.ts';
import { DEFAULT_RATE_LIMITS, type RateLimits, registerHardening } from './hardening.ts';
import { installInputGuard } from './input-guard.ts';
import { LiveHub } from './live.ts';
import { PhotoFiles } from './photos.ts';
import areaRoutes from './routes/areas.ts';
import auditRoutes from './routes/audit.ts';
import authRoutes from './routes/auth.ts';
import boundaryRoutes from './routes/boundaries.ts';
import coverageRoutes from './routes/coverage.ts';
import deckRoutes from './routes/decks.ts';
import dispatchRoutes, { DispatchBook } from './routes/dispatch.ts';
import displayTokenRoutes from './routes/display-tokens.ts';
import eventRoutes from './routes/events.ts';
import exportRoutes from './routes/export.ts';
import healthRoutes from './routes/health.ts';
import hotspotRoutes from './routes/hotspots.ts';
import importRoutes from './routes/imports.ts';
import inspectionRoutes from './routes/inspections.ts';
import metaRoutes from './routes/meta.ts';
import patrolReadRoutes from './routes/patrol-reads.ts';
import patrolRecordRoutes from './routes/patrol-record.ts';
import patrolRoutes from './routes/patrols.ts';
import photoRoutes from './routes/photos.ts';
import problemChangeRoutes from './routes/problem-changes.ts';
import problemReportRoutes from './routes/problem-report.ts';
import problemRoutes from './routes/problems.ts';
import projectRoutes from './routes/projects.ts';
import scoreRoutes from './routes/scores.ts';
import siteRoutes from './routes/sites.ts';
import statsRoutes from './routes/stats.ts';
import taskRoutes from './routes/tasks.ts';
import userRoutes from './routes/users.ts';
import wallRoutes from './routes/wall.ts';
import type { AccountStore } from './store/account-store.ts';
import type { Store } from './store/store.ts';
import { TownData } from './town-data.ts';
import { VERSION } from './version.ts';

/** Paths the single-page client answers besides `/`. */
export const CLIENT_PAGES = [
  '/login',
  '/admin',
  '/admin/import',
  '/inspect',
  '/projects',
  '/wall',
  '/tasks',
  '/map',
  '/patrol',
  '/present',
  '/present/:id',
  '/present/:id/:view',
] as const;

export interface AppOptions {
  store: Store;
  /** How this process hears of the others on the same database (PostgreSQL); none for SQLite. */
  bus?: ClusterBus | null;
  /** Accounts, sessions and the audit log: every route but health and sign-in needs a signed-in caller. */
  accounts: AccountStore;
  /** Sign-in policy: password rules, lockout, idle timeout (defaults: 等保 level 2 practice). */
  authPolicy?: AuthPolicy;
  /** Requests a minute per address (all routes, and sign-in). */
  rateLimits?: RateLimits;
  /** Where the rate-limit counts are kept when several processes share them (PostgreSQL); else in the process. */
  rateLimitStore?: FastifyRateLimitStoreCtor | null;
  /** Where photo files are kept (by content hash). */
  photoDir: string;
  /** The wall display's settings file (wall.json), when there is one to read. */
  wallConfigPath?: string | null;
  /** 天地图 through the caching tile proxy (not offered when absent or without a key). */
  tianditu?: TiandituOptions;
  /** The folder of local basemap archives (.pmtiles); none offered without one. */
  basemapDir?: string | null;
  /** The clock used for "now" (overdue, today, this week); tests pin it. */
  now?: () => number;
  logger?: { level: string; stream?: { write: (line: string) => void } };
  /** Milliseconds a request may take to arrive whole (default 30 s; tests shorten it). */
  requestTimeoutMs?: number;
  /** Addresses of the proxies in front (nginx) whose X-Forwarded-For names the caller; none by default. */
  trustProxy?: string[];
}

declare module 'fastify' {
  interface FastifyInstance {
    store: Store;
    accounts: AccountStore;
    townData: TownData;
    problemTable: ProblemTable;
    /** The automatic dispatch rules (自动派遣) in force. */
    dispatch: DispatchBook;
    now: () => number;
    /** Live changes to the open event streams. */
    live: LiveHub;
    /** The event log as this process follows it: call `catchUp` after a write, `notice` to tell every process. */
    feed: ChangeFeed;
    /** Appends an audit row for a request: who (the signed-in user), when, from where, what, on which object. */
    audit(req: FastifyRequest, action: string, objectType: string | null, objectId: string | number | null, detail?: Record<string, unknown>): Promise<void>;
  }
}

/** Query parameters whose values are secrets, left out of logged URLs. */
const SECRET_PARAMS = /([?&](?:display|token|password)=)[^&#]*/gi;

/** A URL as the log keeps it: secrets in its query replaced by [redacted]. */
export const redactUrl = (url: string) => url.replace(SECRET_PARAMS, '$1[redacted]');

/** A request as the log keeps it (Fastify's own fields, the URL redacted). */
function requestForLog(req: FastifyRequest) {
  return { method: req.method, url: redactUrl(req.url), host: req.host, remoteAddress: req.ip, remotePort: req.socket?.remotePort };
}

/**
 * Builds the app without listening: external plugins, then our services (store, town data,
 * problem table), then routes. The store must already hold a dataset.
 */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const requestTimeout = options.requestTimeoutMs ?? 30_000;
  const app = Fastify({
    // Logged URLs carry no secrets (a display token in /wall?display=…).
    logger: options.logger ? { ...options.logger, serializers: { req: requestForLog } } : false,
    bodyLimit: 1024 * 1024,
    // Behind nginx the caller's address (sign-in limits, rate limits, the audit log) is the one the
    // proxy says, and only a trusted proxy may say it.
    trustProxy: options.trustProxy && options.trustProxy.length > 0 ? options.trustProxy : false,
    // A request that has not arrived whole in 30 s is dropped (slow-client attacks). Node looks for
    // such requests every `connectionsCheckingInterval` (30 s by default, which let one run to 60 s).
    requestTimeout,
    http: { connectionsCheckingInterval: Math.min(1000, requestTimeout / 4) },
    connectionTimeout: 60_000,
    ajv: {
      customOptions: {
        removeAdditional: false,
        coerceTypes: true,
        useDefaults: true,
        allErrors: false,
        verbose: true,
      },
    },
  }).withTypeProvider<TypeBoxTypeProvider>();
  // Headers within 15 s. Node enforces the request timeout only while the headers' is not longer.
  app.server.headersTimeout = Math.min(15_000, requestTimeout);

  // Access control first, so that its check sees every route registered after it.
  await registerHardening(app, options.rateLimits ?? DEFAULT_RATE_LIMITS, options.rateLimitStore ?? null);
  await app.register(cookie);
  const auth = new AuthService(options.accounts, options.now ?? Date.now, options.authPolicy);
  installAccessControl(app, auth);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: '创文一张图 API', description: "Problems, grids and statistics of a town's civilized-city campaign.", version: VERSION },
      tags: [
        { name: 'system', description: '健康检查与元数据' },
        { name: 'areas', description: '村居、网格、重点点位、责任单位' },
        { name: 'problems', description: '点位问题' },
        { name: 'stats', description: '统计' },
        { name: 'auth', description: '登录与会话' },
        { name: 'wall', description: '指挥大屏' },
        { name: 'patrols', description: '网格巡查' },
        { name: 'decks', description: '动员会演示文稿' },
        { name: 'inspections', description: '重点点位测评：检查表、测评轮次、检查结果' },
        { name: 'projects', description: '重点项目推进表' },
      ],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', uiConfig: { docExpansion: 'list' } });

  installErrorHandler(app);
  installInputGuard(app);

  // The cursor before the table is read: events written meanwhile are applied again (harmlessly), none missed.
  const cursor = await options.store.lastEventId();
  const townData = await TownData.fromStore(options.store);
  const problemTable = await ProblemTable.fromStore(options.store, {
    townIds: [townData.town.id],
    gridIds: townData.grids.map((g) => g.id),
    communityIds: townData.communities.map((c) => c.id),
    unitIds: townData.units.map((u) => u.id),
    siteIds: townData.sites.map((s) => s.id),
  });
  problemTable.markRecurrent(await options.store.recurrentProblemIds());
  app.decorate('store', options.store);
  app.decorate('accounts', options.accounts);
  const live = new LiveHub();
  app.decorate('live', live);
  app.decorate('townData', townData);
  app.decorate('problemTable', problemTable);
  const dispatch = await DispatchBook.load(options.store);
  app.decorate('dispatch', dispatch);
  const feed = new ChangeFeed(options.store, problemTable, live, cursor, options.bus ?? null);
  app.decorate('feed', feed);
  followNotices(feed, { store: options.store, townData, problemTable, live, dispatch });
  await feed.start();
  app.addHook('onClose', async () => feed.close());
  app.decorate('now', options.now ?? Date.now);
  app.decorate(
    'audit',
    async (req: FastifyRequest, action: string, objectType: string | null, objectId: string | number | null, detail?: Record<string, unknown>) => {
      await options.accounts.appendAudit({
        at: app.now(),
        userId: req.user?.id ?? null,
        username: req.user?.username ?? null,
        address: req.ip,
        action,
        objectType,
        objectId: objectId === null ? null : String(objectId),
        detail,
      });
    },
  );

  // Refusals leave a trace in the audit log: every 403, and sign-ins refused for coming too fast (429).
  app.addHook('onResponse', async (req, reply) => {
    const status = reply.statusCode;
    if (status !== 403 && !(status === 429 && req.url.startsWith('/api/auth/'))) return;
    const action = status === 403 ? 'access_denied' : 'rate_limited';
    await app.audit(req, action, null, null, { method: req.method, url: redactUrl(req.url) }).catch((e: unknown) => req.log.error(e, 'audit failed'));
  });

  await app.register(healthRoutes);
  await app.register(metaRoutes);
  await app.register(areaRoutes);
  await app.register(problemRoutes);
  await app.register(problemChangeRoutes);
  await app.register(problemReportRoutes);
  await app.register(dispatchRoutes, { book: dispatch });
  await app.register(taskRoutes);
  await app.register(patrolRoutes);
  await app.register(patrolRecordRoutes);
  await app.register(patrolReadRoutes);
  await app.register(coverageRoutes);
  await app.register(deckRoutes);
  const photoFiles = new PhotoFiles(options.photoDir);
  await app.register(exportRoutes, { photos: photoFiles });
  await app.register(importRoutes);
  await app.register(boundaryRoutes, { accounts: options.accounts });
  await app.register(inspectionRoutes);
  await app.register(scoreRoutes);
  await app.register(projectRoutes);
  await app.register(siteRoutes);
  await app.register(statsRoutes);
  await app.register(hotspotRoutes);
  await app.register(authRoutes, { auth, loginPerMinute: (options.rateLimits ?? DEFAULT_RATE_LIMITS).loginPerMinute });
  await app.register(auditRoutes, { accounts: options.accounts });
  await app.register(displayTokenRoutes, { auth, accounts: options.accounts });
  await app.register(userRoutes, { auth });
  await app.register(photoRoutes, { files: photoFiles });
  await app.register(eventRoutes, { hub: live, auth });
  // A session, account or display token that ends takes its open streams with it.
  // (in every process: the stream may be open on another one)
  auth.onEnded((e) => void feed.notice({ kind: 'ended', ended: e }).catch((err: unknown) => app.log.error(err, 'could not tell the other processes')));
  await app.register(wallRoutes, { configPath: options.wallConfigPath ?? null });
  await app.register(tiandituRoutes, options.tianditu ?? { token: null, upstream: '', cacheDir: '', capBytes: 0 });
  await app.register(basemapRoutes, { tianditu: Boolean(options.tianditu?.token), dir: options.basemapDir ?? null });
  await app.register(localPmtilesRoutes, { dir: options.basemapDir ?? null });

  app.get('/api/openapi.json', { config: { access: 'public' }, schema: { hide: true } }, async () => app.swagger());

  // The built map client (npm run build), when there is one.
  const clientDir = fileURLToPath(new URL('../client/dist', import.meta.url));
  if (existsSync(clientDir)) {
    // Vite names what it builds under assets/ by their content's hash: a phone keeps them for good
    // and asks again only for index.html, which names the current ones.
    await app.register(fastifyStatic, {
      root: clientDir,
      prefix: '/',
      wildcard: false,
      setHeaders: (reply, path) =>
        reply.header('cache-control', path.startsWith(join(clientDir, 'assets')) ? 'public, max-age=31536000, immutable' : 'no-cache'),
    });
    // The client's own pages: the same app, which reads the path (the data behind them is guarded by the API).
    for (const page of CLIENT_PAGES) app.get(page, (_req, reply) => reply.sendFile('index.html'));
  }
  return app;
}
