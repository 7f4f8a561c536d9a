import { useEffect, useState } from 'react';
import { CHECKIN_RESULTS, type CheckinResult } from '../../server/domain/checkin-results.ts';
import type { Answer } from '../../server/schemas/api.ts';
import { km } from './distance-text.ts';
import type { Failed } from './outbox.ts';
import { type ActivePatrol, type EndedPatrol, stopKey, type usePatrolRecord } from './use-patrol-record.ts';

/** The patrol under way, on the patrol page: its bar, the check-in at each stop, 途中上报 / 当场整改. */

type Stop = Answer<'POST /api/patrols/plan'>['stops'][number];
type PatrolRecordApi = ReturnType<typeof usePatrolRecord>;

/** The results a stop offers, by what it is: a fix to check, a problem to push, a key site to look at. */
function resultsFor(s: Stop): { result: string; label: string; needsNote?: boolean }[] {
  if (s.problemId === null)
    return [
      { result: 'ok', label: '无问题' },
      { result: 'found', label: '发现问题' },
    ];
  if (s.kind === 'verify')
    return [
      { result: 'verified', label: '核查通过' },
      { result: 'sent_back', label: '核查退回', needsNote: true },
    ];
  return [
    { result: 'ok', label: '已整改' },
    { result: 'not_fixed', label: '未整改' },
  ];
}

/** 开始巡查 before, and during the patrol: time, distance, what waits to be sent, 途中上报, 结束巡查. */
export function PatrolBar({ record, canStart, onStart, onReport }: { record: PatrolRecordApi; canStart: boolean; onStart: () => void; onReport: () => void }) {
  const { active, ended, pending, failed, gpsError } = record;
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(t);
  }, [active]);
  return (
    <section className="patrol-bar" aria-label="巡查记录" data-active={active !== null}>
      {active ? (
        <>
          <p className="patrol-under-way">
            <strong>巡查中</strong> · 已 {Math.max(0, Math.round((now - active.startedAt) / 60_000))} 分钟 · {km(active.meters)} · 打卡{' '}
            {Object.keys(active.done).length} 处{active.reports > 0 && ` · 上报 ${active.reports} 件`}
          </p>
          <div className="patrol-bar-buttons">
            <button type="button" className="patrol-button" onClick={onReport} data-report-open>
              途中上报
            </button>
            <button type="button" className="patrol-button danger" onClick={() => void record.end()} data-end>
              结束巡查
            </button>
          </div>
        </>
      ) : (
        canStart && (
          <button type="button" className="primary patrol-go" onClick={onStart} data-start-patrol>
            开始巡查
          </button>
        )
      )}
      {ended && !active && <EndedSummary ended={ended} />}
      <p className="patrol-outbox" data-outbox={pending} aria-live="polite">
        {pending > 0 ? (
          <span className="badge">待上传 {pending} 条</span>
        ) : (
          <span className="muted">{navigator.onLine === false ? '离线：记录会保存在手机上' : '记录已全部上传'}</span>
        )}
      </p>
      {gpsError && active && <p className="message warn">{gpsError}</p>}
      {failed.map((f) => (
        <FailedItem key={f.seq} failed={f} onDismiss={() => void record.dismiss(f.seq)} />
      ))}
    </section>
  );
}

function EndedSummary({ ended }: { ended: EndedPatrol }) {
  return (
    <p className="patrol-ended" data-ended>
      本次巡查结束：{ended.minutes} 分钟 · {km(ended.meters)} · 打卡 {ended.checkins} 处 · 上报 {ended.reports} 件
      {ended.fixes > 0 && `（当场整改 ${ended.fixes} 件）`}
    </p>
  );
}

const FAILED_KIND: { [kind: string]: string } = { start: '开始巡查', track: '轨迹', checkin: '打卡', report: '上报', end: '结束巡查' };

function FailedItem({ failed, onDismiss }: { failed: Failed; onDismiss: () => void }) {
  return (
    <div className="message alert patrol-failed" role="alert" data-failed={failed.item.kind}>
      <span>
        {FAILED_KIND[failed.item.kind]}未被接受：{failed.message}
      </span>
      <button type="button" className="patrol-button" onClick={onDismiss}>
        知道了
      </button>
    </div>
  );
}

