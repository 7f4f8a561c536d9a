import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Basemap } from '../schemas/basemaps.ts';
import { errorResponses } from '../schemas/common.ts';
import { localArchives } from './local-pmtiles.ts';
import { tiandituBasemaps } from './tianditu.ts';

/** The basemaps a map may switch to: the offline one always, 天地图 with a key, and each local archive. */
const basemapRoutes: FastifyPluginAsyncTypebox<{ tianditu: boolean; dir: string | null }> = async (app, options) => {
  app.get(
    '/api/basemaps',
    {
      config: { access: 'aggregate' },
      schema: {
        tags: ['basemaps'],
        summary: '可用底图：离线底图；配置了密钥时的天地图矢量、影像；底图文件夹中的 .pmtiles 本地底图',
        response: { 200: Type.Object({ basemaps: Type.Array(Basemap) }), ...errorResponses },
      },
    },
    async () => ({
      basemaps: [
        { id: 'offline', name: '离线底图', tiles: [], attribution: '', pmtiles: null },
        ...tiandituBasemaps(options.tianditu),
        ...(await localArchives(options.dir)).map((a) => ({
          id: `local-${a.file}`,
          name: `本地 ${a.name}`,
          tiles: [],
          attribution: a.attribution,
          pmtiles: {
            url: `/api/basemaps/files/${encodeURIComponent(a.file)}`,
            kind: a.kind,
            minzoom: a.minzoom,
            maxzoom: a.maxzoom,
            bounds: a.bounds,
            layers: a.layers,
          },
        })),
      ],
    }),
  );
};

export default basemapRoutes;
