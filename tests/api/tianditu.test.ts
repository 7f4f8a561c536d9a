import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FetchSource, PMTiles } from 'pmtiles';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TileCache } from '../../server/basemap/tile-cache.ts';
import { demoApp } from '../helpers/demo.ts';
import { pmtilesArchive, tileOf } from '../helpers/pmtiles-fixture.ts';

const TOKEN = '0123456789abcdef0123456789abcdef';
let ctx: Awaited<ReturnType<typeof demoApp>>;
let upstream: Server;
let upstreamUrl: string;
let cacheDir: string;
/** What the fake 天地图 was asked, and whether it is up. */
const asked: string[] = [];
let up = true;
let tile: Buffer;

beforeAll(async () => {
  tile = await sharp({ create: { width: 256, height: 256, channels: 3, background: '#8ab' } })
    .png()
    .toBuffer();
  upstream = createServer((req, res) => {
    if (!up) {
      req.socket.destroy();
      return;
    }
    asked.push(req.url ?? '');
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.searchParams.get('tk') !== TOKEN) {
      res.writeHead(403, { 'content-type': 'text/xml' }).end('<ows:ExceptionReport>invalid key</ows:ExceptionReport>');
      return;
    }
    res.writeHead(200, { 'content-type': 'image/png' }).end(tile);
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  cacheDir = mkdtempSync(join(tmpdir(), 'cw-tiles-'));
  ctx = await demoApp(200, { tianditu: { token: TOKEN, upstream: upstreamUrl, cacheDir, capBytes: 50 * 1024 * 1024, timeoutMs: 1000 } });
});
afterAll(async () => {
  await ctx?.close();
  upstream?.close();
  rmSync(cacheDir, { recursive: true, force: true });
});

const get = (url: string, who: keyof typeof ctx.as = 'leader') => ctx.app.inject({ url, headers: ctx.as[who] });

describe('天地图 through the caching tile proxy', () => {
  it('offers the basemaps without the key; the first request goes upstream with it, the second is a cache hit', async () => {
    const list = await get('/api/basemaps', 'display');
    expect(list.statusCode).toBe(200);
    expect(list.json().basemaps.map((b: { id: string }) => b.id)).toEqual(['offline', 'tianditu-vec', 'tianditu-img']);
    const first = await get('/api/tiles/tianditu/vec/14/13650/6520');
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toBe('image/png');
    expect(first.headers['x-cache']).toBe('MISS');
    expect(first.rawPayload.equals(tile)).toBe(true);
    expect(asked).toHaveLength(1);
    expect(asked[0]).toContain('/vec_w/wmts?');
    expect(asked[0]).toContain('TILEMATRIX=14&TILEROW=6520&TILECOL=13650');
    const second = await get('/api/tiles/tianditu/vec/14/13650/6520', 'display');
    expect(second.headers['x-cache']).toBe('HIT');
    expect(second.rawPayload.equals(tile)).toBe(true);
    expect(asked).toHaveLength(1);
    // the key is in no answer the browser gets
    for (const res of [list, first, second]) {
      expect(res.body).not.toContain(TOKEN);
      expect(JSON.stringify(res.headers)).not.toContain(TOKEN);
    }
  });

  it('with the upstream down: cached tiles still served, others 504 (not 500); a refused key is 502 and kept out of the cache', async () => {
    up = false;
    const cached = await get('/api/tiles/tianditu/vec/14/13650/6520');
    expect(cached.statusCode).toBe(200);
    const missing = await get('/api/tiles/tianditu/img/14/13651/6520');
    expect(missing.statusCode).toBe(504);
    expect(missing.json()).toMatchObject({ code: 'upstream_unavailable' });
    expect(missing.body).not.toContain(TOKEN);
    expect(missing.body).not.toContain(upstreamUrl);
    up = true;
    const other = await demoApp(0, {
      tianditu: { token: 'ffffffffffffffffffffffffffffffff', upstream: upstreamUrl, cacheDir: join(cacheDir, 'other'), capBytes: 1e6 },
    });
    const refused = await other.app.inject({ url: '/api/tiles/tianditu/vec/14/13650/6520', headers: other.as.leader });
    expect(refused.statusCode).toBe(502);
    expect(refused.body).not.toContain('ffffffff');
    expect(readdirSync(join(cacheDir, 'other'))).toEqual([]);
    await other.close();
  });

  it('bad tile addresses are refused naming the part; no key configured: the basemap is not offered', async () => {
    for (const [url, field] of [
      ['/api/tiles/tianditu/xyz/14/1/1', 'layer'],
      ['/api/tiles/tianditu/vec/19/1/1', 'z'],
      ['/api/tiles/tianditu/vec/3/8/1', 'x'],
      ['/api/tiles/tianditu/vec/3/1/-1', 'y'],
    ]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.json().field, url).toBe(field);
    }
    expect((await ctx.app.inject({ url: '/api/tiles/tianditu/vec/14/1/1' })).statusCode).toBe(401);
    const plain = await demoApp(0);
    expect((await plain.app.inject({ url: '/api/basemaps', headers: plain.as.leader })).json().basemaps.map((b: { id: string }) => b.id)).toEqual(['offline']);
    expect((await plain.app.inject({ url: '/api/tiles/tianditu/vec/14/1/1', headers: plain.as.leader })).statusCode).toBe(404);
    await plain.close();
  });

  it('the cache keeps under its cap, dropping the least recently used tiles', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cw-cap-'));
    const cache = new TileCache(dir, 10_000);
    for (let i = 0; i < 30; i++) cache.put(`vec/14/${i}/0`, Buffer.alloc(1000, i));
    expect(cache.bytes).toBeLessThanOrEqual(10_000);
    expect(cache.get('vec/14/29/0')?.[0]).toBe(29);
    expect(cache.get('vec/14/0/0')).toBeNull();
    // counted again from disk by a new process
    expect(new TileCache(dir, 10_000).bytes).toBe(cache.bytes);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('local .pmtiles basemaps, read with range requests', () => {
  const FILE = '盐东影像.pmtiles';
  let archive: Buffer;
  let png: Buffer;
  let at: { z: number; x: number; y: number };

  beforeAll(async () => {
    png = await sharp({ create: { width: 256, height: 256, channels: 3, background: '#c026d3' } })
      .png()
      .toBuffer();
    const [lon, lat] = ctx.app.townData.town.center;
    const tiles = [12, 13, 14].flatMap((z) => {
      const { x, y } = tileOf(lon, lat, z);
      return [-1, 0, 1].flatMap((dx) => [-1, 0, 1].map((dy) => ({ z, x: x + dx, y: y + dy, data: png })));
    });
    at = { z: 14, ...tileOf(lon, lat, 14) };
    archive = pmtilesArchive(tiles, { type: 'png', name: '盐东影像', bounds: [lon - 0.1, lat - 0.1, lon + 0.1, lat + 0.1] });
    mkdirSync(join(ctx.dir, 'basemaps'), { recursive: true });
    writeFileSync(join(ctx.dir, 'basemaps', FILE), archive);
    writeFileSync(join(ctx.dir, 'basemaps', 'half-copied.pmtiles'), archive.subarray(0, 60));
  });

  it('an archive copied into the folder is offered (a broken one is not), without a restart', async () => {
    const { basemaps } = (await get('/api/basemaps')).json();
    const local = basemaps.filter((b: { id: string }) => b.id.startsWith('local-'));
    expect(local).toEqual([
      {
        id: `local-${FILE}`,
        name: '本地 盐东影像',
        tiles: [],
        attribution: '测试底图',
        pmtiles: expect.objectContaining({ url: `/api/basemaps/files/${encodeURIComponent(FILE)}`, kind: 'raster', minzoom: 12, maxzoom: 14 }),
      },
    ]);
  });

  it('serves byte ranges (206), the whole file (200), and refuses bad ranges (416) and other files (404)', async () => {
    const url = `/api/basemaps/files/${encodeURIComponent(FILE)}`;
    const ranged = (range: string) => ctx.app.inject({ url, headers: { ...ctx.as.display, range } });
    const head = await ranged('bytes=0-126');
    expect(head.statusCode).toBe(206);
    expect(head.headers['content-range']).toBe(`bytes 0-126/${archive.length}`);
    expect(head.rawPayload.equals(archive.subarray(0, 127))).toBe(true);
    const tail = await ranged('bytes=-10');
    expect(tail.rawPayload.equals(archive.subarray(archive.length - 10))).toBe(true);
    const whole = await ctx.app.inject({ url, headers: ctx.as.display });
    expect(whole.statusCode).toBe(200);
    expect(whole.headers['accept-ranges']).toBe('bytes');
    expect(whole.rawPayload.equals(archive)).toBe(true);
    const bad = await ranged(`bytes=${archive.length + 5}-`);
    expect(bad.statusCode).toBe(416);
    expect(bad.json()).toMatchObject({ field: 'Range' });
    expect(bad.headers['content-range']).toBe(`bytes */${archive.length}`);
    for (const other of ['half-copied.pmtiles', '..%2F..%2Fdemo.sqlite', 'none.pmtiles'])
      expect((await ctx.app.inject({ url: `/api/basemaps/files/${other}`, headers: ctx.as.leader })).statusCode, other).toBe(404);
    expect((await ctx.app.inject({ url })).statusCode).toBe(401);
  });

  it('the pmtiles library reads a tile out of it over HTTP, as the map does', async () => {
    const origin = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
    const source = new FetchSource(`${origin}/api/basemaps/files/${encodeURIComponent(FILE)}`, new Headers({ cookie: ctx.as.leader.cookie }));
    const p = new PMTiles(source);
    expect((await p.getHeader()).maxZoom).toBe(14);
    const got = await p.getZxy(at.z, at.x, at.y);
    expect(got && Buffer.from(got.data).equals(png)).toBe(true);
    expect(await p.getZxy(at.z, at.x + 5, at.y)).toBeUndefined();
  });
});
