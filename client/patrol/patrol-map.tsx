import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import type { FeatureCollection } from 'geojson';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { useEffect, useRef } from 'react';
import type { Answer } from '../../server/schemas/api.ts';
import { LOCAL_IDEOGRAPH_FONTS } from '../map/basemap-style.ts';
import { MAPLIBRE_LOCALE_ZH } from '../map/locale-zh.ts';

maplibregl.setWorkerUrl(workerUrl);

type Plan = Answer<'POST /api/patrols/plan'>;

export interface PatrolMapProps {
  style: maplibregl.StyleSpecification;
  /** The grid manager's grids: outlined, and the first frame. */
  ownGrids: FeatureCollection;
  plan: Plan | null;
  /** The stop whose row is open. */
  selected: number | null;
  onSelect: (index: number) => void;
  /** Hands the map over once (the printed sheet takes its picture). */
  onMap?: (map: maplibregl.Map) => void;
}

const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };

/** The bounding box of a collection's coordinates. */
function boundsOf(fc: FeatureCollection, extra: [number, number][] = []): maplibregl.LngLatBounds | null {
  const b = new maplibregl.LngLatBounds();
  const walk = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') b.extend(c as [number, number]);
    else if (Array.isArray(c)) for (const x of c) walk(x);
  };
  for (const f of fc.features) if (f.geometry && 'coordinates' in f.geometry) walk(f.geometry.coordinates);
  for (const p of extra) b.extend(p);
  return b.isEmpty() ? null : b;
}

/**
 * The patrol's map: my grids outlined, the route (dashed where a leg has no road and is a straight
 * estimate), the start and the numbered stops as markers (a tap selects the stop's row).
 */
export function PatrolMap({ style, ownGrids, plan, selected, onSelect, onMap }: PatrolMapProps) {
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<maplibregl.Map | null>(null);
  const markers = useRef<maplibregl.Marker[]>([]);
  const select = useRef(onSelect);
  select.current = onSelect;

  // biome-ignore lint/correctness/useExhaustiveDependencies: created once; the style and the grids are its first state
  useEffect(() => {
    if (!container.current) return;
    const bounds = boundsOf(ownGrids);
    const map = new maplibregl.Map({
      container: container.current,
      style,
      ...(bounds ? { bounds, fitBoundsOptions: { padding: 24 } } : {}),
      localIdeographFontFamily: LOCAL_IDEOGRAPH_FONTS,
      locale: MAPLIBRE_LOCALE_ZH,
      attributionControl: false,
      // The printed sheet copies the canvas: it must keep what it drew.
      canvasContextAttributes: { preserveDrawingBuffer: true },
    });
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-left');
    map.on('load', () => {
      map.addSource('own-grids', { type: 'geojson', data: ownGrids });
      map.addLayer({ id: 'own-grids', type: 'line', source: 'own-grids', paint: { 'line-color': '#1d4ed8', 'line-width': 2.5, 'line-dasharray': [2, 1.5] } });
      map.addSource('route', { type: 'geojson', data: EMPTY });
      map.addLayer({
        id: 'route',
        type: 'line',
        source: 'route',
        filter: ['!', ['get', 'straight']],
        layout: { 'line-join': 'round', 'line-cap': 'round' },
        paint: { 'line-color': '#ea580c', 'line-width': 5, 'line-opacity': 0.9 },
      });
      map.addLayer({
        id: 'route-straight',
        type: 'line',
        source: 'route',
        filter: ['get', 'straight'],
        paint: { 'line-color': '#ea580c', 'line-width': 4, 'line-dasharray': [1.5, 1.5] },
      });
    });
    mapRef.current = map;
    window.__map = map;
    onMap?.(map);
    return () => {
      map.remove();
      mapRef.current = null;
    };
  }, []);

  // The route and the markers follow the plan.
  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    for (const m of markers.current) m.remove();
    markers.current = [];
    const route: FeatureCollection = {
      type: 'FeatureCollection',
      features: (plan?.legs ?? []).map((l) => ({
        type: 'Feature',
        properties: { straight: l.straight },
        geometry: { type: 'LineString', coordinates: l.coordinates },
      })),
    };
    const draw = () => (map.getSource('route') as maplibregl.GeoJSONSource | undefined)?.setData(route);
    if (map.isStyleLoaded()) draw();
    else map.once('load', draw);
    if (!plan) return;
    const start = document.createElement('div');
    start.className = 'patrol-marker start';
    start.textContent = '起';
    markers.current.push(new maplibregl.Marker({ element: start }).setLngLat(plan.start).addTo(map));
    plan.stops.forEach((s, i) => {
      const el = document.createElement('button');
      el.type = 'button';
      el.className = `patrol-marker kind-${s.kind}`;
      el.textContent = String(i + 1);
      el.setAttribute('aria-label', `第 ${i + 1} 站 ${s.name}`);
      el.dataset.stop = String(i);
      el.addEventListener('click', (e) => {
        e.stopPropagation();
        select.current(i);
      });
      markers.current.push(new maplibregl.Marker({ element: el }).setLngLat([s.lon, s.lat]).addTo(map));
    });
    const b = boundsOf(route, [plan.start]);
    if (b) map.fitBounds(b, { padding: 40, duration: 0, maxZoom: 17 });
  }, [plan]);

  // The selected stop's marker is ringed (markers[0] is the start); new markers after a new plan too.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the plan makes new markers
  useEffect(() => {
    for (const [i, m] of markers.current.entries()) m.getElement().classList.toggle('selected', i - 1 === selected);
  }, [selected, plan]);

  return <div ref={container} className="patrol-map" />;
}
