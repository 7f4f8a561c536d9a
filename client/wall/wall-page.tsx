import { bbox as turfBbox } from '@turf/turf';
import type { FeatureCollection } from 'geojson';
import * as maplibregl from 'maplibre-gl';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { shanghaiDate, toShanghaiIso } from '../../server/domain/calendar.ts';
import { OVERDUE_BIT } from '../../server/domain/points-codec.ts';
import {
  type AreaRow,
  api,
  type CategoryRow,
  type FeedItem,
  type GridStats,
  type Hotspot,
  type Meta,
  type Session,
  type Summary,
  type TrendPoint,
  type WallConfig,
} from '../api/client.ts';
import { followLive } from '../api/live.ts';
import { basemapStyle } from '../map/basemap-style.ts';
import { withStats } from '../map/choropleth.ts';
import { type HotspotLabel, hotspotCaption, type PointColumns, pointColumns, type SiteMarker } from '../map/layers.ts';
import { MapView } from '../map/map-view.tsx';
import { ACTION_NAMES } from '../panels/problem-card.tsx';
import { CountUp } from './count-up.tsx';
import { CategoryBars, TrendLines } from './wall-charts.tsx';

interface Town {
  meta: Meta;
  style: maplibregl.StyleSpecification;
  grids: FeatureCollection;
  communities: FeatureCollection;
  sites: SiteMarker[];
}

/** The figures of the panels: small answers, reloaded on every change. */
interface Figures {
  summary: Summary;
  categories: CategoryRow[];
  communities: AreaRow[];
  grids: GridStats[];
  trend: TrendPoint[];
  feed: FeedItem[];
  /** When they were loaded (the page's clock). */
  at: number;
}

/** What the map draws: every problem as binary columns, and the hotspots. */
interface MapLayers {
  columns: PointColumns;
  hotspots: Hotspot[];
}

type WallData = Figures & MapLayers;

/** The design canvas: panels are laid out for 1920×1080 and scale with the screen; the map fills it unscaled. */
const DESIGN = { width: 1920, height: 1080 };
/** Panel widths and the KPI row's height on the design canvas: kept clear when the tour frames a scene. */
const SIDE_PX = 430;
const TOP_PX = 230;
/** Kept clear of the panels when the tour frames a scene, in the map's own (design) pixels. */
const FIT_PADDING = { top: TOP_PX, bottom: 80, left: SIDE_PX + 20, right: SIDE_PX + 20 };

const number = (n: number) => Math.round(n).toLocaleString('zh-CN');
const percent = (r: number) => `${(r * 100).toFixed(1)}%`;
const clock = (ms: number) => toShanghaiIso(ms).slice(11, 19);
const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六'];

const measure = () => ({
  scale: Math.min(window.innerWidth / DESIGN.width, window.innerHeight / DESIGN.height),
  width: window.innerWidth,
  height: window.innerHeight,
});

function useScale(): { scale: number; width: number; height: number } {
  const [size, setSize] = useState(measure);
  useEffect(() => {
    const on = () => setSize(measure());
    window.addEventListener('resize', on);
    return () => window.removeEventListener('resize', on);
  }, []);
  return size;
}

/** Seconds between tour scenes: the settings', or `?tour=N` on the URL (tests, rehearsals). */
function tourSeconds(config: WallConfig | null): number {
  const override = Number(new URLSearchParams(window.location.search).get('tour'));
  return Number.isFinite(override) && override >= 1 ? override : (config?.intervalSeconds ?? 20);
}

/** The scene the wall starts at: kept across a reload (after a lost WebGL context). */
function initialScene(): number {
  const s = Number(new URLSearchParams(window.location.search).get('scene'));
  return Number.isInteger(s) && s >= 0 ? s : 0;
}

/**
 * How long to wait before reloading after a lost WebGL context: 1 s, but doubling (to 5 min) while
 * losses follow each other within 10 minutes, so that a failing GPU does not make the wall reload
 * in a tight loop. Kept in sessionStorage, which outlives the reload.
 */
