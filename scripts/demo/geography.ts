import { area, booleanPointInPolygon, featureCollection, intersect, nearestPointOnLine, point, polygon, rewind, voronoi } from '@turf/turf';
import type { Feature, LineString, MultiPolygon, Polygon, Position } from 'geojson';
import townData from '../../data/yandong.json' with { type: 'json' };
import { categories, type SiteKind } from '../../server/domain/catalogue.ts';
import type { DispatchRule } from '../../server/domain/dispatch.ts';
import { type Area, type BBox, bboxOf, distanceKm, offsetKm } from '../../server/domain/geometry.ts';
import { AreaIndex } from '../../server/domain/grid-index.ts';
import type { Random } from '../../server/domain/random.ts';
import type { BasemapFeature, CommunityRecord, GridRecord, SiteRecord, TownGeography, TownRecord, UnitRecord } from '../../server/store/records.ts';
import { smallRoads } from './streets.ts';

export interface MarketTown {
  id: string;
  name: string;
  communityId: string;
  center: [number, number];
  radiusKm: number;
}

/** The demo town's reference data, with what the problem simulation needs besides. */
export interface Geography extends TownGeography {
  marketTowns: MarketTown[];
  gridIndex: AreaIndex;
  /** Households per community id: where background problems fall. */
  households: Map<string, number>;
}

const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方邹熊白孟秦邱侯江尹薛闫段雷';
const GIVEN = [
  '建国',
  '秀英',
  '海燕',
  '志强',
  '桂兰',
  '春梅',
  '国华',
  '红霞',
  '永明',
  '晓东',
  '玉芳',
  '德明',
  '丽娟',
  '文斌',
  '小军',
  '金凤',
  '立新',
  '海波',
  '美玲',
  '长青',
  '卫东',
  '雪梅',
  '正阳',
  '晨曦',
];

/** Kinds of responsible department the catalogue's `defaultUnit` names. */
const DEPARTMENTS: { duty: string; name: string }[] = [
  { duty: 'enforcement', name: '镇综合行政执法局' },
  { duty: 'market', name: '镇市场监管分局' },
  { duty: 'sanitation', name: '镇环卫所' },
  { duty: 'construction', name: '镇建设局' },
  { duty: 'traffic', name: '派出所交警中队' },
  { duty: 'publicity', name: '镇宣传办' },
  { duty: 'power', name: '镇供电所' },
];

/** Who answers for a key site of a type in the demo (责任单位): a department's duty, else the village's committee. */
const SITE_OWNER: Partial<Record<SiteKind, string>> = {
  农贸市场: 'market',
  建筑工地: 'construction',
  公共厕所: 'sanitation',
  主次干道: 'enforcement',
  交通路口: 'traffic',
  商场超市: 'market',
};

/** Id of the unit that handles a duty; community duty goes to the community's own committee. */
export function unitIdFor(duty: string, communityId: string): string {
  return duty === 'community' ? `committee-${communityId}` : `dept-${duty}`;
}

/**
 * The demo's dispatch rules, from the catalogue's duty per category: a department's category goes
 * to that department town-wide; a community duty (乱堆乱放, 乱晾乱晒) to each community's own
 * committee; anything else to the enforcement bureau (综合行政执法).
 */
export function demoDispatchRules(communityIds: readonly string[]): DispatchRule[] {
  const rules: DispatchRule[] = [];
  for (const c of categories) {
    if (c.defaultUnit === 'community') for (const id of communityIds) rules.push({ category: c.code, communityId: id, unitId: unitIdFor('community', id) });
    else rules.push({ category: c.code, communityId: null, unitId: unitIdFor(c.defaultUnit, '') });
  }
  rules.push({ category: null, communityId: null, unitId: unitIdFor('enforcement', '') });
  return rules;
}

function personName(rng: Random): string {
  return rng.pick([...SURNAMES]) + rng.pick(GIVEN);
}

function areaKm2(geometry: Area): number {
  return area(geometry) / 1e6;
}

function ccw(geometry: Polygon | MultiPolygon): Area {
  return rewind(geometry, { mutate: true }) as Area;
}

/** A uniformly random point inside an area, by rejection inside its box. */
export function randomPointIn(rng: Random, geometry: Area, box: BBox = bboxOf(geometry)): [number, number] {
  for (;;) {
    const p: [number, number] = [rng.range(box[0], box[2]), rng.range(box[1], box[3])];
    if (booleanPointInPolygon(p, geometry)) return p;
  }
}

/** Mitchell's best-candidate sampling: well spread seeds, drawn by `sample`. */
function bestCandidates(count: number, existing: [number, number][], sample: () => [number, number]): [number, number][] {
  const seeds = [...existing];
  for (let i = 0; i < count; i++) {
    let best: [number, number] = sample();
    let bestDistance = -1;
    for (let k = 0; k < 10; k++) {
      const c = k === 0 ? best : sample();
      let nearest = Number.POSITIVE_INFINITY;
      for (const s of seeds) nearest = Math.min(nearest, distanceKm(c, s));
      if (nearest > bestDistance) {
        bestDistance = nearest;
        best = c;
      }
    }
    seeds.push(best);
  }
  return seeds.slice(existing.length);
}

