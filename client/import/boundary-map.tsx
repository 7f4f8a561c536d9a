import type { FeatureCollection } from 'geojson';
import type * as maplibregl from 'maplibre-gl';
import { useEffect, useRef } from 'react';
import { boxOf, townMap, townStyle } from '../map/town-map.ts';

/** What each area of a boundary file would be, and how the preview draws it. */
export const CHANGE_STYLE = {
  added: { name: '新增', color: '#15803d' },
  reshaped: { name: '边界变化', color: '#d97706' },
  removed: { name: '删除', color: '#b91c1c' },
  unchanged: { name: '未变', color: '#64748b' },
  unnamed: { name: '无名称', color: '#7c3aed' },
} as const;

const colorOf = [
  'match',
  ['get', 'change'],
  ...Object.entries(CHANGE_STYLE).flatMap(([k, v]) => [k, v.color]),
  '#64748b',
] as unknown as maplibregl.ExpressionSpecification;

/** The box of the areas that change (all areas when none does): what the clerk must look at. */
function changedBox(fc: FeatureCollection): [number, number, number, number] {
  const changed = fc.features.filter((f) => f.properties?.change !== 'unchanged');
  return boxOf((changed.length > 0 ? changed : fc.features).map((f) => f.geometry)) ?? [-180, -90, 180, 90];
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
    townStyle().then((style) => {
      if (gone || !container.current) return;
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
      map = townMap(container.current, style, changedBox(preview), { padding: 40, maxZoom: 16 });
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
    map.fitBounds(changedBox(preview), { padding: 40, maxZoom: 16, duration: 0 });
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
