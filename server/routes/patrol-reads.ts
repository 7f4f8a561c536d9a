import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { toShanghaiIso } from '../domain/calendar.ts';
import { notFound, RequestError } from '../errors.ts';
import { trackMeters } from '../patrol/track.ts';
import { ErrorResponse, errorResponses, guardedResponses } from '../schemas/common.ts';
import { PatrolDetail, PatrolListQuery, PatrolSummary, TrackFeature } from '../schemas/patrols.ts';
import type { UserRecord } from '../store/account-store.ts';
import type { PatrolRecord } from '../store/patrol-store.ts';
import { checkinJson, summaryOf } from './patrol-json.ts';
import { parseInstant } from './problem-filter.ts';

/**
 * Reading patrols: admins and leaders any, a grid manager their own; the track (where a person was)
 * by admins and leaders only, each read audited, gone after its 180 days (410).
 */

const PatrolParams = Type.Object({ id: Type.String({ maxLength: 40 }) });

const patrolReadRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const patrols = app.store.patrols;

  /** A patrol the caller may read: admins and leaders any, a grid manager their own. */
  async function readablePatrol(id: string, user: UserRecord): Promise<PatrolRecord> {
    const p = await patrols.get(id);
    if (!p) throw notFound(`巡查 ${id} 不存在`);
    if (user.role === 'grid_manager' && p.userId !== user.id) throw new RequestError(403, 'forbidden', 'id', '只能查看本人的巡查');
    return p;
  }

  app.get(
    '/api/patrols',
    {
      config: { access: ['admin', 'leader', 'grid_manager'] },
      schema: {
        tags: ['patrols'],
        summary: '巡查记录（管理员、领导看全部；网格员看本人的）',
        querystring: PatrolListQuery,
        response: { 200: Type.Object({ patrols: Type.Array(PatrolSummary) }), ...errorResponses, ...guardedResponses },
      },
    },
    async (req) => {
      const user = req.user as UserRecord;
      const q = req.query;
      const from = q.from === undefined ? undefined : parseInstant(q.from, 'from', false);
      const to = q.to === undefined ? undefined : parseInstant(q.to, 'to', true);
      const list = await patrols.list({ from, to, limit: q.limit ?? 200, userId: user.role === 'grid_manager' ? user.id : undefined });
      return { patrols: await Promise.all(list.map((p) => summaryOf(app, p))) };
    },
  );

  app.get(
    '/api/patrols/:id',
    {
      config: { access: ['admin', 'leader', 'grid_manager'] },
      schema: {
        tags: ['patrols'],
        summary: '一次巡查：概况与打卡（不含轨迹）',
        params: PatrolParams,
        response: { 200: PatrolDetail, ...errorResponses, ...guardedResponses },
      },
    },
    async (req) => {
      const p = await readablePatrol(req.params.id, req.user as UserRecord);
      const checkins = await patrols.checkins(p.id);
      return { patrol: await summaryOf(app, p, checkins), checkins: checkins.map(checkinJson) };
    },
  );

  app.get(
    '/api/patrols/:id/track',
    {
      config: { access: ['admin', 'leader'] },
      schema: {
        tags: ['patrols'],
        summary: '巡查轨迹（个人信息：仅管理员、领导；每次读取记入审计日志）',
        description: 'Tracks are kept 180 days; after that the patrol’s summary stays and its track is gone (410).',
        params: PatrolParams,
        response: { 200: TrackFeature, ...errorResponses, ...guardedResponses, 410: ErrorResponse },
      },
    },
    async (req) => {
      const p = await readablePatrol(req.params.id, req.user as UserRecord);
      if (p.trackPurged) throw new RequestError(410, 'track_purged', 'id', '该巡查的轨迹已过保存期限（180 天），已删除');
      const points = await patrols.track(p.id);
      await app.audit(req, 'patrol.track_read', 'patrol', p.id, { actor: p.actor, points: points.length });
      return {
        type: 'Feature' as const,
        geometry: { type: 'LineString' as const, coordinates: points.map((pt) => [pt.lon, pt.lat] as [number, number]) },
        properties: { patrolId: p.id, times: points.map((pt) => toShanghaiIso(pt.at)), meters: Math.round(trackMeters(points)) },
      };
    },
  );
};

export default patrolReadRoutes;
