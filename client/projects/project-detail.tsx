import { useEffect, useState } from 'react';
import type { Answer } from '../../server/schemas/api.ts';
import { ApiError, call, type Session } from '../api/client.ts';
import { type ProjectRow, StatusLamp } from './projects-page.tsx';

type Detail = Answer<'GET /api/projects/:id'>;
type Milestone = ProjectRow['milestones'][number];

const reason = (e: unknown) => (e instanceof ApiError ? e.message : String(e));

/** How a milestone stands today: reached (on time or late), overdue, or still ahead. */
function milestoneState(m: Milestone, today: string): { text: string; tone: 'ok' | 'late' | 'ahead' } {
  if (m.doneOn !== null) return m.doneOn <= m.plannedOn ? { text: `${m.doneOn} 完成`, tone: 'ok' } : { text: `${m.doneOn} 完成（推迟）`, tone: 'late' };
  return m.plannedOn < today ? { text: '逾期未完成', tone: 'late' } : { text: '未到期', tone: 'ahead' };
}

/**
 * A key project opened from the table or the map: its place, dates and description, why it is late
 * or at risk, its milestones planned against actual, and the audited updates, latest first. Admins
 * and the owner unit's accounts report progress here (percent, milestones reached, a note).
 */
export function ProjectDetailPanel({
  project,
  today,
  user,
  onClose,
  onChanged,
}: {
  project: ProjectRow;
  /** The server's today (YYYY-MM-DD, Asia/Shanghai): what the statuses are of. */
  today: string;
  user: Session['user'];
  onClose: () => void;
  onChanged: () => void;
}) {
  const [detail, setDetail] = useState<Detail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const mayUpdate = user?.role === 'admin' || (user?.role === 'unit' && user.unitId === project.unitId);

  useEffect(() => {
    if (!user) return; // a wall screen reads the table only
    call('GET /api/projects/:id', { params: { id: project.id } })
      .then(setDetail)
      .catch((e: unknown) => setError(reason(e)));
  }, [project.id, user]);

  return (
    <article className="project-detail" data-project-detail={project.id}>
      <header>
        <h2>{project.name}</h2>
        <StatusLamp p={project} />
        <button type="button" className="close" aria-label="关闭" onClick={onClose}>
          ×
        </button>
      </header>
      <p className="muted">
        {project.unitName} · {project.communityName} · {project.startsOn} 至 {project.dueOn} · 完成 {project.percent}%（按计划应达 {project.expectedPercent}%）
      </p>
      {project.description && <p>{project.description}</p>}
      {project.reasons.length > 0 && (
        <ul className={`project-reasons status-${project.status}`} data-project-reasons>
          {project.reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      )}
      <table className="milestones">
        <thead>
          <tr>
            <th>节点</th>
            <th>计划</th>
            <th>实际</th>
          </tr>
        </thead>
        <tbody>
          {project.milestones.map((m) => {
            const s = milestoneState(m, today);
            return (
              <tr key={m.id} className={`tone-${s.tone}`}>
                <td>{m.name}</td>
                <td>{m.plannedOn}</td>
                <td>{s.text}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {mayUpdate && <UpdateForm project={project} today={today} onDone={onChanged} />}
      {error && <p className="alert">{error}</p>}
      {detail && (
        <section className="project-updates">
          <h3>更新记录</h3>
          <ol>
            {detail.updates.map((u) => (
              <li key={u.id}>
                <time>{u.at.slice(0, 16).replace('T', ' ')}</time> {u.actor}：{u.note}
                {u.changes.length > 0 && <small>{u.changes.map((c) => `${c.name} ${c.from ?? '—'} → ${c.to ?? '—'}`).join('；')}</small>}
              </li>
            ))}
          </ol>
        </section>
      )}
    </article>
  );
}

/** 更新进度: the percent, the milestones reached (with their dates) and what was done. */
function UpdateForm({ project, today, onDone }: { project: ProjectRow; today: string; onDone: () => void }) {
  const [percent, setPercent] = useState(project.percent);
  const [reached, setReached] = useState<Record<number, string>>({});
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const open = project.milestones.filter((m) => m.doneOn === null);

  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      await call('PATCH /api/projects/:id', {
        params: { id: project.id },
        headers: { 'if-match': `"${project.version}"` },
        body: { percent, milestones: Object.entries(reached).map(([id, doneOn]) => ({ id: Number(id), doneOn })), note },
      });
      onDone();
    } catch (e) {
      setError(reason(e));
      setBusy(false);
    }
  };

  return (
    <form
      className="project-update"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <h3>更新进度</h3>
      <label>
        完成进度（%）
        <input type="number" min={0} max={100} value={percent} onChange={(e) => setPercent(Math.max(0, Math.min(100, Number(e.target.value))))} />
      </label>
      {open.map((m) => (
        <label key={m.id} className="reached">
          <input
            type="checkbox"
            checked={m.id in reached}
            onChange={(e) =>
              setReached((r) => {
                const next = { ...r };
                if (e.target.checked) next[m.id] = today;
                else delete next[m.id];
                return next;
              })
            }
          />
          「{m.name}」已完成
          {m.id in reached && <input type="date" value={reached[m.id]} max={today} onChange={(e) => setReached((r) => ({ ...r, [m.id]: e.target.value }))} />}
        </label>
      ))}
      <label>
        进展说明
        <textarea required maxLength={200} value={note} onChange={(e) => setNote(e.target.value)} placeholder="如：主体结构完工，开始外立面整治" />
      </label>
      {error && <p className="alert">{error}</p>}
      <button type="submit" disabled={busy || note.trim() === ''}>
        提交
      </button>
    </form>
  );
}
