// The wall's charts: dark, no animation on data updates (the numerals count instead); sizes follow the wall's scale.
import type { CategoryRow, TrendPoint } from '../api/client.ts';
import { Chart } from '../panels/charts.tsx';
import { categoryBars } from './wall-figures.ts';

const TEXT = '#b9cdf0';
const LINE = 'rgba(125, 170, 230, 0.18)';

/** 问题类型分布: the categories, most frequent first, with how many are still open. */
export function CategoryBars({ rows, scale }: { rows: CategoryRow[]; scale: number }) {
  const bars = categoryBars(rows);
  // Bottom to top in the chart: the largest bar on top.
  const top = [...bars].reverse();
  const px = (n: number) => Math.round(n * scale);
  const option = {
    animation: false,
    grid: { left: px(8), right: px(44), top: px(4), bottom: px(4), containLabel: true },
    xAxis: { type: 'value', show: false },
    yAxis: {
      type: 'category',
      data: top.map((r) => r.name),
      axisLabel: { color: TEXT, fontSize: px(13) },
      axisLine: { show: false },
      axisTick: { show: false },
    },
    series: [
      {
        type: 'bar',
        data: top.map((r) => ({ value: r.total, itemStyle: { color: r.color } })),
        barWidth: '58%',
        label: { show: true, position: 'right', color: '#e2ecff', fontSize: px(13), fontFamily: 'DIN Alternate, Roboto Mono, monospace' },
      },
    ],
  };
  return (
    <div className="wall-chart-box" data-bars={bars.map((b) => `${b.name}:${b.total}`).join('|')}>
      <Chart id="wall-categories" option={option} label="问题类型分布" className="wall-chart" />
    </div>
  );
}

/** 近30天趋势: reported and closed per day. */
export function TrendLines({ periods, scale }: { periods: TrendPoint[]; scale: number }) {
  const px = (n: number) => Math.round(n * scale);
  const option = {
    animation: false,
    legend: { top: 0, right: 0, textStyle: { color: TEXT, fontSize: px(12) }, itemWidth: px(16), itemHeight: px(8) },
    grid: { left: px(6), right: px(10), top: px(26), bottom: px(4), containLabel: true },
    xAxis: {
      type: 'category',
      data: periods.map((p) => p.period.slice(5)),
      axisLabel: { color: TEXT, fontSize: px(11), interval: 6 },
      axisLine: { lineStyle: { color: LINE } },
    },
    yAxis: { type: 'value', minInterval: 1, axisLabel: { color: TEXT, fontSize: px(11) }, splitLine: { lineStyle: { color: LINE } } },
    series: [
      {
        name: '上报',
        type: 'line',
        smooth: true,
        symbol: 'none',
        data: periods.map((p) => p.reported),
        lineStyle: { color: '#f97316', width: px(2) },
        itemStyle: { color: '#f97316' },
        areaStyle: { color: 'rgba(249,115,22,0.12)' },
      },
      {
        name: '销号',
        type: 'line',
        smooth: true,
        symbol: 'none',
        data: periods.map((p) => p.closed),
        lineStyle: { color: '#22c55e', width: px(2) },
        itemStyle: { color: '#22c55e' },
        areaStyle: { color: 'rgba(34,197,94,0.12)' },
      },
    ],
  };
  return (
    <div className="wall-chart-box" data-first-period={periods[0]?.period ?? ''} data-last-period={periods.at(-1)?.period ?? ''}>
      <Chart id="wall-trend" option={option} label="上报与销号趋势" className="wall-chart" />
    </div>
  );
}
