import type { Answer } from '../../server/schemas/api.ts';

type Report = Answer<'GET /api/inspections/rounds/:id'>['report'];
type Rate = Report['byKind'][number];

const percent = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);

/** One grouping's pass rates, worst first (what the office acts on). */
function RateTable({ title, rows }: { title: string; rows: Rate[] }) {
  return (
    <table className="round-rates" data-rates={title}>
      <caption>{title}</caption>
      <thead>
        <tr>
          <th>{title.replace('按', '').replace('统计', '')}</th>
          <th>合格项</th>
          <th>不合格项</th>
          <th>合格率</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key} className={r.rate !== null && r.rate < 0.9 ? 'low' : ''}>
            <td>{r.name}</td>
            <td>{r.passed}</td>
            <td>{r.failed}</td>
            <td>
              <span className="round-bar" style={{ width: `${(r.rate ?? 0) * 100}%` }} />
              {percent(r.rate)}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/**
 * 测评报告: a round's pass rates of the checked items (不适用 left out) by site type, village and
 * owner unit, worst first; below 90% marked.
 */
export function RoundReport({ report, checked, sites }: { report: Report; checked: number; sites: number }) {
  if (checked === 0) return <p className="muted">本轮还没有检查结果。</p>;
  return (
    <section className="round-report" data-round-report>
      <h3>
        测评报告{' '}
        <small>
          已检查 {checked}/{sites} 个点位
        </small>
      </h3>
      <RateTable title="按点位类型统计" rows={report.byKind} />
      <RateTable title="按村居统计" rows={report.byCommunity} />
      <RateTable title="按责任单位统计" rows={report.byUnit} />
    </section>
  );
}
