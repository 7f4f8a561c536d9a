import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Static } from 'typebox';
import { startOfShanghaiDay, toShanghaiIso } from '../domain/calendar.ts';
import { RequestError } from '../errors.ts';
import { COVERAGE_REACH_M } from '../patrol/coverage.ts';
import { gridCoverage } from '../patrol/grid-coverage.ts';
import { errorResponses, guardedResponses } from '../schemas/common.ts';
import { CoverageAnswer, CoverageQuery } from '../schemas/patrols.ts';

/** How far back "last patrolled" is looked for. */
const LOOKBACK_DAYS = 60;
const DAY = 86_400_000;

/** 巡查覆盖: which grids were walked, how much of their roads, and which key sites were visited. */
const coverageRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // Answers by what they depend on (the patrol data's revision, the day, the windows): placing a few
  // hundred thousand track points in their grids takes a few hundred ms, and the wall asks every scene.
  const cache = new Map<string, Static<typeof CoverageAnswer>>();

  app.get(
    '/api/stats/coverage',
    {
      config: { access: 'aggregate' },
      schema: {
        tags: ['stats'],
        summary: '巡查覆盖：各网格最近巡查、巡查里程、道路覆盖率（30 米内），重点点位到访',
        description:
          'Per grid: when a track was last inside it (up to 60 days back), metres walked in it and the share of its road length within 30 m of a track over the last `days`, 当场整改 count; per key site: last check-in. Aggregated: no names of people. Not for unit accounts.',
        querystring: CoverageQuery,
        response: { 200: CoverageAnswer, ...errorResponses, ...guardedResponses },
      },
    },
    async (req) => {
      if (req.user?.role === 'unit') throw new RequestError(403, 'forbidden', null, '责任单位账号不能查看巡查情况');
      const days = req.query.days ?? 7;
      const siteDays = req.query.siteDays ?? 7;
      const now = app.now();
      const today = startOfShanghaiDay(now);
      const key = `${await app.store.patrols.revision()}|${today}|${days}|${siteDays}`;
      const cached = cache.get(key);
      if (cached) return cached;
      // The window is whole days: today and the days - 1 before.
      const since = today - (days - 1) * DAY;
      const siteSince = today - (siteDays - 1) * DAY;
      const town = app.townData;
      const patrols = app.store.patrols;
      const tracks = await patrols.tracksSince(Math.min(since, today - LOOKBACK_DAYS * DAY));
      const rows = gridCoverage(
        { grids: town.grids, roadGraph: town.roadGraph, locate: (lon, lat) => town.gridIndex.locate(lon, lat) },
        [...tracks.values()],
        since,
      );
      const checkins = await patrols.checkinsSince(since);
      const fixesByGrid = new Map<string, number>();
      for (const c of checkins) {
        if (c.kind !== 'fix' || c.problemId === null) continue;
        const row = app.problemTable.positionOf(c.problemId);
        if (row < 0) continue;
        const gridId = app.problemTable.dictionaries.gridIds[app.problemTable.grid[row]];
        fixesByGrid.set(gridId, (fixesByGrid.get(gridId) ?? 0) + 1);
      }
      const visits = await patrols.lastSiteVisits();
      const started = await patrols.list({ from: since, limit: 100_000 });
      const grids = rows.map((r) => {
        const g = town.gridById.get(r.gridId);
        return {
          gridId: r.gridId,
          name: g?.name ?? r.gridId,
          communityId: g?.communityId ?? '',
          lastPatrolledAt: r.lastPatrolledAt === null ? null : toShanghaiIso(r.lastPatrolledAt),
          daysSince: r.lastPatrolledAt === null ? null : Math.max(0, Math.round((today - startOfShanghaiDay(r.lastPatrolledAt)) / DAY)),
          patrols: r.patrols,
          meters: Math.round(r.meters),
          roadMeters: Math.round(r.roadM),
          coveredMeters: Math.round(r.coveredM),
          share: Math.round(r.share * 1000) / 1000,
          fixes: fixesByGrid.get(r.gridId) ?? 0,
        };
      });
      const sites = town.sites.map((s) => {
        const at = visits.get(s.id) ?? null;
        return { siteId: s.id, name: s.name, gridId: s.gridId, lastVisitedAt: at === null ? null : toShanghaiIso(at), visited: at !== null && at >= siteSince };
      });
      const road = rows.reduce((s, r) => s + r.roadM, 0);
      const covered = rows.reduce((s, r) => s + r.coveredM, 0);
      const answer = {
        days,
        siteDays,
        since: toShanghaiIso(since),
        reachMeters: COVERAGE_REACH_M,
        lookbackDays: LOOKBACK_DAYS,
        grids,
        sites,
        totals: {
          grids: grids.length,
          gridsPatrolled: grids.filter((g) => g.patrols > 0).length,
          share: road > 0 ? Math.round((covered / road) * 1000) / 1000 : 0,
          meters: grids.reduce((s, g) => s + g.meters, 0),
          patrols: started.length,
          fixes: grids.reduce((s, g) => s + g.fixes, 0),
          sites: sites.length,
          sitesVisited: sites.filter((s) => s.visited).length,
        },
      };
      if (cache.size >= 8) cache.clear();
      cache.set(key, answer);
      return answer;
    },
  );
};

export default coverageRoutes;
