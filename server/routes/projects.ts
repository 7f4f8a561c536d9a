import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import type { Position } from 'geojson';
import { type Static, Type } from 'typebox';
import { shanghaiDate, toShanghaiIso } from '../domain/calendar.ts';
import { expectedPercent, nextMilestone, PROJECT_STATUS_NAMES, type ProjectStatus, projectStatus } from '../domain/projects.ts';
import { cleanText } from '../domain/text.ts';
import { badRequest, notFound, RequestError } from '../errors.ts';
import { ErrorResponse, errorResponses } from '../schemas/common.ts';
import { Project, ProjectDetail, ProjectInput, ProjectsAnswer, ProjectUpdateInput } from '../schemas/projects.ts';
import type { UserRecord } from '../store/account-store.ts';
import type { ProjectRecord } from '../store/project-store.ts';
import { checkVersion, staleVersion } from './if-match.ts';

/**
 * Key projects (重点项目推进表): the campaign's works — a market rebuilt, a back street paved, toilets
 * renovated — each with its owner unit, place, milestones and progress. The status is derived from
 * the milestones on the day asked (server/domain/projects.ts); every update is kept with its reason.
 */

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 31 - 1 }) });
const ORDER: ProjectStatus[] = ['late', 'at_risk', 'on_track', 'done'];

function projectJson(app: FastifyInstance, p: ProjectRecord, today: string): Static<typeof Project> {
  const { status, reasons } = projectStatus(p, today);
  return {
    id: p.id,
    name: p.name,
    unitId: p.unitId,
    unitName: app.townData.unitById.get(p.unitId)?.name ?? p.unitId,
    communityId: p.communityId,
    communityName: p.communityId ? (app.townData.communityById.get(p.communityId)?.name ?? '') : '',
    geometry: p.geometry as Static<typeof Project>['geometry'],
    description: p.description,
    startsOn: p.startsOn,
    dueOn: p.dueOn,
    percent: p.percent,
    expectedPercent: expectedPercent(p, today),
    milestones: p.milestones,
    next: nextMilestone(p.milestones),
    status,
    statusName: PROJECT_STATUS_NAMES[status],
    reasons,
    version: p.version,
    updatedAt: toShanghaiIso(p.updatedAt),
  };
}

/** Every position of a geometry, each checked to be a longitude and latitude. */
function positions(g: Static<typeof ProjectInput>['geometry']): Position[] {
  const all: Position[] = g.type === 'Point' ? [g.coordinates] : g.type === 'LineString' ? g.coordinates : g.coordinates.flat();
  all.forEach(([lon, lat], i) => {
    if (!(Math.abs(lon) <= 180 && Math.abs(lat) <= 90)) throw badRequest('geometry', `第 ${i + 1} 个坐标（${lon}, ${lat}）不是经纬度`);
  });
  if (g.type === 'Polygon')
    g.coordinates.forEach((ring, r) => {
      const [a, b] = [ring[0], ring[ring.length - 1]];
      if (a[0] !== b[0] || a[1] !== b[1]) throw badRequest(`geometry/coordinates/${r}`, '面的边界须首尾闭合');
    });
  return all;
}

const projectRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const today = () => shanghaiDate(app.now());

  /** Who may update a project: admins, and the owner unit's own accounts. */
  const mayUpdate = (user: UserRecord, p: ProjectRecord) => user.role === 'admin' || (user.role === 'unit' && user.unitId === p.unitId);

  app.get(
    '/api/projects',
    {
      config: { access: 'aggregate' },
      schema: {
        tags: ['projects'],
        summary: '重点项目推进表：各项目的进度、节点与状态（滞后、存在风险、正常推进、已完成）',
        response: { 200: ProjectsAnswer, ...errorResponses },
      },
    },
    async () => {
      const day = today();
      const projects = (await app.store.projects.list()).map((p) => projectJson(app, p, day));
      projects.sort((a, b) => ORDER.indexOf(a.status) - ORDER.indexOf(b.status) || a.dueOn.localeCompare(b.dueOn) || a.id - b.id);
      const counts = { on_track: 0, at_risk: 0, late: 0, done: 0 };
      for (const p of projects) counts[p.status]++;
      return { today: day, projects, counts };
    },
  );

  app.get(
    '/api/projects/:id',
    {
      config: { access: ['admin', 'leader', 'grid_manager', 'unit'] },
      schema: {
        tags: ['projects'],
        summary: '重点项目及其每次更新（谁、何时、改了什么、为什么）',
        params: IdParams,
        response: { 200: ProjectDetail, ...errorResponses, 404: ErrorResponse },
      },
    },
    async (req, reply) => {
      const p = await app.store.projects.get(req.params.id);
      if (!p) throw notFound(`没有第 ${req.params.id} 号重点项目`);
      const milestoneName = (id: number) => p.milestones.find((m) => m.id === id)?.name ?? `节点 ${id}`;
      const shown = (v: unknown) => (v === null || v === undefined ? null : String(v));
      const updates = (await app.store.projects.updates(p.id)).map((u) => ({
        id: u.id,
        at: toShanghaiIso(u.at),
        actor: u.actor,
        note: u.note,
        changes: Object.entries(u.changes).map(([field, c]) => ({
          field,
          name: field === 'percent' ? '完成进度（%）' : field.startsWith('milestone:') ? `节点「${milestoneName(Number(field.slice(10)))}」完成日期` : field,
          from: shown(c.from),
          to: shown(c.to),
        })),
      }));
      reply.header('ETag', `"${p.version}"`);
      return { project: projectJson(app, p, today()), updates };
    },
  );

  app.post(
    '/api/projects',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['projects'],
        summary: '新建重点项目：责任单位、位置（点、线或面）、起止日期与节点',
        body: ProjectInput,
        response: { 201: Project, ...errorResponses, 422: ErrorResponse },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const user = req.user as UserRecord;
      const name = cleanText(b.name, 'name', '项目名称');
      const description = b.description === undefined ? '' : cleanText(b.description, 'description', '项目内容', { multiline: true, optional: true });
      if (!app.townData.unitById.has(b.unitId)) throw new RequestError(422, 'unknown_value', 'unitId', `没有责任单位 ${b.unitId}`);
      if (b.dueOn < b.startsOn) throw badRequest('dueOn', '计划完工日期不能早于开工日期');
      const points = positions(b.geometry);
      const communityId = points.map(([lon, lat]) => app.townData.communityIndex.locate(lon, lat)).find((c) => c !== null) ?? null;
      if (communityId === null) throw new RequestError(422, 'outside_town', 'geometry', '项目位置不在本镇范围内');
      const milestones = b.milestones.map((m, i) => ({ name: cleanText(m.name, `milestones/${i}/name`, '节点名称'), plannedOn: m.plannedOn, doneOn: null }));
      const p = await app.store.projects.create({
        name,
        unitId: b.unitId,
        communityId,
        geometry: b.geometry,
        description,
        startsOn: b.startsOn,
        dueOn: b.dueOn,
        percent: b.percent ?? 0,
        milestones,
        createdBy: user.displayName,
        createdAt: app.now(),
      });
      await app.audit(req, 'project.create', 'project', p.id, { name: p.name, unitId: p.unitId });
      reply.header('ETag', `"${p.version}"`);
      return reply.code(201).send(projectJson(app, p, today()));
    },
  );

  app.patch(
    '/api/projects/:id',
    {
      config: { access: ['admin', 'unit'] },
      schema: {
        tags: ['projects'],
        summary: '更新项目进度：完成百分比、节点实际完成日期，须说明进展',
        description:
          "Admins, and the owner unit's accounts for their own projects. If-Match with the project's ETag is required (412 stale, 428 missing). A milestone's actual date cannot be in the future; null takes a reached milestone back. Every update is kept (GET /api/projects/:id) and audited.",
        params: IdParams,
        headers: Type.Object({ 'if-match': Type.Optional(Type.String({ maxLength: 32 })) }),
        body: ProjectUpdateInput,
        response: { 200: Project, ...errorResponses, 404: ErrorResponse, 412: ErrorResponse, 422: ErrorResponse, 428: ErrorResponse },
      },
    },
    async (req, reply) => {
      const user = req.user as UserRecord;
      const p = await app.store.projects.get(req.params.id);
      if (!p) throw notFound(`没有第 ${req.params.id} 号重点项目`);
      if (!mayUpdate(user, p)) throw new RequestError(403, 'forbidden', 'id', '只有管理员和项目的责任单位可以更新进度');
      checkVersion(req.headers['if-match'], p.version, '项目');
      const b = req.body;
      const day = today();
      const note = cleanText(b.note, 'note', '进展说明', { multiline: true });
      (b.milestones ?? []).forEach((m, i) => {
        if (!p.milestones.some((x) => x.id === m.id)) throw new RequestError(422, 'unknown_value', `milestones/${i}/id`, `本项目没有节点 ${m.id}`);
        if (m.doneOn !== null && m.doneOn > day) throw badRequest(`milestones/${i}/doneOn`, `完成日期 ${m.doneOn} 晚于今天（${day}）`);
        if (m.doneOn !== null && m.doneOn < p.startsOn) throw badRequest(`milestones/${i}/doneOn`, `完成日期 ${m.doneOn} 早于开工日期 ${p.startsOn}`);
      });
      const next = await app.store.projects.update(
        p.id,
        p.version,
        { percent: b.percent, milestones: b.milestones },
        { actor: user.displayName, at: app.now(), note },
      );
      if (!next) {
        throw staleVersion((await app.store.projects.get(p.id))?.version ?? p.version, '项目');
      }
      await app.audit(req, 'project.update', 'project', p.id, { percent: next.percent, version: next.version });
      reply.header('ETag', `"${next.version}"`);
      return projectJson(app, next, day);
    },
  );
};

export default projectRoutes;
