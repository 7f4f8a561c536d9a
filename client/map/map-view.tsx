import { HeatmapLayer } from '@deck.gl/aggregation-layers';
import { COORDINATE_SYSTEM, type Layer } from '@deck.gl/core';
import { MapLibreOverlay } from '@deck.gl/maplibre';
import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import type { FeatureCollection } from 'geojson';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { useEffect, useMemo, useRef } from 'react';
import type { Points } from '../../server/domain/points-codec.ts';
import { LOCAL_IDEOGRAPH_FONTS } from './basemap-style.ts';

maplibregl.setWorkerUrl(workerUrl);

declare global {
  interface Window {
    /** For browser tests: the map, once created. */
    __map?: maplibregl.Map;
  }
}

export type MapMode = 'heat' | 'rate';

export interface MapViewProps {
  style: maplibregl.StyleSpecification;
  bbox: [number, number, number, number];
  points: Points | null;
  /** The grids with their `rate` property for the choropleth. */
  grids: FeatureCollection;
  /** The grid to outline, if any. */
  selectedGrid: string | null;
  /** 热力图: the heatmap of problems; 整改率: grids coloured by rectification rate. */
  mode: MapMode;
  onGridClick: (gridId: string) => void;
}

/** Interleaved [dLon, dLat] offsets: the layout deck.gl's binary getPosition attribute takes. */
function positions(points: Points): Float32Array {
  const out = new Float32Array(points.count * 2);
  for (let i = 0; i < points.count; i++) {
    out[2 * i] = points.dLon[i];
    out[2 * i + 1] = points.dLat[i];
  }
  return out;
}

/** The map: created once, never remounted; deck.gl layers rebuilt from props through one overlay. */
export function MapView({ style, bbox, points, grids, selectedGrid, mode, onGridClick }: MapViewProps) {
  const container = useRef<HTMLDivElement>(null);
  const overlay = useRef<MapLibreOverlay | null>(null);
  const mapRef = useRef<maplibregl.Map | null>(null);
  const gridClick = useRef(onGridClick);
  gridClick.current = onGridClick;

  // biome-ignore lint/correctness/useExhaustiveDependencies: the map is created once; style and bounds are its initial state
  useEffect(() => {
    if (!container.current) return;
    const map = new maplibregl.Map({
      container: container.current,
      style,
      bounds: bbox,
      fitBoundsOptions: { padding: 20 },
      localIdeographFontFamily: LOCAL_IDEOGRAPH_FONTS,
      attributionControl: false,
      canvasContextAttributes: { preserveDrawingBuffer: true },
    });
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    const deck = new MapLibreOverlay({ interleaved: false, layers: [] });
    map.addControl(deck);
    overlay.current = deck;
    mapRef.current = map;
    window.__map = map;
    map.on('click', 'grid-fill', (e) => {
      const id = e.features?.[0]?.properties?.id;
      if (typeof id === 'string') gridClick.current(id);
    });
    map.on('mouseenter', 'grid-fill', () => {
      map.getCanvas().style.cursor = 'pointer';
    });
    map.on('mouseleave', 'grid-fill', () => {
      map.getCanvas().style.cursor = '';
    });
    return () => {
      overlay.current = null;
      mapRef.current = null;
      map.remove();
    };
  }, []);

  const position = useMemo(() => (points ? positions(points) : null), [points]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    const apply = () => {
      map.setPaintProperty('grid-fill', 'fill-opacity', mode === 'rate' ? 0.75 : 0);
      (map.getSource('grids') as maplibregl.GeoJSONSource | undefined)?.setData(grids);
      map.setFilter('grid-selected', ['==', ['get', 'id'], selectedGrid ?? '']);
    };
    if (map.isStyleLoaded()) apply();
    else map.once('load', apply);
  }, [mode, grids, selectedGrid]);

  useEffect(() => {
    if (!overlay.current) return;
    const layers: Layer[] = [];
    if (points && position && mode === 'heat') {
      layers.push(
        new HeatmapLayer({
          id: 'problem-heat',
          data: { length: points.count, attributes: { getPosition: { value: position, size: 2 } } },
          coordinateSystem: COORDINATE_SYSTEM.LNGLAT_OFFSETS,
          coordinateOrigin: [points.originLon, points.originLat, 0],
          radiusPixels: 40,
          intensity: 1,
          threshold: 0.05,
          colorRange: [
            [255, 255, 178],
            [254, 217, 118],
            [254, 178, 76],
            [253, 141, 60],
            [240, 59, 32],
            [189, 0, 38],
          ],
        }),
      );
    }
    overlay.current.setProps({ layers });
  }, [points, position, mode]);

  return <div ref={container} className="map" data-testid="map" />;
}
