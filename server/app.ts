import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { ProblemTable } from './analytics/problem-table.ts';
import { AuthService } from './auth/auth-service.ts';
import { installErrorHandler } from './errors.ts';
import areaRoutes from './routes/areas.ts';
import auditRoutes from './routes/audit.ts';
import authRoutes from './routes/auth.ts';
import displayTokenRoutes from './routes/display-tokens.ts';
import healthRoutes from './routes/health.ts';
import hotspotRoutes from './routes/hotspots.ts';
import metaRoutes from './routes/meta.ts';
import problemRoutes from './routes/problems.ts';
import statsRoutes from './routes/stats.ts';
import type { AccountStore } from './store/account-store.ts';
import type { Store } from './store/store.ts';
import { TownData } from './town-data.ts';
import { VERSION } from './version.ts';

export interface AppOptions {
  store: Store;
  /** Accounts, sessions and the audit log; with them the sign-in routes are served. */
  accounts?: AccountStore;
  /** The clock used for "now" (overdue, today, this week); tests pin it. */
  now?: () => number;
  logger?: FastifyServerOptions['logger'];
}

declare module 'fastify' {
  interface FastifyInstance {
    store: Store;
    townData: TownData;
    problemTable: ProblemTable;
    now: () => number;
  }
}

/**
 * Builds the app without listening: external plugins, then our services (store, town data,
 * problem table), then routes. The store must already hold a dataset.
 */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 1024 * 1024,
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
      ],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs', uiConfig: { docExpansion: 'list' } });

  installErrorHandler(app);

  const townData = await TownData.fromStore(options.store);
  const problemTable = await ProblemTable.fromStore(options.store, {
    townIds: [townData.town.id],
    gridIds: townData.grids.map((g) => g.id),
    communityIds: townData.communities.map((c) => c.id),
    unitIds: townData.units.map((u) => u.id),
    siteIds: townData.sites.map((s) => s.id),
  });
  app.decorate('store', options.store);
  app.decorate('townData', townData);
  app.decorate('problemTable', problemTable);
  app.decorate('now', options.now ?? Date.now);

  await app.register(healthRoutes);
  await app.register(metaRoutes);
  await app.register(areaRoutes);
  await app.register(problemRoutes);
  await app.register(statsRoutes);
  await app.register(hotspotRoutes);
  if (options.accounts) {
    await app.register(cookie);
    const auth = new AuthService(options.accounts, options.now ?? Date.now);
    await app.register(authRoutes, { auth });
    await app.register(auditRoutes, { auth, accounts: options.accounts });
    await app.register(displayTokenRoutes, { auth, accounts: options.accounts });
  }

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  // The built map client (npm run build), when there is one.
  const clientDir = fileURLToPath(new URL('../client/dist', import.meta.url));
  if (existsSync(clientDir)) await app.register(fastifyStatic, { root: clientDir, prefix: '/', wildcard: false });
  return app;
}
