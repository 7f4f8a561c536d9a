import { useCallback, useState } from 'react';
import { PROJECT_STATUS_COLORS } from '../../server/domain/projects.ts';
import type { Answer } from '../../server/schemas/api.ts';
import { ApiError, call, type Session } from '../api/client.ts';
import { UserMenu } from '../auth/user-menu.tsx';
import { useKeyedLoad } from '../state/use-keyed-load.ts';
import { ProjectDetailPanel } from './project-detail.tsx';
import { ProjectsMap } from './projects-map.tsx';
import './projects.css';

export type ProjectsAnswer = Answer<'GET /api/projects'>;
export type ProjectRow = ProjectsAnswer['projects'][number];

const reason = (e: unknown) => (e instanceof ApiError ? e.message : String(e));

/** The status as a lamp and its name. */
export function StatusLamp({ p }: { p: Pick<ProjectRow, 'status' | 'statusName'> }) {
  return (
    <span className={`project-status status-${p.status}`}>
      <i style={{ background: PROJECT_STATUS_COLORS[p.status] }} />
      {p.statusName}
    </span>
  );
}

/** Progress against an even pace: the bar is the percent done, the tick where the plan would be. */
function Progress({ p }: { p: ProjectRow }) {
  return (
    <span className="project-progress" title={`完成 ${p.percent}%，按计划应达 ${p.expectedPercent}%`}>
      <span className="bar">
        <span className="done" style={{ width: `${p.percent}%`, background: PROJECT_STATUS_COLORS[p.status] }} />
        <span className="plan" style={{ left: `${p.expectedPercent}%` }} />
      </span>
      <b>{p.percent}%</b>
    </span>
  );
}

/**
 * 重点项目推进表 (`/projects`): every key project on a map in traffic-light colours beside the table
 * — status, owner unit, village, progress against plan, the next milestone — late ones first. A row
 * or a shape opens the project: its milestones, why it is late or at risk, and every update; admins
 * and the owner unit report progress there.
 */
export function ProjectsPage({ session, onSignedOut }: { session: Session; onSignedOut: (notice?: string) => void }) {
  const [error, setError] = useState<string | null>(null);
  const [selected, setSelected] = useState<number | null>(() => Number(new URLSearchParams(window.location.search).get('project')) || null);
  // Reloaded after an update made here.
  const [revision, setRevision] = useState(0);
  const [loaded] = useKeyedLoad(
    `${revision}`,
    async () => {
      const d = await call('GET /api/projects');
      setError(null);
      return d;
    },
    (e) => setError(reason(e)),
  );
  const data = loaded?.value ?? null;

  const select = useCallback((id: number | null) => {
    setSelected(id);
    window.history.replaceState(null, '', id === null ? '/projects' : `/projects?project=${id}`);
  }, []);
  const chosen = data?.projects.find((p) => p.id === selected) ?? null;

  return (
    <div className="projects-page">
      <header className="title">
        <h1>重点项目推进表</h1>
        {data && (
          <ul className="project-counts" data-project-counts>
            {data.projects.length > 0 &&
              (['late', 'at_risk', 'on_track', 'done'] as const).map((s) => (
                <li key={s} className={`status-${s}`}>
                  <i style={{ background: PROJECT_STATUS_COLORS[s] }} />
                  {{ late: '滞后', at_risk: '存在风险', on_track: '正常推进', done: '已完成' }[s]} <b>{data.counts[s]}</b>
                </li>
              ))}
          </ul>
        )}
        <a className="back-link" href="/">
          返回地图
        </a>
        <UserMenu session={session} onSignedOut={onSignedOut} />
      </header>
      {error && (
        <p className="projects-note alert" role="alert">
          {error}
        </p>
      )}
      {!data && !error && <p className="projects-note">正在加载…</p>}
      {data && (
        <main className="projects-main">
          <ProjectsMap projects={data.projects} selected={selected} onSelect={select} />
          <section className="projects-side">
            {data.projects.length === 0 ? (
              <p className="projects-note">还没有重点项目。管理员可通过 POST /api/projects 录入。</p>
            ) : (
              <table className="projects-table" data-projects-table>
                <thead>
                  <tr>
                    <th>状态</th>
                    <th>项目</th>
                    <th>责任单位</th>
                    <th>进度</th>
                    <th>下一节点</th>
                    <th>计划完工</th>
                  </tr>
                </thead>
                <tbody>
                  {data.projects.map((p) => (
                    <tr
                      key={p.id}
                      data-project={p.id}
                      data-status={p.status}
                      aria-selected={p.id === selected}
                      onClick={() => select(p.id === selected ? null : p.id)}
                    >
                      <td>
                        <StatusLamp p={p} />
                      </td>
                      <td>
                        <button
                          type="button"
                          className="project-name"
                          onClick={(e) => {
                            e.stopPropagation();
                            select(p.id);
                          }}
                        >
                          {p.name}
                        </button>
                        <small>{p.communityName}</small>
                      </td>
                      <td>{p.unitName}</td>
                      <td>
                        <Progress p={p} />
                      </td>
                      <td>{p.next ? `${p.next.name} · ${p.next.plannedOn.slice(5)}` : '—'}</td>
                      <td>{p.dueOn}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            {chosen && (
              <ProjectDetailPanel
                key={`${chosen.id}-${chosen.version}`}
                project={chosen}
                today={data.today}
                user={session.user}
                onClose={() => select(null)}
                onChanged={() => setRevision((r) => r + 1)}
              />
            )}
          </section>
        </main>
      )}
    </div>
  );
}
