import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoApp } from '../helpers/demo.ts';

let ctx: Awaited<ReturnType<typeof demoApp>>;
beforeAll(async () => {
  ctx = await demoApp(3000);
});
afterAll(async () => ctx.close());

const get = async (url: string) => {
  const res = await ctx.app.inject({ headers: ctx.as.admin, url });
  return { status: res.statusCode, body: res.json() };
};

describe('GET /api/hotspots', () => {
  it('names the two strongest hotspots of the demo after 李灶 and 东南', async () => {
    const { status, body } = await get('/api/hotspots');
    expect(status).toBe(200);
    expect(body.total).toBe(3000);
    expect(body.hotspots.length).toBeGreaterThanOrEqual(2);
    expect(body.hotspots[0].name).toContain('李灶');
    expect(body.hotspots[1].name).toContain('东南');
    for (const h of body.hotspots) {
      expect(h.share).toBeCloseTo(h.count / body.total, 3);
      expect(h.open).toBeLessThanOrEqual(h.count);
      expect(h.previous).toBeNull();
      expect(h.cells.reduce((a: number, c: { count: number }) => a + c.count, 0)).toBe(h.count);
    }
  });

  it('compares with the previous period of equal length when from and to are given', async () => {
    const { body } = await get('/api/hotspots?from=2026-06-01&to=2026-11-27');
    expect(body.hotspots.length).toBeGreaterThan(0);
    for (const h of body.hotspots) {
      expect(h.previous).toBeGreaterThanOrEqual(0);
      if (h.previous > 0) expect(h.change).toBeCloseTo((h.count - h.previous) / h.previous, 3);
    }
  });

  it('takes the problem filters and refuses bad ones', async () => {
    const { body } = await get('/api/hotspots?category=shop_spillover,street_vendor');
    expect(body.total).toBeLessThan(3000);
    expect((await get('/api/hotspots?category=nope')).body.field).toBe('category');
    expect((await get('/api/hotspots?from=2026-12-01&to=2026-01-01')).status).toBe(400);
  });
});
