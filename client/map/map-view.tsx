import type { Layer } from '@deck.gl/core';
import { MapLibreOverlay } from '@deck.gl/maplibre';
import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import type { FeatureCollection } from 'geojson';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Metric, Mode, Weight } from '../state/view-state.ts';
import { LOCAL_IDEOGRAPH_FONTS } from './basemap-style.ts';
import { metricColor } from './choropleth.ts';
import { setDeckLayers } from './deck-layers.ts';
import { deckSurface } from './deck-surface.ts';
import { buildLayers, type HotspotLabel, type PointColumns, pointIndex, SITES_ZOOM, type SiteMarker, STREET_ZOOM } from './layers.ts';
import { MAPLIBRE_LOCALE_ZH } from './locale-zh.ts';
import { applyTileBasemap, type Basemap } from './tile-basemap.ts';

maplibregl.setWorkerUrl(workerUrl);

declare global {
  interface Window {
    /** For browser tests: the map, once created. */
    __map?: maplibregl.Map;
    /** For browser tests: the deck.gl overlay and the ids of the layers it draws now. */
    __deck?: { overlay: MapLibreOverlay; layerIds: () => string[] };
    /** For `npm run bench:client`: ms from navigation to the first frame drawn with the heatmap. */
    __firstHeatFrame?: number;
  }
}

/** No own grids (a stable empty list, so the effect does not run on every render). */
const NO_GRIDS: readonly string[] = [];

export interface MapViewProps {
  style: maplibregl.StyleSpecification;
  bbox: [number, number, number, number];
  columns: PointColumns | null;
  /** The grids with `rate`, `overdue` and `density` properties for the choropleth. */
  grids: FeatureCollection;
  /** The grid to outline, if any. */
  selectedGrid: string | null;
  /** The signed-in grid manager's grids, outlined dashed (我的网格). */
  ownGrids?: readonly string[];
  mode: Mode;
  weight: Weight;
  metric: Metric;
  sites: SiteMarker[];
  hotspots: HotspotLabel[];
  /** The problem whose card is open. */
  selectedProblem: number | null;
  onGridClick: (gridId: string) => void;
  onProblemClick: (id: number) => void;
  /** Called when single problems start or stop being drawn. */
  onStreetChange?: (street: boolean) => void;
  /** Called when the key sites start or stop being drawn (their legend). */
  onSitesShownChange?: (shown: boolean) => void;
  /** A key site clicked (its card). */
  onSiteClick?: (siteId: string) => void;
  /** A tile basemap under the town's layers (天地图), or the offline basemap alone (null). */
  basemap?: Basemap | null;
  /** Shows the zoom buttons and scale (default); the wall shows neither. */
  controls?: boolean;
  /** Flies to a box whenever `key` changes (the wall's tour). */
  fit?: {
    bbox: [number, number, number, number];
    key: string;
    durationMs?: number;
    /** Pixels kept clear on each side (the wall's panels cover its edges). */
    padding?: { top: number; bottom: number; left: number; right: number };
  } | null;
  /**
   * Device pixels per CSS pixel of the map (default: the screen's). The wall lays its map out on the
   * design canvas and scales it up with CSS, drawing at the screen's own resolution: labels, lines
   * and heat keep their size relative to the screen.
   */
  pixelRatio?: number;
  /** Hands the map and its deck.gl overlay over once, for what works on them outside React (the wall's markers, the PNG export). */
  onMap?: (map: maplibregl.Map, overlay: MapLibreOverlay) => void;
  /** Picking a place (reporting a problem): a click gives its point instead of opening things; the point is marked. */
  pick?: { point: [number, number] | null; onPick: (p: [number, number]) => void } | null;
}

/** Zoom rounded to half levels: layers are rebuilt only when it crosses one. */
const zoomStep = (z: number) => Math.floor(z * 2) / 2;

