import type { Layer } from '@deck.gl/core';
import { SolidPolygonLayer } from '@deck.gl/layers';
import { MapLibreOverlay } from '@deck.gl/maplibre';
import { bbox as turfBbox } from '@turf/turf';
import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { useEffect, useRef, useState } from 'react';
import type { SceneValue } from '../../server/schemas/decks.ts';
import { LOCAL_IDEOGRAPH_FONTS } from '../map/basemap-style.ts';
import { metricColor } from '../map/choropleth.ts';
import { setDeckLayers } from '../map/deck-layers.ts';
import { deckSurface } from '../map/deck-surface.ts';
import { BEFORE_LABELS, buildLayers } from '../map/layers.ts';
import { MAPLIBRE_LOCALE_ZH } from '../map/locale-zh.ts';
import { type Bin, type BinScale, binColor } from './bins.ts';
import { noteFrameMs } from './frame-cost.ts';
import type { MapData, PresentTown } from './scene-load.ts';

maplibregl.setWorkerUrl(workerUrl);

/** Place names as large as a hall needs them (the desk map's are 13–15 px). */
const LABEL_SIZES: Record<string, number> = { 'community-label': 24, 'market-label': 28, 'site-label': 20 };
const OUTLINE_COLOR = '#c62828';
/** A camera flight between scenes: long enough to follow, short enough not to wait for. */
export const FLIGHT_MS = 1000;
/** The heat of a whole town or village, seen at once, needs no finer weight texture (a quarter of deck.gl's default side: 1/16 of the work). */
const HEAT_TEXTURE = 512;
const ONE_PIXEL = new Uint8Array(4);

/** Where a scene looks: its camera, or framed on its filters' area (the town when none). */
export function sceneView(scene: SceneValue, town: PresentTown): { camera: NonNullable<SceneValue['camera']> } | { bbox: [number, number, number, number] } {
  if (scene.camera) return { camera: scene.camera };
  const id = scene.filters.grid ?? scene.filters.community;
  const fc = scene.filters.grid ? town.grids : town.communities;
  const f = id ? fc.features.find((x) => x.properties?.id === id) : undefined;
  return { bbox: f ? (turfBbox(f) as [number, number, number, number]) : town.meta.bbox };
}

export interface SlideMapProps {
  town: PresentTown;
  theme: 'light' | 'dark';
  scene: SceneValue;
  data: MapData;
  /** The hexagons' shared scale (comparisons, time-lapses). */
  scale: BinScale | null;
  /** Flies to the scene's view (the show); otherwise jumps (exports, thumbnails). */
  fly?: boolean;
  pixelRatio?: number;
  /** The map and its overlay, once made (snapshots, video). */
  onMap?: (map: maplibregl.Map, overlay: MapLibreOverlay) => void;
  /** Called each time a frame with this data and view is complete, with the `frame` it was asked for. */
  onDrawn?: (frame: number | undefined) => void;
  /** Pan and zoom by hand (the editor, to set a camera). */
  interactive?: boolean;
  /** Multisampling (default on); pictures drawn at 2× do without it, at a quarter of the work in software GL. */
  antialias?: boolean;
  /** A new value draws again (and calls onDrawn) even when nothing else changed: one map taking several pictures. */
  frame?: number;
}

function binLayer(bins: Bin[], scale: BinScale): Layer {
  return new SolidPolygonLayer<Bin>({
    id: 'present-bins',
    beforeId: BEFORE_LABELS,
    data: bins,
    getPolygon: (b) => b.polygon,
    getFillColor: (b) => [...binColor(scale, b.count), 230],
    updateTriggers: { getFillColor: [scale.max] },
  } as ConstructorParameters<typeof SolidPolygonLayer<Bin>>[0]);
}

/**
 * A scene's map: the offline basemap in the deck's theme, the scene's problems as heat, 3D
 * hexagons, coloured grids or counted hexagons on a shared scale, its areas outlined, seen from its
 * camera. Not interactive: a slide is shown, not explored.
 */
