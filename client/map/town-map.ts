import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import type { FeatureCollection, Geometry } from 'geojson';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { api } from '../api/client.ts';
import { basemapStyle, LOCAL_IDEOGRAPH_FONTS } from './basemap-style.ts';
import { MAPLIBRE_LOCALE_ZH } from './locale-zh.ts';

maplibregl.setWorkerUrl(workerUrl);

/**
 * A page's own small map of the town (the boundary check, the key projects): the offline basemap
 * and the villages, with the page's layers on top. The main map (map-view.tsx) is another matter.
 */

const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] };

/** The box around geometries' coordinates, or null when there are none. */
export function boxOf(geometries: Iterable<Geometry | null>): [number, number, number, number] | null {
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
  for (const g of geometries) if (g && 'coordinates' in g) walk(g.coordinates);
  return b[0] > b[2] ? null : (b as [number, number, number, number]);
}

/** The town's offline basemap with its villages, for a page to add its layers to. */
export async function townStyle(): Promise<maplibregl.StyleSpecification> {
  const [communities, basemap] = await Promise.all([api.communities(), api.basemap()]);
  return basemapStyle({ communities, grids: EMPTY, basemap, sites: EMPTY });
}

/** A map in `container` framed on `bounds` (zoom buttons, Chinese labels and controls, no attribution). */
export function townMap(
  container: HTMLElement,
  style: maplibregl.StyleSpecification,
  bounds: [number, number, number, number] | null,
  fit: maplibregl.FitBoundsOptions,
): maplibregl.Map {
  const map = new maplibregl.Map({
    container,
    style,
    ...(bounds ? { bounds, fitBoundsOptions: fit } : {}),
    localIdeographFontFamily: LOCAL_IDEOGRAPH_FONTS,
    locale: MAPLIBRE_LOCALE_ZH,
    attributionControl: false,
  });
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  return map;
}
