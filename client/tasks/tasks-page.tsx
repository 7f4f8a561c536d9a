import { useEffect, useMemo, useState } from 'react';
import { sources } from '../../server/domain/catalogue.ts';
import { statuses } from '../../server/domain/lifecycle.ts';
import { api, type ProblemDetail, type Session, type Task } from '../api/client.ts';
import { showsChange } from '../api/use-live.ts';
import { UserMenu } from '../auth/user-menu.tsx';
import { ProblemCard } from '../panels/problem-card.tsx';
import { useKeyedLoad } from '../state/use-keyed-load.ts';
import { countdown } from './countdown.ts';
import { useTasks } from './use-tasks.ts';

/** The bands of the list and the filter chips over them. */
const FILTERS = [
  { code: 'all', name: '全部' },
  { code: 'overdue', name: '逾期' },
  { code: 'soon', name: '即将到期' },
] as const;
type Filter = (typeof FILTERS)[number]['code'];

const STATUS_NAMES: Record<string, string> = Object.fromEntries(statuses.map((s) => [s.code, s.name]));
const SOURCE_NAMES: Record<string, string> = Object.fromEntries(sources.map((s) => [s.code, s.name]));

export interface TasksPageProps {
  session: Session;
  onSignedOut: (notice?: string) => void;
}

/**
 * 我的待办 (/tasks): what waits for the signed-in user, most urgent first; a tap opens the problem
 * with the actions the user may take. The list follows live changes.
 */
export function TasksPage({ session, onSignedOut }: TasksPageProps) {
  const params = new URLSearchParams(window.location.search);
  const [filter, setFilter] = useState<Filter>((FILTERS.find((f) => f.code === params.get('show'))?.code ?? 'all') as Filter);
  const [openId, setOpenId] = useState<number | null>(Number(params.get('problem')) || null);
  // Bumped when a live change touches the open problem (another user acted on it), so that its card reloads.
  const [problemRevision, setProblemRevision] = useState(0);
  const { answer, error, now } = useTasks((c) => {
    if (c.problemId === openId && !(problem && showsChange(problem, c))) setProblemRevision((r) => r + 1);
  });
  const [loadError, setLoadError] = useState<string | null>(null);
  const [problemLoad, setProblemLoad] = useKeyedLoad(
    openId === null ? null : `${openId}#${problemRevision}`,
    (key) => api.problem(Number(key.split('#')[0])),
    (e) => setLoadError(e instanceof Error ? e.message : String(e)),
  );
  const problem = problemLoad && problemLoad.value.id === openId ? problemLoad.value : null;

  useEffect(() => {
    const q = new URLSearchParams();
    if (filter !== 'all') q.set('show', filter);
    if (openId !== null) q.set('problem', String(openId));
    const search = q.toString();
    window.history.replaceState(null, '', `/tasks${search ? `?${search}` : ''}`);
  }, [filter, openId]);

  const rows = useMemo(() => (answer?.tasks ?? []).filter((t) => filter === 'all' || (filter === 'overdue' ? t.band === 0 : t.band === 1)), [answer, filter]);

  return (
    <div className="tasks-page" data-loaded={answer !== null}>
      <header className="title">
        <h1>我的待办</h1>
        <nav className="page-links" aria-label="页面">
          {session.user?.role === 'grid_manager' && <a href="/patrol">巡查</a>}
          <a href="/map">地图</a>
        </nav>
        <UserMenu session={session} onSignedOut={onSignedOut} />
      </header>
      {(error || loadError) && <p className="message alert">加载失败：{error ?? loadError}</p>}
      {answer && (
        <section className="tasks-summary" aria-label="待办统计">
          <span>
            共 <strong data-count="total">{answer.total}</strong> 件
          </span>
          <span className="alert">
            逾期 <strong data-count="overdue">{answer.overdue}</strong>
          </span>
          <span className="warn">
            即将到期 <strong data-count="due-soon">{answer.dueSoon}</strong>
          </span>
        </section>
      )}
      <fieldset className="chips" aria-label="筛选">
        {FILTERS.map((f) => (
          <button key={f.code} type="button" className="filter-chip" aria-pressed={filter === f.code} data-filter={f.code} onClick={() => setFilter(f.code)}>
            {f.name}
          </button>
        ))}
      </fieldset>
      {answer && rows.length === 0 && <p className="message muted">{filter === 'all' ? '暂无待办，辛苦了' : '没有符合条件的待办'}</p>}
      <ol className="task-list">
        {rows.map((t) => (
          <TaskItem key={t.id} task={t} now={now} showUnit={session.user?.role !== 'unit'} selected={t.id === openId} onOpen={() => setOpenId(t.id)} />
        ))}
      </ol>
      {answer && answer.total > answer.tasks.length && <p className="muted">仅显示最紧急的 {answer.tasks.length} 件</p>}
      {problem && (
        <div className="sheet-backdrop">
          <ProblemCard
            problem={problem}
            names={{ status: (s) => STATUS_NAMES[s] ?? s, source: (s) => SOURCE_NAMES[s] ?? s }}
            user={session.user}
            onClose={() => setOpenId(null)}
            // The action's answer is the problem as it now is: no need to read it again.
            onChanged={(p: ProblemDetail) => setProblemLoad({ key: `${p.id}#${problemRevision}`, value: p })}
            onOpen={setOpenId}
          />
        </div>
      )}
    </div>
  );
}

/** One row: what, why it is mine, where, by when. */
function TaskItem({ task: t, now, showUnit, selected, onOpen }: { task: Task; now: number; showUnit: boolean; selected: boolean; onOpen: () => void }) {
  const due = countdown(t.deadline, now);
  const status = STATUS_NAMES[t.status] ?? t.status;
  // The default address is "community grid"; the grid is said once.
  const place = [t.address.includes(t.gridName) ? t.address : `${t.address} · ${t.gridName}`, showUnit ? t.unitName : null].filter(Boolean).join(' · ');
  return (
    <li>
      <button type="button" className="task" data-task={t.id} data-band={t.band} aria-current={selected} onClick={onOpen}>
        <span className="task-head">
          <strong>{t.categoryName}</strong>
          {t.reasonName !== status && <span className={`tag reason-${t.reason}`}>{t.reasonName}</span>}
          <span className="tag">{status}</span>
        </span>
        <span className="task-place muted">{place}</span>
        <span className={`task-due ${due.tone}`}>{due.text}</span>
      </button>
    </li>
  );
}