function reloadDelayAfterLoss(): number {
  const KEY = 'wall.contextLosses';
  const last = ((): { n?: number; at?: number } | null => {
    try {
      return JSON.parse(sessionStorage.getItem(KEY) ?? '');
    } catch {
      return null; // none recorded, or unreadable: start again
    }
  })();
  const n = Date.now() - (last?.at ?? 0) < 10 * 60_000 ? (last?.n ?? 0) + 1 : 0;
  sessionStorage.setItem(KEY, JSON.stringify({ n, at: Date.now() }));
  return Math.min(1000 * 2 ** n, 5 * 60_000);
}

/** Pulsing rings over the overdue problems (DOM markers: the browser animates them without redrawing the map). */
function useOverduePulse(map: maplibregl.Map | null, columns: PointColumns | null) {
  useEffect(() => {
    if (!map || !columns) return;
    const p = columns.points;
    const markers: maplibregl.Marker[] = [];
    // The most recent overdue problems first (ids grow with time); a wall needs no more rings than this.
    for (let i = p.count - 1; i >= 0 && markers.length < 300; i--) {
      if ((p.status[i] & OVERDUE_BIT) === 0) continue;
      const el = document.createElement('div');
      el.className = 'overdue-pulse';
      markers.push(new maplibregl.Marker({ element: el }).setLngLat([p.originLon + p.dLon[i], p.originLat + p.dLat[i]]).addTo(map));
    }
    return () => {
      for (const m of markers) m.remove();
    };
  }, [map, columns]);
}

/**
 * The hotspots' captions as DOM markers above the overdue rings (drawn in the map, a ring over the
 * busiest market town would hide its caption). Not over grid colours, as on the main map.
 */
function useHotspotLabels(map: maplibregl.Map | null, hotspots: HotspotLabel[], shown: boolean) {
  useEffect(() => {
    if (!map || !shown) return;
    const markers = hotspots.map((h) => {
      const el = document.createElement('div');
      el.className = h.rank <= 2 ? 'wall-hotspot-label top' : 'wall-hotspot-label';
      el.textContent = hotspotCaption(h);
      return new maplibregl.Marker({ element: el, anchor: 'bottom', offset: [0, -20] }).setLngLat(h.center).addTo(map);
    });
    return () => {
      for (const m of markers) m.remove();
    };
  }, [map, hotspots, shown]);
}

/** The wall's hotspot captions are its own markers (above); the map draws none. */
const NO_MAP_HOTSPOTS: HotspotLabel[] = [];

/**
 * 指挥大屏: the whole campaign at a glance for the command room, unattended all day. KPIs that
 * count up on change, the categories, the communities' ranking, the 30-day trend, the hotspots and
 * the latest reports and closures around a full-screen night map with heat, grid colours or 3D
 * hexagons and pulsing overdue problems. A tour flies through the scenes of the wall's settings;
 * a touch pauses it for a quiet minute. It follows the live stream, says 离线 and keeps its data when
 * the server is away, and reloads itself (keeping its scene) if the browser loses the WebGL context.
 */
