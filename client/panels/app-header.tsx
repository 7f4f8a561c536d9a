import { useState } from 'react';
import type { Session } from '../api/client.ts';
import { UserMenu } from '../auth/user-menu.tsx';
import { MODES, type ViewState } from '../state/view-state.ts';
import { TasksBadge } from '../tasks/tasks-badge.tsx';
import { ExportMenu } from './export-menu.tsx';

export interface AppHeaderProps {
  title: string;
  /** The title on a phone. */
  shortTitle: string;
  demo: boolean;
  offline: boolean;
  mode: ViewState['mode'];
  onMode: (mode: ViewState['mode']) => void;
  exporting: boolean;
  onExport: (scale: 1 | 2) => void;
  /** The map's filters as an API query, for 导出台账; null for those who may not export (wall screens). */
  ledgerQuery: string | null;
  /** How many problems the filters select (the 台账's rows), once known. */
  ledgerRows: number | null;
  /** Whether the report form is open; null for those who may not report. */
  reporting: boolean | null;
  onReporting: () => void;
  /** Reloads the 我的待办 badge when it moves; null for wall screens (no list). */
  tasksRevision: number | null;
  filtersOpen: boolean;
  onFilters: () => void;
  session: Session;
  onSignedOut: (notice?: string) => void;
}

/**
 * The map page's header: title, layer modes, PNG export, 上报问题, 我的待办 and the user menu. On a
 * narrow screen the actions fold into a 菜单 drop-down and the filters behind 筛选.
 */
export function AppHeader(p: AppHeaderProps) {
  const [menuOpen, setMenuOpen] = useState(false);
  return (
    <header className="title">
      <h1>
        <span className="title-long">{p.title}</span>
        <span className="title-short">{p.shortTitle}</span>
      </h1>
      {p.demo && <span className="demo-badge">演示数据</span>}
      {p.offline && <span className="offline-badge">离线，正在重连…</span>}
      <button type="button" className="narrow-only header-toggle" aria-expanded={p.filtersOpen} data-toggle="filters" onClick={p.onFilters}>
        筛选
      </button>
      <button
        type="button"
        className="narrow-only header-toggle"
        aria-expanded={menuOpen}
        data-toggle="menu"
        aria-label="菜单"
        onClick={() => setMenuOpen((o) => !o)}
      >
        菜单
      </button>
      {/* On a phone these fold into the 菜单 drop-down. */}
      <div className="header-actions" data-open={menuOpen}>
        <nav className="modes" aria-label="图层">
          {MODES.map((m) => (
            <button key={m.code} type="button" data-mode={m.code} aria-pressed={p.mode === m.code} onClick={() => p.onMode(m.code)}>
              {m.name}
            </button>
          ))}
        </nav>
        <ExportMenu exporting={p.exporting} onPicture={p.onExport} ledgerQuery={p.ledgerQuery} ledgerRows={p.ledgerRows} />
        {p.reporting !== null && (
          <button
            type="button"
            className="report-button"
            aria-pressed={p.reporting}
            onClick={() => {
              p.onReporting();
              setMenuOpen(false);
            }}
          >
            上报问题
          </button>
        )}
        {p.tasksRevision !== null && <TasksBadge revision={p.tasksRevision} />}
        {p.session.user?.role === 'grid_manager' && (
          <a className="tasks-link" href="/patrol" data-patrol-link>
            巡查
          </a>
        )}
        <UserMenu session={p.session} onSignedOut={p.onSignedOut} />
      </div>
    </header>
  );
}
