import * as maplibregl from 'maplibre-gl';
import { Protocol } from 'pmtiles';
import type { Answer } from '../../server/schemas/api.ts';

export type Basemap = Answer<'GET /api/basemaps'>['basemaps'][number];

const PREFIX = 'basemap-tiles-';
/** The offline basemap's own drawing of what a picture basemap shows (water, roads): hidden under one. */
const DRAWN_BY_PICTURE = ['water', 'road'];

let protocolAdded = false;
/** `pmtiles://` URLs read archives with range requests (once per page). */
function addPmtilesProtocol(): void {
  if (protocolAdded) return;
  maplibregl.addProtocol('pmtiles', new Protocol().tile);
  protocolAdded = true;
}

/** Colours of a vector archive's layers, by what their names say (OpenMapTiles, Protomaps and the like). */
function vectorColor(layer: string): string {
  if (/water|river|ocean|lake|水/.test(layer)) return '#9cc3e0';
  if (/road|street|transport|highway|路/.test(layer)) return '#ffffff';
  if (/build|房屋|建筑/.test(layer)) return '#d9d0c1';
  if (/park|green|wood|forest|landcover|grass|绿/.test(layer)) return '#cfe3c0';
  return '#e4ddd0';
}

/** A local archive's layers: a raster picture, or each vector layer drawn plainly (areas, lines). */
function addPmtiles(map: maplibregl.Map, b: Basemap, below: string | undefined): void {
  const p = b.pmtiles;
  if (!p) return;
  addPmtilesProtocol();
  const id = `${PREFIX}0`;
  const url = `pmtiles://${new URL(p.url, window.location.href).href}`;
  if (p.kind === 'raster') {
    map.addSource(id, { type: 'raster', url, tileSize: 256, attribution: b.attribution });
    map.addLayer({ id, type: 'raster', source: id }, below);
    return;
  }
  map.addSource(id, { type: 'vector', url, attribution: b.attribution });
  for (const layer of p.layers) {
    const color = vectorColor(layer);
    map.addLayer(
      {
        id: `${id}-${layer}-fill`,
        type: 'fill',
        source: id,
        'source-layer': layer,
        filter: ['==', ['geometry-type'], 'Polygon'],
        paint: { 'fill-color': color },
      },
      below,
    );
    map.addLayer(
      {
        id: `${id}-${layer}-line`,
        type: 'line',
        source: id,
        'source-layer': layer,
        filter: ['==', ['geometry-type'], 'LineString'],
        paint: { 'line-color': color === '#e4ddd0' ? '#b8ae9c' : color, 'line-width': 1.2 },
      },
      below,
    );
  }
}

/**
 * Puts a tile basemap under the town's own layers — 天地图 矢量 or 影像 through the server's proxy,
 * or a local .pmtiles archive — or takes it away (the offline basemap). The villages' fill turns
 * see-through so the picture shows; grids, outlines, labels and the data stay on top.
 */
export function applyTileBasemap(map: maplibregl.Map, basemap: Basemap | null): void {
  const style = map.getStyle();
  for (const layer of style.layers) if (layer.id.startsWith(PREFIX)) map.removeLayer(layer.id);
  for (const id of Object.keys(style.sources)) if (id.startsWith(PREFIX)) map.removeSource(id);
  const below = map.getLayer('community-fill') ? 'community-fill' : undefined;
  const tiles = basemap?.tiles ?? [];
  tiles.forEach((template, i) => {
    const id = `${PREFIX}${i}`;
    map.addSource(id, { type: 'raster', tiles: [template], tileSize: 256, minzoom: 1, maxzoom: 18, attribution: basemap?.attribution });
    map.addLayer({ id, type: 'raster', source: id }, below);
  });
  if (basemap?.pmtiles) addPmtiles(map, basemap, below);
  const picture = tiles.length > 0 || Boolean(basemap?.pmtiles);
  for (const id of DRAWN_BY_PICTURE) if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', picture ? 'none' : 'visible');
  if (map.getLayer('community-fill')) map.setPaintProperty('community-fill', 'fill-opacity', picture ? 0.12 : 1);
}
