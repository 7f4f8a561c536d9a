import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { unitScope } from '../auth/access.ts';
import { toShanghaiIso } from '../domain/calendar.ts';
import { findCategory } from '../domain/catalogue.ts';
import { RequestError } from '../errors.ts';
import { ErrorResponse, errorResponses, guardedResponses } from '../schemas/common.ts';
import { checkWallConfig, defaultWallConfig, describeWallConfigErrors, Scene, WallConfigFile, WallConfigSource, writeWallConfig } from '../wall-config.ts';

export const WallConfigAnswer = Type.Object({
  title: Type.String(),
  intervalSeconds: Type.Integer(),
  resumeAfterSeconds: Type.Integer(),
  scenes: Type.Array(Scene),
  thresholds: Type.Object({ rateGood: Type.Number(), rateWarn: Type.Number() }),
  fromFile: Type.Boolean({ description: 'whether the settings come from the data directory’s wall.json (else the defaults)' }),
  error: Type.Union([Type.String(), Type.Null()], { description: 'what is wrong with wall.json, when it is (the last good settings stay in force)' }),
});

const FEED_ACTIONS = ['report', 'close', 'merge'] as const;

export const FeedItem = Type.Object({
  eventId: Type.Integer(),
  problemId: Type.Integer(),
  action: Type.String({ description: FEED_ACTIONS.join(' | ') }),
  at: Type.String(),
  category: Type.String(),
  categoryName: Type.String(),
  communityName: Type.String(),
  gridName: Type.String(),
});

/** The wall display's own routes: its settings and the feed of what was reported and rectified lately (no personal information). */
const wallRoutes: FastifyPluginAsyncTypebox<{ configPath: string | null }> = async (app, { configPath }) => {
  const communityIds = new Set(app.townData.communities.map((c) => c.id));
  const source = new WallConfigSource(configPath, defaultWallConfig(app.townData.town.name), communityIds);

  app.get(
    '/api/wall/config',
    {
      config: { access: 'aggregate' },
      schema: {
        tags: ['wall'],
        summary: '大屏配置：标题、轮播场景与间隔、触摸后恢复时间、整改率阈值',
        description: 'From DATA_DIR/wall.json when present (checked; a wrong file keeps the last good settings and says why in `error`), else the defaults.',
        response: { 200: WallConfigAnswer, ...errorResponses, ...guardedResponses },
      },
    },
    async () => {
      const { config, fromFile, error } = source.current();
      return { ...config, fromFile, error };
    },
  );

  app.put(
    '/api/wall/config',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['wall'],
        summary: '保存大屏配置（仅管理员；写入 DATA_DIR/wall.json，运行中的大屏随即应用）',
        description:
          'The whole settings (what is left out takes the defaults). Checked as wall.json is: 422 names the first wrong field. Open event streams get a `wall-config` message.',
        body: WallConfigFile,
        response: { 200: WallConfigAnswer, 409: ErrorResponse, 422: ErrorResponse, ...errorResponses, ...guardedResponses },
      },
    },
    async (req) => {
      if (configPath === null) throw new RequestError(409, 'no_data_dir', null, '服务器没有数据目录，大屏配置只能用默认值');
      const errors = checkWallConfig(req.body, communityIds);
      if (errors.length > 0) throw new RequestError(422, 'invalid_wall_config', errors[0].field, describeWallConfigErrors(errors));
      writeWallConfig(configPath, req.body);
      source.invalidate();
      await app.audit(req, 'wall.config', 'wall', null, req.body);
      await app.feed.notice({ kind: 'wall-config' });
      const { config, fromFile, error } = source.current();
      return { ...config, fromFile, error };
    },
  );

  app.get(
    '/api/feed',
    {
      config: { access: 'aggregate' },
      schema: {
        tags: ['wall'],
        summary: '最新动态：最近上报、销号、合并的问题（不含个人信息）',
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 20 })) }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(FeedItem) }), ...errorResponses, ...guardedResponses },
      },
    },
    async (req) => {
      const t = app.townData;
      const rows = await app.store.recentEvents(req.query.limit ?? 20, FEED_ACTIONS, unitScope(req.principal));
      return {
        items: rows.map((e) => ({
          eventId: e.id,
          problemId: e.problemId,
          action: e.action,
          at: toShanghaiIso(e.at),
          category: e.category,
          categoryName: findCategory(e.category)?.name ?? e.category,
          communityName: t.communityById.get(e.communityId)?.name ?? '',
          gridName: t.gridById.get(e.gridId)?.name ?? '',
        })),
      };
    },
  );
};

export default wallRoutes;