export function SlideMap({
  town,
  theme,
  scene,
  data,
  scale,
  fly = false,
  pixelRatio,
  onMap,
  onDrawn,
  interactive = false,
  frame,
  antialias = true,
}: SlideMapProps) {
  const box = useRef<HTMLDivElement>(null);
  const mapRef = useRef<maplibregl.Map | null>(null);
  const overlay = useRef<MapLibreOverlay | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [zoom, setZoom] = useState(0);
  const drawn = useRef(onDrawn);
  drawn.current = onDrawn;
  /** What has been asked to be drawn, and what was last reported drawn (an idle map after it). */
  const asked = useRef(0);
  const reported = useRef(0);
  const askedFrame = useRef(frame);
  const timed = useRef(false);

  // biome-ignore lint/correctness/useExhaustiveDependencies: made once per theme; the scene moves it
  useEffect(() => {
    if (!box.current) return;
    const view = sceneView(scene, town);
    const map = new maplibregl.Map({
      container: box.current,
      style: town.style(theme),
      ...('camera' in view
        ? { center: view.camera.center, zoom: view.camera.zoom, pitch: view.camera.pitch, bearing: view.camera.bearing }
        : { bounds: view.bbox }),
      fitBoundsOptions: { padding: 30 },
      interactive,
      localIdeographFontFamily: LOCAL_IDEOGRAPH_FONTS,
      locale: MAPLIBRE_LOCALE_ZH,
      attributionControl: false,
      maxPitch: 70,
      canvasContextAttributes: { preserveDrawingBuffer: true, antialias },
      pixelRatio,
      fadeDuration: 0,
    });
    const deck = new MapLibreOverlay({ interleaved: true, layers: [] });
    map.addControl(deck);
    mapRef.current = map;
    overlay.current = deck;
    map.on('load', () => {
      for (const [id, size] of Object.entries(LABEL_SIZES)) if (map.getLayer(id)) map.setLayoutProperty(id, 'text-size', size);
      for (const [id, source] of [
        ['outline-community', 'communities'],
        ['outline-grid', 'grids'],
      ] as const) {
        map.addLayer(
          { id, type: 'line', source, filter: ['in', ['get', 'id'], ['literal', []]], paint: { 'line-color': OUTLINE_COLOR, 'line-width': 4 } },
          BEFORE_LABELS,
        );
      }
      setZoom(map.getZoom());
      setLoaded(true);
    });
    map.on('zoomend', () => setZoom(map.getZoom()));
    // Drawn: the first idle (no flight, nothing loading) after the last change asked for a frame.
    map.on('idle', () => {
      if (reported.current === asked.current) return;
      reported.current = asked.current;
      // The GPU (SwiftShader in a software browser) may still be drawing what the page has asked
      // for: reading a pixel back waits until the frame is really there.
      const gl = map.getCanvas().getContext('webgl2');
      gl?.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, ONE_PIXEL);
      // Once per map: how long a frame takes here (whether camera flights can be smooth).
      if (!timed.current && gl) {
        timed.current = true;
        const t = performance.now();
        map.redraw();
        gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, ONE_PIXEL);
        noteFrameMs(performance.now() - t);
      }
      drawn.current?.(askedFrame.current);
    });
    onMap?.(map, deck);
    return () => {
      mapRef.current = null;
      overlay.current = null;
      map.remove();
    };
  }, [theme]);

  // A new pixel ratio: MapLibre's canvas, then deck.gl's buffer, which does not follow by itself.
  useEffect(() => {
    const map = mapRef.current;
    if (!map || pixelRatio === undefined || map.getPixelRatio() === pixelRatio) return;
    map.setPixelRatio(pixelRatio);
    const c = map.getCanvas();
    deckSurface(overlay.current)?.setDrawingBufferSize(c.width, c.height);
  }, [pixelRatio]);

  // A flight no longer wanted (the show's slide gone out of sight as it lands) stops where it is.
  useEffect(() => {
    if (!fly) mapRef.current?.stop();
  }, [fly]);

  // The view: a flight in the show, a jump elsewhere.
  const viewKey = JSON.stringify([scene.camera, scene.filters.grid, scene.filters.community, scene.map.mode]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: moves when the view (its key) changes
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !loaded) return;
    // the box may have changed size since the last scene: frame the view for its size (no redraw when it has not)
    const c = map.getCanvas();
    if (box.current && (box.current.clientWidth !== c.clientWidth || box.current.clientHeight !== c.clientHeight)) map.resize();
    const view = sceneView(scene, town);
    const pitch = scene.map.mode === 'hex' ? 50 : 0;
    const framed = 'camera' in view ? null : map.cameraForBounds(view.bbox, { padding: 30, bearing: 0 });
    const target = 'camera' in view ? view.camera : framed?.center ? { center: framed.center, zoom: framed.zoom ?? map.getZoom(), pitch, bearing: 0 } : null;
    if (!target) return;
    // Already there (scenes over the same area one after another): no flight to wait for.
    const here = map.getCenter();
    const [lon, lat] = maplibregl.LngLat.convert(target.center).toArray();
    const still =
      Math.abs(here.lng - lon) < 1e-6 &&
      Math.abs(here.lat - lat) < 1e-6 &&
      Math.abs(map.getZoom() - target.zoom) < 1e-3 &&
      Math.abs(map.getPitch() - target.pitch) < 0.1 &&
      Math.abs(map.getBearing() - target.bearing) < 0.1;
    if (!still) map.flyTo({ ...target, center: [lon, lat], duration: fly ? FLIGHT_MS : 0, essential: true });
  }, [viewKey, loaded, frame]);

  // What is drawn: the choropleth, the outlines, the deck.gl layers.
  const mode = scene.map.mode;
  const outlined = [...scene.outline, ...(scene.filters.grid ? [scene.filters.grid] : []), ...(scene.filters.community ? [scene.filters.community] : [])];
  const outlineKey = outlined.join(',');
  // biome-ignore lint/correctness/useExhaustiveDependencies: outlineKey stands for the outlined ids
  useEffect(() => {
    const map = mapRef.current;
    if (!map || !loaded) return;
    const choropleth = mode === 'grid' || mode === 'patrol';
    map.setPaintProperty('grid-fill', 'fill-color', metricColor(mode === 'patrol' ? 'patrol' : scene.map.metric));
    map.setPaintProperty('grid-fill', 'fill-opacity', choropleth ? 0.8 : 0);
    // the grids' figures matter only when they colour the map (new data re-tiles them)
    if (choropleth) (map.getSource('grids') as maplibregl.GeoJSONSource | undefined)?.setData(data.grids);
    for (const id of ['outline-community', 'outline-grid']) map.setFilter(id, ['in', ['get', 'id'], ['literal', outlined]]);
    const layers =
      data.bins && scale
        ? [binLayer(data.bins, scale)]
        : choropleth || mode === 'none'
          ? []
          : buildLayers({ columns: data.columns, mode, weight: 'reported', zoom, sites: [], hotspots: [], heatTexture: HEAT_TEXTURE });
    if (!overlay.current) return;
    // drawn: the first idle after the layers are in their places
    return setDeckLayers(map, overlay.current, layers, () => {
      asked.current += 1;
      askedFrame.current = frame;
      map.triggerRepaint();
    });
  }, [data, scale, mode, scene.map.metric, outlineKey, zoom, loaded, theme, frame]);

  return <div ref={box} className="slide-map-canvas" />;
}