/** The map: created once, never remounted; deck.gl layers drawn inside MapLibre's own canvas (interleaved), under the place names. */
export function MapView(props: MapViewProps) {
  const { style, bbox, columns, grids, selectedGrid, mode, weight, metric, sites, hotspots, selectedProblem } = props;
  const ownGrids = props.ownGrids ?? NO_GRIDS;
  const container = useRef<HTMLDivElement>(null);
  const overlay = useRef<MapLibreOverlay | null>(null);
  const mapRef = useRef<maplibregl.Map | null>(null);
  const handlers = useRef(props);
  handlers.current = props;
  const [zoom, setZoom] = useState(0);
  const [loaded, setLoaded] = useState(false);
  /** The heatmap layer with data has been handed to deck.gl (for the first-frame mark). */
  const heatDrawn = useRef(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: the map is created once; style and bounds are its initial state
  useEffect(() => {
    if (!container.current) return;
    const map = new maplibregl.Map({
      container: container.current,
      style,
      bounds: bbox,
      fitBoundsOptions: { padding: 20 },
      localIdeographFontFamily: LOCAL_IDEOGRAPH_FONTS,
      locale: MAPLIBRE_LOCALE_ZH,
      attributionControl: false,
      maxPitch: 60,
      canvasContextAttributes: { preserveDrawingBuffer: true, antialias: true },
      pixelRatio: props.pixelRatio,
      // A map drawn at a given ratio (the wall) may be wider than MapLibre's default cap of 4096
      // device pixels: a 5760×1080 LED wall would be drawn at 0.71× and blurred. The GPU's own limit
      // still holds: MapLibre lowers the cap to the drawing buffer it gets.
      // (Left out otherwise: an explicit undefined would replace MapLibre's default and break it.)
      ...(props.pixelRatio === undefined ? {} : { maxCanvasSize: [16384, 16384] as [number, number] }),
    });
    if (props.controls !== false) {
      map.addControl(new maplibregl.NavigationControl({ visualizePitch: true }), 'top-right');
      map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-right');
    }
    const deck = new MapLibreOverlay({
      interleaved: true,
      layers: [],
      onAfterRender: () => {
        if (window.__firstHeatFrame === undefined && heatDrawn.current) {
          performance.mark('first-heat-frame');
          window.__firstHeatFrame = performance.now();
        }
      },
    });
    map.addControl(deck);
    overlay.current = deck;
    mapRef.current = map;
    window.__map = map;
    window.__deck = { overlay: deck, layerIds: () => ((deck as unknown as { _props?: { layers?: Layer[] } })._props?.layers ?? []).map((l) => l.id) };
    setZoom(zoomStep(map.getZoom()));
    map.on('zoomend', () => setZoom(zoomStep(map.getZoom())));
    map.on('load', () => setLoaded(true));
    props.onMap?.(map, deck);
    // One click handler: a single problem (street zoom) opens its card, else the grid under the pointer its panel.
    map.on('click', (e) => {
      const pick = handlers.current.pick;
      if (pick) {
        pick.onPick([Math.round(e.lngLat.lng * 1e7) / 1e7, Math.round(e.lngLat.lat * 1e7) / 1e7]);
        return;
      }
      const site = handlers.current.onSiteClick && deck.pickObject({ x: e.point.x, y: e.point.y, radius: 4, layerIds: ['sites'] });
      if (site?.object) {
        handlers.current.onSiteClick?.((site.object as SiteMarker).id);
        return;
      }
      const hit = deck.pickObject({ x: e.point.x, y: e.point.y, radius: 4, layerIds: ['problem-points'] });
      const points = handlers.current.columns?.points;
      if (hit && hit.index >= 0 && points && hit.index < points.count) {
        handlers.current.onProblemClick(points.id[hit.index]);
        return;
      }
      const id = map.queryRenderedFeatures(e.point, { layers: ['grid-fill'] })[0]?.properties?.id;
      if (typeof id === 'string') handlers.current.onGridClick(id);
    });
    map.on('mouseenter', 'grid-fill', () => {
      if (!handlers.current.pick) map.getCanvas().style.cursor = 'pointer';
    });
    map.on('mouseleave', 'grid-fill', () => {
      if (!handlers.current.pick) map.getCanvas().style.cursor = '';
    });
    return () => {
      overlay.current = null;
      mapRef.current = null;
      map.remove();
    };
  }, []);

  // The place being picked: a marker, and a crosshair cursor while picking.
  const picking = props.pick != null;
  const picked = props.pick?.point ?? null;
  const marker = useRef<maplibregl.Marker | null>(null);
  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    map.getCanvas().style.cursor = picking ? 'crosshair' : '';
    if (!picked) {
      marker.current?.remove();
      marker.current = null;
      return;
    }
    if (!marker.current) {
      const el = document.createElement('div');
      el.className = 'pick-marker';
      marker.current = new maplibregl.Marker({ element: el, anchor: 'bottom' });
    }
    marker.current.setLngLat(picked).addTo(map);
    if (!map.getBounds().contains(picked)) map.flyTo({ center: picked, zoom: Math.max(map.getZoom(), 16), duration: 800 });
  }, [picking, picked]);

  const street = zoom >= STREET_ZOOM;
  useEffect(() => {
    handlers.current.onStreetChange?.(street);
  }, [street]);
  const sitesShown = zoom >= SITES_ZOOM && sites.length > 0;
  useEffect(() => {
    handlers.current.onSitesShownChange?.(sitesShown);
  }, [sitesShown]);

  // Where the open problem is among the points: found once, for the ring and the flight.
  const selectedIndex = useMemo(() => (columns && selectedProblem !== null ? pointIndex(columns.points, selectedProblem) : -1), [columns, selectedProblem]);

  // Bring an opened problem into view at street zoom (from a link or a list; a click on the map is there already).
  useEffect(() => {
    const map = mapRef.current;
    const points = columns?.points;
    const i = selectedIndex;
    if (!map || !loaded || !points || i < 0) return;
    const at: [number, number] = [points.originLon + points.dLon[i], points.originLat + points.dLat[i]];
    if (map.getZoom() < STREET_ZOOM || !map.getBounds().contains(at)) map.flyTo({ center: at, zoom: Math.max(map.getZoom(), 16), duration: 1200 });
  }, [selectedIndex, columns, loaded]);

  // The wall's tour: a smooth flight to each scene's box.
  const fitKey = props.fit?.key;
  // biome-ignore lint/correctness/useExhaustiveDependencies: the flight starts when the scene (its key) changes, not on every new box object
  useEffect(() => {
    const map = mapRef.current;
    const fit = handlers.current.fit;
    if (!map || !loaded || !fit) return;
    map.fitBounds(fit.bbox, { padding: fit.padding ?? 40, duration: fit.durationMs ?? 3000, pitch: map.getPitch(), essential: true });
  }, [fitKey, loaded]);

  // A new pixel ratio (the wall's screen changed size): MapLibre's canvas, then deck.gl's buffer,
  // which does not follow by itself (as for the PNG export). The initial ratio needs no help.
  useEffect(() => {
    const map = mapRef.current;
    const ratio = props.pixelRatio;
    if (!map || ratio === undefined || map.getPixelRatio() === ratio) return;
    map.setPixelRatio(ratio);
    const c = map.getCanvas();
    deckSurface(overlay.current)?.setDrawingBufferSize(c.width, c.height);
  }, [props.pixelRatio]);

  // Tilt the camera for the 3D hexagons, back to flat for the others.
  useEffect(() => {
    const map = mapRef.current;
    if (!map) return;
    const pitch = mode === 'hex' ? 50 : 0;
    if (map.getPitch() !== pitch) map.easeTo({ pitch, duration: 600 });
  }, [mode]);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !loaded) return;
    map.setPaintProperty('grid-fill', 'fill-color', metricColor(metric));
    map.setPaintProperty('grid-fill', 'fill-opacity', mode === 'grid' ? 0.75 : 0);
    (map.getSource('grids') as maplibregl.GeoJSONSource | undefined)?.setData(grids);
    map.setFilter('grid-selected', ['==', ['get', 'id'], selectedGrid ?? '']);
    map.setFilter('grid-own', ['in', ['get', 'id'], ['literal', [...ownGrids]]]);
  }, [mode, metric, grids, selectedGrid, ownGrids, loaded]);

  const basemap = props.basemap ?? null;
  useEffect(() => {
    const map = mapRef.current;
    if (map && loaded) applyTileBasemap(map, basemap);
  }, [basemap, loaded]);

  useEffect(() => {
    if (!overlay.current || !loaded) return;
    const layers = buildLayers({ columns, mode, weight, zoom, sites, hotspots, selectedIndex });
    if (layers.some((l) => l.id === 'problem-heat')) heatDrawn.current = true;
    return mapRef.current ? setDeckLayers(mapRef.current, overlay.current, layers) : undefined;
  }, [columns, mode, weight, zoom, sites, hotspots, selectedIndex, loaded]);

  return <div ref={container} className="map" data-testid="map" data-street={street} />;
}
