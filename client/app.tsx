import type { FeatureCollection } from 'geojson';
import type { StyleSpecification } from 'maplibre-gl';
import { useEffect, useState } from 'react';
import type { Points } from '../server/domain/points-codec.ts';
import { api, type GridStats, type Meta, type Summary } from './api/client.ts';
import { basemapStyle } from './map/basemap-style.ts';
import { type MapMode, MapView } from './map/map-view.tsx';
import { GridPanel } from './panels/grid-panel.tsx';
import { KpiStrip } from './panels/kpi-strip.tsx';
import { RateLegend } from './panels/rate-legend.tsx';

interface Loaded {
  meta: Meta;
  summary: Summary;
  grids: Map<string, GridStats>;
  style: StyleSpecification;
  points: Points;
}

/** The grids with each one's rectification rate as a property, for the choropleth (new objects; the fetched data stays as it was). */
function withRates(grids: FeatureCollection, stats: Map<string, GridStats>): FeatureCollection {
  return {
    ...grids,
    features: grids.features.map((f) => ({ ...f, properties: { ...f.properties, rate: stats.get(String(f.properties?.id))?.rectificationRate ?? null } })),
  };
}

export function App() {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [mode, setMode] = useState<MapMode>('heat');
  const [gridId, setGridId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    Promise.all([api.meta(), api.summary(), api.communities(), api.grids(), api.basemap(), api.points(), api.gridStats()])
      .then(([meta, summary, communities, grids, basemap, points, gridStats]) => {
        const byId = new Map(gridStats.map((g) => [g.id, g]));
        setLoaded({ meta, summary, grids: byId, style: basemapStyle({ communities, grids: withRates(grids, byId), basemap }), points });
      })
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, []);

  if (error) return <div className="message">数据加载失败：{error}</div>;
  if (!loaded) return <div className="message">正在加载…</div>;
  const { meta } = loaded;
  const selected = gridId ? loaded.grids.get(gridId) : undefined;
  return (
    <div className="app">
      <header className="title">
        <h1>{meta.town.name}创建全国文明城市 · 问题热力图</h1>
        {meta.demo && <span className="demo-badge">演示数据</span>}
        <nav className="modes" aria-label="图层">
          <button type="button" aria-pressed={mode === 'heat'} onClick={() => setMode('heat')}>
            热力图
          </button>
          <button type="button" aria-pressed={mode === 'rate'} onClick={() => setMode('rate')}>
            网格整改率
          </button>
        </nav>
      </header>
      <KpiStrip summary={loaded.summary} />
      <div className="stage">
        <MapView style={loaded.style} bbox={meta.bbox} points={loaded.points} mode={mode} onGridClick={setGridId} />
        {mode === 'rate' && <RateLegend />}
        {selected && <GridPanel grid={selected} onClose={() => setGridId(null)} />}
      </div>
    </div>
  );
}
