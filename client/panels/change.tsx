import type { Comparison } from '../api/client.ts';

type Change = Comparison['week']['reported'];

/** A change (环比) in words: ▲12.5% / ▼3.0% / 持平; 上期无 when there was nothing to compare with. */
export function changeText(c: Change): string {
  if (c.change === null) return c.current === 0 ? '持平' : '上期无';
  if (c.change === 0) return '持平';
  return `${c.change > 0 ? '▲' : '▼'}${Math.abs(c.change * 100).toFixed(1)}%`;
}

/**
 * 环比 under a figure: "较上周同期 ▲12.5%", red or green by whether up is good (more closures) or bad
 * (more reports).
 */
export function ChangeLine({ label, change, upIsGood, className = 'kpi-change' }: { label: string; change: Change; upIsGood: boolean; className?: string }) {
  const up = change.change !== null && change.change > 0;
  const down = change.change !== null && change.change < 0;
  const tone = up || down ? ((up ? upIsGood : !upIsGood) ? 'good' : 'bad') : '';
  return (
    <small className={`${className} ${tone}`} title={`本期 ${change.current}，上期同期 ${change.previous}`}>
      {label} {changeText(change)}
    </small>
  );
}