/** The check-in at a stop during the patrol: its result, a note, a photo (at a problem). */
export function StopCheckin({ stop, active, record }: { stop: Stop; active: ActivePatrol; record: PatrolRecordApi }) {
  const key = stopKey(stop);
  const done = active.done[key];
  const [choice, setChoice] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [photo, setPhoto] = useState<File | null>(null);
  const [error, setError] = useState<string | null>(null);
  const options = resultsFor(stop);
  if (done) {
    return (
      <p className="patrol-done" data-done={done}>
        ✓ 已打卡：{options.find((o) => o.result === done)?.label ?? CHECKIN_RESULTS[done as CheckinResult] ?? done}
      </p>
    );
  }
  const picked = options.find((o) => o.result === choice);
  const confirm = async () => {
    if (!picked) return;
    if (picked.needsNote && note.trim().length < 2) return setError('退回须写明原因');
    setError(null);
    await record.checkin(
      key,
      {
        ...(stop.problemId !== null ? { problemId: stop.problemId } : { siteId: stop.siteId as string }),
        result: picked.result,
        note: note.trim() || undefined,
      },
      photo && stop.problemId !== null ? { blob: photo, kind: picked.result === 'not_fixed' ? 'before' : 'after' } : undefined,
    );
  };
  return (
    <div className="patrol-checkin" data-checkin={key}>
      <div className="patrol-stop-actions">
        {options.map((o) => (
          <button
            key={o.result}
            type="button"
            className="patrol-button"
            aria-pressed={choice === o.result}
            data-result={o.result}
            onClick={() => setChoice(choice === o.result ? null : o.result)}
          >
            {o.label}
          </button>
        ))}
      </div>
      {picked && (
        <div className="patrol-checkin-form">
          <textarea
            aria-label="说明"
            placeholder={picked.needsNote ? '退回原因（必填）' : '说明（可选）'}
            maxLength={500}
            value={note}
            onChange={(e) => setNote(e.target.value)}
          />
          {stop.problemId !== null && (
            <label className="patrol-button upload">
              {photo ? `已选照片：${photo.name}` : '拍照（可选）'}
              <input type="file" accept="image/*" capture="environment" onChange={(e) => setPhoto(e.target.files?.[0] ?? null)} />
            </label>
          )}
          {error && <p className="message alert">{error}</p>}
          <button type="button" className="primary" onClick={() => void confirm()} data-confirm>
            确认打卡：{picked.label}
          </button>
        </div>
      )}
    </div>
  );
}

/** 途中上报 during the patrol; with 当场整改, the before and after photos, and it closes as 自行处置. */
export function PatrolReport({
  record,
  categories,
  onClose,
}: {
  record: PatrolRecordApi;
  categories: readonly { code: string; name: string }[];
  onClose: () => void;
}) {
  const [category, setCategory] = useState('');
  const [description, setDescription] = useState('');
  const [before, setBefore] = useState<File | null>(null);
  const [fixed, setFixed] = useState(false);
  const [after, setAfter] = useState<File | null>(null);
  const [error, setError] = useState<string | null>(null);
  const where = record.active?.last;
  const submit = async () => {
    if (!where) return setError('尚未取得位置，请稍候或到开阔处');
    if (!category) return setError('请选择问题类型');
    if (description.trim().length === 0) return setError('请填写问题描述');
    if (fixed && (!before || !after)) return setError('当场整改须有整改前、整改后照片各一张');
    setError(null);
    await record.report(
      { lon: where.lon, lat: where.lat, category, description: description.trim() },
      { before: before ?? undefined, after: fixed ? (after ?? undefined) : undefined, fixed },
    );
    onClose();
  };
  return (
    <section className="patrol-report" aria-label="途中上报">
      <h2>途中上报</h2>
      <p className="muted" data-report-where={where ? 'gps' : 'none'}>
        位置：{where ? '手机当前定位' : '正在定位…（需允许定位）'}
      </p>
      <select aria-label="问题类型" value={category} onChange={(e) => setCategory(e.target.value)} data-report-category>
        <option value="">选择问题类型</option>
        {categories.map((c) => (
          <option key={c.code} value={c.code}>
            {c.name}
          </option>
        ))}
      </select>
      <textarea
        aria-label="问题描述"
        placeholder="问题描述"
        maxLength={500}
        value={description}
        onChange={(e) => setDescription(e.target.value)}
        data-report-text
      />
      <label className="patrol-button upload">
        {before ? `整改前照片：${before.name}` : '拍照（整改前）'}
        <input type="file" accept="image/*" capture="environment" onChange={(e) => setBefore(e.target.files?.[0] ?? null)} data-report-before />
      </label>
      <button type="button" className="patrol-button patrol-toggle" aria-pressed={fixed} onClick={() => setFixed(!fixed)} data-report-fixed>
        {fixed ? '☑' : '☐'} 当场整改（已现场处理，如挪车、清除小广告），作自行处置销号
      </button>
      {fixed && (
        <label className="patrol-button upload">
          {after ? `整改后照片：${after.name}` : '拍照（整改后）'}
          <input type="file" accept="image/*" capture="environment" onChange={(e) => setAfter(e.target.files?.[0] ?? null)} data-report-after />
        </label>
      )}
      {error && (
        <p className="message alert" role="alert">
          {error}
        </p>
      )}
      <div className="patrol-stop-actions">
        <button type="button" className="primary" onClick={() => void submit()} data-report-submit>
          {fixed ? '上报并销号' : '上报'}
        </button>
        <button type="button" className="patrol-button" onClick={onClose}>
          取消
        </button>
      </div>
    </section>
  );
}
