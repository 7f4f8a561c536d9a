import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import type { AreaRow, CategoryRow, TrendPoint, UnitRow } from '../api/client.ts';
import { RANKS, type RankBy } from '../state/view-state.ts';
import { Select } from './controls.tsx';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, MarkAreaComponent, MarkLineComponent, TooltipComponent, CanvasRenderer]);

type Option = echarts.EChartsCoreOption;

declare global {
  interface Window {
    /** For browser tests: the chart instances by id (trend, categories, communities). */
    __charts?: Record<string, echarts.ECharts>;
  }
}

/** One ECharts instance in a box: options replaced on change, resized with its box, disposed on unmount. */
export function Chart({
  id,
  option,
  onClick,
  label,
  className = 'chart',
}: {
  id: string;
  option: Option;
  onClick?: (name: string, dataIndex: number) => void;
  label: string;
  className?: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const click = useRef(onClick);
  click.current = onClick;

  useEffect(() => {
    if (!box.current) return;
    const c = echarts.init(box.current, undefined, { renderer: 'canvas' });
    chart.current = c;
    window.__charts = { ...window.__charts, [id]: c };
    c.on('click', (e) => click.current?.(String(e.name), e.dataIndex));
    const resize = new ResizeObserver(() => c.resize());
    resize.observe(box.current);
    return () => {
      resize.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, [id]);

  // Options are rebuilt on every render; ECharts is only told when they changed.
  const last = useRef('');
  useEffect(() => {
    const key = JSON.stringify(option);
    if (key === last.current) return;
    last.current = key;
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);

  return <div ref={box} className={className} role="img" aria-label={label} />;
}

const AXIS_LABEL = { fontSize: 11, color: '#4b5563' };

export interface ChartsProps {
  trend: TrendPoint[];
  /** The months (YYYY-MM) the current filters cover, shaded on the trend; null = all. */
  range: { from: string | null; to: string | null };
  /** The time the figures cover, in words (全部时间, 2026年11月 …): every panel says it. */
  window: string;
  categories: CategoryRow[];
  communities: AreaRow[];
  /** Responsible units, most overdue first. */
  units: UnitRow[];
  /** What the communities are ranked by (their order comes from the server). */
  rank: RankBy;
  selectedCategories: string[];
  selectedCommunity: string | null;
  selectedUnit: string | null;
  onMonth: (month: string) => void;
  onCategory: (code: string) => void;
  onCommunity: (id: string) => void;
  onUnit: (id: string) => void;
  onRank: (rank: RankBy) => void;
}

/** Trend (reported vs closed by month), categories and the community ranking; a click filters the map. */
export function Charts(p: ChartsProps) {
  const months = p.trend.map((t) => t.period);
  const fromMonth = p.range.from?.slice(0, 7) ?? null;
  const toMonth = p.range.to?.slice(0, 7) ?? months[months.length - 1] ?? null;
  // The chosen period: a band over its months, or a line on a single month (playback).
  const single = fromMonth !== null && fromMonth === toMonth;
  const shaded = fromMonth && toMonth && !single ? [[{ xAxis: months.includes(fromMonth) ? fromMonth : months[0] }, { xAxis: toMonth }]] : [];
  const marked = single ? [{ xAxis: fromMonth }] : [];
  const trend: Option = {
    animation: false,
    tooltip: { trigger: 'axis' },
    legend: { data: ['上报', '销号'], top: 0, right: 0, textStyle: { fontSize: 11 } },
    grid: { left: 40, right: 8, top: 24, bottom: 22 },
    xAxis: { type: 'category', data: months.map((m) => m), axisLabel: { ...AXIS_LABEL, formatter: (m: string) => `${Number(m.slice(5))}月` } },
    yAxis: { type: 'value', axisLabel: AXIS_LABEL, splitLine: { lineStyle: { color: '#eef1f5' } } },
    series: [
      {
        name: '上报',
        type: 'line',
        data: p.trend.map((t) => t.reported),
        color: '#e4572e',
        symbolSize: 5,
        markArea: { silent: true, itemStyle: { color: 'rgba(20,50,92,0.08)' }, data: shaded },
        markLine: { silent: true, symbol: 'none', label: { show: false }, lineStyle: { color: '#14325c', width: 2, type: 'solid' }, data: marked },
      },
      { name: '销号', type: 'line', data: p.trend.map((t) => t.closed), color: '#2e7d32', symbolSize: 5 },
    ],
  };
  const cats = [...p.categories].filter((c) => c.total > 0).reverse();
  const categories: Option = {
    animation: false,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 112, right: 36, top: 4, bottom: 4 },
    xAxis: { type: 'value', show: false },
    yAxis: {
      type: 'category',
      data: cats.map((c) => c.name),
      axisLabel: { ...AXIS_LABEL, fontSize: 10, interval: 0, width: 104, overflow: 'truncate' },
      axisTick: { show: false },
    },
    series: [
      {
        type: 'bar',
        barMaxWidth: 12,
        label: { show: true, position: 'right', fontSize: 10 },
        data: cats.map((c) => ({
          value: c.total,
          itemStyle: { color: c.color, opacity: p.selectedCategories.length === 0 || p.selectedCategories.includes(c.code) ? 1 : 0.35 },
        })),
      },
    ],
  };
  const ranked = [...p.communities].filter((c) => c.total > 0).reverse();
  const rankLabel = (c: AreaRow) =>
    p.rank === 'rectificationRate' ? `${c.name} ${c.rectificationRate === null ? '—' : `${(c.rectificationRate * 100).toFixed(0)}%`}` : c.name;
  const communities: Option = {
    animation: false,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { data: ['已销号', '未销号'], top: 0, right: 0, textStyle: { fontSize: 11 } },
    grid: { left: p.rank === 'rectificationRate' ? 100 : 76, right: 12, top: 24, bottom: 4 },
    xAxis: { type: 'value', show: false },
    yAxis: { type: 'category', data: ranked.map(rankLabel), axisLabel: { ...AXIS_LABEL, fontSize: 10, interval: 0 }, axisTick: { show: false } },
    series: [
      {
        name: '已销号',
        type: 'bar',
        stack: 'n',
        barMaxWidth: 12,
        color: '#4f8a5b',
        data: ranked.map((c) => ({ value: c.closed, itemStyle: { opacity: !p.selectedCommunity || p.selectedCommunity === c.id ? 1 : 0.35 } })),
      },
      {
        name: '未销号',
        type: 'bar',
        stack: 'n',
        barMaxWidth: 12,
        color: '#e4572e',
        data: ranked.map((c) => ({ value: c.total - c.closed, itemStyle: { opacity: !p.selectedCommunity || p.selectedCommunity === c.id ? 1 : 0.35 } })),
      },
    ],
  };
  // 责任单位: open problems, the overdue part in red; most overdue on top.
  const units = p.units
    .filter((u) => u.open > 0)
    .slice(0, 12)
    .reverse();
  const dim = (u: UnitRow) => ({ opacity: !p.selectedUnit || p.selectedUnit === u.id ? 1 : 0.35 });
  const unitChart: Option = {
    animation: false,
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: { data: ['逾期', '在办未逾期'], top: 0, right: 0, textStyle: { fontSize: 11 } },
    grid: { left: 112, right: 12, top: 24, bottom: 4 },
    xAxis: { type: 'value', show: false },
    yAxis: {
      type: 'category',
      data: units.map((u) => `${u.name}${u.onTimeRate === null ? '' : ` 按期${Math.round(u.onTimeRate * 100)}%`}`),
      axisLabel: { ...AXIS_LABEL, fontSize: 10, interval: 0, width: 104, overflow: 'truncate' },
      axisTick: { show: false },
    },
    series: [
      { name: '逾期', type: 'bar', stack: 'u', barMaxWidth: 12, color: '#c62828', data: units.map((u) => ({ value: u.overdue, itemStyle: dim(u) })) },
      {
        name: '在办未逾期',
        type: 'bar',
        stack: 'u',
        barMaxWidth: 12,
        color: '#f0a35e',
        data: units.map((u) => ({ value: u.open - u.overdue, itemStyle: dim(u) })),
      },
    ],
  };
  return (
    <aside className="charts" aria-label="统计图表">
      <section data-chart="trend">
        <h3>
          月度趋势 <small data-window>按月 · 点击月份回放</small>
        </h3>
        <Chart id="trend" label="月度上报与销号趋势" option={trend} onClick={(name) => p.onMonth(name)} />
      </section>
      <section data-chart="categories">
        <h3>
          问题类型 <small data-window>{p.window} · 点击筛选</small>
        </h3>
        <Chart id="categories" label="问题类型分布" option={categories} onClick={(_, i) => p.onCategory(cats[i].code)} />
      </section>
      <section data-chart="communities">
        <h3>
          村居排名 <small data-window>{p.window} · 点击筛选</small>
          <Select label="排名依据" value={p.rank} choices={RANKS} onChange={(r) => r && p.onRank(r)} />
        </h3>
        <Chart
          id="communities"
          label={`村居排名（${RANKS.find((r) => r.code === p.rank)?.name}）`}
          option={communities}
          onClick={(_, i) => p.onCommunity(ranked[i].id)}
        />
      </section>
      <section data-chart="units">
        <h3>
          责任单位 <small data-window>{p.window} · 按逾期排序 · 点击筛选</small>
        </h3>
        <Chart id="units" label="责任单位在办与逾期" option={unitChart} onClick={(_, i) => p.onUnit(units[i].id)} />
      </section>
    </aside>
  );
}
