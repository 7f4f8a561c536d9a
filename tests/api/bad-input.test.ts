import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoApp } from '../helpers/demo.ts';

let ctx: Awaited<ReturnType<typeof demoApp>>;
beforeAll(async () => {
  ctx = await demoApp(200);
});
afterAll(async () => ctx.close());

/** [query string, the field the answer must name] */
const malformed: [string, string][] = [
  ['bbox=1,2,3', 'bbox'],
  ['bbox=a,b,c,d', 'bbox'],
  ['bbox=120.5,33.3,120.3,33.4', 'bbox'],
  ['bbox=120.3,33.4,120.5,33.3', 'bbox'],
  ['bbox=200,33,201,34', 'bbox'],
  ['bbox=120.3,33.3,120.5,33.4,1', 'bbox'],
  ['bbox=1e400,0,1,1', 'bbox'],
  ['bbox=', 'bbox'],
  ['from=2026-11-27&to=2026-11-01', 'to'],
  ['from=2026-02-30', 'from'],
  ['from=yesterday', 'from'],
  ['to=2026-13-01', 'to'],
  ['from=2026-11-01T25:00:00+08:00', 'from'],
  ['category=unknown_thing', 'category'],
  ['category=flyers,nope', 'category'],
  ['category=', 'category'],
  ['status=done', 'status'],
  ['source=twitter', 'source'],
  ['grid=nowhere-01', 'grid'],
  ['community=atlantis', 'community'],
  ['unit=dept-nothing', 'unit'],
  ['limit=0', 'limit'],
  ['limit=1000000000', 'limit'],
  ['limit=-5', 'limit'],
  ['limit=abc', 'limit'],
  ['limit=1.5', 'limit'],
  ['limit=10&limit=20', 'limit'],
  ['category=flyers&category=graffiti', 'category'],
  ["category=flyers'%20OR%201=1--", 'category'],
  ['community=lizao;DROP%20TABLE%20problems', 'community'],
  ['grid=%27%20OR%20%271%27=%271', 'grid'],
  ['cursor=!!!', 'cursor'],
  ['cursor=bm9wZQ', 'cursor'],
  ['overdue=maybe', 'overdue'],
  ['bogus=1', 'bogus'],
  [`bbox=${'9'.repeat(500)}`, 'bbox'],
];

describe('malformed queries to GET /api/problems', () => {
  for (const [query, field] of malformed) {
    it(`${query.slice(0, 60)} → 400 naming ${field}`, async () => {
      const res = await ctx.app.inject({ headers: ctx.as.admin, url: `/api/problems?${query}` });
      expect(res.statusCode).toBe(400);
      const body = res.json();
      expect(body.field).toBe(field);
      expect(body.code).toMatch(/^[a-z_]+$/);
      expect(body.message).toMatch(/\p{Script=Han}/u);
    });
  }
});

describe('malformed queries to the statistics', () => {
  const cases: [string, string][] = [
    ['/api/stats/summary?bbox=1,2', 'bbox'],
    ['/api/stats/summary?from=2026-11-27&to=2026-01-01', 'to'],
    ['/api/stats/summary?limit=5', 'limit'],
    ['/api/stats/grids?sort=size', 'sort'],
    ['/api/stats/grids?category=nope', 'category'],
    ['/api/stats/communities?sort=perKm2&sort=total', 'sort'],
    ['/api/stats/communities?overdue=2', 'overdue'],
    ['/api/stats/categories?category=nope', 'category'],
    ['/api/stats/trend?interval=year', 'interval'],
    ['/api/stats/trend?interval=day&from=1990-01-01', 'interval'],
    ['/api/stats/trend?status=closed,wrong', 'status'],
    ['/api/problems/0', 'id'],
    ['/api/problems/12abc', 'id'],
    ['/api/problems/99999999999999', 'id'],
  ];
  for (const [url, field] of cases) {
    it(`${url} → 400 naming ${field}`, async () => {
      const res = await ctx.app.inject({ headers: ctx.as.admin, url });
      expect(res.statusCode).toBe(400);
      expect(res.json().field).toBe(field);
    });
  }
});

describe('requests that are not queries', () => {
  it('answers a method the route does not have with a JSON 404, never a 500', async () => {
    const res = await ctx.app.inject({ headers: ctx.as.admin, method: 'DELETE', url: '/api/problems' });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('not_found');
  });

  it('answers a very long URL without a 5xx', async () => {
    const res = await ctx.app.inject({ headers: ctx.as.admin, url: `/api/problems?category=${'a'.repeat(20_000)}` });
    expect(res.statusCode).toBe(400);
  });
});
