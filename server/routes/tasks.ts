import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { NO_UNIT } from '../analytics/problem-table.ts';
import { toShanghaiIso } from '../domain/calendar.ts';
import { findCategory } from '../domain/catalogue.ts';
import { statusCodes } from '../domain/lifecycle.ts';
import { compareTasks, dueSoonBefore, TASK_REASON_NAMES, type TaskReason, taskReason, urgencyBand } from '../domain/tasks.ts';
import { errorResponses, guardedResponses } from '../schemas/common.ts';
import { TasksAnswer } from '../schemas/tasks.ts';
import type { UserRecord } from '../store/account-store.ts';

const DAY_MS = 86_400_000;

/** 我的待办: the problems that wait for the signed-in user, most urgent first. */
const taskRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/tasks',
    {
      config: { access: 'users' },
      schema: {
        tags: ['problems'],
        summary: '我的待办：等待当前用户处理的问题，按紧急程度排序',
        description:
          'A unit: its problems not yet submitted (sent back ones included). A grid manager, in their grids: awaiting verification, overdue, due within two working days. An admin: not yet assigned, awaiting verification, overdue. A leader: overdue (督办). Order: overdue (most days late first), then due within two working days, then the rest by deadline.',
        querystring: Type.Object(
          { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 2000, default: 300, description: 'rows at most; the counts cover all' })) },
          { additionalProperties: false },
        ),
        response: { 200: TasksAnswer, ...errorResponses, ...guardedResponses },
      },
    },
    async (req) => {
      const user = req.user as UserRecord;
      const { limit = 300 } = req.query;
      const t = app.problemTable;
      const now = app.now();
      const soon = dueSoonBefore(now);
      const found: { row: number; id: number; reason: TaskReason; band: 0 | 1 | 2; deadline: number | null }[] = [];
      for (let row = 0; row < t.size; row++) {
        const status = statusCodes[t.status[row]];
        if (status === 'closed') continue;
        const deadline = Number.isNaN(t.deadline[row]) ? null : t.deadline[row];
        const unit = t.unit[row];
        const problem = { status, gridId: t.dictionaries.gridIds[t.grid[row]], unitId: unit === NO_UNIT ? null : t.dictionaries.unitIds[unit], deadline };
        const reason = taskReason(user, problem, now, soon);
        if (reason) found.push({ row, id: t.id[row], reason, band: urgencyBand(deadline, status, now, soon), deadline });
      }
      found.sort(compareTasks);
      const page = found.slice(0, limit);
      const tasks = [];
      for (const f of page) {
        const p = t.record(f.row);
        let reason = f.reason;
        // Sent back at verification: the unit sees why it is on the list again.
        if (reason === 'rectify' && p.status === 'open') {
          const events = await app.store.events(p.id);
          if (events.at(-1)?.action === 'reject') reason = 'rejected';
        }
        const grid = app.townData.gridById.get(p.gridId);
        tasks.push({
          id: p.id,
          reason,
          reasonName: TASK_REASON_NAMES[reason],
          band: f.band,
          category: p.category,
          categoryName: findCategory(p.category)?.name ?? p.category,
          status: p.status,
          address: p.address,
          communityName: app.townData.communityById.get(p.communityId)?.name ?? '',
          gridName: grid?.name ?? '',
          unitName: p.unitId ? (app.townData.unitById.get(p.unitId)?.name ?? p.unitId) : null,
          reportedAt: toShanghaiIso(p.reportedAt),
          deadline: p.deadline === null ? null : toShanghaiIso(p.deadline),
          overdue: f.band === 0,
          daysOverdue: f.band === 0 && p.deadline !== null ? Math.ceil((now - p.deadline) / DAY_MS) : null,
          lon: p.lon,
          lat: p.lat,
          version: p.version,
        });
      }
      return {
        now: toShanghaiIso(now),
        total: found.length,
        overdue: found.filter((f) => f.band === 0).length,
        dueSoon: found.filter((f) => f.band === 1).length,
        tasks,
      };
    },
  );
};

export default taskRoutes;
