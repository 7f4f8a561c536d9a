import type { Meta } from '../api/client.ts';
import { PERIODS, type Period, toggleStatus, type ViewState } from '../state/view-state.ts';
import { Select } from './controls.tsx';

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
      <Select label="来源" value={view.source} choices={meta.sources} all="全部来源" onChange={(source) => onChange({ ...view, source })} />
      <Select
        label="村居"
        value={view.community}
        choices={communities.map((c) => ({ code: c.id, name: c.name }))}
        all="全镇"
        onChange={(community) => onChange({ ...view, community, filterGrid: null })}
      />
      <Select
        label="网格"
        value={view.filterGrid}
        choices={gridsHere.map((g) => ({ code: g.id, name: g.name }))}
        all="全部网格"
        onChange={(filterGrid) => onChange({ ...view, filterGrid })}
      />
    </nav>
  );
}
