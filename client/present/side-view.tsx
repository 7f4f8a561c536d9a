import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import type { Photo } from '../api/client.ts';
import { type Chart, kpiChange, kpiText, type SideData } from './scene-data.ts';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, SVGRenderer]);

const FONT = "'Noto Sans CJK SC', 'Microsoft YaHei', 'PingFang SC', sans-serif";
const SERIES_COLORS = ['#c62828', '#2e7d32', '#1565c0'];

/** A chart's rows that fit `max` lines: all of them, or the first and last halves (best and worst). */
export function fitRows(chart: Chart, max: number): Chart {
  const n = chart.labels.length;
  if (n <= max) return chart;
  const head = Math.ceil(max / 2);
  const tail = max - head;
  const keep = [...Array.from({ length: head }, (_, i) => i), ...Array.from({ length: tail }, (_, i) => n - tail + i)];
  return { ...chart, labels: keep.map((i) => chart.labels[i]), series: chart.series.map((s) => ({ ...s, values: keep.map((i) => s.values[i]) })) };
}

function chartOption(chart: Chart, fontPx: number, dark: boolean): echarts.EChartsCoreOption {
  const text = dark ? '#e5edf8' : '#1f2937';
  const line = dark ? '#334766' : '#d1d5db';
  const percent = chart.format === 'percent';
  const value = (v: number) => (percent ? `${(v * 100).toFixed(1)}%` : chart.format === 'score' ? v.toFixed(1) : String(v));
  const axisLabel = { fontSize: fontPx, color: text, fontFamily: FONT };
  const legend = chart.series.length > 1 ? { top: 0, textStyle: axisLabel, itemWidth: fontPx, itemHeight: fontPx * 0.6 } : undefined;
  if (chart.kind === 'trend') {
    return {
      animation: false,
      legend,
      grid: { left: fontPx * 0.5, right: fontPx, top: fontPx * 2.4, bottom: fontPx * 0.4, containLabel: true },
      xAxis: {
        type: 'category',
        data: chart.labels.map((l) => `${Number(l.slice(5, 7))}月`),
        axisLabel: { ...axisLabel, interval: 1 },
        axisLine: { lineStyle: { color: line } },
      },
      yAxis: { type: 'value', axisLabel, splitLine: { lineStyle: { color: line } } },
      series: chart.series.map((s, i) => ({
        type: 'line',
        name: s.name,
        data: s.values,
        symbolSize: fontPx * 0.4,
        lineStyle: { width: 4 },
        color: SERIES_COLORS[i],
      })),
    };
  }
  // room on the right for the longest value written after its bar (digits are about 0.6 em wide)
  const longest = Math.max(0, ...chart.series.flatMap((x) => x.values.map((v) => (v === null ? 0 : value(v).length))));
  return {
    animation: false,
    legend,
    grid: { left: fontPx * 0.3, right: fontPx * (0.6 * longest + 0.4), top: legend ? fontPx * 2.4 : fontPx * 0.4, bottom: fontPx * 0.2, containLabel: true },
    // each bar carries its value: no value axis labels to crowd a narrow chart
    xAxis: { type: 'value', max: percent ? 1 : undefined, axisLabel: { show: false }, splitLine: { lineStyle: { color: line } } },
    yAxis: { type: 'category', inverse: true, data: chart.labels, axisLabel, axisLine: { lineStyle: { color: line } } },
    series: chart.series.map((s, i) => ({
      type: 'bar',
      name: s.name,
      data: s.values,
      color: percent || chart.format === 'score' ? '#1565c0' : SERIES_COLORS[i],
      label: { show: true, position: 'right', fontSize: fontPx, color: text, fontFamily: FONT, formatter: (p: { value: number }) => value(p.value) },
    })),
  };
}

/** A chart drawn as SVG (its labels are text a test can measure), sized to its box. */
function SlideChart({ chart, fontPx, dark }: { chart: Chart; fontPx: number; dark: boolean }) {
  const box = useRef<HTMLDivElement>(null);
  const instance = useRef<echarts.ECharts | null>(null);
  useEffect(() => {
    if (!box.current) return;
    const c = echarts.init(box.current, undefined, { renderer: 'svg' });
    instance.current = c;
    const resize = new ResizeObserver(() => c.resize());
    resize.observe(box.current);
    return () => {
      resize.disconnect();
      c.dispose();
      instance.current = null;
    };
  }, []);
  useEffect(() => {
    const height = box.current?.clientHeight ?? 600;
    const rows = chart.kind === 'trend' ? chart : fitRows(chart, Math.max(4, Math.floor((height - fontPx * 2.6) / (fontPx * 1.7 * chart.series.length))));
    instance.current?.setOption(chartOption(rows, fontPx, dark), true);
  }, [chart, fontPx, dark]);
  return <div ref={box} className="slide-chart" data-chart={chart.kind} />;
}

function PhotoBox({ photos, label }: { photos: Photo[]; label: string }) {
  const p = photos[0];
  return (
    <figure className="slide-photo">
      {p ? <img src={p.url} alt={label} /> : <div className="slide-photo-none">无照片</div>}
      <figcaption>{label}</figcaption>
    </figure>
  );
}

/** What stands beside a scene's map: figures with their change, a chart, a table, a before/after pair or text. */
export function SideView({ data, fontPx, dark, against }: { data: SideData; fontPx: number; dark: boolean; against: string }) {
  switch (data.kind) {
    case 'none':
      return null;
    case 'text':
      return (
        <div className="slide-text" data-side="text">
          {data.body.split('\n').map((line, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: lines of one text, in order
            <p key={i}>{line || '\u00a0'}</p>
          ))}
        </div>
      );
    case 'kpis':
      return (
        <div className="slide-kpis" data-side="kpis">
          {data.kpis.map((k) => {
            const change = kpiChange(k, against);
            return (
              <div key={k.key} className="slide-kpi" data-kpi={k.key}>
                <div className="slide-kpi-label">{k.label}</div>
                <div className="slide-kpi-value">{kpiText(k)}</div>
                {change && <div className={`slide-kpi-change ${change.tone}`}>{change.text}</div>}
              </div>
            );
          })}
        </div>
      );
    case 'chart':
      return (
        <div className="slide-chart-box" data-side="chart">
          <div className="slide-side-title">{data.chart.title}</div>
          <SlideChart chart={data.chart} fontPx={fontPx} dark={dark} />
        </div>
      );
    case 'table':
      return (
        <div className="slide-table-box" data-side="table">
          <div className="slide-side-title">{data.table.title}</div>
          {data.table.rows.length === 0 ? (
            <p className="slide-empty">没有逾期未改的问题</p>
          ) : (
            <table className="slide-table">
              <thead>
                <tr>
                  {data.table.columns.map((c) => (
                    <th key={c}>{c}</th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {data.table.rows.map((r) => (
                  <tr key={String(r[0])}>
                    {r.map((v, i) => (
                      <td key={data.table.columns[i]}>{v}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      );
    case 'case': {
      const c = data.case;
      return (
        <div className="slide-case" data-side="case">
          <div className="slide-case-photos">
            <PhotoBox photos={c.before} label="整改前" />
            <PhotoBox photos={c.after} label="整改后" />
          </div>
          <p className="slide-case-text">
            {c.category} · {c.description}
          </p>
          <p className="slide-case-dates">
            发现 {c.reportedAt.slice(0, 10)}
            {c.closedAt ? ` · 销号 ${c.closedAt.slice(0, 10)}` : ''}
          </p>
        </div>
      );
    }
  }
}
