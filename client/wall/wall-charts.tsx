// The wall's charts: dark, no animation on data updates (the numerals count instead); sizes follow the wall's scale.
import type { CategoryRow, TrendPoint } from '../api/client.ts';
import { Chart } from '../panels/charts.tsx';

const TEXT = '#b9cdf0';
const LINE = 'rgba(125, 170, 230, 0.18)';

/** 问题类型分布: the categories, most frequent first, with how many are still open. */
export function CategoryBars({ rows, scale }: { rows: CategoryRow[]; scale: number }) {
  const top = rows
    .filter((r) => r.total > 0)
    .slice(0, 10)
    .reverse();
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
  return <Chart id="wall-categories" option={option} label="问题类型分布" className="wall-chart" />;
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
  return <Chart id="wall-trend" option={option} label="近30天上报与销号" className="wall-chart" />;
}