/** Cuts `container` into Voronoi cells around the seeds, each clipped to the container. */
function voronoiCells(seeds: [number, number][], container: Area): { index: number; seed: [number, number]; geometry: Area }[] {
  const box = bboxOf(container);
  const pad = 0.01;
  const cells = voronoi(featureCollection(seeds.map((s) => point(s))), {
    bbox: [box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad],
  });
  const out: { index: number; seed: [number, number]; geometry: Area }[] = [];
  cells.features.forEach((cell, i) => {
    if (!cell) return;
    const clipped = intersect(featureCollection<Polygon | MultiPolygon>([cell, { type: 'Feature', properties: {}, geometry: container }]));
    if (clipped) out.push({ index: i, seed: seeds[i], geometry: ccw(clipped.geometry) });
  });
  return out;
}

function buildGrids(rng: Random, community: CommunityRecord, market: MarketTown | undefined): GridRecord[] {
  const box = bboxOf(community.geometry);
  const anywhere = () => randomPointIn(rng, community.geometry, box);
  let seeds: [number, number][];
  if (market) {
    // Market towns get small grids: most seeds crowd into the market town itself.
    const inMarket = () => {
      for (;;) {
        const p = offsetKm(market.center, rng.normal() * market.radiusKm * 0.6, rng.normal() * market.radiusKm * 0.6);
        if (booleanPointInPolygon(p, community.geometry)) return p;
      }
    };
    const dense = bestCandidates(20, [], inMarket);
    seeds = [...dense, ...bestCandidates(10, dense, anywhere)];
  } else {
    seeds = bestCandidates(Math.round(7 + community.areaKm2 / 4), [], anywhere);
  }
  const cells = voronoiCells(seeds, community.geometry);
  // Number grids north to south, west to east within bands of ~1 km.
  cells.sort((a, b) => Math.round(b.seed[1] / 0.01) - Math.round(a.seed[1] / 0.01) || a.seed[0] - b.seed[0]);
  return cells.map((cell, i) => ({
    id: `${community.id}-${String(i + 1).padStart(2, '0')}`,
    townId: community.townId,
    communityId: community.id,
    name: `${community.name}第${i + 1}网格`,
    manager: personName(rng),
    geometry: cell.geometry,
    areaKm2: areaKm2(cell.geometry),
  }));
}

interface SitePlan {
  name: string;
  kind: SiteKind;
  near: 'market' | 'center';
  maxKm: number;
}

function sitePlans(community: CommunityRecord, market: MarketTown | undefined): SitePlan[] {
  const short = community.name.replace(/(社区|村)$/, '');
  if (market) {
    const m = market.name.replace('集镇', '');
    const plans: SitePlan[] = [
      { name: `${m}农贸市场`, kind: '农贸市场', near: 'market', maxKm: 0.2 },
      { name: `${m}老街背街小巷`, kind: '背街小巷', near: 'market', maxKm: 0.4 },
      { name: `${m}菜场后巷`, kind: '背街小巷', near: 'market', maxKm: 0.3 },
      { name: `${m}中心小学周边`, kind: '学校周边', near: 'market', maxKm: 0.6 },
      { name: `${m}商贸超市`, kind: '商场超市', near: 'market', maxKm: 0.3 },
      { name: `${m}文化广场`, kind: '公园广场', near: 'market', maxKm: 0.5 },
      { name: `${m}公交站`, kind: '客运站/公交站点', near: 'market', maxKm: 0.4 },
      { name: `${m}集镇公厕`, kind: '公共厕所', near: 'market', maxKm: 0.3 },
      { name: `${m}十字路口`, kind: '交通路口', near: 'market', maxKm: 0.15 },
      { name: `${m}安置小区`, kind: '社区/小区', near: 'market', maxKm: 0.8 },
      { name: `${m}集镇建设工地`, kind: '建筑工地', near: 'market', maxKm: 0.9 },
    ];
    if (community.id === 'lizao') {
      plans.push({ name: '镇卫生院', kind: '医院', near: 'market', maxKm: 0.5 }, { name: '镇便民服务中心', kind: '窗口单位', near: 'market', maxKm: 0.4 });
    }
    plans.push({ name: `${community.name}新时代文明实践站`, kind: '新时代文明实践站', near: 'center', maxKm: 0.3 });
    return plans;
  }
  return [
    { name: `${community.name}新时代文明实践站`, kind: '新时代文明实践站', near: 'center', maxKm: 0.2 },
    { name: `${short}村部公交站`, kind: '客运站/公交站点', near: 'center', maxKm: 0.4 },
  ];
}

