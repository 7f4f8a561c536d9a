import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { toShanghaiIso } from '../domain/calendar.ts';
import { categories, sources } from '../domain/catalogue.ts';
import { actions, statuses } from '../domain/lifecycle.ts';

const Coded = Type.Object({ code: Type.String(), name: Type.String() });

const Meta = Type.Object({
  town: Type.Object({ id: Type.String(), name: Type.String(), code: Type.String() }),
  bbox: Type.Array(Type.Number(), { minItems: 4, maxItems: 4 }),
  center: Type.Array(Type.Number(), { minItems: 2, maxItems: 2 }),
  demo: Type.Boolean({ description: 'true when the data is the generated demo (演示数据)' }),
  dataset: Type.Object({ kind: Type.String(), origin: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()])), loadedAt: Type.String() }),
  counts: Type.Object({ communities: Type.Integer(), grids: Type.Integer(), sites: Type.Integer(), units: Type.Integer(), problems: Type.Integer() }),
  categories: Type.Array(
    Type.Object({
      code: Type.String(),
      name: Type.String(),
      group: Type.String(),
      color: Type.String(),
      timeLimit: Type.Object({ unit: Type.String(), value: Type.Number() }),
      referenceCode: Type.Union([Type.String(), Type.Null()], { description: '参考编码: nearest 数字城管 event class, probable only' }),
      referenceName: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
  sources: Type.Array(Coded),
  statuses: Type.Array(Coded),
  actions: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), from: Type.Array(Type.String()), to: Type.String() })),
  now: Type.String({ description: 'server time, ISO 8601 +08:00' }),
});

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
