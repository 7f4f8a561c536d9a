import type { FeatureCollection } from 'geojson';
import type { StyleSpecification } from 'maplibre-gl';
import { monthSpan } from '../../server/present/monthly-deck.ts';
import type { SceneValue } from '../../server/schemas/decks.ts';
import { api, type Meta, patrolDaysOf } from '../api/client.ts';
import { basemapStyle } from '../map/basemap-style.ts';
import { VETO_SCORE, withStats } from '../map/choropleth.ts';
import { type PointColumns, pointColumns, type SiteMarker } from '../map/layers.ts';
import { type Bin, type BinScale, binGrid, binPoints, binScale, sharedMax } from './bins.ts';
import { isWholeMonth, loadSideData, type SideData, sceneQuery } from './scene-data.ts';

/**
 * Everything a scene needs on screen, loaded ahead: the side element's data and, per map (two for a
 * comparison), the problems of its period, the grids coloured by the scene's figures, and for a
 * comparison the hexagon counts on one shared scale. Loads are kept by scene, so showing the next
 * scene after its prefetch costs nothing.
 */

type Period = NonNullable<SceneValue['filters']['period']>;

export interface PresentTown {
  meta: Meta;
  grids: FeatureCollection;
  communities: FeatureCollection;
  sites: SiteMarker[];
  /** The offline basemap in the deck's theme (light for projectors, dark for LED walls). */
  style: (theme: 'light' | 'dark') => StyleSpecification;
}

export async function loadPresentTown(): Promise<PresentTown> {
  const [meta, communities, grids, basemap, sites] = await Promise.all([api.meta(), api.communities(), api.grids(), api.basemap(), api.sites()]);
  return {
    meta,
    grids,
    communities,
    sites: sites.features.map((f) => {
      const [lon, lat] = (f.geometry as unknown as { coordinates: [number, number] }).coordinates;
      return { id: String(f.properties?.id), name: String(f.properties?.name), kind: String(f.properties?.kind), lon, lat };
    }),
    style: (theme) => basemapStyle({ communities, grids, basemap, sites }, theme === 'dark' ? 'night' : 'day'),
  };
}

export interface MapData {
  period: Period | null;
  /** 2026年10月, or the days. */
  label: string;
  columns: PointColumns;
  /** The grids with the scene's figures (the choropleth's properties). */
  grids: FeatureCollection;
  /** Hexagon counts (comparisons and time-lapses only). */
  bins: Bin[] | null;
}

export interface SceneData {
  side: SideData;
  maps: MapData[];
  /** The one scale of a comparison's hexagons. */
  scale: BinScale | null;
}

/** A period's name as a slide says it. */
export function periodLabel(p: Period | null): string {
  if (!p) return '全部时间';
  if (isWholeMonth(p)) return `${Number(p.from.slice(0, 4))}年${Number(p.from.slice(5, 7))}月`;
  return `${p.from} 至 ${p.to}`;
}

/** Whether a scene's map counts hexagons on a shared scale rather than drawing heat. */
export const binned = (scene: SceneValue) => scene.compareWith !== null && (scene.map.mode === 'heat' || scene.map.mode === 'hex');

async function loadMap(scene: SceneValue, town: PresentTown, period: Period | null, bins: boolean): Promise<MapData> {
  const q = sceneQuery(scene.filters, period);
  const mode = scene.map.mode;
  // 村居考核得分: the scores of the period's month (this month's when the scene has no period)
  const scoreMonth = mode === 'grid' && scene.map.metric === 'score' ? (period?.from ?? town.meta.now).slice(0, 7) : null;
  const [points, stats, coverage, scores] = await Promise.all([
    api.points(q),
    mode === 'grid' ? api.gridStats(q) : Promise.resolve([]),
    mode === 'patrol' ? api.coverage() : Promise.resolve(null),
    scoreMonth ? api.scores(scoreMonth) : Promise.resolve(null),
  ]);
  return {
    period,
    label: periodLabel(period),
    columns: pointColumns(points),
    grids: withStats(
      town.grids,
      new Map(stats.map((g) => [g.id, g])),
      coverage ? patrolDaysOf(coverage) : undefined,
      scores ? new Map(scores.scores.map((s) => [s.area, s.vetoes.length > 0 ? VETO_SCORE : s.score])) : undefined,
    ),
    bins: bins ? binPoints(points, binGrid(town.meta.bbox)) : null,
  };
}

/** Loads kept by what they depend on: editing a title or a note loads nothing again. */
const sides = new Map<string, Promise<SideData>>();
const mapSets = new Map<string, Promise<Pick<SceneData, 'maps' | 'scale'>>>();

function kept<T>(cache: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let p = cache.get(key);
  if (!p) {
    p = load();
    cache.set(key, p);
    // a failed load is tried again next time
    p.catch(() => cache.delete(key));
  }
  return p;
}

async function loadMaps(scene: SceneValue, town: PresentTown): Promise<Pick<SceneData, 'maps' | 'scale'>> {
  const periods = scene.map.mode === 'none' ? [] : scene.compareWith ? [scene.filters.period, scene.compareWith] : [scene.filters.period];
  const bins = binned(scene);
  const maps = await Promise.all(periods.map((p) => loadMap(scene, town, p, bins)));
  return { maps, scale: bins ? binScale(sharedMax(maps.map((m) => m.bins ?? []))) : null };
}

/** A scene's data: its side element's and its maps'. */
export async function sceneData(scene: SceneValue, town: PresentTown): Promise<SceneData> {
  const [side, maps] = await Promise.all([
    kept(sides, JSON.stringify([scene.side, scene.filters]), () => loadSideData(scene)),
    kept(mapSets, JSON.stringify([scene.map, scene.filters, scene.compareWith]), () => loadMaps(scene, town)),
  ]);
  return { side, ...maps };
}

/** The months of a time-lapse: the twelve ending with the scene's period (or the town's current month). */
export function lapseMonths(scene: SceneValue, now: string): Period[] {
  const out: Period[] = [];
  let month = (scene.filters.period?.to ?? now).slice(0, 7);
  for (let k = 0; k < 12; k++) {
    const span = monthSpan(month);
    out.unshift({ from: span.from, to: span.to });
    month = span.previous.from.slice(0, 7);
  }
  return out;
}

/** The twelve months' hexagons on one scale (a time-lapse). */
export async function lapseData(scene: SceneValue, town: PresentTown): Promise<{ months: MapData[]; scale: BinScale }> {
  const months = await Promise.all(lapseMonths(scene, town.meta.now).map((p) => loadMap({ ...scene, map: { ...scene.map, mode: 'heat' } }, town, p, true)));
  return { months, scale: binScale(sharedMax(months.map((m) => m.bins ?? []))) };
}