function buildSites(rng: Random, community: CommunityRecord, market: MarketTown | undefined, gridIndex: AreaIndex): SiteRecord[] {
  return sitePlans(community, market).map((plan, i) => {
    const center = plan.near === 'market' && market ? market.center : community.center;
    let p: [number, number] = center;
    for (let tries = 0; tries < 50; tries++) {
      const angle = rng.range(0, 2 * Math.PI);
      const r = rng.range(0.05, plan.maxKm);
      const c = offsetKm(center, r * Math.cos(angle), r * Math.sin(angle));
      if (booleanPointInPolygon(c, community.geometry) && gridIndex.locate(c[0], c[1])) {
        p = c;
        break;
      }
    }
    return {
      id: `${community.id}-site-${String(i + 1).padStart(2, '0')}`,
      townId: community.townId,
      communityId: community.id,
      gridId: gridIndex.locate(p[0], p[1]) ?? '',
      name: plan.name,
      kind: plan.kind,
      lon: p[0],
      lat: p[1],
      unitId: unitIdFor(SITE_OWNER[plan.kind] ?? 'community', community.id),
    };
  });
}

function line(coords: number[][]): LineString {
  return { type: 'LineString', coordinates: coords as Position[] };
}

function buildBasemap(town: TownRecord, communities: CommunityRecord[], grids: GridRecord[], marketTowns: MarketTown[]): BasemapFeature[] {
  const features: BasemapFeature[] = [];
  const mainRoads = townData.roads.filter((r) => r.class !== 'street');
  for (const r of townData.roads) features.push({ layer: 'road', name: r.name, class: r.class, geometry: line(r.line) });
  // Each village centre gets a track to the nearest main road.
  for (const c of communities) {
    let best: Feature<import('geojson').Point> | null = null;
    for (const r of mainRoads) {
      const near = nearestPointOnLine(line(r.line), c.center, { units: 'kilometers' });
      if (!best || (near.properties.dist ?? 0) < (best.properties?.dist ?? 0)) best = near;
    }
    if (best && (best.properties?.dist ?? 0) > 0.15) {
      features.push({ layer: 'road', name: `${c.name.replace(/(社区|村)$/, '')}村道`, class: 'track', geometry: line([c.center, best.geometry.coordinates]) });
    }
  }
  features.push(...smallRoads(town.boundary, communities, grids, marketTowns));
  features.push({ layer: 'water', name: townData.river.name, class: 'river', geometry: line(townData.river.line) });
  for (const c of townData.canals) features.push({ layer: 'water', name: c.name, class: 'canal', geometry: line(c.line) });
  features.push({ layer: 'label', name: town.name, class: 'town', geometry: { type: 'Point', coordinates: offsetKm(town.center, 0, 1.2) } });
  for (const c of communities) features.push({ layer: 'label', name: c.name, class: 'community', geometry: { type: 'Point', coordinates: c.center } });
  for (const m of marketTowns)
    features.push({ layer: 'label', name: m.name, class: 'market', geometry: { type: 'Point', coordinates: offsetKm(m.center, 0, -0.35) } });
  return features;
}

/** Builds the demo town: boundary, village areas tiling it, grids inside them, units, sites, basemap. */
export function buildGeography(rng: Random): Geography {
  const boundary = ccw(polygon([townData.town.boundary]).geometry) as Polygon;
  const seat = townData.communities.find((c) => c.id === 'lizao')?.center as [number, number];
  const town: TownRecord = {
    id: townData.town.id,
    name: townData.town.name,
    code: townData.town.code,
    boundary,
    bbox: bboxOf(boundary),
    center: seat,
  };
  const marketTowns: MarketTown[] = townData.marketTowns.map((m) => ({
    id: m.id,
    name: m.name,
    communityId: m.communityId,
    center: [m.center[0], m.center[1]],
    radiusKm: m.radiusKm,
  }));
  const cells = voronoiCells(
    townData.communities.map((c) => c.center as [number, number]),
    boundary,
  );
  const communities: CommunityRecord[] = cells.map((cell) => {
    const c = townData.communities[cell.index];
    return {
      id: c.id,
      townId: town.id,
      name: c.name,
      kind: c.kind as CommunityRecord['kind'],
      geometry: cell.geometry,
      center: c.center as [number, number],
      areaKm2: areaKm2(cell.geometry),
    };
  });
  const grids = communities.flatMap((c) =>
    buildGrids(
      rng,
      c,
      marketTowns.find((m) => m.communityId === c.id),
    ),
  );
  const gridIndex = new AreaIndex(grids);
  const sites = communities.flatMap((c) =>
    buildSites(
      rng,
      c,
      marketTowns.find((m) => m.communityId === c.id),
      gridIndex,
    ),
  );
  const units: UnitRecord[] = [
    ...DEPARTMENTS.map((d) => ({ id: unitIdFor(d.duty, ''), townId: town.id, name: d.name, kind: 'department' as const, communityId: null })),
    ...communities.map((c) => ({
      id: unitIdFor('community', c.id),
      townId: town.id,
      name: `${c.name}${c.kind === 'village' ? '村委会' : '居委会'}`,
      kind: 'community' as const,
      communityId: c.id,
    })),
  ];
  return {
    town,
    communities,
    grids,
    units,
    sites,
    basemap: buildBasemap(town, communities, grids, marketTowns),
    dispatchRules: demoDispatchRules(communities.map((c) => c.id)),
    marketTowns,
    gridIndex,
    households: new Map(townData.communities.map((c) => [c.id, c.households])),
  };
}
