import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodePoints, OVERDUE_BIT } from '../../server/domain/points-codec.ts';
import { demoApp } from '../helpers/demo.ts';

let ctx: Awaited<ReturnType<typeof demoApp>>;
beforeAll(async () => {
  ctx = await demoApp(2000);
});
afterAll(async () => ctx.close());

async function points(query: string) {
  const res = await ctx.app.inject({ headers: ctx.as.admin, url: `/api/problems/points${query}` });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toBe('application/octet-stream');
  const bytes = res.rawPayload;
  return decodePoints(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
}

describe('GET /api/problems/points', () => {
  it('holds the same problems as the GeoJSON list, with codes as meta indexes and the overdue bit', async () => {
    const meta = (await ctx.app.inject({ headers: ctx.as.admin, url: '/api/meta' })).json();
    const q = '?community=lizao&status=open,in_progress,closed';
    const list = (await ctx.app.inject({ headers: ctx.as.admin, url: `/api/problems${q}&limit=10000` })).json();
    const p = await points(q);
    expect(p.count).toBe(list.features.length);
    list.features.forEach(
      (f: { id: number; geometry: { coordinates: number[] }; properties: { category: string; status: string; overdue: boolean } }, k: number) => {
        expect(p.id[k]).toBe(f.id);
        expect(p.originLon + p.dLon[k]).toBeCloseTo(f.geometry.coordinates[0], 6);
        expect(p.originLat + p.dLat[k]).toBeCloseTo(f.geometry.coordinates[1], 6);
        expect(meta.categories[p.category[k]].code).toBe(f.properties.category);
        expect(meta.statuses[p.status[k] & ~OVERDUE_BIT].code).toBe(f.properties.status);
        expect((p.status[k] & OVERDUE_BIT) !== 0).toBe(f.properties.overdue);
      },
    );
  });

  it('answers every problem without filters and none for an empty match', async () => {
    expect((await points('')).count).toBe(2000);
    expect((await points('?from=2031-01-01')).count).toBe(0);
  });

  it('refuses bad filters like the list does', async () => {
    const res = await ctx.app.inject({ headers: ctx.as.admin, url: '/api/problems/points?bbox=1,2' });
    expect(res.statusCode).toBe(400);
    expect(res.json().field).toBe('bbox');
    expect((await ctx.app.inject({ headers: ctx.as.admin, url: '/api/problems/points?limit=5' })).json().field).toBe('limit');
  });
});
