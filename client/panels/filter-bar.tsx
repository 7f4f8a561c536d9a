import type { Meta } from '../api/client.ts';
import { PERIODS, type Period, toggleStatus, type ViewState } from '../state/view-state.ts';

export interface AreaOption {
  id: string;
  name: string;
  communityId?: string;
}

export interface FilterBarProps {
  view: ViewState;
  meta: Meta;
  today: string;
  communities: AreaOption[];
  grids: AreaOption[];
  onChange: (v: ViewState) => void;
}

/** Time, status, source and area filters (the categories have their own column). */
export function FilterBar({ view, meta, today, communities, grids, onChange }: FilterBarProps) {
  const setPeriod = (period: Period) => onChange({ ...view, period, from: null, to: null, month: null });
  const gridsHere = view.community ? grids.filter((g) => g.communityId === view.community) : grids;
  return (
    <nav className="filter-bar" aria-label="筛选">
      <fieldset className="periods" aria-label="时间范围">
        {PERIODS.map((p) => (
          <button key={p.code} type="button" aria-pressed={!view.month && view.period === p.code} data-period={p.code} onClick={() => setPeriod(p.code)}>
            {p.name}
          </button>
        ))}
        <span className="custom-range" data-period="custom">
          <label>
            自
            <input
              type="date"
              aria-label="开始日期"
              max={view.to ?? today}
              value={view.period === 'custom' ? (view.from ?? '') : ''}
              onChange={(e) =>
                e.target.value &&
                onChange({ ...view, month: null, period: 'custom', from: e.target.value, to: view.to && view.to >= e.target.value ? view.to : today })
              }
            />
          </label>
          <label>
            至
            <input
              type="date"
              aria-label="结束日期"
              min={view.from ?? undefined}
              max={today}
              value={view.period === 'custom' ? (view.to ?? '') : ''}
              onChange={(e) =>
                e.target.value &&
                onChange({
                  ...view,
                  month: null,
                  period: 'custom',
                  to: e.target.value,
                  from: view.from && view.from <= e.target.value ? view.from : e.target.value,
                })
              }
            />
          </label>
        </span>
      </fieldset>
      <fieldset className="statuses" aria-label="状态">
        {meta.statuses.map((s) => (
          <button
            key={s.code}
            type="button"
            aria-pressed={view.statuses.includes(s.code)}
            data-status={s.code}
            onClick={() => onChange(toggleStatus(view, s.code))}
          >
            {s.name}
          </button>
        ))}
      </fieldset>
      <select aria-label="来源" value={view.source ?? ''} onChange={(e) => onChange({ ...view, source: e.target.value || null })}>
        <option value="">全部来源</option>
        {meta.sources.map((s) => (
          <option key={s.code} value={s.code}>
            {s.name}
          </option>
        ))}
      </select>
      <select aria-label="村居" value={view.community ?? ''} onChange={(e) => onChange({ ...view, community: e.target.value || null, filterGrid: null })}>
        <option value="">全镇</option>
        {communities.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </select>
      <select aria-label="网格" value={view.filterGrid ?? ''} onChange={(e) => onChange({ ...view, filterGrid: e.target.value || null })}>
        <option value="">全部网格</option>
        {gridsHere.map((g) => (
          <option key={g.id} value={g.id}>
            {g.name}
          </option>
        ))}
      </select>
    </nav>
  );
}
