import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errorResponses, FeatureCollection } from '../schemas/common.ts';
import { sendSerialized } from './send-serialized.ts';

export const Unit = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: Type.Union([Type.Literal('department'), Type.Literal('community')]),
  communityId: Type.Union([Type.String(), Type.Null()]),
});

const areaRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/communities',
    { config: { access: 'aggregate' }, schema: { tags: ['areas'], summary: '村居边界 (GeoJSON)', response: { 200: FeatureCollection, ...errorResponses } } },
    async (_req, reply) => sendSerialized(reply, app.townData.communitiesJson),
  );
  app.get(
    '/api/grids',
    { config: { access: 'aggregate' }, schema: { tags: ['areas'], summary: '网格边界 (GeoJSON)', response: { 200: FeatureCollection, ...errorResponses } } },
    // Aggregate screens get no names of people: a display device's grids carry no manager.
    async (req, reply) => sendSerialized(reply, req.principal?.kind === 'display' ? app.townData.gridsPublicJson : app.townData.gridsJson),
  );
  app.get(
    '/api/sites',
    { config: { access: 'aggregate' }, schema: { tags: ['areas'], summary: '重点点位 (GeoJSON)', response: { 200: FeatureCollection, ...errorResponses } } },
    async (_req, reply) => sendSerialized(reply, app.townData.sitesJson),
  );
  app.get(
    '/api/basemap',
    {
      config: { access: 'aggregate' },
      schema: { tags: ['areas'], summary: '离线底图要素：道路、水系、地名 (GeoJSON)', response: { 200: FeatureCollection, ...errorResponses } },
    },
    async (_req, reply) => sendSerialized(reply, app.townData.basemapJson),
  );
  app.get(
    '/api/units',
    {
      config: { access: 'aggregate' },
      schema: { tags: ['areas'], summary: '责任单位', response: { 200: Type.Object({ units: Type.Array(Unit) }), ...errorResponses } },
    },
    async () => ({ units: app.townData.units.map(({ id, name, kind, communityId }) => ({ id, name, kind, communityId })) }),
  );
};

export default areaRoutes;
