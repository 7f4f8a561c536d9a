import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { shanghaiDate, toShanghaiIso } from '../domain/calendar.ts';
import { checklistFor, checklists, findItem } from '../domain/checklists.ts';
import { stratifiedSample } from '../domain/inspections.ts';
import { cleanText } from '../domain/text.ts';
import { badRequest, notFound, RequestError } from '../errors.ts';
import { failedItemDraft, kindName } from '../inspections/failed-item.ts';
import { ErrorResponse, errorResponses } from '../schemas/common.ts';
import { CheckDone, CheckInput, ChecklistsAnswer, RoundDetail, RoundInput, RoundSummary, SiteHistory, SiteResults } from '../schemas/inspections.ts';
import type { UserRecord } from '../store/account-store.ts';
import type { RoundSite, SampleRecord } from '../store/inspection-store.ts';
import { checkJson, roundJson, roundReport, ruleOf } from './inspection-json.ts';

/**
 * Inspection rounds (测评轮次): the campaign office sets up a round — 督导检查, 模拟测评, 暗访 or
 * 回头看 — with its sites; inspectors check each site against its checklist on a phone; every
 * failed item becomes one problem linked to its site and item, due by the round's rule.
 */

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 31 - 1 }) });

const inspectionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const siteOf = (id: string) => app.townData.siteById.get(id);

  app.get(
    '/api/checklists',
    {
      config: { access: ['admin', 'leader', 'grid_manager'] },
      schema: { tags: ['inspections'], summary: '各类重点点位的测评项（检查表）', response: { 200: ChecklistsAnswer, ...errorResponses } },
    },
    async () => ({ checklists: checklists.map((c) => ({ kind: c.kind, items: c.items })) }),
  );

  app.get(
    '/api/inspections/rounds',
    {
      config: { access: ['admin', 'leader', 'grid_manager'] },
      schema: {
        tags: ['inspections'],
        summary: '测评轮次（最近的在前）',
        response: { 200: Type.Object({ rounds: Type.Array(RoundSummary) }), ...errorResponses },
      },
    },
    async () => ({ rounds: (await app.store.inspections.rounds()).map(roundJson) }),
  );

  app.post(
    '/api/inspections/rounds',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['inspections'],
        summary: '新建测评轮次：督导检查、模拟测评、暗访或回头看，及其点位',
        description:
          'The sites: all, those chosen, or a random sample stratified by site type (the same `seed` draws the same sites; none given: one is drawn and kept). A recheck (回头看) names `recheckOf` and visits the sites with failed items there, for those items only.',
        body: RoundInput,
        response: { 201: RoundSummary, ...errorResponses, 422: ErrorResponse },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const user = req.user as UserRecord;
      const name = cleanText(b.name, 'name', '轮次名称');
      const team = b.team.map((t, i) => cleanText(t, `team/${i}`, '检查人员'));
      if (b.endsOn < b.startsOn) throw badRequest('endsOn', '结束日期不能早于开始日期');
      let sites: RoundSite[];
      let sample: SampleRecord;
      if (b.kind === 'recheck') {
        if (b.recheckOf === undefined) throw badRequest('recheckOf', '回头看需指明复查哪一轮（recheckOf）');
        const earlier = await app.store.inspections.round(b.recheckOf);
        if (!earlier) throw new RequestError(422, 'unknown_value', 'recheckOf', `没有第 ${b.recheckOf} 轮测评`);
        sites = earlier.checks
          .map((c) => ({ siteId: c.siteId, items: c.items.filter((i) => i.result === 'fail').map((i) => i.item) }))
          .filter((s) => s.items.length > 0);
        if (sites.length === 0) throw new RequestError(422, 'nothing_to_recheck', 'recheckOf', `第 ${b.recheckOf} 轮没有不合格项，无需回头看`);
        sample = { mode: 'recheck' };
      } else {
        if (b.recheckOf !== undefined) throw badRequest('recheckOf', '只有回头看（recheck）可以指明 recheckOf');
        const all = app.townData.sites;
        if (b.sample.mode === 'all') {
          sites = all.map((s) => ({ siteId: s.id, items: null }));
          sample = { mode: 'all' };
        } else if (b.sample.mode === 'chosen') {
          const unknown = b.sample.siteIds.findIndex((id) => !siteOf(id));
          if (unknown >= 0) throw new RequestError(422, 'unknown_value', `sample/siteIds/${unknown}`, `没有重点点位 ${b.sample.siteIds[unknown]}`);
          sites = [...new Set(b.sample.siteIds)].map((siteId) => ({ siteId, items: null }));
          sample = { mode: 'chosen' };
        } else {
          const seed = b.sample.seed ?? Math.floor(Math.random() * 2 ** 31);
          sites = stratifiedSample(all, b.sample.size, seed).map((siteId) => ({ siteId, items: null }));
          sample = { mode: 'random', size: b.sample.size, seed };
        }
      }
      const round = await app.store.inspections.createRound(
        {
          kind: b.kind,
          name,
          startsOn: b.startsOn,
          endsOn: b.endsOn,
          team,
          deadlineRule: ruleOf(b.deadline),
          recheckOf: b.recheckOf ?? null,
          sample,
          createdBy: user.displayName,
          createdAt: app.now(),
        },
        sites,
      );
      await app.audit(req, 'inspection.round', 'round', round.id, { kind: round.kind, sites: sites.length });
      return reply.code(201).send(roundJson({ ...round, sites: sites.length, checked: 0 }));
    },
  );

  app.get(
    '/api/inspections/rounds/:id',
    {
      config: { access: ['admin', 'leader', 'grid_manager'] },
      schema: {
        tags: ['inspections'],
        summary: '测评轮次：点位及其检查项、已完成的检查、按点位类型/村居/责任单位的合格率',
        params: IdParams,
        response: { 200: RoundDetail, ...errorResponses, 404: ErrorResponse },
      },
    },
    async (req) => {
      const found = await app.store.inspections.round(req.params.id);
      if (!found) throw notFound(`没有第 ${req.params.id} 轮测评`);
      const { round, sites, checks } = found;
      const checkOf = new Map(checks.map((c) => [c.siteId, c.id]));
      const town = app.townData;
      return {
        round: roundJson({ ...round, sites: sites.length, checked: checks.length }),
        sites: sites.flatMap((s) => {
          const site = siteOf(s.siteId);
          if (!site) return [];
          const list = checklistFor(site.kind).items.filter((i) => s.items === null || s.items.includes(i.code));
          return [
            {
              siteId: site.id,
              name: site.name,
              kind: site.kind,
              communityName: town.communityById.get(site.communityId)?.name ?? '',
              gridId: site.gridId,
              items: list.map((i) => ({ code: i.code, text: i.text, veto: i.veto })),
              checkId: checkOf.get(site.id) ?? null,
            },
          ];
        }),
        checks: checks.map(checkJson),
        report: roundReport(checks, town),
      };
    },
  );

  app.post(
    '/api/inspections/rounds/:id/checks',
    {
      config: { access: ['admin', 'grid_manager'] },
      schema: {
        tags: ['inspections'],
        summary: '提交一个点位的检查结果；每个不合格项生成一件问题（关联点位与测评项）',
        description:
          'Every item the round asks at this site must be answered once (pass, fail, na). A failed item becomes one problem at the site, of the item’s category, from the round (督导检查 → inspection, 模拟测评 → mock_evaluation), due by the round’s rule and assigned to the site’s unit; if a problem for the same site and item is still open, the item is linked to it instead. A site is checked once per round (409). Photos go to each problem (POST /api/problems/:id/photos).',
        params: IdParams,
        body: CheckInput,
        response: { 201: CheckDone, ...errorResponses, 404: ErrorResponse, 409: ErrorResponse, 422: ErrorResponse },
      },
    },
    async (req, reply) => {
      const user = req.user as UserRecord;
      const found = await app.store.inspections.round(req.params.id);
      if (!found) throw notFound(`没有第 ${req.params.id} 轮测评`);
      const { round, sites } = found;
      const b = req.body;
      const planned = sites.find((s) => s.siteId === b.siteId);
      const site = siteOf(b.siteId);
      if (!planned || !site) throw new RequestError(422, 'unknown_value', 'siteId', `重点点位 ${b.siteId} 不在本轮检查范围内`);
      if (user.role === 'grid_manager' && !user.gridIds.includes(site.gridId))
        throw new RequestError(403, 'forbidden', 'siteId', '网格员只能检查本人负责网格内的点位');
      const now = app.now();
      const today = shanghaiDate(now);
      if (today < round.startsOn || today > round.endsOn)
        throw new RequestError(422, 'outside_round', 'id', `本轮检查时间为 ${round.startsOn} 至 ${round.endsOn}，今天（${today}）不在其中`);
      const asked = checklistFor(site.kind).items.filter((i) => planned.items === null || planned.items.includes(i.code));
      const seen = new Set<string>();
      b.items.forEach((i, k) => {
        if (!asked.some((a) => a.code === i.item)) throw new RequestError(422, 'unknown_value', `items/${k}/item`, `“${i.item}”不是本点位本轮的检查项`);
        if (seen.has(i.item)) throw badRequest(`items/${k}/item`, `检查项“${i.item}”重复`);
        seen.add(i.item);
      });
      const missing = asked.filter((a) => !seen.has(a.code));
      if (missing.length > 0) throw new RequestError(422, 'missing_items', 'items', `还有 ${missing.length} 项未填：${missing.map((m) => m.text).join('、')}`);
      const note = b.note === undefined ? '' : cleanText(b.note, 'note', '备注', { multiline: true, optional: true });
      const items = b.items.map((i, k) => {
        const itemNote = i.note === undefined ? '' : cleanText(i.note, `items/${k}/note`, '说明', { multiline: true, optional: true });
        return {
          item: i.item,
          result: i.result,
          note: itemNote,
          draft: i.result === 'fail' ? failedItemDraft(app.townData, round, site, i.item, itemNote, user.displayName, now) : null,
        };
      });
      const done = await app.store.inspections.submitCheck({ roundId: round.id, siteId: site.id, checkedAt: now, inspector: user.displayName, note, items });
      if (!done) throw new RequestError(409, 'already_checked', 'siteId', `${site.name}在本轮已检查过`);
      await app.feed.catchUp();
      if (done.created.length > 0) app.live.announce('reset');
      await app.audit(req, 'inspection.check', 'site', site.id, { round: round.id, failed: items.filter((i) => i.result === 'fail').length });
      const created = new Set(done.created);
      return reply.code(201).send({
        check: checkJson(done.check),
        problems: done.check.items.flatMap((i) => (i.problemId === null ? [] : [{ id: i.problemId, item: i.item, created: created.has(i.problemId) }])),
      });
    },
  );

  app.get(
    '/api/sites/results',
    {
      config: { access: 'aggregate' },
      schema: {
        tags: ['inspections'],
        summary: '各重点点位最近一次检查的结果（地图按此着色）',
        response: { 200: SiteResults, ...errorResponses },
      },
    },
    async () => {
      const latest = new Map<string, Awaited<ReturnType<typeof app.store.inspections.checkFailures>>[number]>();
      for (const c of await app.store.inspections.checkFailures()) latest.set(c.siteId, c); // oldest first: the last one stays
      return {
        sites: [...latest.values()]
          .filter((c) => siteOf(c.siteId))
          .map((c) => {
            const veto = c.failed.some((i) => findItem(i)?.veto === true);
            return {
              siteId: c.siteId,
              checkedAt: toShanghaiIso(c.checkedAt),
              roundKind: c.roundKind,
              failed: c.failed.length,
              result: veto ? ('veto' as const) : c.failed.length > 0 ? ('fail' as const) : ('pass' as const),
            };
          }),
      };
    },
  );

  app.get(
    '/api/sites/:id/checks',
    {
      config: { access: ['admin', 'leader', 'grid_manager'] },
      schema: {
        tags: ['inspections'],
        summary: '重点点位的检查记录（最近的在前）',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        response: { 200: SiteHistory, ...errorResponses, 404: ErrorResponse },
      },
    },
    async (req) => {
      const site = siteOf(req.params.id);
      if (!site) throw notFound(`没有重点点位 ${req.params.id}`);
      const checks = await app.store.inspections.siteChecks(site.id);
      return {
        site: { id: site.id, name: site.name, kind: site.kind, unitName: site.unitId ? (app.townData.unitById.get(site.unitId)?.name ?? null) : null },
        checks: checks.map((c) => ({ ...checkJson(c), round: { id: c.round.id, kindName: kindName(c.round.kind), name: c.round.name } })),
      };
    },
  );
};

export default inspectionRoutes;
