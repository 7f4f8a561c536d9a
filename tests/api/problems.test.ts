import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextStatus } from '../../server/domain/lifecycle.ts';
import { DEMO_NOW, demoApp } from '../helpers/demo.ts';

let ctx: Awaited<ReturnType<typeof demoApp>>;
beforeAll(async () => {
  ctx = await demoApp(3000);
});
afterAll(async () => ctx.close());

const get = async (url: string) => {
  const res = await ctx.app.inject({ headers: ctx.as.admin, url });
  return { status: res.statusCode, body: res.json(), headers: res.headers };
};

describe('GET /api/health and /api/meta', () => {
  it('says the service and the database are up', async () => {
    const { status, body } = await get('/api/health');
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'ok', db: 'ok' });
    expect(body.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('describes the town, says the data is demo, and carries the catalogue', async () => {
    const { body } = await get('/api/meta');
    expect(body.town).toMatchObject({ name: '盐东镇', code: '320902107' });
    expect(body.demo).toBe(true);
    expect(body.counts.problems).toBe(3000);
    expect(body.categories).toHaveLength(16);
    expect(body.categories.find((c: { code: string }) => c.code === 'flyers')).toMatchObject({ name: '小广告 / 牛皮癣', referenceCode: '0201' });
    expect(body.sources.map((s: { code: string }) => s.code)).toEqual([
      'inspection',
      'mock_evaluation',
      'volunteer',
      'grid_patrol',
      'public_report',
      'assigned',
    ]);
    expect(body.statuses).toHaveLength(5);
    expect(body.now).toBe('2026-11-27T15:00:00+08:00');
    const [minLon, minLat, maxLon, maxLat] = body.bbox;
    expect(body.center[0]).toBeGreaterThan(minLon);
    expect(body.center[0]).toBeLessThan(maxLon);
    expect(body.center[1]).toBeGreaterThan(minLat);
    expect(body.center[1]).toBeLessThan(maxLat);
  });
});

describe('GET /api/problems', () => {
  it('pages through every problem once with the cursor, in id order', async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const { body } = await get(`/api/problems?limit=700${cursor ? `&cursor=${cursor}` : ''}`);
      expect(body.numberReturned).toBe(body.features.length);
      seen.push(...body.features.map((f: { id: number }) => f.id));
      cursor = body.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(5);
    expect(seen).toHaveLength(3000);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    expect(new Set(seen).size).toBe(3000);
  });

  it('lists every problem exactly as the store holds it', async () => {
    const { body } = await get('/api/problems?limit=10000');
    for (const f of body.features.filter((_: unknown, i: number) => i % 97 === 0)) {
      const { body: detail } = await get(`/api/problems/${f.id}`);
      const {
        history: _h,
        reporter: _r,
        photos: _p,
        categoryName: _c,
        gridName: _g,
        gridManager: _m,
        communityName: _n,
        unitName: _u,
        siteName: _s,
        mergedInto: _mi,
        duplicates: _d,
        ...stored
      } = detail.properties;
      expect(f.properties).toEqual(stored);
      expect(f.geometry).toEqual(detail.geometry);
    }
  });

  it('returns 1000 by default with timestamps at +08:00', async () => {
    const { body, headers } = await get('/api/problems');
    expect(headers['content-type']).toContain('application/geo+json');
    expect(body.features).toHaveLength(1000);
    const p = body.features[0].properties;
    expect(p.reportedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
  });

  it('filters by bbox, category, status, community, grid and unit together', async () => {
    const bbox = [120.36, 33.34, 120.38, 33.36];
    const { body } = await get(`/api/problems?bbox=${bbox.join(',')}&category=shop_spillover,street_vendor&status=closed&community=lizao&limit=10000`);
    expect(body.features.length).toBeGreaterThan(0);
    for (const f of body.features) {
      const [lon, lat] = f.geometry.coordinates;
      expect(lon >= bbox[0] && lon <= bbox[2] && lat >= bbox[1] && lat <= bbox[3]).toBe(true);
      expect(['shop_spillover', 'street_vendor']).toContain(f.properties.category);
      expect(f.properties.status).toBe('closed');
      expect(f.properties.communityId).toBe('lizao');
    }
    const grid = body.features[0].properties.gridId;
    const byGrid = await get(`/api/problems?grid=${grid}&unit=dept-enforcement&limit=10000`);
    for (const f of byGrid.body.features) {
      expect(f.properties.gridId).toBe(grid);
      expect(f.properties.unitId).toBe('dept-enforcement');
    }
  });

  it('filters by date: to is inclusive of its whole day', async () => {
    const { body } = await get('/api/problems?from=2026-11-01&to=2026-11-27&limit=10000');
    expect(body.features.length).toBeGreaterThan(0);
    for (const f of body.features) {
      expect(f.properties.reportedAt >= '2026-11-01T00:00:00+08:00').toBe(true);
      expect(f.properties.reportedAt < '2026-11-28T00:00:00+08:00').toBe(true);
    }
  });

  it('derives overdue from the deadline and the clock', async () => {
    const { body } = await get('/api/problems?overdue=true&limit=10000');
    expect(body.features.length).toBeGreaterThan(0);
    for (const f of body.features) {
      expect(f.properties.overdue).toBe(true);
      expect(f.properties.status).not.toBe('closed');
      expect(Date.parse(f.properties.deadline)).toBeLessThan(DEMO_NOW);
    }
    const notOverdue = await get('/api/problems?overdue=false&limit=10000');
    expect(notOverdue.body.features.length + body.features.length).toBe(3000);
  });
});

describe('GET /api/problems/:id', () => {
  it('returns a bbox page through the spatial index equal to filtering every problem', async () => {
    const { body: all } = await get('/api/problems?limit=10000');
    for (const bbox of [
      [120.36, 33.34, 120.38, 33.36],
      [120.3, 33.3, 120.32, 33.31],
      [120.44, 33.4, 120.445, 33.405],
      [121, 34, 122, 35],
    ]) {
      const inside = all.features
        .filter((f: { geometry: { coordinates: number[] } }) => {
          const [lon, lat] = f.geometry.coordinates;
          return lon >= bbox[0] && lon <= bbox[2] && lat >= bbox[1] && lat <= bbox[3];
        })
        .map((f: { id: number }) => f.id);
      const ids: number[] = [];
      let cursor: string | null = null;
      do {
        const { body } = await get(`/api/problems?bbox=${bbox.join(',')}&limit=50${cursor ? `&cursor=${cursor}` : ''}`);
        ids.push(...body.features.map((f: { id: number }) => f.id));
        cursor = body.nextCursor;
      } while (cursor);
      expect(ids).toEqual(inside);
    }
  });

  it('returns the problem with a history that replays to its status', async () => {
    const { body: list } = await get('/api/problems?status=closed&limit=1');
    const id = list.features[0].id;
    const { status, body } = await get(`/api/problems/${id}`);
    expect(status).toBe(200);
    expect(body.id).toBe(id);
    const history = body.properties.history;
    expect(history[0].action).toBe('report');
    let s = history[0].toStatus;
    for (const e of history.slice(1)) s = nextStatus(s, e.action);
    expect(s).toBe(body.properties.status);
    expect(body.properties.version).toBe(history.length);
    expect(body.properties.categoryName).toBeTruthy();
    expect(body.properties.gridName).toMatch(/第\d+网格$/);
  });

  it('answers 404 for an unknown id and 400 for a malformed one', async () => {
    expect((await get('/api/problems/999999')).status).toBe(404);
    const bad = await get('/api/problems/abc');
    expect(bad.status).toBe(400);
    expect(bad.body.field).toBe('id');
  });
});

describe('GET /api/openapi.json and /api/docs', () => {
  it('documents every API route', async () => {
    const { body } = await get('/api/openapi.json');
    expect(body.openapi).toBe('3.1.0');
    for (const path of [
      '/api/health',
      '/api/meta',
      '/api/communities',
      '/api/grids',
      '/api/sites',
      '/api/units',
      '/api/problems',
      '/api/problems/{id}',
      '/api/stats/summary',
      '/api/stats/grids',
      '/api/stats/communities',
      '/api/stats/categories',
      '/api/stats/trend',
    ]) {
      expect(Object.keys(body.paths)).toContain(path);
    }
  });

  it('serves a readable doc page', async () => {
    const res = await ctx.app.inject({ url: '/api/docs' });
    const page = res.statusCode === 302 ? await ctx.app.inject({ headers: ctx.as.admin, url: res.headers.location as string }) : res;
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
  });

  it('serves the built client: its pages asked for again each time, its hashed assets kept for good', async () => {
    const page = await ctx.app.inject({ url: '/tasks' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('no-cache');
    const assets = [...page.body.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThan(0);
    for (const url of assets) {
      const res = await ctx.app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.headers['cache-control'], url).toBe('public, max-age=31536000, immutable');
    }
  });

  it('answers unknown routes with a JSON 404', async () => {
    const { status, body } = await get('/api/nothing-here');
    expect(status).toBe(404);
    expect(body.code).toBe('not_found');
  });
});
