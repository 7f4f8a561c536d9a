import { check } from '@placemarkio/check-geojson';
import { booleanPointInPolygon } from '@turf/turf';
import type { Feature, FeatureCollection, MultiPolygon, Point, Polygon, Position } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ringSignedArea } from '../../server/domain/geometry.ts';
import { demoApp } from '../helpers/demo.ts';

let ctx: Awaited<ReturnType<typeof demoApp>>;
beforeAll(async () => {
  ctx = await demoApp(3000);
});
afterAll(async () => ctx.close());

async function geojson(url: string): Promise<FeatureCollection> {
  const res = await ctx.app.inject({ headers: ctx.as.admin, url });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toContain('application/geo+json');
  // check-geojson parses the text itself and throws with the issues when it is not valid GeoJSON.
  return check(res.body) as FeatureCollection;
}

/** RFC 7946 §3.1.6: closed rings of ≥ 4 positions, exterior counter-clockwise, holes clockwise; lon/lat order. */
function expectRfc7946Polygons(fc: FeatureCollection): void {
  for (const f of fc.features) {
    const g = f.geometry as Polygon | MultiPolygon;
    const polygons: Position[][][] = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
    for (const rings of polygons) {
      rings.forEach((ring, i) => {
        expect(ring.length).toBeGreaterThanOrEqual(4);
        expect(ring[ring.length - 1]).toEqual(ring[0]);
        if (i === 0) expect(ringSignedArea(ring)).toBeGreaterThan(0);
        else expect(ringSignedArea(ring)).toBeLessThan(0);
        for (const [lon, lat] of ring) {
          // The town lies at about 120.4 E, 33.3 N: swapped axes would fail here.
          expect(lon).toBeGreaterThan(120);
          expect(lon).toBeLessThan(121);
          expect(lat).toBeGreaterThan(33);
          expect(lat).toBeLessThan(34);
        }
      });
    }
  }
}

async function allProblems(): Promise<Feature<Point>[]> {
  const out: Feature<Point>[] = [];
  let cursor: string | null = null;
  do {
    const res = await ctx.app.inject({ headers: ctx.as.admin, url: `/api/problems?limit=10000${cursor ? `&cursor=${cursor}` : ''}` });
    const body: { features: Feature<Point>[]; nextCursor: string | null } = res.json();
    out.push(...body.features);
    cursor = body.nextCursor;
  } while (cursor);
  return out;
}

describe('GET /api/communities and /api/grids', () => {
  it('serves 14 communities including 李灶社区 and 东南村 as valid RFC 7946 GeoJSON', async () => {
    const fc = await geojson('/api/communities');
    expect(fc.features).toHaveLength(14);
    expect(fc.features.map((f) => f.properties?.name)).toEqual(expect.arrayContaining(['李灶社区', '东南村']));
    expectRfc7946Polygons(fc);
  });

  it('serves 120–300 grids as valid RFC 7946 GeoJSON, each inside its community', async () => {
    const fc = await geojson('/api/grids');
    expect(fc.features.length).toBeGreaterThanOrEqual(120);
    expect(fc.features.length).toBeLessThanOrEqual(300);
    expectRfc7946Polygons(fc);
    const communities = new Set((await geojson('/api/communities')).features.map((f) => f.properties?.id));
    for (const g of fc.features) {
      expect(communities.has(g.properties?.communityId)).toBe(true);
      expect(g.properties?.manager).toMatch(/^\p{Script=Han}{2,4}$/u);
      expect(g.properties?.areaKm2).toBeGreaterThan(0);
    }
  });

  it('places every problem in exactly one grid and one community, the ones it names', async () => {
    const grids = (await geojson('/api/grids')).features as Feature<Polygon | MultiPolygon>[];
    const communities = (await geojson('/api/communities')).features as Feature<Polygon | MultiPolygon>[];
    const problems = await allProblems();
    expect(problems).toHaveLength(3000);
    for (const p of problems) {
      const inGrids = grids.filter((g) => booleanPointInPolygon(p.geometry, g, { ignoreBoundary: true }));
      const inCommunities = communities.filter((c) => booleanPointInPolygon(p.geometry, c, { ignoreBoundary: true }));
      expect(inGrids.map((g) => g.properties?.id)).toEqual([p.properties?.gridId]);
      expect(inCommunities.map((c) => c.properties?.id)).toEqual([p.properties?.communityId]);
      expect(inGrids[0].properties?.communityId).toBe(p.properties?.communityId);
    }
  });

  it('serves 40+ key sites as GeoJSON points and 15+ units', async () => {
    const sites = await geojson('/api/sites');
    expect(sites.features.length).toBeGreaterThanOrEqual(40);
    expect(new Set(sites.features.map((f) => f.properties?.kind)).size).toBeGreaterThanOrEqual(10);
    const units = (await ctx.app.inject({ headers: ctx.as.admin, url: '/api/units' })).json();
    expect(units.units.length).toBeGreaterThanOrEqual(15);
  });
});
