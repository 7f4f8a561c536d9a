import type { GridStats, ProblemRow } from '../api/client.ts';
import { minuteText } from '../format.ts';
import { PanelHeader } from './controls.tsx';

const percent = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);

const STATUS_LABELS: [string, string][] = [
  ['reported', '已上报'],
  ['open', '待整改'],
  ['in_progress', '整改中'],
  ['awaiting_verification', '待核查'],
  ['closed', '已销号'],
];

/** What a grid manager's grid looks like: its name, manager and counts. */
export interface GridPanelProps {
  grid: GridStats;
  /** Its overdue problems under the current filters (null while loading). */
  overdue: ProblemRow[] | null;
  categoryName: (code: string) => string;
  onProblem: (id: number) => void;
  onClose: () => void;
}

export function GridPanel({ grid, overdue, categoryName, onProblem, onClose }: GridPanelProps) {
  return (
    <aside className="side-panel" aria-label="网格详情" data-grid={grid.id}>
      <PanelHeader title={grid.name} onClose={onClose} />
      <p className="muted">网格员：{grid.manager}</p>
      <dl className="figures">
        <dt>问题总数</dt>
        <dd data-field="total">{grid.total}</dd>
        <dt>整改率</dt>
        <dd data-field="rate">{percent(grid.rectificationRate)}</dd>
        <dt>逾期未改</dt>
        <dd data-field="overdue" className={grid.overdue > 0 ? 'alert' : ''}>
          {grid.overdue}
        </dd>
        <dt title="整改销号后 90 天内，50 米内又出现同类问题">反弹</dt>
        <dd data-field="recurrences">
          {grid.recurrences}
          {grid.recurrences > 0 && `（${percent(grid.recurrenceRate)}）`}
        </dd>
        {STATUS_LABELS.map(([code, label]) => (
          <FigureRow key={code} label={label} field={code} value={grid.byStatus[code] ?? 0} />
        ))}
      </dl>
      <h3>逾期问题{overdue && overdue.length > 0 ? `（${overdue.length}${overdue.length < grid.overdue ? ` / ${grid.overdue}` : ''}）` : ''}</h3>
      {overdue === null ? (
        <p className="muted">正在加载…</p>
      ) : overdue.length === 0 ? (
        <p className="muted">无逾期问题</p>
      ) : (
        <ul className="overdue-list">
          {overdue.map((p) => (
            <li key={p.id}>
              <button type="button" data-problem={p.id} onClick={() => onProblem(p.id)}>
                <span>{categoryName(p.category)}</span>
                <span className="muted">{p.address}</span>
                <span className="alert">期限 {minuteText(p.deadline)}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}

function FigureRow({ label, field, value }: { label: string; field: string; value: number }) {
  return (
    <>
      <dt>{label}</dt>
      <dd data-field={field}>{value}</dd>
    </>
  );
}
