import type { StyleSpecification } from 'maplibre-gl';
import { useEffect, useState } from 'react';
import type { Points } from '../server/domain/points-codec.ts';
import { api, type Meta, type Summary } from './api/client.ts';
import { basemapStyle } from './map/basemap-style.ts';
import { MapView } from './map/map-view.tsx';
import { KpiStrip } from './panels/kpi-strip.tsx';

interface Loaded {
  meta: Meta;
  summary: Summary;
  style: StyleSpecification;
  points: Points;
}

export function App() {
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    Promise.all([api.meta(), api.summary(), api.communities(), api.grids(), api.basemap(), api.points()])
      .then(([meta, summary, communities, grids, basemap, points]) =>
        setLoaded({ meta, summary, style: basemapStyle({ communities, grids, basemap }), points }),
      )
      .catch((e: unknown) => setError(e instanceof Error ? e.message : String(e)));
  }, []);

  if (error) return <div className="message">数据加载失败：{error}</div>;
  if (!loaded) return <div className="message">正在加载…</div>;
  const { meta } = loaded;
  return (
    <div className="app">
      <header className="title">
        <h1>{meta.town.name}创建全国文明城市 · 问题热力图</h1>
        {meta.demo && <span className="demo-badge">演示数据</span>}
      </header>
      <KpiStrip summary={loaded.summary} />
      <MapView style={loaded.style} bbox={meta.bbox} points={loaded.points} />
    </div>
  );
}
