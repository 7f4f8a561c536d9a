import { useEffect, useState } from 'react';
import type { Answer } from '../../server/schemas/api.ts';
import { ApiError, call, failure, type Session } from '../api/client.ts';
import { UserMenu } from '../auth/user-menu.tsx';
import { RoundForm } from './round-form.tsx';
import { RoundReport } from './round-report.tsx';
import './inspect.css';

type Round = Answer<'GET /api/inspections/rounds'>['rounds'][number];
type Detail = Answer<'GET /api/inspections/rounds/:id'>;
type RoundSite = Detail['sites'][number];
type Done = Answer<'POST /api/inspections/rounds/:id/checks'>;
type Result = 'pass' | 'fail' | 'na';

const RESULTS: { code: Result; name: string }[] = [
  { code: 'pass', name: '合格' },
  { code: 'fail', name: '不合格' },
  { code: 'na', name: '不适用' },
];
const reason = (e: unknown) => (e instanceof ApiError ? e.message : String(e));

/** A failed item's photo goes to the problem it made, as its 整改前 photo. */
async function uploadPhoto(problemId: number, file: File): Promise<void> {
  const form = new FormData();
  form.append('kind', 'before');
  form.append('file', file, file.name);
  const res = await fetch(`/api/problems/${problemId}/photos`, { method: 'POST', body: form });
  if (!res.ok) throw await failure('photo', res);
}

/**
 * 现场检查 (`/inspect`), for inspectors on a phone: pick a round, then a site, and answer each
 * checklist item 合格 / 不合格 / 不适用; a failed item takes a note and a photo. Submitting makes one
 * problem per failed item (the server decides which), and the photos go to those problems.
 */
