import type { Summary } from '../api/client.ts';

const number = (n: number) => n.toLocaleString('zh-CN');
const percent = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);

/** The four figures a leader reads first; always the server's summary for the same filters. */
export function KpiStrip({ summary }: { summary: Summary }) {
  const items = [
    { key: 'total', label: '问题总数', value: number(summary.total) },
    { key: 'rate', label: '整改率', value: percent(summary.rectificationRate) },
    { key: 'overdue', label: '逾期未改', value: number(summary.overdue), alert: summary.overdue > 0 },
    { key: 'week', label: '本周新增', value: number(summary.newThisWeek) },
  ];
  return (
    <section className="kpi-strip" aria-label="关键指标">
      {items.map((k) => (
        <div key={k.key} className={`kpi${k.alert ? ' kpi-alert' : ''}`} data-kpi={k.key}>
          <span className="kpi-value">{k.value}</span>
          <span className="kpi-label">{k.label}</span>
        </div>
      ))}
    </section>
  );
}
