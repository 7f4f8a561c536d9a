import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import fp from 'fastify-plugin';
import { type Static, Type } from 'typebox';
import { badRequest, RequestError } from '../errors.ts';
import { sendBinary } from '../routes/send-serialized.ts';
import type { Basemap } from '../schemas/basemaps.ts';
import { ErrorResponse, errorResponses } from '../schemas/common.ts';
import { TileCache } from './tile-cache.ts';

/**
 * 天地图 (the national basemap, CGCS2000 ≈ WGS84: no shift) through a same-origin caching proxy:
 * the token stays in the server's settings and never reaches a browser; tiles are kept on disk
 * under a size cap, so a wall keeps its basemap through an outage of the upstream for the tiles it
 * has shown; a tile not cached while the upstream is down is 504.
 */

export interface TiandituOptions {
  /** The 天地图 key (tk); without one the basemaps are not offered. */
  token: string | null;
  /** `https://t{s}.tianditu.gov.cn` ({s}: 0–7); tests point it at a local server. */
  upstream: string;
  cacheDir: string;
  capBytes: number;
  /** Milliseconds to wait for the upstream. */
  timeoutMs?: number;
}

/** The layers: 矢量 and its 注记, 影像 and its 注记 (Web Mercator tiles, `_w`). */
export const TIANDITU_LAYERS = ['vec', 'cva', 'img', 'cia'] as const;

const TileParams = Type.Object({
  layer: Type.String({ maxLength: 8 }),
  z: Type.String({ maxLength: 2 }),
  x: Type.String({ maxLength: 8 }),
  y: Type.String({ maxLength: 12, description: 'the row, optionally with .png' }),
});

/** The 天地图 basemaps, when the server has a key: each a picture and its labels, through the proxy. */
export function tiandituBasemaps(hasToken: boolean): Static<typeof Basemap>[] {
  if (!hasToken) return [];
  const offer = (id: string, name: string, layers: string[]) => ({
    id,
    name,
    tiles: layers.map((l) => `/api/tiles/tianditu/${l}/{z}/{x}/{y}`),
    attribution: '天地图 GS(2024)0568号',
    pmtiles: null,
  });
  return [offer('tianditu-vec', '天地图 矢量', ['vec', 'cva']), offer('tianditu-img', '天地图 影像', ['img', 'cia'])];
}

const tiandituRoutes: FastifyPluginAsyncTypebox<TiandituOptions> = async (app, options) => {
  const cache = options.token ? new TileCache(options.cacheDir, options.capBytes) : null;
  const base = options.upstream.replace(/\/$/, '');

  app.get(
    '/api/tiles/tianditu/:layer/:z/:x/:y',
    {
      config: { access: 'aggregate' },
      schema: {
        tags: ['basemaps'],
        summary: '天地图瓦片（经本站缓存转发，密钥不下发浏览器）',
        params: TileParams,
        response: { 200: Type.String({ format: 'binary' }), ...errorResponses, 404: ErrorResponse, 502: ErrorResponse, 504: ErrorResponse },
      },
    },
    async (req, reply) => {
      if (!options.token || !cache) throw new RequestError(404, 'not_configured', null, '未配置天地图密钥（TIANDITU_TOKEN）');
      const { layer } = req.params;
      if (!(TIANDITU_LAYERS as readonly string[]).includes(layer)) throw badRequest('layer', `layer 应为 ${TIANDITU_LAYERS.join('、')} 之一`);
      const int = (raw: string, field: string) => {
        if (!/^\d{1,8}$/.test(raw)) throw badRequest(field, `${field} 应为非负整数`);
        return Number(raw);
      };
      const z = int(req.params.z, 'z');
      if (z < 1 || z > 18) throw badRequest('z', 'z 应在 1～18 之间');
      const x = int(req.params.x, 'x');
      const y = int(req.params.y.replace(/\.png$/, ''), 'y');
      if (x >= 2 ** z) throw badRequest('x', `x 超出第 ${z} 级范围`);
      if (y >= 2 ** z) throw badRequest('y', `y 超出第 ${z} 级范围`);
      const key = `${layer}/${z}/${x}/${y}`;
      reply.header('Cache-Control', 'private, max-age=86400');
      const hit = cache.get(key);
      if (hit) return sendBinary(reply.header('X-Cache', 'HIT'), hit, contentType(hit));
      const url = `${base.replace('{s}', String((x + y) % 8))}/${layer}_w/wmts?SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=${layer}&STYLE=default&TILEMATRIXSET=w&FORMAT=tiles&TILEMATRIX=${z}&TILEROW=${y}&TILECOL=${x}&tk=${encodeURIComponent(options.token)}`;
      let res: Response;
      try {
        res = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs ?? 5000), headers: { 'user-agent': 'chuangwen-map tile proxy' } });
      } catch {
        throw new RequestError(504, 'upstream_unavailable', null, '天地图暂时无法访问，且本站未缓存此瓦片');
      }
      const body = Buffer.from(await res.arrayBuffer());
      // 天地图 answers a refused key or a bad request with XML or JSON, not an image: not kept, not passed on
      if (!res.ok || !isImage(body)) {
        req.log.warn({ status: res.status, layer, z, x, y }, 'tianditu refused a tile');
        throw new RequestError(502, 'upstream_error', null, `天地图未返回瓦片（HTTP ${res.status}），请检查密钥与网络`);
      }
      cache.put(key, body);
      return sendBinary(reply.header('X-Cache', 'MISS'), body, contentType(body));
    },
  );
};

const PNG = [0x89, 0x50, 0x4e, 0x47];
const JPEG = [0xff, 0xd8, 0xff];
const startsWith = (b: Buffer, magic: number[]) => magic.every((v, i) => b[i] === v);
const isImage = (b: Buffer) => startsWith(b, PNG) || startsWith(b, JPEG);
const contentType = (b: Buffer) => (startsWith(b, JPEG) ? 'image/jpeg' : 'image/png');

export default fp(tiandituRoutes, { name: 'tianditu', fastify: '5.x' });
