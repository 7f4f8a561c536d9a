import type { FeatureCollection } from 'geojson';
import type { StyleSpecification } from 'maplibre-gl';
import { useEffect, useMemo, useState } from 'react';
import type { Points } from '../server/domain/points-codec.ts';
import { api, type GridStats, type Meta, type Summary } from './api/client.ts';
import { basemapStyle } from './map/basemap-style.ts';
import { MapView } from './map/map-view.tsx';
import { CategoryFilter } from './panels/category-filter.tsx';
import { GridPanel } from './panels/grid-panel.tsx';
import { KpiStrip } from './panels/kpi-strip.tsx';
import { RateLegend } from './panels/rate-legend.tsx';
import { apiFilterQuery, PERIODS, parseViewState, toggleCategory, type ViewState, viewStateSearch } from './state/view-state.ts';

/** Data that does not depend on the filters: loaded once. */
interface Town {
  meta: Meta;
  style: StyleSpecification;
  grids: FeatureCollection;
}

/** Data for the current filters. */
interface Filtered {
  query: string;
  summary: Summary;
  points: Points;
  gridStats: Map<string, GridStats>;
}

/** The message of a failed load. */
const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The grids with each one's rectification rate as a property, for the choropleth (new objects; the fetched data stays as it was). */
function withRates(grids: FeatureCollection, stats: Map<string, GridStats>): FeatureCollection {
  return {
    ...grids,
    features: grids.features.map((f) => ({ ...f, properties: { ...f.properties, rate: stats.get(String(f.properties?.id))?.rectificationRate ?? null } })),
  };
}

export function App() {
  const [town, setTown] = useState<Town | null>(null);
  const [view, setView] = useState<ViewState | null>(null);
  const [filtered, setFiltered] = useState<Filtered | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    Promise.all([api.meta(), api.communities(), api.grids(), api.basemap()])
      .then(([meta, communities, grids, basemap]) => {
        setTown({ meta, grids, style: basemapStyle({ communities, grids, basemap }) });
        setView(
          parseViewState(
            window.location.search,
            meta.categories.map((c) => c.code),
          ),
        );
      })
      .catch((e: unknown) => setError(message(e)));
  }, []);

  const query = view && town ? apiFilterQuery(view, Date.parse(town.meta.now)) : null;
  useEffect(() => {
    if (query === null) return;
    let current = true;
    Promise.all([api.summary(query), api.points(query), api.gridStats(query)])
      .then(([summary, points, gridStats]) => {
        if (current) setFiltered({ query, summary, points, gridStats: new Map(gridStats.map((g) => [g.id, g])) });
      })
      .catch((e: unknown) => setError(message(e)));
    return () => {
      current = false;
    };
  }, [query]);

  useEffect(() => {
    if (view) window.history.replaceState(null, '', `${window.location.pathname}${viewStateSearch(view)}`);
  }, [view]);

  const gridsWithRates = useMemo(() => (town && filtered ? withRates(town.grids, filtered.gridStats) : null), [town, filtered]);

  if (error) return <div className="message">数据加载失败：{error}</div>;
  if (!town || !view || !filtered || !gridsWithRates) return <div className="message">正在加载…</div>;
  const { meta } = town;
  const selected = view.grid ? filtered.gridStats.get(view.grid) : undefined;
  return (
    <div className="app" data-query={filtered.query}>
      <header className="title">
        <h1>{meta.town.name}创建全国文明城市 · 问题热力图</h1>
        {meta.demo && <span className="demo-badge">演示数据</span>}
        <nav className="modes" aria-label="图层">
          <button type="button" aria-pressed={view.mode === 'heat'} onClick={() => setView({ ...view, mode: 'heat' })}>
            热力图
          </button>
          <button type="button" aria-pressed={view.mode === 'rate'} onClick={() => setView({ ...view, mode: 'rate' })}>
            网格整改率
          </button>
        </nav>
      </header>
      <nav className="periods" aria-label="时间范围">
        {PERIODS.map((p) => (
          <button key={p.code} type="button" aria-pressed={view.period === p.code} data-period={p.code} onClick={() => setView({ ...view, period: p.code })}>
            {p.name}
          </button>
        ))}
      </nav>
      <KpiStrip summary={filtered.summary} />
      <div className="stage">
        <CategoryFilter categories={meta.categories} selected={view.categories} onToggle={(code) => setView(toggleCategory(view, code))} />
        <div className="map-area">
          <MapView
            style={town.style}
            bbox={meta.bbox}
            points={filtered.points}
            grids={gridsWithRates}
            selectedGrid={view.grid}
            mode={view.mode}
            onGridClick={(grid) => setView((v) => (v ? { ...v, grid } : v))}
          />
          {view.mode === 'rate' && <RateLegend />}
          {selected && <GridPanel grid={selected} onClose={() => setView({ ...view, grid: null })} />}
        </div>
      </div>
    </div>
  );
}
