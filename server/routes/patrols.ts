import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { NO_UNIT } from '../analytics/problem-table.ts';
import { toShanghaiIso } from '../domain/calendar.ts';
import { findCategory } from '../domain/catalogue.ts';
import { ringMean } from '../domain/geometry.ts';
import { statusCodes } from '../domain/lifecycle.ts';
import { dueSoonBefore, taskReason } from '../domain/tasks.ts';
import { badRequest, RequestError } from '../errors.ts';
import { type Candidate, compareUrgency, MODES, type Mode, minutesFor, planPatrol, STOP_KINDS, type StopKind, siteDue } from '../patrol/patrol-plan.ts';
import { DETOUR_FACTOR } from '../patrol/plan-route.ts';
import { ErrorResponse, errorResponses, guardedResponses } from '../schemas/common.ts';
import { PlanAnswer, PlanRequest } from '../schemas/patrols.ts';
import type { UserRecord } from '../store/account-store.ts';

/** Candidates considered at most (the most urgent): the plan stays quick with a town's worth of problems. */
const MAX_CANDIDATES = 80;

interface Found extends Candidate {
  problemId: number | null;
  siteId: string | null;
  name: string;
  address: string;
  gridId: string;
  deadline: number | null;
}

/** 巡查: a grid manager's patrol in their own grids (an admin's for any grids). */
const patrolRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/api/patrols/plan',
    {
      config: { access: ['admin', 'grid_manager'] },
      schema: {
        tags: ['patrols'],
        summary: '今日巡查计划：按紧急程度选点，沿道路排出最短路线',
        description:
          'Stops in the grids, most urgent first (overdue, awaiting verification, due within 2 working days, key sites not visited for 7 days), while the walk and the stops fit in budgetMinutes; ordered for the shortest walk over the town’s roads (exact up to 12 stops). Legs carry their geometry; where no road joins two points the leg is the straight line × detourFactor and says so.',
        body: PlanRequest,
        response: { 200: PlanAnswer, ...errorResponses, ...guardedResponses, 422: ErrorResponse },
      },
    },
    async (req) => {
      const user = req.user as UserRecord;
      const town = app.townData;
      const b = req.body;
      const gridIds = b.gridIds ?? (user.role === 'grid_manager' ? user.gridIds : null);
      if (!gridIds || gridIds.length === 0) throw badRequest('gridIds', '请选择要巡查的网格');
      for (const g of gridIds) {
        if (!town.gridById.has(g)) throw badRequest('gridIds', `未知的网格：${g}`, 'unknown_value');
        if (user.role === 'grid_manager' && !user.gridIds.includes(g))
          throw new RequestError(403, 'forbidden', 'gridIds', `只能巡查本人负责的网格（${g} 不是）`);
      }
      const first = town.gridById.get(gridIds[0]);
      const start: [number, number] = b.start ? [b.start.lon, b.start.lat] : first ? ringMean(first.geometry) : town.town.center;
      // A position sent must be in the town (the grid's own middle is taken as it is: a bent grid's may fall just outside).
      if (b.start && !town.gridIndex.locate(start[0], start[1])) throw new RequestError(422, 'outside_town', 'start', `出发位置不在${town.town.name}范围内`);
      const mode: Mode = b.mode ?? 'walk';
      const budget = b.budgetMinutes ?? 120;
      const lock = new Set(b.lock ?? []);
      const drop = new Set(b.drop ?? []);

      const t = app.problemTable;
      const now = app.now();
      const soon = dueSoonBefore(now);
      const actor = { role: 'grid_manager' as const, gridIds, unitId: null };
      const found: Found[] = [];
      const seenLocked = new Set<number>();
      for (let row = 0; row < t.size; row++) {
        const id = t.id[row];
        if (drop.has(id)) continue;
        const status = statusCodes[t.status[row]];
        const deadline = Number.isNaN(t.deadline[row]) ? null : t.deadline[row];
        const gridId = t.dictionaries.gridIds[t.grid[row]];
        const unit = t.unit[row];
        const reason = taskReason(actor, { status, gridId, unitId: unit === NO_UNIT ? null : t.dictionaries.unitIds[unit], deadline }, now, soon);
        const locked = lock.has(id);
        if (locked && (!gridIds.includes(gridId) || status === 'closed'))
          throw new RequestError(422, 'invalid_value', 'lock', `问题 ${id} 不在所选网格的待办之中`);
        const kind: StopKind | null = reason === 'overdue' || reason === 'verify' || reason === 'due_soon' ? reason : locked ? 'picked' : null;
        if (!kind) continue;
        if (locked) seenLocked.add(id);
        const p = t.record(row);
        found.push({
          kind,
          lonLat: [p.lon, p.lat],
          urgency: deadline ?? Number.MAX_SAFE_INTEGER,
          locked,
          problemId: id,
          siteId: null,
          name: findCategory(p.category)?.name ?? p.category,
          address: p.address,
          gridId,
          deadline,
        });
      }
      for (const id of lock) if (!seenLocked.has(id)) throw new RequestError(422, 'invalid_value', 'lock', `问题 ${id} 不在所选网格的待办之中`);
      if (b.sites !== false) {
        const visits = await app.store.patrols.lastSiteVisits();
        for (const s of town.sites) {
          if (!gridIds.includes(s.gridId) || !siteDue(visits.get(s.id), now)) continue;
          found.push({
            kind: 'site',
            lonLat: [s.lon, s.lat],
            // The longest unvisited first.
            urgency: visits.get(s.id) ?? 0,
            problemId: null,
            siteId: s.id,
            name: s.name,
            address: s.name,
            gridId: s.gridId,
            deadline: null,
          });
        }
      }
      found.sort(compareUrgency);
      const candidates = found.slice(0, Math.max(MAX_CANDIDATES, lock.size));
      const plan = planPatrol(town.roadGraph, start, candidates, budget, mode, b.maxStops ?? 60);

      let minute = 0;
      const stops = plan.chosen.map((i, k) => {
        const c = candidates[i];
        minute += minutesFor(plan.route.legs[k].meters, mode);
        const arrive = Math.round(minute);
        minute += STOP_KINDS[c.kind].dwellMinutes;
        return {
          kind: c.kind,
          kindName: STOP_KINDS[c.kind].name,
          problemId: c.problemId,
          siteId: c.siteId,
          name: c.name,
          address: c.address,
          gridId: c.gridId,
          deadline: c.deadline === null ? null : toShanghaiIso(c.deadline),
          lon: c.lonLat[0],
          lat: c.lonLat[1],
          dwellMinutes: STOP_KINDS[c.kind].dwellMinutes,
          arriveMinute: arrive,
          locked: !!c.locked,
        };
      });
      const round6 = (p: [number, number]): [number, number] => [Math.round(p[0] * 1e6) / 1e6, Math.round(p[1] * 1e6) / 1e6];
      return {
        start,
        mode,
        kmh: MODES[mode].kmh,
        budgetMinutes: budget,
        stops,
        legs: plan.route.legs.map((l) => ({
          meters: Math.round(l.meters),
          minutes: Math.round(minutesFor(l.meters, mode) * 10) / 10,
          coordinates: l.coordinates.map(round6),
          straight: l.straight,
          offRoadMeters: Math.round(l.offRoadM),
        })),
        totals: {
          meters: Math.round(plan.route.meters),
          travelMinutes: Math.round(plan.travelMinutes),
          dwellMinutes: plan.dwellMinutes,
          minutes: Math.round(plan.travelMinutes + plan.dwellMinutes),
        },
        leftOut: plan.leftOut + (found.length - candidates.length),
        detourFactor: DETOUR_FACTOR,
      };
    },
  );
};

export default patrolRoutes;
