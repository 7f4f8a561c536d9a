import type { FeatureCollection } from 'geojson';
import type { StyleSpecification } from 'maplibre-gl';
import { metricColor } from './choropleth.ts';

/** Local CJK fonts draw the labels: no glyph server, nothing leaves the machine. */
export const LOCAL_IDEOGRAPH_FONTS = "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', sans-serif";

/** The offline basemap of the town: village areas, grids, water, roads, place names. */
export function basemapStyle(data: {
  communities: FeatureCollection;
  grids: FeatureCollection;
  basemap: FeatureCollection;
  sites: FeatureCollection;
}): StyleSpecification {
  return {
    version: 8,
    sources: {
      communities: { type: 'geojson', data: data.communities },
      grids: { type: 'geojson', data: data.grids },
      basemap: { type: 'geojson', data: data.basemap },
      sites: { type: 'geojson', data: data.sites },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': '#dfe7ec' } },
      { id: 'community-fill', type: 'fill', source: 'communities', paint: { 'fill-color': '#f4f1e8', 'fill-opacity': 1 } },
      // The grid choropleth (colour set by the map view per metric); shown in the 网格着色 mode, and the hit area for grid clicks always.
      { id: 'grid-fill', type: 'fill', source: 'grids', paint: { 'fill-color': metricColor('rate'), 'fill-opacity': 0 } },
      { id: 'grid-line', type: 'line', source: 'grids', paint: { 'line-color': '#b9b3a3', 'line-width': 0.6 } },
      {
        id: 'water',
        type: 'line',
        source: 'basemap',
        filter: ['==', ['get', 'layer'], 'water'],
        paint: { 'line-color': '#8fc1de', 'line-width': ['match', ['get', 'class'], 'river', 6, 3] },
      },
      {
        id: 'road',
        type: 'line',
        source: 'basemap',
        filter: ['==', ['get', 'layer'], 'road'],
        layout: { 'line-cap': 'round', 'line-join': 'round' },
        paint: {
          'line-color': ['match', ['get', 'class'], 'primary', '#f2c46d', 'secondary', '#ffffff', '#ffffff'],
          'line-width': ['match', ['get', 'class'], 'primary', 3.5, 'secondary', 2.5, 'street', 2, 1.2],
        },
      },
      { id: 'community-line', type: 'line', source: 'communities', paint: { 'line-color': '#7d7461', 'line-width': 1.4 } },
      // The grid whose panel is open; the map view sets the filter.
      { id: 'grid-selected', type: 'line', source: 'grids', filter: ['==', ['get', 'id'], ''], paint: { 'line-color': '#14325c', 'line-width': 3 } },
      {
        id: 'community-label',
        type: 'symbol',
        source: 'basemap',
        filter: ['all', ['==', ['get', 'layer'], 'label'], ['==', ['get', 'class'], 'community']],
        layout: { 'text-field': ['get', 'name'], 'text-size': 13 },
        paint: { 'text-color': '#4a4336', 'text-halo-color': '#ffffff', 'text-halo-width': 1.5 },
      },
      {
        id: 'market-label',
        type: 'symbol',
        source: 'basemap',
        filter: ['all', ['==', ['get', 'layer'], 'label'], ['==', ['get', 'class'], 'market']],
        layout: { 'text-field': ['get', 'name'], 'text-size': 15 },
        paint: { 'text-color': '#9a2a1a', 'text-halo-color': '#ffffff', 'text-halo-width': 1.5 },
      },
      // Names of the key sites (markets, schools, stations…) at street zooms; MapLibre keeps them from overlapping.
      {
        id: 'site-label',
        type: 'symbol',
        source: 'sites',
        minzoom: 14,
        layout: { 'text-field': ['get', 'name'], 'text-size': 12, 'text-offset': [0, 1.1], 'text-anchor': 'top', 'text-optional': true },
        paint: { 'text-color': '#14325c', 'text-halo-color': '#ffffff', 'text-halo-width': 1.5 },
      },
    ],
  };
}
