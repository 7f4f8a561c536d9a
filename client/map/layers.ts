import { HeatmapLayer, HexagonLayer } from '@deck.gl/aggregation-layers';
import { COORDINATE_SYSTEM, type Layer } from '@deck.gl/core';
import { ScatterplotLayer, TextLayer } from '@deck.gl/layers';
import { OVERDUE_BIT, type Points } from '../../server/domain/points-codec.ts';
import type { Mode, Weight } from '../state/view-state.ts';

/**
 * The problems as deck.gl binary attributes, built from one answer of /api/problems/points, so
 * no object is made per point anywhere on the path from the wire to the GPU. Each column is made
 * the first time a layer asks for it (the heatmap needs only offsets and a weight; hexagons, status
 * colours and outlines wait until their mode or zoom is shown) and then kept.
 */
export class PointColumns {
  #offsets?: Float32Array;
  #lonLat?: Float64Array;
  #statusColor?: Uint8Array;
  #outline?: Uint8Array;
  #weights: Partial<Record<Weight, Float32Array>> = {};

  constructor(readonly points: Points) {}

  /** Interleaved [dLon, dLat] offsets from the points' origin (LNGLAT_OFFSETS). */
  get offsets(): Float32Array {
    if (!this.#offsets) {
      const { count, dLon, dLat } = this.points;
      const out = new Float32Array(count * 2);
      for (let i = 0; i < count; i++) {
        out[2 * i] = dLon[i];
        out[2 * i + 1] = dLat[i];
      }
      this.#offsets = out;
    }
    return this.#offsets;
  }

  /** Interleaved absolute [lon, lat, 0] (the hexagon layer takes 3-component float64 positions). */
  get lonLat(): Float64Array {
    if (!this.#lonLat) {
      const { count, dLon, dLat, originLon, originLat } = this.points;
      const out = new Float64Array(count * 3);
      for (let i = 0; i < count; i++) {
        out[3 * i] = originLon + dLon[i];
        out[3 * i + 1] = originLat + dLat[i];
      }
      this.#lonLat = out;
    }
    return this.#lonLat;
  }

  /** RGBA per point by status. */
  get statusColor(): Uint8Array {
    if (!this.#statusColor) {
      const { count, status } = this.points;
      const out = new Uint8Array(count * 4);
      for (let i = 0; i < count; i++) {
        const c = STATUS_COLORS[status[i] & ~OVERDUE_BIT] ?? [120, 120, 120];
        out[4 * i] = c[0];
        out[4 * i + 1] = c[1];
        out[4 * i + 2] = c[2];
        out[4 * i + 3] = 235;
      }
      this.#statusColor = out;
    }
    return this.#statusColor;
  }

  /** RGBA outline per point: dark red when overdue, white otherwise. */
  get outline(): Uint8Array {
    if (!this.#outline) {
      const { count, status } = this.points;
      const out = new Uint8Array(count * 4);
      for (let i = 0; i < count; i++) out.set(status[i] & OVERDUE_BIT ? OVERDUE_OUTLINE : PLAIN_OUTLINE, 4 * i);
      this.#outline = out;
    }
    return this.#outline;
  }

  /** 0/1 weight per point for a heat weight choice. */
  weight(w: Weight): Float32Array {
    let out = this.#weights[w];
    if (!out) {
      const { count, status } = this.points;
      out = new Float32Array(count);
      for (let i = 0; i < count; i++) {
        const s = status[i];
        out[i] = w === 'reported' ? 1 : w === 'backlog' ? ((s & ~OVERDUE_BIT) === CLOSED ? 0 : 1) : s & OVERDUE_BIT ? 1 : 0;
      }
      this.#weights[w] = out;
    }
    return out;
  }
}

/** The outline of an overdue problem's dot. */
export const OVERDUE_OUTLINE: [number, number, number, number] = [120, 0, 0, 255];
const PLAIN_OUTLINE = [255, 255, 255, 230];

