import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { VERSION } from '../version.ts';

const Health = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  db: Type.Union([Type.Literal('ok'), Type.Literal('error')]),
  version: Type.String(),
});

const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/health',
    { config: { access: 'public' }, schema: { tags: ['system'], summary: '健康检查', response: { 200: Health, 503: Health } } },
    async (_req, reply) => {
      const ok = await app.store.ping().catch(() => false);
      return reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'degraded', db: ok ? 'ok' : 'error', version: VERSION });
    },
  );
};

export default healthRoutes;
