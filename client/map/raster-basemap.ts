import type * as maplibregl from 'maplibre-gl';
import type { Answer } from '../../server/schemas/api.ts';

export type Basemap = Answer<'GET /api/basemaps'>['basemaps'][number];

const RASTER_PREFIX = 'basemap-raster-';
/** The offline basemap's own drawing of what a picture basemap shows (water, roads): hidden under one. */
const DRAWN_BY_PICTURE = ['water', 'road'];

/**
 * Puts a tile basemap (天地图 矢量 or 影像, through the server's proxy) under the town's own layers,
 * or takes it away (the offline basemap: `tiles` empty). The villages' fill turns see-through so
 * the picture shows; grids, outlines, labels and the data stay on top.
 */
export function applyRasterBasemap(map: maplibregl.Map, basemap: Basemap | null): void {
  const style = map.getStyle();
  for (const layer of style.layers) if (layer.id.startsWith(RASTER_PREFIX)) map.removeLayer(layer.id);
  for (const id of Object.keys(style.sources)) if (id.startsWith(RASTER_PREFIX)) map.removeSource(id);
  const tiles = basemap?.tiles ?? [];
  const picture = tiles.length > 0;
  tiles.forEach((template, i) => {
    const id = `${RASTER_PREFIX}${i}`;
    map.addSource(id, { type: 'raster', tiles: [template], tileSize: 256, minzoom: 1, maxzoom: 18, attribution: basemap?.attribution });
    map.addLayer({ id, type: 'raster', source: id }, 'community-fill');
  });
  for (const id of DRAWN_BY_PICTURE) if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', picture ? 'none' : 'visible');
  if (map.getLayer('community-fill')) map.setPaintProperty('community-fill', 'fill-opacity', picture ? 0.12 : 1);
}
