import type * as maplibregl from 'maplibre-gl';
import { type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { toShanghaiIso } from '../../server/domain/calendar.ts';
import { patrolDaysOf, type Session } from '../api/client.ts';
import { SCALES, withStats } from '../map/choropleth.ts';
import type { HotspotLabel } from '../map/layers.ts';
import { MapView } from '../map/map-view.tsx';
import { ChangeLine } from '../panels/change.tsx';
import { CountUp } from './count-up.tsx';
import { type MapLayers, useWallData } from './use-wall-data.ts';
import { CategoryBars, TrendLines } from './wall-charts.tsx';
import { type Figures, WALL_WINDOW_DAYS } from './wall-figures.ts';
import { useHotspotLabels, useOverduePulse } from './wall-markers.ts';
import { CommunityRanking, FeedList, HotspotList } from './wall-panels.tsx';
import { frameScene, initialScene, reloadDelayAfterLoss, tourSeconds } from './wall-tour.ts';

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
  const { town, config, figures, layers, failed, live } = useWallData();
  const data: WallData | null = useMemo(() => (figures && layers ? { ...figures, ...layers } : null), [figures, layers]);
  const [now, setNow] = useState(Date.now());
  const [scene, setScene] = useState(initialScene);
  const [pausedUntil, setPausedUntil] = useState(0);
  const [map, setMap] = useState<maplibregl.Map | null>(null);

  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);

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
  useHotspotLabels(map, hotspots, current?.mode !== 'grid' && current?.mode !== 'patrol');
  // The grid colours follow the map's own reloads (a new source redraws the whole map), with the figures of that moment.
  const figuresRef = useRef(figures);
  figuresRef.current = figures;
  // biome-ignore lint/correctness/useExhaustiveDependencies: recoloured when the layers reload, not on every change of the figures
  const gridsWithStats = useMemo(() => {
    const f = figuresRef.current;
    return town && f && layers ? withStats(town.grids, new Map(f.grids.map((g) => [g.id, g])), patrolDaysOf(f.coverage)) : null;
  }, [town, layers, figures !== null]);

  if (!town || !config) return <div className="wall wall-message">{failed ? `大屏加载失败：${failed}` : '正在加载…'}</div>;
  const { meta } = town;
  const s = figures?.summary;
  const rateClass = (r: number | null) => (r === null ? '' : r >= config.thresholds.rateGood ? 'good' : r < config.thresholds.rateWarn ? 'bad' : 'warn');
  const today = `${toShanghaiIso(now).slice(0, 10)} 星期${WEEKDAYS[new Date(now + 8 * 3_600_000).getUTCDay()]}`;
  const c = figures?.compare;
  const kpis: { key: string; label: string; value: number; format: (n: number) => string; tone?: string; change?: ReactNode }[] = s
    ? [
        { key: 'total', label: '问题总数', value: s.total, format: number },
        {
          key: 'closed',
          label: '已整改',
          value: s.closed,
          format: number,
          change: c && <ChangeLine className="wall-kpi-change" label={`本月销号 ${number(c.month.closed.current)} · 环比`} change={c.month.closed} upIsGood />,
        },
        { key: 'rate', label: '整改率', value: s.rectificationRate ?? 0, format: percent, tone: rateClass(s.rectificationRate) },
        { key: 'overdue', label: '逾期未改', value: s.overdue, format: number, tone: s.overdue > 0 ? 'bad' : 'good' },
        { key: 'newToday', label: '今日新增', value: s.newToday, format: number },
        {
          key: 'closedThisWeek',
          label: '本周销号',
          value: s.closedThisWeek,
          format: number,
          change: c && <ChangeLine className="wall-kpi-change" label="较上周同期" change={c.week.closed} upIsGood />,
        },
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
            mode={current?.mode === 'patrol' ? 'grid' : (current?.mode ?? 'heat')}
            weight="reported"
            metric={current?.mode === 'patrol' ? 'patrol' : 'rate'}
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
            {k.change}
          </div>
        ))}
      </section>
      <aside className="wall-side wall-left">
        <section className="wall-panel" data-panel="categories">
          <h2>
            问题类型分布 <small>累计</small>
          </h2>
          {figures && <CategoryBars rows={figures.categories} scale={scale} />}
        </section>
        <section className="wall-panel wall-grow" data-panel="communities">
          <h2>
            村居考核排名 <small>{figures?.rankingLabel ?? '本月考核得分'} · 红黑榜</small>
          </h2>
          <CommunityRanking ranking={figures?.ranking ?? null} />
        </section>
      </aside>
      <aside className="wall-side wall-right">
        <section className="wall-panel" data-panel="trend">
          <h2>
            近{WALL_WINDOW_DAYS}天上报与销号 <small>截至昨日</small>
          </h2>
          {figures && <TrendLines periods={figures.trend} scale={scale} />}
        </section>
        <section className="wall-panel" data-panel="hotspots">
          <h2>
            热点区域{' '}
            <small>
              近{WALL_WINDOW_DAYS}天 · 较前{WALL_WINDOW_DAYS}天
            </small>
          </h2>
          <HotspotList rows={figures?.hotspots ?? []} />
        </section>
        <section className="wall-panel wall-grow" data-panel="feed">
          <h2>最新动态</h2>
          <FeedList items={figures?.feed ?? []} now={now} />
        </section>
      </aside>
      <footer className="wall-caption" data-caption>
        {framed?.caption ?? ''}
        {paused && <span className="wall-paused">轮播已暂停</span>}
      </footer>
      {(current?.mode === 'patrol' || current?.mode === 'grid') && <ScaleKey metric={current.mode === 'patrol' ? 'patrol' : 'rate'} />}
      <div className="wall-legend">
        <span className="pulse-dot" /> 逾期未改
        <span className="display-name">{session.display?.name ?? session.user?.displayName ?? ''}</span>
      </div>
    </div>
  );
}

/** The colours of the grid scene on the wall: 巡查覆盖's days or 整改率's bands, low to high. */
function ScaleKey({ metric }: { metric: 'patrol' | 'rate' }) {
  const scale = SCALES[metric];
  return (
    <span className="wall-scale" data-scale={metric}>
      {scale.title}
      {scale.steps.map((s) => (
        <span key={s.label} className="wall-scale-step">
          <i style={{ background: s.color }} />
          {s.label}
        </span>
      ))}
    </span>
  );
}
