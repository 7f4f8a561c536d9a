import { useState } from 'react';
import type { Answer } from '../../server/schemas/api.ts';
import { call } from '../api/client.ts';
import { SITE_RESULT_NAMES } from '../map/layers.ts';
import { useKeyedLoad } from '../state/use-keyed-load.ts';
import { PanelHeader } from './controls.tsx';

type History = Answer<'GET /api/sites/:id/checks'>;
type Check = History['checks'][number];

/** A check's result as the map colours it: a veto item failed, an item failed, all passed. */
const resultOf = (c: Check) => (c.vetoFailed ? 'veto' : c.failed > 0 ? 'fail' : 'pass');

/**
 * 点位档案: a key site opened on the map — its type and owner unit, and every check of it, latest
 * first: the round, the inspector, how many items passed, and each failed item with the problem it
 * made (a veto item marked 一票否决). Reloaded with every change (`revision`).
 */
export function SiteCard({ siteId, revision, onProblem, onClose }: { siteId: string; revision: number; onProblem: (id: number) => void; onClose: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const [loaded] = useKeyedLoad(
    `${siteId}#${revision}`,
    (key) => call('GET /api/sites/:id/checks', { params: { id: key.slice(0, key.lastIndexOf('#')) } }),
    (e) => setError(e instanceof Error ? e.message : String(e)),
  );
  const history = loaded?.key.startsWith(`${siteId}#`) ? loaded.value : null;
  return (
    <aside className="side-panel site-card" aria-label="重点点位档案" data-site-card={siteId}>
      <PanelHeader title={history?.site.name ?? '重点点位'} onClose={onClose} />
      {error && <p className="alert">{error}</p>}
      {!history ? (
        !error && <p className="muted">正在加载…</p>
      ) : (
        <>
          <p className="muted">
            {history.site.kind}
            {history.site.unitName && ` · 责任单位：${history.site.unitName}`}
          </p>
          <h3>检查记录（{history.checks.length}）</h3>
          {history.checks.length === 0 ? (
            <p className="muted">还没有检查过</p>
          ) : (
            <ol className="site-checks">
              {history.checks.map((c) => (
                <li key={c.id} data-check={c.id} data-result={resultOf(c)}>
                  <div className="site-check-head">
                    <span className={`site-result result-${resultOf(c)}`}>{SITE_RESULT_NAMES[resultOf(c)]}</span>
                    <b>{c.round.name}</b>
                  </div>
                  <div className="muted">
                    {c.checkedAt.slice(0, 10)} · {c.round.kindName} · {c.inspector} · 合格 {c.passed} 项{c.failed > 0 && `，不合格 ${c.failed} 项`}
                  </div>
                  {c.items
                    .filter((i) => i.result === 'fail')
                    .map((i) => (
                      <div key={i.item} className="site-failed-item">
                        <span>
                          {i.veto && <em className="veto-tag">一票否决项</em>}
                          {i.text}
                          {i.note && `（${i.note}）`}
                        </span>
                        {i.problemId !== null && (
                          <button type="button" className="site-problem-link" data-problem={i.problemId} onClick={() => onProblem(i.problemId as number)}>
                            问题 {i.problemId}
                          </button>
                        )}
                      </div>
                    ))}
                </li>
              ))}
            </ol>
          )}
        </>
      )}
    </aside>
  );
}
