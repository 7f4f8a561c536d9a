import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { booleanPointInPolygon } from '@turf/turf';
import { Type } from 'typebox';
import { compileFilter } from '../analytics/filter.ts';
import { findHotspots, type Hotspot } from '../analytics/hotspots.ts';
import type { ProblemTable } from '../analytics/problem-table.ts';
import { unitScope } from '../auth/access.ts';
import { distanceKm } from '../domain/geometry.ts';
import { errorResponses, problemFilterProperties } from '../schemas/common.ts';
import { HotspotRow } from '../schemas/stats.ts';
import type { TownData } from '../town-data.ts';
import { parseProblemFilter } from './problem-filter.ts';

/** Names a hotspot after the market town it lies in, else the nearest key site, else its community. */
function placeName(h: Hotspot, town: TownData): string {
  const market = town.basemap.find(
    (f) => f.layer === 'label' && f.class === 'market' && f.geometry.type === 'Point' && distanceKm(h.center, f.geometry.coordinates as [number, number]) < 1,
  );
  if (market) return market.name;
  const site = town.sites
    .filter((s) => distanceKm(h.center, [s.lon, s.lat]) < 0.3)
    .sort((a, b) => distanceKm(h.center, [a.lon, a.lat]) - distanceKm(h.center, [b.lon, b.lat]))[0];
  if (site) return site.name;
  const community = town.communityIndex.locate(h.center[0], h.center[1]);
  return community ? (town.communityById.get(community)?.name ?? '') : '';
}

function matchingPoints(table: ProblemTable, match: ((i: number) => boolean) | null) {
  const rows: number[] = [];
  for (let i = 0; i < table.size; i++) if (match === null || match(i)) rows.push(i);
  return { rows, lon: Float64Array.from(rows, (i) => table.lon[i]), lat: Float64Array.from(rows, (i) => table.lat[i]) };
}

const hotspotRoutes: FastifyPluginAsyncTypebox = async (app) => {
  // Whether a hexagon centre lies in the town: asked once per cell centre, remembered.
  const insideTown = new Map<string, boolean>();
  const inside = (lon: number, lat: number) => {
    const k = `${lon.toFixed(6)},${lat.toFixed(6)}`;
    let v = insideTown.get(k);
    if (v === undefined) {
      v = booleanPointInPolygon([lon, lat], app.townData.town.boundary);
      insideTown.set(k, v);
    }
    return v;
  };

  app.get(
    '/api/hotspots',
    {
      config: { access: 'aggregate' },
      schema: {
        tags: ['stats'],
        summary: '热点：问题异常密集的区域（Getis-Ord Gi*，95% 置信，FDR 校正）',
        description:
          'Hexagons 300 m across; a cell is hot when its Gi* z-score (cell and 6 neighbours) is positive and significant after Benjamini–Hochberg at q = 0.05; touching hot cells form one hotspot of at least 10 problems. Strongest (most problems) first.',
        querystring: Type.Object(problemFilterProperties, { additionalProperties: false }),
        response: { 200: Type.Object({ total: Type.Integer(), hotspots: Type.Array(HotspotRow) }), ...errorResponses },
      },
    },
    async (req) => {
      const table = app.problemTable;
      const now = app.now();
      const filter = parseProblemFilter(req.query, table, unitScope(req.principal));
      const current = matchingPoints(table, compileFilter(table, filter, now));
      const { hotspots, cellOf } = findHotspots(current.lon, current.lat, current.rows.length, app.townData.town.bbox, inside);
      let previousCells: Map<number, number> | null = null;
      if (filter.from !== undefined && filter.to !== undefined) {
        const previous = matchingPoints(table, compileFilter(table, { ...filter, from: filter.from - (filter.to - filter.from), to: filter.from }, now));
        previousCells = new Map();
        for (let k = 0; k < previous.rows.length; k++) {
          const c = cellOf(previous.lon[k], previous.lat[k]);
          previousCells.set(c, (previousCells.get(c) ?? 0) + 1);
        }
      }
      const closed = table.statusIndex.get('closed') ?? -1;
      return {
        total: current.rows.length,
        hotspots: hotspots.map((h, i) => {
          let previous: number | null = null;
          if (previousCells) {
            previous = 0;
            for (const c of h.cellKeys) previous += previousCells.get(c) ?? 0;
          }
          return {
            rank: i + 1,
            name: placeName(h, app.townData),
            center: h.center,
            count: h.count,
            share: Math.round((h.count / current.rows.length) * 10_000) / 10_000,
            open: h.members.filter((k) => table.status[current.rows[k]] !== closed).length,
            previous,
            change: previous ? Math.round(((h.count - previous) / previous) * 10_000) / 10_000 : null,
            maxZ: Math.round(h.maxZ * 100) / 100,
            cells: h.cells.map((c) => ({ lon: c.lon, lat: c.lat, count: c.count, z: Math.round(c.z * 100) / 100 })),
          };
        }),
      };
    },
  );
};

export default hotspotRoutes;