export function InspectPage({ session, onSignedOut }: { session: Session; onSignedOut: (notice?: string) => void }) {
  const user = session.user;
  const [rounds, setRounds] = useState<Round[] | null>(null);
  const [detail, setDetail] = useState<Detail | null>(null);
  const [site, setSite] = useState<RoundSite | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [creating, setCreating] = useState(false);
  // Bumped when a round is made here: the list reloads.
  const [listed, setListed] = useState(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `listed` asks for the reload
  useEffect(() => {
    call('GET /api/inspections/rounds')
      .then((r) => setRounds(r.rounds))
      .catch((e: unknown) => setError(reason(e)));
  }, [listed]);
  /** Opens a round (again after a check: what was done stays said). */
  const open = async (id: number, after = false) => {
    setError(null);
    if (!after) setDone(null);
    try {
      setDetail(await call('GET /api/inspections/rounds/:id', { params: { id } }));
      setSite(null);
    } catch (e) {
      setError(reason(e));
    }
  };
  // a grid manager checks the sites of their own grids; an admin any; a leader reads the report
  const checks = user?.role === 'admin' || user?.role === 'grid_manager';
  const mine = (s: RoundSite) => user?.role !== 'grid_manager' || user.gridIds.includes(s.gridId);

  return (
    <div className="inspect">
      <header className="title">
        <h1>{user?.role === 'leader' ? '测评轮次与报告' : '现场检查'}</h1>
        <UserMenu session={session} onSignedOut={onSignedOut} />
      </header>
      <main className="inspect-main">
        {error && (
          <p className="inspect-note alert" role="alert">
            {error}
          </p>
        )}
        {done && (
          <p className="inspect-note ok" role="status" data-check-done>
            {done}
          </p>
        )}
        {creating && rounds && (
          <RoundForm
            rounds={rounds}
            onCancel={() => setCreating(false)}
            onCreated={(id) => {
              setCreating(false);
              setListed((n) => n + 1);
              setDone('已创建测评轮次');
              void open(id, true);
            }}
          />
        )}
        {!detail && !creating && (
          <section>
            <h2>测评轮次</h2>
            {user?.role === 'admin' && (
              <button type="button" className="inspect-new" onClick={() => setCreating(true)} data-new-round>
                ＋ 新建测评轮次
              </button>
            )}
            {rounds?.length === 0 && <p className="muted">还没有测评轮次（由创文办管理员新建）。</p>}
            <ul className="inspect-list">
              {rounds?.map((r) => (
                <li key={r.id}>
                  <button type="button" onClick={() => void open(r.id)} data-round={r.id}>
                    <strong>{r.name}</strong>
                    <span>
                      {r.kindName} · {r.startsOn} 至 {r.endsOn} · 已检查 {r.checked}/{r.sites}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          </section>
        )}
        {detail && !site && (
          <section>
            <button type="button" className="inspect-back" onClick={() => setDetail(null)}>
              ‹ 全部轮次
            </button>
            <h2>
              {detail.round.name} <small>{detail.round.deadline}</small>
            </h2>
            <ul className="inspect-list">
              {detail.sites.filter(mine).map((s) => (
                <li key={s.siteId}>
                  <button
                    type="button"
                    disabled={!checks || s.checkId !== null}
                    onClick={() => {
                      setDone(null);
                      setSite(s);
                    }}
                    data-site={s.siteId}
                  >
                    <strong>{s.name}</strong>
                    <span>
                      {s.kind} · {s.communityName} · {s.checkId !== null ? '已检查' : `${s.items.length} 项`}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
            <RoundReport report={detail.report} checked={detail.round.checked} sites={detail.round.sites} />
          </section>
        )}
        {detail && site && (
          <SiteChecklist
            round={detail.round}
            site={site}
            onCancel={() => setSite(null)}
            onDone={(message) => {
              setDone(message);
              void open(detail.round.id, true);
            }}
          />
        )}
      </main>
    </div>
  );
}

/** One site's checklist: an answer per item, a note and a photo for each failed one. */
function SiteChecklist({
  round,
  site,
  onCancel,
  onDone,
}: {
  round: Detail['round'];
  site: RoundSite;
  onCancel: () => void;
  onDone: (message: string) => void;
}) {
  const [answers, setAnswers] = useState<Record<string, { result: Result; note: string; photo: File | null }>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const set = (code: string, change: Partial<{ result: Result; note: string; photo: File | null }>) =>
    setAnswers((a) => ({ ...a, [code]: Object.assign({ result: 'pass' as Result, note: '', photo: null as File | null }, a[code], change) }));
  const answered = site.items.filter((i) => answers[i.code]).length;
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const done: Done = await call('POST /api/inspections/rounds/:id/checks', {
        params: { id: round.id },
        body: { siteId: site.siteId, items: site.items.map((i) => ({ item: i.code, result: answers[i.code].result, note: answers[i.code].note })) },
      });
      // each failed item's photo to its problem
      for (const p of done.problems) {
        const photo = answers[p.item]?.photo;
        if (photo) await uploadPhoto(p.id, photo);
      }
      const made = done.problems.filter((p) => p.created).map((p) => p.id);
      const linked = done.problems.filter((p) => !p.created).map((p) => p.id);
      onDone(
        `${site.name}：合格 ${done.check.passed} 项，不合格 ${done.check.failed} 项${done.check.vetoFailed ? '（含一票否决项）' : ''}` +
          (made.length > 0 ? `；已生成问题 ${made.map((id) => `#${id}`).join('、')}` : '') +
          (linked.length > 0 ? `；仍未整改的问题 ${linked.map((id) => `#${id}`).join('、')} 再次记录` : ''),
      );
    } catch (e) {
      setError(reason(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section className="inspect-site" data-checklist={site.siteId}>
      <button type="button" className="inspect-back" onClick={onCancel}>
        ‹ {round.name}
      </button>
      <h2>
        {site.name} <small>{site.kind}</small>
      </h2>
      <ol className="inspect-items">
        {site.items.map((i) => {
          const a = answers[i.code];
          return (
            <li key={i.code} className="inspect-item" data-item={i.code} data-result={a?.result ?? ''}>
              <p>
                {i.text}
                {i.veto && <span className="inspect-veto">一票否决</span>}
              </p>
              <fieldset className="inspect-results" aria-label={i.text}>
                {RESULTS.map((r) => (
                  <button key={r.code} type="button" aria-pressed={a?.result === r.code} data-answer={r.code} onClick={() => set(i.code, { result: r.code })}>
                    {r.name}
                  </button>
                ))}
              </fieldset>
              {a?.result === 'fail' && (
                <div className="inspect-fail">
                  <input
                    type="text"
                    placeholder="说明（位置、数量等）"
                    maxLength={200}
                    value={a.note}
                    onChange={(e) => set(i.code, { note: e.target.value })}
                    aria-label="不合格说明"
                  />
                  <label className="inspect-photo">
                    {a.photo ? `已拍照：${a.photo.name}` : '拍照'}
                    <input
                      type="file"
                      accept="image/*"
                      capture="environment"
                      data-photo={i.code}
                      onChange={(e) => set(i.code, { photo: e.target.files?.[0] ?? null })}
                    />
                  </label>
                </div>
              )}
            </li>
          );
        })}
      </ol>
      {error && (
        <p className="inspect-note alert" role="alert">
          {error}
        </p>
      )}
      <button type="button" className="inspect-submit" disabled={busy || answered < site.items.length} onClick={() => void submit()} data-check-submit>
        {busy ? '正在提交…' : answered < site.items.length ? `还有 ${site.items.length - answered} 项未填` : '提交检查结果'}
      </button>
    </section>
  );
}
