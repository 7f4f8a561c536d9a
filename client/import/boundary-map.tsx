import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import type { FeatureCollection } from 'geojson';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { useEffect, useRef } from 'react';
import { api } from '../api/client.ts';
import { basemapStyle, LOCAL_IDEOGRAPH_FONTS } from '../map/basemap-style.ts';
import { MAPLIBRE_LOCALE_ZH } from '../map/locale-zh.ts';

maplibregl.setWorkerUrl(workerUrl);

/** What each area of a boundary file would be, and how the preview draws it. */
export const CHANGE_STYLE = {
  added: { name: '新增', color: '#15803d' },
  reshaped: { name: '边界变化', color: '#d97706' },
  removed: { name: '删除', color: '#b91c1c' },
  unchanged: { name: '未变', color: '#64748b' },
  unnamed: { name: '无名称', color: '#7c3aed' },
} as const;

const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };
const colorOf = [
  'match',
  ['get', 'change'],
  ...Object.entries(CHANGE_STYLE).flatMap(([k, v]) => [k, v.color]),
  '#64748b',
] as unknown as maplibregl.ExpressionSpecification;

/** The box of the areas that change (all areas when none does): what the clerk must look at. */
function boxOf(fc: FeatureCollection): [number, number, number, number] {
  const changed = fc.features.filter((f) => f.properties?.change !== 'unchanged');
  const b = [180, 90, -180, -90];
  const walk = (c: unknown): void => {
    if (typeof (c as number[])[0] === 'number') {
      const [x, y] = c as number[];
      b[0] = Math.min(b[0], x);
      b[1] = Math.min(b[1], y);
      b[2] = Math.max(b[2], x);
      b[3] = Math.max(b[3], y);
    } else for (const p of c as unknown[]) walk(p);
  };
  for (const f of changed.length > 0 ? changed : fc.features) if (f.geometry && 'coordinates' in f.geometry) walk(f.geometry.coordinates);
  return b as [number, number, number, number];
}

/**
 * The boundary check on the map, over the town's offline basemap: the file's grids coloured by what
 * each would be (新增 green, 边界变化 amber, 未变 grey) and the grids that would go (删除, red,
 * dashed), with their names.
 */
export function BoundaryMap({ preview }: { preview: FeatureCollection }) {
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<maplibregl.Map | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the map is made once; the preview is set by the effect below
  useEffect(() => {
    let map: maplibregl.Map | null = null;
    let gone = false;
    Promise.all([api.communities(), api.basemap()]).then(([communities, basemap]) => {
      if (gone || !container.current) return;
      const style = basemapStyle({ communities, grids: EMPTY, basemap, sites: EMPTY });
      style.sources.preview = { type: 'geojson', data: preview };
      style.layers.push(
        {
          id: 'preview-fill',
          type: 'fill',
          source: 'preview',
          filter: ['!=', ['get', 'change'], 'unchanged'],
          paint: { 'fill-color': colorOf, 'fill-opacity': 0.28 },
        },
        {
          id: 'preview-line',
          type: 'line',
          source: 'preview',
          filter: ['!=', ['get', 'change'], 'removed'],
          paint: { 'line-color': colorOf, 'line-width': 1.4 },
        },
        {
          id: 'preview-removed',
          type: 'line',
          source: 'preview',
          filter: ['==', ['get', 'change'], 'removed'],
          paint: { 'line-color': colorOf, 'line-width': 2.4, 'line-dasharray': [2, 1.5] },
        },
        {
          id: 'preview-label',
          type: 'symbol',
          source: 'preview',
          filter: ['!=', ['get', 'change'], 'unchanged'],
          layout: { 'text-field': ['get', 'name'], 'text-size': 13, 'text-allow-overlap': true },
          paint: { 'text-color': colorOf, 'text-halo-color': '#ffffff', 'text-halo-width': 1.5 },
        },
      );
      map = new maplibregl.Map({
        container: container.current,
        style,
        bounds: boxOf(preview),
        fitBoundsOptions: { padding: 40, maxZoom: 16 },
        localIdeographFontFamily: LOCAL_IDEOGRAPH_FONTS,
        locale: MAPLIBRE_LOCALE_ZH,
        attributionControl: false,
      });
      map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
      mapRef.current = map;
    });
    return () => {
      gone = true;
      map?.remove();
      mapRef.current = null;
    };
  }, []);

  useEffect(() => {
    const map = mapRef.current;
    const source = map?.getSource('preview') as maplibregl.GeoJSONSource | undefined;
    if (!map || !source) return;
    source.setData(preview);
    map.fitBounds(boxOf(preview), { padding: 40, maxZoom: 16, duration: 0 });
  }, [preview]);

  return (
    <div className="boundary-map-wrap">
      <div className="boundary-map" ref={container} data-boundary-map role="img" aria-label="网格边界变化地图" />
      <ul className="boundary-legend">
        {Object.values(CHANGE_STYLE).map((s) => (
          <li key={s.name}>
            <span style={{ background: s.color }} />
            {s.name}
          </li>
        ))}
      </ul>
    </div>
  );
}