export function WallPage({ session }: { session: Session }) {
  const { scale, width, height } = useScale();
  const [town, setTown] = useState<Town | null>(null);
  const [config, setConfig] = useState<WallConfig | null>(null);
  const [figures, setFigures] = useState<Figures | null>(null);
  const [layers, setLayers] = useState<MapLayers | null>(null);
  const data: WallData | null = useMemo(() => (figures && layers ? { ...figures, ...layers } : null), [figures, layers]);
  const [failed, setFailed] = useState<string | null>(null);
  const [live, setLive] = useState<'connecting' | 'on' | 'off'>('connecting');
  const [now, setNow] = useState(Date.now());
  const [revision, setRevision] = useState(0);
  const [layerRevision, setLayerRevision] = useState(0);
  const [configRevision, setConfigRevision] = useState(0);
  const [scene, setScene] = useState(initialScene);
  const [pausedUntil, setPausedUntil] = useState(0);
  const [map, setMap] = useState<maplibregl.Map | null>(null);

  useEffect(() => {
    Promise.all([api.meta(), api.communities(), api.grids(), api.basemap(), api.sites(), api.wallConfig()])
      .then(([meta, communities, grids, basemap, sites, wallConfig]) => {
        setTown({
          meta,
          grids,
          communities,
          style: basemapStyle({ communities, grids, basemap, sites }, 'night'),
          sites: sites.features.map((f) => {
            const [lon, lat] = (f.geometry as unknown as { coordinates: [number, number] }).coordinates;
            return { id: String(f.properties?.id), name: String(f.properties?.name), kind: String(f.properties?.kind), lon, lat };
          }),
        });
        setConfig(wallConfig);
      })
      .catch((e: unknown) => setFailed(e instanceof Error ? e.message : String(e)));
  }, []);

  // The figures (small answers): loaded at start, 0.15 s after every burst of live changes, and
  // once a minute in any case, so a change is on the wall within a second or two.
  // biome-ignore lint/correctness/useExhaustiveDependencies: revision is the reload trigger
  useEffect(() => {
    if (!town) return;
    let current = true;
    const from = shanghaiDate(Date.parse(town.meta.now) - 29 * 86_400_000);
    Promise.all([
      api.summary(),
      api.categoryStats(),
      api.communityStats('', 'perKm2'),
      api.gridStats('', 'overdue'),
      api.trend(`?from=${from}`, 'day'),
      api.feed(12),
    ])
      .then(([summary, categories, communities, grids, trend, feed]) => {
        if (!current) return;
        setFigures({ summary, categories, communities, grids, trend, feed, at: Date.now() });
        setFailed(null);
      })
      .catch((e: unknown) => current && setFailed(e instanceof Error ? e.message : String(e)));
    return () => {
      current = false;
    };
  }, [town, revision]);

  // What the map draws (every point, the hotspots): at start, then at most once a minute and only
  // after a change. A year of reports hardly moves with one more, and redrawing the heat is the
  // wall's heaviest work; the figures above carry each change at once.
  // biome-ignore lint/correctness/useExhaustiveDependencies: layerRevision is the reload trigger
  useEffect(() => {
    if (!town) return;
    let current = true;
    Promise.all([api.points(), api.hotspots()])
      .then(([points, hotspots]) => current && setLayers({ columns: pointColumns(points), hotspots }))
      .catch((e: unknown) => current && setFailed(e instanceof Error ? e.message : String(e)));
    return () => {
      current = false;
    };
  }, [town, layerRevision]);

  useEffect(() => {
    let pending: ReturnType<typeof setTimeout> | undefined;
    let layersDirty = false;
    const refresh = () => {
      layersDirty = true;
      clearTimeout(pending);
      pending = setTimeout(() => setRevision((r) => r + 1), 150);
    };
    const stop = followLive({
      change: refresh,
      reset: refresh,
      wallConfig: () => setConfigRevision((r) => r + 1),
      online: (up) => {
        setLive(up ? 'on' : 'off');
        if (up) refresh();
      },
    });
    const minute = setInterval(() => {
      setRevision((r) => r + 1);
      setConfigRevision((r) => r + 1);
      if (layersDirty) setLayerRevision((r) => r + 1);
      layersDirty = false;
    }, 60_000);
    return () => {
      stop();
      clearTimeout(pending);
      clearInterval(minute);
    };
  }, []);

  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);

  // The settings again when an admin saved them (a live notice), and once a minute (with the
  // figures) for a wall.json edited by hand: either shows without anyone touching the wall.
  useEffect(() => {
    if (configRevision === 0) return;
    api
      .wallConfig()
      .then((next) => setConfig((prev) => (JSON.stringify(prev) === JSON.stringify(next) ? prev : next)))
      .catch(() => undefined); // offline: the banner says so, the last settings stay
  }, [configRevision]);

  // The tour: the next scene every interval, unless someone touched the screen lately.
  const scenes = config?.scenes ?? [];
  const interval = tourSeconds(config);
  // biome-ignore lint/correctness/useExhaustiveDependencies: each new scene starts the next wait
  useEffect(() => {
    if (scenes.length < 2) return;
    const wait = Math.max(interval * 1000, pausedUntil - Date.now());
    // A touch moves pausedUntil and restarts this wait; the next scene comes after the quiet time.
    const t = setTimeout(() => setScene((s) => (s + 1) % scenes.length), wait);
    return () => clearTimeout(t);
  }, [scene, scenes.length, interval, pausedUntil]);
  const touched = useCallback(() => setPausedUntil(Date.now() + (config?.resumeAfterSeconds ?? 60) * 1000), [config]);
  const paused = pausedUntil > now;

  // A lost WebGL context (driver reset, GPU memory pressure): reload, keeping the scene. The map
  // and deck.gl's layers share the context, and a fresh page is the one state known to be whole.
  useEffect(() => {
    if (!map) return;
    const canvas = map.getCanvas();
    const lost = (e: Event) => {
      e.preventDefault();
      const url = new URL(window.location.href);
      url.searchParams.set('scene', String(sceneRef.current));
      setTimeout(() => window.location.replace(url.toString()), reloadDelayAfterLoss());
    };
    canvas.addEventListener('webglcontextlost', lost);
    return () => canvas.removeEventListener('webglcontextlost', lost);
  }, [map]);
  const sceneRef = useRef(scene);
  sceneRef.current = scene;

  useOverduePulse(map, data?.columns ?? null);

  const current = scenes.length > 0 ? scenes[scene % scenes.length] : null;
  const framed = useMemo(() => (town && data && current ? frameScene(current, town, data) : null), [town, data, current]);
  // The map is laid out at the screen's size divided by the scale, then scaled up with CSS and drawn
  // at scale × the device's pixels: on a 4K screen it frames what the 1080p design frames, as sharp,
  // with labels, lines and rings as large relative to the screen. Never drawn below the device's
  // own resolution (a screen smaller than the design).
  const mapBox = { width: width / scale, height: height / scale };
  const pixelRatio = (window.devicePixelRatio || 1) * Math.max(scale, 1);
  // The flight takes at most 3.5 s, and never more than half the time a scene stays.
  const fit = framed
    ? { bbox: framed.bbox, key: `${scene}|${framed.key}|${width}x${height}`, durationMs: Math.min(3500, interval * 500), padding: FIT_PADDING }
    : null;
  // Stable between loads: a new array would re-create the caption markers every second with the clock.
  const hotspots = useMemo(() => layers?.hotspots.slice(0, 6) ?? [], [layers]);
  useHotspotLabels(map, hotspots, (current?.mode ?? 'heat') !== 'grid');
  // The grid colours follow the map's own reloads (a new source redraws the whole map), with the figures of that moment.
  const figuresRef = useRef(figures);
  figuresRef.current = figures;
  // biome-ignore lint/correctness/useExhaustiveDependencies: recoloured when the layers reload, not on every change of the figures
  const gridsWithStats = useMemo(() => {
    const f = figuresRef.current;
    return town && f && layers ? withStats(town.grids, new Map(f.grids.map((g) => [g.id, g]))) : null;
  }, [town, layers, figures !== null]);

  if (!town || !config) return <div className="wall wall-message">{failed ? `大屏加载失败：${failed}` : '正在加载…'}</div>;
  const { meta } = town;
  const s = figures?.summary;
  const rateClass = (r: number | null) => (r === null ? '' : r >= config.thresholds.rateGood ? 'good' : r < config.thresholds.rateWarn ? 'bad' : 'warn');
  const today = `${toShanghaiIso(now).slice(0, 10)} 星期${WEEKDAYS[new Date(now + 8 * 3_600_000).getUTCDay()]}`;
  const kpis = s
    ? [
        { key: 'total', label: '问题总数', value: s.total, format: number },
        { key: 'closed', label: '已整改', value: s.closed, format: number },
        { key: 'rate', label: '整改率', value: s.rectificationRate ?? 0, format: percent, tone: rateClass(s.rectificationRate) },
        { key: 'overdue', label: '逾期未改', value: s.overdue, format: number, tone: s.overdue > 0 ? 'bad' : 'good' },
        { key: 'newToday', label: '今日新增', value: s.newToday, format: number },
        { key: 'closedThisWeek', label: '本周销号', value: s.closedThisWeek, format: number },
      ]
    : [];

  return (
    <div
      className="wall"
      style={{ fontSize: `${16 * scale}px` }}
      data-live={live}
      data-scene={scene % Math.max(1, scenes.length)}
      data-paused={paused}
      data-updated={figures?.at ?? 0}
      onPointerDown={touched}
      onWheel={touched}
    >
      <div className="wall-map" style={{ width: mapBox.width, height: mapBox.height, transform: `scale(${scale})` }}>
        {data && gridsWithStats && (
          <MapView
            style={town.style}
            bbox={meta.bbox}
            columns={data.columns}
            grids={gridsWithStats}
            selectedGrid={framed?.gridId ?? null}
            mode={current?.mode ?? 'heat'}
            weight="reported"
            metric="rate"
            sites={town.sites}
            hotspots={NO_MAP_HOTSPOTS}
            selectedProblem={null}
            onGridClick={() => undefined}
            onProblemClick={() => undefined}
            controls={false}
            fit={fit}
            pixelRatio={pixelRatio}
            onMap={setMap}
          />
        )}
      </div>
      <header className="wall-header">
        <div className="wall-updated">
          {meta.demo && <span className="demo-badge">演示数据</span>}
          数据更新 {figures ? clock(figures.at) : '—'}
        </div>
        <h1 className="wall-title">{config.title}</h1>
        <div className="wall-clock" data-clock>
          <span>{today}</span>
          <strong>{clock(now)}</strong>
        </div>
      </header>
      {(live === 'off' || (failed && figures)) && (
        <div className="wall-offline" role="status">
          离线 · 正在重连，显示的是 {figures ? clock(figures.at) : '—'} 的数据
        </div>
      )}
      <section className="wall-kpis" aria-label="关键指标">
        {kpis.map((k) => (
          <div key={k.key} className={`wall-kpi ${k.tone ?? ''}`} data-kpi={k.key}>
            <CountUp className="wall-kpi-value" value={k.value} format={k.format} />
            <span className="wall-kpi-label">{k.label}</span>
          </div>
        ))}
      </section>
      <aside className="wall-side wall-left">
        <section className="wall-panel" data-panel="categories">
          <h2>问题类型分布</h2>
          {figures && <CategoryBars rows={figures.categories} scale={scale} />}
        </section>
        <section className="wall-panel wall-grow" data-panel="communities">
          <h2>
            村居整改排名 <small>按问题密度</small>
          </h2>
          <CommunityRanking rows={figures?.communities ?? []} rateClass={rateClass} />
        </section>
      </aside>
      <aside className="wall-side wall-right">
        <section className="wall-panel" data-panel="trend">
          <h2>近30天上报与销号</h2>
          {figures && <TrendLines periods={figures.trend} scale={scale} />}
        </section>
        <section className="wall-panel" data-panel="hotspots">
          <h2>热点区域</h2>
          <ol className="wall-hotspots">
            {(layers?.hotspots ?? []).slice(0, 5).map((h) => (
              <li key={h.rank}>
                <span className="wall-rank">{h.rank}</span>
                <span className="wall-name">{h.name}</span>
                <span className="wall-num">{h.count}</span>
                <span className={`wall-change ${h.change === null ? '' : h.change > 0 ? 'up' : 'down'}`}>
                  {h.change === null ? '新' : `${h.change > 0 ? '▲' : h.change < 0 ? '▼' : '–'}${Math.abs(Math.round(h.change * 100))}%`}
                </span>
              </li>
            ))}
          </ol>
        </section>
        <section className="wall-panel wall-grow" data-panel="feed">
          <h2>最新动态</h2>
          <ul className="wall-feed">
            {(figures?.feed ?? []).slice(0, 8).map((e) => (
              <li key={e.eventId} className={`feed-${e.action}`}>
                <time>{e.at.slice(0, 10) === toShanghaiIso(now).slice(0, 10) ? e.at.slice(11, 16) : `${e.at.slice(5, 10)} ${e.at.slice(11, 16)}`}</time>
                <span className="wall-feed-action">{ACTION_NAMES[e.action] ?? e.action}</span>
                <span className="wall-name">
                  {e.communityName} · {e.categoryName}
                </span>
              </li>
            ))}
          </ul>
        </section>
      </aside>
      <footer className="wall-caption" data-caption>
        {framed?.caption ?? ''}
        {paused && <span className="wall-paused">轮播已暂停</span>}
      </footer>
      <div className="wall-legend">
        <span className="pulse-dot" /> 逾期未改
        <span className="display-name">{session.display?.name ?? session.user?.displayName ?? ''}</span>
      </div>
    </div>
  );
}

