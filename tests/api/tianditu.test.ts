import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TileCache } from '../../server/basemap/tile-cache.ts';
import { demoApp } from '../helpers/demo.ts';

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
