import { useCallback, useEffect, useState } from 'react';
import { monthSpan } from '../../server/present/monthly-deck.ts';
import type { Answer } from '../../server/schemas/api.ts';
import { ApiError, api, call, type Session } from '../api/client.ts';
import { UserMenu } from '../auth/user-menu.tsx';
import { canEdit, canShow } from './present-access.ts';
import './present.css';
import { minuteText } from '../format.ts';

type DeckSummary = Answer<'GET /api/decks'>['decks'][number];

const reason = (e: unknown) => (e instanceof ApiError ? e.message : e instanceof Error ? e.message : String(e));

/** The twelve full months before the server's today, the last first (YYYY-MM). */
export function fullMonths(now: string): string[] {
  const out: string[] = [];
  let month = now.slice(0, 7);
  for (let k = 0; k < 12; k++) {
    month = monthSpan(month).previous.from.slice(0, 7);
    out.push(month);
  }
  return out;
}

/**
 * 演示文稿 (`/present`): the decks for meetings. Leaders show them and take them away as PPTX or a
 * printed handout; admins also make the month's report (月度创文工作通报) from the data, edit and
 * delete them.
 */
export function DeckListPage({ session, onSignedOut }: { session: Session; onSignedOut: (notice?: string) => void }) {
  const [decks, setDecks] = useState<DeckSummary[] | null>(null);
  const [months, setMonths] = useState<string[]>([]);
  const [month, setMonth] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const editor = canEdit(session);

  const reload = useCallback(async () => {
    try {
      setDecks((await call('GET /api/decks')).decks);
    } catch (e) {
      setError(reason(e));
    }
  }, []);

  useEffect(() => {
    if (!canShow(session)) return;
    void reload();
    api
      .meta()
      .then((m) => {
        const list = fullMonths(m.now);
        setMonths(list);
        setMonth(list[0]);
      })
      .catch((e: unknown) => setError(reason(e)));
  }, [session, reload]);

  const generate = async () => {
    setBusy('generate');
    setError(null);
    try {
      const deck = await call('POST /api/decks/generate', { body: { month } });
      window.location.assign(`/present/${deck.id}/edit`);
    } catch (e) {
      setError(reason(e));
      setBusy(null);
    }
  };

  const exportPptx = async (id: number) => {
    setBusy(`pptx-${id}`);
    setError(null);
    try {
      const { exportDeck } = await import('./export-pptx.ts');
      await exportDeck(id);
    } catch (e) {
      setError(`导出失败：${reason(e)}`);
    } finally {
      setBusy(null);
    }
  };

  const remove = async (d: DeckSummary) => {
    if (!window.confirm(`删除演示文稿「${d.title}」？`)) return;
    try {
      await call('DELETE /api/decks/:id', { params: { id: d.id } });
      await reload();
    } catch (e) {
      setError(reason(e));
    }
  };

  if (!canShow(session)) return <div className="present-message">只有领导和创文办管理员可以使用演示文稿</div>;
  return (
    <div className="admin present-list">
      <header className="title">
        <h1>演示文稿</h1>
        <a className="back" href="/">
          返回地图
        </a>
        <UserMenu session={session} onSignedOut={onSignedOut} />
      </header>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {editor && (
        <section>
          <h2>生成月度创文工作通报</h2>
          <p className="muted">
            按所选月份的数据生成：封面、主要数据、近12个月趋势、问题类型、热点区域对比、村居红黑榜、逾期单位、典型案例、问题反弹和下步工作。
          </p>
          <label>
            月份{' '}
            <select name="month" value={month} onChange={(e) => setMonth(e.target.value)}>
              {months.map((m) => (
                <option key={m} value={m}>
                  {Number(m.slice(0, 4))}年{Number(m.slice(5))}月
                </option>
              ))}
            </select>
          </label>{' '}
          <button type="button" className="primary" disabled={!month || busy !== null} onClick={() => void generate()}>
            {busy === 'generate' ? '正在生成…' : '生成'}
          </button>
        </section>
      )}
      <section>
        <h2>已有演示文稿</h2>
        {decks === null ? (
          <p>正在加载…</p>
        ) : decks.length === 0 ? (
          <p className="muted">还没有演示文稿{editor ? '，可以先生成本月通报' : ''}。</p>
        ) : (
          <table className="admin-table" data-table="decks">
            <thead>
              <tr>
                <th>标题</th>
                <th>页数</th>
                <th>作者</th>
                <th>更新时间</th>
                <th>操作</th>
              </tr>
            </thead>
            <tbody>
              {decks.map((d) => (
                <tr key={d.id} data-deck={d.id}>
                  <td>{d.title}</td>
                  <td>{d.scenes}</td>
                  <td>{d.author}</td>
                  <td>{minuteText(d.updatedAt)}</td>
                  <td className="actions">
                    <a href={`/present/${d.id}`}>放映</a>
                    {editor && <a href={`/present/${d.id}/edit`}>编辑</a>}
                    <button type="button" disabled={busy !== null} onClick={() => void exportPptx(d.id)} data-export={d.id}>
                      {busy === `pptx-${d.id}` ? '正在导出…' : '导出 PPTX'}
                    </button>
                    <a href={`/present/${d.id}/handout`}>打印讲义</a>
                    {editor && (
                      <button type="button" onClick={() => void remove(d)}>
                        删除
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