/** Status colours of the points, in /api/meta `statuses` order. */
export const STATUS_COLORS: [number, number, number][] = [
  [30, 136, 229], // 已上报
  [229, 57, 53], // 待整改
  [251, 140, 0], // 整改中
  [142, 36, 170], // 待核查
  [67, 160, 71], // 已销号
];
const CLOSED = 4;

/** The columns of an answer of /api/problems/points. */
export function pointColumns(points: Points): PointColumns {
  return new PointColumns(points);
}

/** Heat colours, light to dark (YlOrRd). */
export const HEAT_COLORS: [number, number, number][] = [
  [255, 255, 178],
  [254, 217, 118],
  [254, 178, 76],
  [253, 141, 60],
  [240, 59, 32],
  [189, 0, 38],
];

/** Street zoom: from here on single problems are drawn. */
export const STREET_ZOOM = 15;
/** Key sites are drawn from here on. */
export const SITES_ZOOM = 13;

export interface SiteMarker {
  id: string;
  name: string;
  kind: string;
  lon: number;
  lat: number;
  /** Its latest check: all passed, an item failed, a veto item failed; none yet (undefined). */
  result?: 'pass' | 'fail' | 'veto';
}

/** Key sites' fill by their latest check (none yet: the town's navy). */
export const SITE_RESULT_COLORS: Record<'pass' | 'fail' | 'veto' | 'none', [number, number, number, number]> = {
  pass: [21, 128, 61, 240],
  fail: [234, 88, 12, 240],
  veto: [185, 28, 28, 240],
  none: [20, 50, 92, 230],
};

/** What each colour of a key site means (legend, site card). */
export const SITE_RESULT_NAMES: Record<'pass' | 'fail' | 'veto' | 'none', string> = {
  pass: '全部合格',
  fail: '有不合格项',
  veto: '一票否决项不合格',
  none: '尚未检查',
};

/** The sites with their latest results (a new array: deck.gl redraws). */
export function withResults(sites: readonly SiteMarker[], results: readonly { siteId: string; result: SiteMarker['result'] }[] | null): SiteMarker[] {
  const byId = new Map((results ?? []).map((r) => [r.siteId, r.result]));
  return sites.map((s) => ({ ...s, result: byId.get(s.id) }));
}

export interface HotspotLabel {
  rank: number;
  name: string;
  center: [number, number];
  count: number;
  change: number | null;
}

export interface LayerInput {
  columns: PointColumns | null;
  mode: Mode;
  weight: Weight;
  zoom: number;
  sites: SiteMarker[];
  hotspots: HotspotLabel[];
  /** Index in `columns.points` of the problem whose card is open (ringed on the map), or −1. */
  selectedIndex?: number;
  /** The heat's weight texture (deck.gl's default 2048): smaller draws faster where the GPU is slow or the heat is seen whole. */
  heatTexture?: number;
}

/** The layer the deck.gl layers sit under: place names stay readable above the heat. */
export const BEFORE_LABELS = 'community-label';
/** `beforeId` is read by MapLibreOverlay (interleaved) but is not in deck.gl's layer prop types. */
const UNDER_LABELS: object = { beforeId: BEFORE_LABELS };

/** Hotspot caption: name, count and the change against the previous period. */
export function hotspotCaption(h: HotspotLabel): string {
  const change = h.change === null ? '' : ` ${h.change >= 0 ? '↑' : '↓'}${Math.abs(Math.round(h.change * 100))}%`;
  return `${h.name} ${h.count}件${change}`;
}

/** The deck.gl layers of the map for the current data and view. */
/** Where a problem is among the points, or −1. */
export function pointIndex(points: Points, id: number): number {
  for (let i = 0; i < points.count; i++) if (points.id[i] === id) return i;
  return -1;
}

