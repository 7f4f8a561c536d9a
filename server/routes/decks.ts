import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { type Static, Type } from 'typebox';
import { toShanghaiIso } from '../domain/calendar.ts';
import { findCategory } from '../domain/catalogue.ts';
import { cleanText } from '../domain/text.ts';
import { notFound, RequestError } from '../errors.ts';
import { CASE_SCENES, type MonthFacts, monthlyDeck, monthSpan } from '../present/monthly-deck.ts';
import { ErrorResponse, errorResponses, guardedResponses } from '../schemas/common.ts';
import { Deck, DeckInput, type DeckInputValue, DeckSummary } from '../schemas/decks.ts';
import type { UserRecord } from '../store/account-store.ts';
import type { DeckDraft, DeckRecord } from '../store/deck-store.ts';
import { checkVersion, staleVersion } from './if-match.ts';
import { parseInstant } from './problem-filter.ts';

/** Presentation decks (演示文稿): leaders and admins show them, admins write them; every write names the version it read. */

const DeckParams = Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 31 - 1 }) });
const IfMatch = Type.Object({ 'if-match': Type.Optional(Type.String({ maxLength: 32, description: 'the ETag of the deck as last read' })) });

export const deckJson = (d: DeckRecord): Static<typeof Deck> => ({
  id: d.id,
  title: d.title,
  theme: d.theme,
  scenes: d.scenes,
  version: d.version,
  author: d.author,
  createdAt: toShanghaiIso(d.createdAt),
  updatedAt: toShanghaiIso(d.updatedAt),
  url: `/present/${d.id}`,
});

const refuse = (field: string, message: string) => new RequestError(422, 'invalid_value', field, message);

/**
 * What the schema cannot say: ids that must name the town's areas, categories and problems, periods
 * that run forwards, scene ids that are unique. Each error names its field (`scenes/3/filters/grid`).
 */
async function checkDeck(app: FastifyInstance, input: DeckInputValue): Promise<DeckDraft> {
  const town = app.townData;
  const title = cleanText(input.title, 'title', '标题');
  const seen = new Set<string>();
  for (const [i, s] of input.scenes.entries()) {
    const at = `scenes/${i}`;
    if (seen.has(s.id)) throw refuse(`${at}/id`, `场景编号 ${s.id} 重复`);
    seen.add(s.id);
    const f = s.filters;
    if (f.community !== null && !town.communityById.has(f.community)) throw refuse(`${at}/filters/community`, `未知的村居：${f.community}`);
    if (f.grid !== null && !town.gridById.has(f.grid)) throw refuse(`${at}/filters/grid`, `未知的网格：${f.grid}`);
    for (const [k, c] of f.categories.entries()) if (!findCategory(c)) throw refuse(`${at}/filters/categories/${k}`, `未知的问题类型：${c}`);
    for (const [name, p] of [
      ['filters/period', f.period],
      ['compareWith', s.compareWith],
    ] as const) {
      if (p && p.from > p.to) throw refuse(`${at}/${name}/to`, '结束日期不能早于开始日期');
    }
    for (const [k, id] of s.outline.entries())
      if (!town.communityById.has(id) && !town.gridById.has(id)) throw refuse(`${at}/outline/${k}`, `未知的村居或网格：${id}`);
    if (s.side.kind === 'case' && !(await app.store.problem(s.side.problemId))) throw refuse(`${at}/side/problemId`, `问题 ${s.side.problemId} 不存在`);
  }
  return { title, theme: input.theme ?? 'light', scenes: input.scenes };
}

/** Problems closed in [from, to) with a before and an after photo, most recently closed first (典型案例). */
async function monthCases(app: FastifyInstance, from: number, to: number): Promise<MonthFacts['cases']> {
  const t = app.problemTable;
  const rows: number[] = [];
  for (let r = 0; r < t.size; r++) if (t.closedAt[r] >= from && t.closedAt[r] < to) rows.push(r);
  rows.sort((a, b) => t.closedAt[b] - t.closedAt[a] || t.id[b] - t.id[a]);
  const cases: MonthFacts['cases'] = [];
  for (const r of rows) {
    const kinds = new Set((await app.store.photos(t.id[r])).map((p) => p.kind));
    if (!kinds.has('before') || !kinds.has('after')) continue;
    const p = t.record(r);
    cases.push({ id: p.id, title: findCategory(p.category)?.name ?? p.category, place: p.address });
    if (cases.length === CASE_SCENES) break;
  }
  return cases;
}

const deckRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const decks = app.store.decks;

  async function deckOr404(id: number): Promise<DeckRecord> {
    const d = await decks.get(id);
    if (!d) throw notFound(`演示文稿 ${id} 不存在`);
    return d;
  }

  app.get(
    '/api/decks',
    {
      config: { access: ['admin', 'leader'] },
      schema: {
        tags: ['decks'],
        summary: '演示文稿列表（管理员、领导）',
        response: { 200: Type.Object({ decks: Type.Array(DeckSummary) }), ...errorResponses, ...guardedResponses },
      },
    },
    async () => ({
      decks: (await decks.list()).map((d) => ({
        id: d.id,
        title: d.title,
        theme: d.theme,
        scenes: d.sceneCount,
        version: d.version,
        author: d.author,
        createdAt: toShanghaiIso(d.createdAt),
        updatedAt: toShanghaiIso(d.updatedAt),
      })),
    }),
  );

  app.get(
    '/api/decks/:id',
    {
      config: { access: ['admin', 'leader'] },
      schema: {
        tags: ['decks'],
        summary: '一份演示文稿（含全部场景；ETag 为其版本）',
        params: DeckParams,
        response: { 200: Deck, ...errorResponses, ...guardedResponses },
      },
    },
    async (req, reply) => {
      const d = await deckOr404(req.params.id);
      reply.header('etag', `"${d.version}"`);
      return deckJson(d);
    },
  );

  app.post(
    '/api/decks',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['decks'],
        summary: '新建演示文稿（仅管理员）',
        body: DeckInput,
        response: { 201: Deck, ...errorResponses, ...guardedResponses, 422: ErrorResponse },
      },
    },
    async (req, reply) => {
      const user = req.user as UserRecord;
      const d = await decks.create(await checkDeck(app, req.body), user.displayName, app.now());
      await app.audit(req, 'deck.create', 'deck', d.id, { title: d.title, scenes: d.scenes.length });
      reply.code(201).header('etag', `"${d.version}"`).header('location', `/api/decks/${d.id}`);
      return deckJson(d);
    },
  );

  app.post(
    '/api/decks/generate',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['decks'],
        summary: '生成月度创文工作通报（仅管理员）：封面、本月数据、趋势、问题类型、两处热点（本月与上月对比）、红黑榜、逾期单位、典型案例、反弹、下步工作',
        description: 'Made from the API’s own answers for the month (hotspots, villages, photos), as the caller sees them; saved as a new deck to edit.',
        body: Type.Object({ month: Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM' }) }, { additionalProperties: false }),
        response: { 201: Deck, ...errorResponses, ...guardedResponses, 422: ErrorResponse },
      },
    },
    async (req, reply) => {
      const user = req.user as UserRecord;
      const span = monthSpan(req.body.month);
      if (span.from > toShanghaiIso(app.now()).slice(0, 10)) throw refuse('month', `${req.body.month} 尚未开始`);
      // The API's answers, as this admin would get them.
      const read = async (url: string) => {
        const res = await app.inject({ method: 'GET', url, headers: { cookie: req.headers.cookie ?? '' } });
        if (res.statusCode !== 200) throw new Error(`${url}: HTTP ${res.statusCode}`);
        return res.json();
      };
      const period = `from=${span.from}&to=${span.to}`;
      const [hotspots, communities, scores] = await Promise.all([
        read(`/api/hotspots?${period}`),
        read(`/api/stats/communities?${period}&sort=id`),
        read(`/api/scores?month=${span.month}&by=community`),
      ]);
      const facts: MonthFacts = {
        town: app.townData.town.name,
        span,
        hotspots: hotspots.hotspots,
        communities: communities.communities,
        scores,
        cases: await monthCases(app, parseInstant(span.from, 'month', false), parseInstant(span.to, 'month', true)),
        recurrences: (communities.communities as { recurrences: number }[]).reduce((n, c) => n + c.recurrences, 0),
      };
      const d = await decks.create(monthlyDeck(facts), user.displayName, app.now());
      await app.audit(req, 'deck.generate', 'deck', d.id, { month: span.month, scenes: d.scenes.length });
      reply.code(201).header('etag', `"${d.version}"`).header('location', `/api/decks/${d.id}`);
      return deckJson(d);
    },
  );

  app.put(
    '/api/decks/:id',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['decks'],
        summary: '保存演示文稿（仅管理员；If-Match 必填）',
        description: 'Replaces the title, theme and scenes. If-Match with the ETag read is required: 412 when someone saved in between, 428 when missing.',
        params: DeckParams,
        headers: IfMatch,
        body: DeckInput,
        response: { 200: Deck, ...errorResponses, ...guardedResponses, 412: ErrorResponse, 422: ErrorResponse, 428: ErrorResponse },
      },
    },
    async (req, reply) => {
      const user = req.user as UserRecord;
      const current = await deckOr404(req.params.id);
      checkVersion(req.headers['if-match'], current.version, '演示文稿');
      const draft = await checkDeck(app, req.body);
      const d = await decks.update(current.id, draft, current.version, user.displayName, app.now());
      if (!d) throw staleVersion(current.version, '演示文稿');
      await app.audit(req, 'deck.update', 'deck', d.id, { version: d.version, scenes: d.scenes.length });
      reply.header('etag', `"${d.version}"`);
      return deckJson(d);
    },
  );

  app.delete(
    '/api/decks/:id',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['decks'],
        summary: '删除演示文稿（仅管理员）',
        params: DeckParams,
        response: { 204: Type.Null(), ...errorResponses, ...guardedResponses },
      },
    },
    async (req, reply) => {
      const d = await deckOr404(req.params.id);
      await decks.delete(d.id);
      await app.audit(req, 'deck.delete', 'deck', d.id, { title: d.title });
      return reply.code(204).send(null);
    },
  );
};

export default deckRoutes;
