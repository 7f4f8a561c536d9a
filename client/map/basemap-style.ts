import type { FeatureCollection } from 'geojson';
import type { StyleSpecification } from 'maplibre-gl';
import { metricColor } from './choropleth.ts';

/** Local CJK fonts draw the labels: no glyph server, nothing leaves the machine. */
export const LOCAL_IDEOGRAPH_FONTS = "'Noto Sans CJK SC', 'Noto Sans SC', 'Source Han Sans SC', 'Microsoft YaHei', 'PingFang SC', sans-serif";

/** Basemap colours: `day` for desks and projectors, `night` (navy) for the wall display. */
const PALETTES = {
  day: {
    background: '#dfe7ec',
    community: '#f4f1e8',
    gridLine: '#b9b3a3',
    water: '#8fc1de',
    primary: '#f2c46d',
    road: '#ffffff',
    communityLine: '#7d7461',
    selected: '#14325c',
    own: '#d97706',
    label: '#4a4336',
    market: '#9a2a1a',
    site: '#14325c',
    halo: '#ffffff',
  },
  night: {
    background: '#050d1f',
    community: '#0b1a36',
    gridLine: '#1c3563',
    water: '#1d4f7a',
    primary: '#a77b2c',
    road: '#27406b',
    communityLine: '#3f6aa8',
    selected: '#7dd3fc',
    own: '#fbbf24',
    label: '#b9cdf0',
    market: '#fbbf24',
    site: '#93c5fd',
    halo: '#050d1f',
  },
};

/** The offline basemap of the town: village areas, grids, water, roads, place names. */
export function basemapStyle(
  data: {
    communities: FeatureCollection;
    grids: FeatureCollection;
    basemap: FeatureCollection;
    sites: FeatureCollection;
  },
  theme: keyof typeof PALETTES = 'day',
): StyleSpecification {
  const c = PALETTES[theme];
  return {
    version: 8,
    sources: {
      communities: { type: 'geojson', data: data.communities },
      grids: { type: 'geojson', data: data.grids },
      basemap: { type: 'geojson', data: data.basemap },
      sites: { type: 'geojson', data: data.sites },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': c.background } },
      { id: 'community-fill', type: 'fill', source: 'communities', paint: { 'fill-color': c.community, 'fill-opacity': 1 } },
      // The grid choropleth (colour set by the map view per metric); shown in the 网格着色 mode, and the hit area for grid clicks always.
      { id: 'grid-fill', type: 'fill', source: 'grids', paint: { 'fill-color': metricColor('rate'), 'fill-opacity': 0 } },
      { id: 'grid-line', type: 'line', source: 'grids', paint: { 'line-color': c.gridLine, 'line-width': 0.6 } },
      {
        id: 'water',
        type: 'line',
        source: 'basemap',
        filter: ['==', ['get', 'layer'], 'water'],
        paint: { 'line-color': c.water, 'line-width': ['match', ['get', 'class'], 'river', 6, 3] },
      },
      {
        id: 'road',
        type: 'line',
        source: 'basemap',
        filter: ['==', ['get', 'layer'], 'road'],
        layout: { 'line-cap': 'round', 'line-join': 'round' },
        paint: {
          'line-color': ['match', ['get', 'class'], 'primary', c.primary, c.road],
          'line-width': ['match', ['get', 'class'], 'primary', 3.5, 'secondary', 2.5, 'street', 2, 1.2],
        },
      },
      { id: 'community-line', type: 'line', source: 'communities', paint: { 'line-color': c.communityLine, 'line-width': 1.4 } },
      // The signed-in grid manager's own grids (我的网格), dashed; the map view sets the filter.
      {
        id: 'grid-own',
        type: 'line',
        source: 'grids',
        filter: ['in', ['get', 'id'], ['literal', []]],
        paint: { 'line-color': c.own, 'line-width': 2.2, 'line-dasharray': [2, 1.5] },
      },
      // The grid whose panel is open; the map view sets the filter.
      { id: 'grid-selected', type: 'line', source: 'grids', filter: ['==', ['get', 'id'], ''], paint: { 'line-color': c.selected, 'line-width': 3 } },
      {
        id: 'community-label',
        type: 'symbol',
        source: 'basemap',
        filter: ['all', ['==', ['get', 'layer'], 'label'], ['==', ['get', 'class'], 'community']],
        layout: { 'text-field': ['get', 'name'], 'text-size': 13 },
        paint: { 'text-color': c.label, 'text-halo-color': c.halo, 'text-halo-width': 1.5 },
      },
      {
        id: 'market-label',
        type: 'symbol',
        source: 'basemap',
        filter: ['all', ['==', ['get', 'layer'], 'label'], ['==', ['get', 'class'], 'market']],
        layout: { 'text-field': ['get', 'name'], 'text-size': 15 },
        paint: { 'text-color': c.market, 'text-halo-color': c.halo, 'text-halo-width': 1.5 },
      },
      // Names of the key sites (markets, schools, stations…) at street zooms; MapLibre keeps them from overlapping.
      {
        id: 'site-label',
        type: 'symbol',
        source: 'sites',
        minzoom: 14,
        layout: { 'text-field': ['get', 'name'], 'text-size': 12, 'text-offset': [0, 1.1], 'text-anchor': 'top', 'text-optional': true },
        paint: { 'text-color': c.site, 'text-halo-color': c.halo, 'text-halo-width': 1.5 },
      },
    ],
  };
}