export function buildLayers({ columns, mode, weight, zoom, sites, hotspots, selectedIndex = -1, heatTexture }: LayerInput): Layer[] {
  const layers: Layer[] = [];
  const street = zoom >= STREET_ZOOM;
  if (columns && columns.points.count > 0) {
    const { points } = columns;
    const weights = columns.weight(weight);
    if (mode === 'heat' && !street) {
      layers.push(
        new HeatmapLayer({
          id: 'problem-heat',
          ...UNDER_LABELS,
          data: { length: points.count, attributes: { getPosition: { value: columns.offsets, size: 2 }, getWeight: { value: weights, size: 1 } } },
          coordinateSystem: COORDINATE_SYSTEM.LNGLAT_OFFSETS,
          coordinateOrigin: [points.originLon, points.originLat, 0],
          radiusPixels: 40,
          intensity: 1,
          threshold: 0.05,
          colorRange: HEAT_COLORS,
          ...(heatTexture ? { weightsTextureSize: heatTexture } : {}),
        }),
      );
    }
    if (mode === 'hex') {
      layers.push(
        new HexagonLayer({
          id: 'problem-hex',
          ...UNDER_LABELS,
          data: {
            length: points.count,
            attributes: {
              getPosition: { value: columns.lonLat, size: 3 },
              getColorWeight: { value: weights, size: 1 },
              getElevationWeight: { value: weights, size: 1 },
            },
          },
          radius: 150,
          coverage: 0.85,
          extruded: true,
          elevationScale: 6,
          colorRange: HEAT_COLORS,
          opacity: 0.85,
          material: { ambient: 0.6, diffuse: 0.6, shininess: 20 },
        }),
      );
    }
    if (street && mode !== 'hex') {
      layers.push(
        new ScatterplotLayer({
          id: 'problem-points',
          ...UNDER_LABELS,
          data: {
            length: points.count,
            attributes: {
              getPosition: { value: columns.offsets, size: 2 },
              getFillColor: { value: columns.statusColor, size: 4, normalized: true },
              getLineColor: { value: columns.outline, size: 4, normalized: true },
            },
          },
          coordinateSystem: COORDINATE_SYSTEM.LNGLAT_OFFSETS,
          coordinateOrigin: [points.originLon, points.originLat, 0],
          getRadius: 4,
          radiusUnits: 'meters',
          radiusMinPixels: 4,
          radiusMaxPixels: 12,
          stroked: true,
          lineWidthUnits: 'pixels',
          getLineWidth: 1.5,
          // picked by the map view's click handler (index → points.id)
          pickable: true,
        }),
      );
    }
  }
  if (columns && selectedIndex >= 0 && selectedIndex < columns.points.count) {
    const { points } = columns;
    layers.push(
      new ScatterplotLayer<number>({
        id: 'selected-problem',
        data: [selectedIndex],
        getPosition: (i) => [points.originLon + points.dLon[i], points.originLat + points.dLat[i]],
        getRadius: 14,
        radiusUnits: 'pixels',
        filled: false,
        stroked: true,
        lineWidthUnits: 'pixels',
        getLineWidth: 3,
        getLineColor: [20, 50, 92, 255],
      }),
    );
  }
  if (sites.length > 0 && zoom >= SITES_ZOOM) {
    layers.push(
      new ScatterplotLayer<SiteMarker>({
        id: 'sites',
        ...UNDER_LABELS,
        data: sites,
        getPosition: (s) => [s.lon, s.lat],
        getRadius: 7,
        radiusUnits: 'pixels',
        getFillColor: (s) => SITE_RESULT_COLORS[s.result ?? 'none'],
        // pickable: a site under the pointer is found by what it is (its card, tests)
        pickable: true,
        getLineColor: [255, 255, 255, 255],
        stroked: true,
        lineWidthUnits: 'pixels',
        getLineWidth: 2,
      }),
    );
  }
  if (hotspots.length > 0 && mode !== 'grid' && !street) {
    layers.push(
      new TextLayer<HotspotLabel>({
        id: 'hotspot-labels',
        data: hotspots,
        getPosition: (h) => h.center,
        getText: hotspotCaption,
        characterSet: 'auto',
        fontFamily: "'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif",
        fontWeight: 700,
        getSize: (h) => (h.rank <= 2 ? 17 : 14),
        getColor: [255, 255, 255, 255],
        background: true,
        getBackgroundColor: [150, 20, 20, 215],
        backgroundPadding: [6, 3],
        getPixelOffset: [0, -34],
        parameters: { depthCompare: 'always' },
      }),
    );
  }
  return layers;
}