/** 村居整改排名: every community; scrolls slowly when the list is longer than its box. */
function CommunityRanking({ rows, rateClass }: { rows: AreaRow[]; rateClass: (r: number | null) => string }) {
  const box = useRef<HTMLDivElement>(null);
  const list = useRef<HTMLOListElement>(null);
  const [scrolls, setScrolls] = useState(false);
  // biome-ignore lint/correctness/useExhaustiveDependencies: new rows change the list's height
  useEffect(() => {
    const check = () => setScrolls(!!box.current && !!list.current && list.current.scrollHeight > box.current.clientHeight + 2);
    check();
    const ro = new ResizeObserver(check);
    if (box.current) ro.observe(box.current);
    return () => ro.disconnect();
  }, [rows]);
  const item = (r: AreaRow, i: number, copy: boolean) => (
    <li key={`${copy ? 'c' : ''}${r.id}`} aria-hidden={copy || undefined}>
      <span className="wall-rank">{i + 1}</span>
      <span className="wall-name">{r.name}</span>
      <span className="wall-num">{r.total}</span>
      <span className={`wall-rate ${rateClass(r.rectificationRate)}`}>{r.rectificationRate === null ? '—' : percent(r.rectificationRate)}</span>
    </li>
  );
  return (
    <div ref={box} className={`wall-ranking${scrolls ? ' scrolling' : ''}`}>
      <ol ref={list} style={{ animationDuration: `${rows.length * 2.5}s` }}>
        {rows.map((r, i) => item(r, i, false))}
        {scrolls && rows.map((r, i) => item(r, i, true))}
      </ol>
    </div>
  );
}

