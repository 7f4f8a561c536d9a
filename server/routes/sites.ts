import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { type Static, Type } from 'typebox';
import { siteKinds } from '../domain/catalogue.ts';
import { cleanText } from '../domain/text.ts';
import { notFound, RequestError } from '../errors.ts';
import { ErrorResponse, errorResponses } from '../schemas/common.ts';
import type { SiteRecord } from '../store/records.ts';

/**
 * The key-site register (重点点位): admins add a site, move or rename it, change its type or owner
 * unit, and delete one nothing refers to yet. Its village and grid follow from where it is. The
 * town's reference data is read again after each change, so checks, samples and the map see it.
 */

const SiteKind = Type.Union(
  siteKinds.map((k) => Type.Literal(k)),
  { description: 'the site type: its checklist (data/checklists.json)' },
);
const Lon = Type.Number({ minimum: -180, maximum: 180, description: 'WGS 84' });
const Lat = Type.Number({ minimum: -90, maximum: 90, description: 'WGS 84' });
const UnitId = Type.Union([Type.Null(), Type.String({ maxLength: 64 })], { description: 'the owner unit (责任单位); null: none' });

const SiteInput = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 40 }), kind: SiteKind, lon: Lon, lat: Lat, unitId: Type.Optional(UnitId) },
  { additionalProperties: false },
);
const SiteChange = Type.Partial(SiteInput, { additionalProperties: false, minProperties: 1 });

export const SiteAnswer = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: Type.String(),
  lon: Type.Number(),
  lat: Type.Number(),
  communityId: Type.String(),
  communityName: Type.String(),
  gridId: Type.String(),
  gridName: Type.String(),
  unitId: Type.Union([Type.String(), Type.Null()]),
  unitName: Type.Union([Type.String(), Type.Null()]),
});

const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });

const siteRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const town = () => app.townData;
  const answer = (s: SiteRecord): Static<typeof SiteAnswer> => ({
    id: s.id,
    name: s.name,
    kind: s.kind,
    lon: s.lon,
    lat: s.lat,
    communityId: s.communityId,
    communityName: town().communityById.get(s.communityId)?.name ?? '',
    gridId: s.gridId,
    gridName: town().gridById.get(s.gridId)?.name ?? '',
    unitId: s.unitId,
    unitName: s.unitId ? (town().unitById.get(s.unitId)?.name ?? null) : null,
  });

  /** The grid and village of a place in the town, or a 422 naming `lon`. */
  const place = (lon: number, lat: number) => {
    const grid = town().gridById.get(town().gridIndex.locate(lon, lat) ?? '');
    if (!grid) throw new RequestError(422, 'outside_town', 'lon', `位置（${lon.toFixed(5)}, ${lat.toFixed(5)}）不在${town().town.name}的网格内`);
    return { gridId: grid.id, communityId: grid.communityId };
  };
  const unit = (id: string | null | undefined) => {
    if (id === undefined || id === null) return null;
    if (!town().unitById.has(id)) throw new RequestError(422, 'unknown_value', 'unitId', `没有责任单位 ${id}`);
    return id;
  };
  const saved = async (req: FastifyRequest, action: string, s: SiteRecord) => {
    await app.store.saveSite(s);
    await app.feed.notice({ kind: 'sites' });
    await app.audit(req, action, 'site', s.id, { name: s.name, kind: s.kind, lon: s.lon, lat: s.lat, unitId: s.unitId });
  };

  app.get(
    '/api/sites/register',
    {
      config: { access: ['admin', 'leader'] },
      schema: {
        tags: ['inspections'],
        summary: '重点点位登记表（类型、位置、网格、责任单位）',
        response: { 200: Type.Object({ sites: Type.Array(SiteAnswer) }), ...errorResponses },
      },
    },
    async () => ({ sites: town().sites.map(answer) }),
  );

  app.post(
    '/api/sites',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['inspections'],
        summary: '新增重点点位（村居、网格由位置决定）',
        body: SiteInput,
        response: { 201: SiteAnswer, ...errorResponses, 422: ErrorResponse },
      },
    },
    async (req, reply) => {
      const b = req.body;
      const name = cleanText(b.name, 'name', '点位名称');
      const where = place(b.lon, b.lat);
      // a readable id, unique in the register: the village's, numbered on
      const taken = new Set(town().sites.map((s) => s.id));
      let n = town().sites.filter((s) => s.communityId === where.communityId).length + 1;
      while (taken.has(`${where.communityId}-site-${String(n).padStart(2, '0')}`)) n++;
      const site: SiteRecord = {
        id: `${where.communityId}-site-${String(n).padStart(2, '0')}`,
        townId: town().town.id,
        ...where,
        name,
        kind: b.kind,
        lon: b.lon,
        lat: b.lat,
        unitId: unit(b.unitId),
      };
      await saved(req, 'site.create', site);
      return reply.code(201).send(answer(site));
    },
  );

  app.patch(
    '/api/sites/:id',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['inspections'],
        summary: '修改重点点位：名称、类型、位置或责任单位（已有的检查记录保留）',
        params: IdParams,
        body: SiteChange,
        response: { 200: SiteAnswer, ...errorResponses, 404: ErrorResponse, 422: ErrorResponse },
      },
    },
    async (req) => {
      const before = town().siteById.get(req.params.id);
      if (!before) throw notFound(`没有重点点位 ${req.params.id}`);
      const b = req.body;
      const lon = b.lon ?? before.lon;
      const lat = b.lat ?? before.lat;
      const site: SiteRecord = {
        ...before,
        ...place(lon, lat),
        lon,
        lat,
        name: b.name === undefined ? before.name : cleanText(b.name, 'name', '点位名称'),
        kind: b.kind ?? before.kind,
        unitId: b.unitId === undefined ? before.unitId : unit(b.unitId),
      };
      await saved(req, 'site.update', site);
      return answer(site);
    },
  );

  app.delete(
    '/api/sites/:id',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['inspections'],
        summary: '删除重点点位（只限还没有问题、测评或巡查记录的）',
        params: IdParams,
        response: { 204: Type.Null(), ...errorResponses, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (req, reply) => {
      const result = await app.store.deleteSite(req.params.id);
      if (result === 'missing') throw notFound(`没有重点点位 ${req.params.id}`);
      if (result === 'referenced') throw new RequestError(409, 'site_in_use', 'id', '该点位已有问题、测评或巡查记录，不能删除（可修改名称、类型或位置）');
      await app.feed.notice({ kind: 'sites' });
      await app.audit(req, 'site.delete', 'site', req.params.id);
      return reply.code(204).send(null);
    },
  );
};

export default siteRoutes;
