import type { Comparison, Summary } from '../api/client.ts';
import { ChangeLine } from './change.tsx';

const number = (n: number) => n.toLocaleString('zh-CN');
const percent = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);

export interface KpiStripProps {
  summary: Summary;
  /**
   * Whether the status filter leaves some statuses out: then the rectification rate (closed /
   * all) means nothing (待整改 alone gives 0 %), and the strip says so instead of a figure.
   */
  statusFiltered: boolean;
  /** Where the 逾期未改 figure leads (我的待办, overdue first), for those who have a list. */
  overdueHref: string | null;
  /** 环比 of this week's and this month's reports, for the same filters but their dates. */
  compare: Comparison | null;
}

/** The four figures a leader reads first; always the server's summary for the same filters. */
export function KpiStrip({ summary, statusFiltered, overdueHref, compare }: KpiStripProps) {
  const items = [
    {
      key: 'total',
      label: '问题总数',
      value: number(summary.total),
      change: compare && <ChangeLine label={`本月新增 ${number(compare.month.reported.current)} · 环比`} change={compare.month.reported} upIsGood={false} />,
    },
    statusFiltered
      ? { key: 'rate', label: '整改率', value: '—', note: '按状态筛选时不计' }
      : { key: 'rate', label: '整改率', value: percent(summary.rectificationRate) },
    { key: 'overdue', label: '逾期未改', value: number(summary.overdue), alert: summary.overdue > 0, href: overdueHref },
    {
      key: 'week',
      label: '本周新增',
      value: number(summary.newThisWeek),
      change: compare && <ChangeLine label="较上周同期" change={compare.week.reported} upIsGood={false} />,
    },
  ];
  return (
    <section className="kpi-strip" aria-label="关键指标">
      {items.map((k) => {
        const body = (
          <>
            <span className="kpi-value">{k.value}</span>
            <span className="kpi-label">
              {k.label}
              {'note' in k && <small className="kpi-note">{k.note}</small>}
            </span>
            {'change' in k && k.change}
          </>
        );
        const className = `kpi${'alert' in k && k.alert ? ' kpi-alert' : ''}`;
        return 'href' in k && k.href ? (
          <a key={k.key} className={`${className} kpi-link`} data-kpi={k.key} href={k.href} title="打开我的待办（逾期）">
            {body}
          </a>
        ) : (
          <div key={k.key} className={className} data-kpi={k.key}>
            {body}
          </div>
        );
      })}
    </section>
  );
}

/** A grid manager's own grids beside the town's figures: the same summary for 我的网格 only. */
export function MineStrip({ grids, summary }: { grids: number; summary: Summary }) {
  return (
    <p className="kpi-mine" data-kpi-mine>
      我的网格（{grids} 个）：问题 <strong>{number(summary.total)}</strong> · 逾期未改{' '}
      <strong className={summary.overdue > 0 ? 'alert' : ''}>{number(summary.overdue)}</strong> · 整改率 <strong>{percent(summary.rectificationRate)}</strong> ·
      本周新增 <strong>{number(summary.newThisWeek)}</strong>
    </p>
  );
}
