import { useState } from 'react';
import { mayChangeProblem } from '../../server/domain/permissions.ts';
import { ApiError, api, type ProblemDetail, type User } from '../api/client.ts';
import { minuteText } from '../format.ts';
import { PanelHeader } from './controls.tsx';
import { PhotoStrip, ProblemActions } from './problem-actions.tsx';

const time = (iso: string | null) => minuteText(iso, '—');

/** History and live messages: what each event did. */
export const ACTION_NAMES: Record<string, string> = {
  report: '上报',
  assign: '交办',
  start: '开始整改',
  submit: '提交整改',
  close: '核查销号',
  reject: '退回整改',
  reopen: '重新打开',
  measure: '制定措施',
  merge: '合并办结',
  self_fix: '当场整改',
  import: '导入',
  regrid: '网格调整',
};

export interface ProblemCardProps {
  problem: ProblemDetail;
  names: { status: (s: string) => string; source: (s: string) => string };
  /** The signed-in user: decides the reveal (admins) and the measure editor (those who may change the problem). */
  user: User | null;
  onClose: () => void;
  /** The problem after a change made here. */
  onChanged: (p: ProblemDetail) => void;
  /** Opens another problem (the one a duplicate was merged into, a merged duplicate). */
  onOpen: (id: number) => void;
}

/** One problem: what, where, who rectifies it by when, and its history. */
export function ProblemCard({ problem: p, names, user, onClose, onChanged, onOpen }: ProblemCardProps) {
  const [revealed, setRevealed] = useState<{ id: number; name: string; phone: string } | null>(null);
  const [mergeInto, setMergeInto] = useState<string | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reporter = revealed?.id === p.id ? revealed : p.reporter;
  const reveal = async () => {
    try {
      setRevealed({ id: p.id, ...(await api.revealReporter(p.id)) });
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };
  const saveMeasure = async () => {
    if (editing === null) return;
    try {
      onChanged(await api.setMeasure(p.id, p.version, editing));
      setEditing(null);
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };
  const merge = async () => {
    const into = Number(mergeInto);
    if (!Number.isInteger(into) || into < 1) {
      setError('请输入要并入的问题编号');
      return;
    }
    try {
      onChanged(await api.merge(p.id, p.version, into));
      setMergeInto(null);
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };
  const problemLink = (id: number) => (
    <button key={id} type="button" className="link-button" data-open-problem={id} onClick={() => onOpen(id)}>
      编号 {id}
    </button>
  );
  return (
    <aside className="side-panel problem-card" aria-label="问题详情" data-problem={p.id}>
      <PanelHeader title={p.categoryName} onClose={onClose} />
      <p className="muted">
        编号 {p.id} · <span className={`status status-${p.status}`}>{names.status(p.status)}</span>
        {p.overdue && <span className="overdue-tag">已逾期</span>}
      </p>
      <p className="description">{p.description}</p>
      <dl className="facts">
        <dt>地址</dt>
        <dd>{p.address}</dd>
        <dt>网格</dt>
        <dd>
          {p.gridName}（{p.gridManager}）
        </dd>
        <dt>来源</dt>
        <dd>{names.source(p.source)}</dd>
        <dt>责任单位</dt>
        <dd>{p.unitName ?? '未交办'}</dd>
        <dt>整改措施</dt>
        <dd data-field="measure">
          {editing === null ? (
            <>
              {p.measure || '—'}
              {user && mayChangeProblem(user, p) && (
                <button type="button" className="link-button" onClick={() => setEditing(p.measure ?? '')}>
                  修改
                </button>
              )}
            </>
          ) : (
            <span className="inline-form">
              <input aria-label="整改措施" maxLength={200} value={editing} onChange={(e) => setEditing(e.target.value)} />
              <button type="button" className="primary" onClick={saveMeasure}>
                保存
              </button>
              <button type="button" onClick={() => setEditing(null)}>
                取消
              </button>
            </span>
          )}
        </dd>
        {reporter && (
          <>
            <dt>举报人</dt>
            <dd data-field="reporter">
              {reporter.name} {reporter.phone}
              {user?.role === 'admin' && revealed?.id !== p.id && (
                <button type="button" className="link-button" title="查看完整信息（记入审计日志）" onClick={reveal}>
                  查看
                </button>
              )}
            </dd>
          </>
        )}
        <dt>上报时间</dt>
        <dd>{time(p.reportedAt)}</dd>
        <dt>整改期限</dt>
        <dd data-field="deadline" className={p.overdue ? 'alert' : ''}>
          {time(p.deadline)}
          {p.overdue && '（逾期）'}
        </dd>
        <dt>销号时间</dt>
        <dd>{time(p.closedAt)}</dd>
        {p.mergedInto !== null && (
          <>
            <dt>重复件</dt>
            <dd data-field="merged-into">已并入 {problemLink(p.mergedInto)}</dd>
          </>
        )}
        {p.duplicates.length > 0 && (
          <>
            <dt>合并的重复件</dt>
            <dd data-field="duplicates">{p.duplicates.map(problemLink)}</dd>
          </>
        )}
      </dl>
      {user?.role === 'admin' && p.status !== 'closed' && (
        <div className="merge-form">
          {mergeInto === null ? (
            <button type="button" className="link-button" onClick={() => setMergeInto('')}>
              作为重复件合并…
            </button>
          ) : (
            <span className="inline-form">
              <input
                aria-label="并入的问题编号"
                inputMode="numeric"
                placeholder="并入的问题编号"
                value={mergeInto}
                onChange={(e) => setMergeInto(e.target.value.trim())}
              />
              <button type="button" className="primary" onClick={merge}>
                合并
              </button>
              <button type="button" onClick={() => setMergeInto(null)}>
                取消
              </button>
            </span>
          )}
        </div>
      )}
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      <PhotoStrip photos={p.photos} />
      {user && <ProblemActions user={user} problem={p} onChanged={onChanged} />}
      <h3>处置过程</h3>
      <ol className="timeline">
        {p.history.map((e) => (
          <li key={e.id}>
            <time>{time(e.at)}</time>
            <span>
              {e.actor} · {ACTION_NAMES[e.action] ?? e.action}
            </span>
            {e.note && <p>{e.note}</p>}
          </li>
        ))}
      </ol>
    </aside>
  );
}