/** Where a scene frames the map, what it says, and which grid it outlines. */
function frameScene(
  scene: WallConfig['scenes'][number],
  town: Town,
  data: WallData,
): { bbox: [number, number, number, number]; caption: string; key: string; gridId: string | null } {
  const townBox = town.meta.bbox;
  const communityFeature = (id: string) => town.communities.features.find((f) => f.properties?.id === id);
  const box = (f: GeoJSON.Feature | undefined) => (f ? (turfBbox(f) as [number, number, number, number]) : townBox);
  if (scene.target === 'community' && scene.communityId) {
    const f = communityFeature(scene.communityId);
    return { bbox: box(f), caption: scene.caption ?? String(f?.properties?.name ?? ''), key: scene.communityId, gridId: null };
  }
  if (scene.target === 'top-community') {
    const row = data.communities[(scene.rank ?? 1) - 1];
    if (row) {
      return {
        bbox: box(communityFeature(row.id)),
        caption:
          scene.caption ?? `${row.name} · 问题密度第 ${scene.rank ?? 1} · 整改率 ${row.rectificationRate === null ? '—' : percent(row.rectificationRate)}`,
        key: row.id,
        gridId: null,
      };
    }
  }
  if (scene.target === 'most-overdue-grid') {
    const g = data.grids[0];
    if (g && g.overdue > 0) {
      const f = town.grids.features.find((x) => x.properties?.id === g.id);
      return { bbox: box(f), caption: scene.caption ?? `${g.name} · 逾期未改最多（${g.overdue} 件）· 网格员 ${g.manager}`, key: g.id, gridId: g.id };
    }
  }
  return { bbox: townBox, caption: scene.caption ?? `${town.meta.town.name}全域`, key: 'town', gridId: null };
}
