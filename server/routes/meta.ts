import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { toShanghaiIso } from '../domain/calendar.ts';
import { categories, sources } from '../domain/catalogue.ts';
import { actions, statuses } from '../domain/lifecycle.ts';
import { Meta } from '../schemas/meta.ts';

const metaRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/meta',
    { config: { access: 'aggregate' }, schema: { tags: ['system'], summary: '镇、数据集、问题类型目录、来源、状态', response: { 200: Meta } } },
    async () => {
      const t = app.townData;
      const info = await app.store.datasetInfo();
      return {
        town: { id: t.town.id, name: t.town.name, code: t.town.code },
        bbox: t.town.bbox,
        center: t.town.center,
        demo: info?.kind === 'demo',
        dataset: { kind: info?.kind ?? 'unknown', origin: info?.origin ?? {}, loadedAt: info ? toShanghaiIso(info.loadedAt) : '' },
        counts: {
          communities: t.communities.length,
          grids: t.grids.length,
          sites: t.sites.length,
          units: t.units.length,
          problems: app.problemTable.size,
        },
        categories: categories.map(({ defaultUnit: _unit, ...c }) => c),
        sources: sources.map((s) => ({ ...s })),
        statuses: statuses.map((s) => ({ ...s })),
        actions: actions.map((a) => ({ code: a.code, name: a.name, from: [...a.from], to: a.to })),
        now: toShanghaiIso(app.now()),
      };
    },
  );
};

export default metaRoutes;
