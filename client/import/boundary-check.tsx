import type { FeatureCollection } from 'geojson';
import { lazy, Suspense, useState } from 'react';
import { tooLarge } from '../../server/exchange/upload-limit.ts';
import type { Answer } from '../../server/schemas/api.ts';
import { ApiError, failure } from '../api/client.ts';

const BoundaryMap = lazy(() => import('./boundary-map.tsx').then((m) => ({ default: m.BoundaryMap })));

type Check = Answer<'POST /api/boundaries/dry-run'>;
type Committed = Answer<'POST /api/boundaries'>;
const m2 = (n: number) => (n >= 10_000 ? `${(n / 10_000).toFixed(2)} 公顷` : `${n} 平方米`);

type Kind = Check['kind'];
const KIND_NAMES: Record<Kind, string> = { grid: '网格', community: '村居' };

async function send<T>(url: string, file: File, kind: Kind): Promise<T> {
  const form = new FormData();
  form.append('choices', JSON.stringify({ kind }));
  form.append('file', file, file.name);
  const res = await fetch(url, { method: 'POST', body: form });
  if (!res.ok) throw await failure('boundaries', res);
  return (await res.json()) as T;
}

/**
 * 网格边界: a boundary file (the bureau's shapefile .zip, KML/KMZ, GeoJSON) checked against the
 * town's grids — what it would add, remove and reshape, on a map and in words, the problems and
 * accounts it would touch, its overlaps and gaps — then written on the clerk's word: the problems
 * move to their new grids, each with a line in its history.
 */
export function BoundaryCheck() {
  const [file, setFile] = useState<File | null>(null);
  const [kind, setKind] = useState<Kind>('grid');
  const [check, setCheck] = useState<Check | null>(null);
  const [done, setDone] = useState<Committed | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const upload = async (f: File) => {
    setError(null);
    setDone(null);
    setConfirming(false);
    const large = tooLarge(f.size);
    if (large) {
      setCheck(null);
      setError(large);
      return;
    }
    setBusy('正在检查…');
    setFile(f);
    try {
      setCheck(await send<Check>('/api/boundaries/dry-run', f, kind));
    } catch (e) {
      setCheck(null);
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(null);
    }
  };
  const commit = async () => {
    if (!file) return;
    setBusy('正在写入…');
    setError(null);
    try {
      setDone(await send<Committed>('/api/boundaries', file, check?.kind ?? kind));
      setCheck(null);
      setFile(null);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(null);
      setConfirming(false);
    }
  };
  const d = check?.diff;
  const k = KIND_NAMES[check?.kind ?? kind];
  return (
    <section className="import-step" data-step="boundaries">
      <h2>网格、村居边界</h2>
      <p className="muted">
        上传自然资源部门的 shapefile 压缩包（.zip，含 .shp .dbf .prj，可无 .cpg）、KML/KMZ 或 GeoJSON，先与现有边界对比，确认无误后再写入。
      </p>
      <div className="boundary-kind" role="radiogroup" aria-label="边界类型">
        {(Object.keys(KIND_NAMES) as Kind[]).map((k) => (
          <label key={k}>
            <input
              type="radio"
              name="boundary-kind"
              value={k}
              checked={kind === k}
              onChange={() => {
                setKind(k);
                setCheck(null);
                setFile(null);
              }}
            />
            {KIND_NAMES[k]}边界
          </label>
        ))}
      </div>
      <label className="import-file">
        <span className="import-file-button">选择{KIND_NAMES[kind]}边界文件…</span>
        <input
          type="file"
          accept=".zip,.kml,.kmz,.geojson,.json"
          aria-label="选择边界文件"
          data-boundary-file
          onChange={(e) => e.target.files?.[0] && void upload(e.target.files[0])}
        />
      </label>
      {busy && <p className="import-busy">{busy}</p>}
      {error && (
        <p className="import-note alert" role="alert">
          {error}
        </p>
      )}
      {done && (
        <p className="import-note ok" role="status" data-boundary-done>
          已写入：现有{KIND_NAMES[done.kind]} {done.areas} 个{done.added.length > 0 && `，新增 ${done.added.join('、')}`}
          {done.removed.length > 0 && `，删除 ${done.removed.join('、')}`}；{done.problemsMoved} 件问题改归新{KIND_NAMES[done.kind]}
          （每件的处理记录中有“网格调整”一条）
          {done.sitesMoved > 0 && `，重点点位 ${done.sitesMoved} 个`}
          {done.assignmentsRemoved.length > 0 &&
            `。以下网格员失去了已删除的网格，请在账号管理中重新分配：${done.assignmentsRemoved.map((a) => `${a.username}（${a.grid}）`).join('、')}`}
        </p>
      )}
      {check && d && (
        <div className="boundary-result" data-boundary-result>
          <Suspense fallback={<div className="boundary-map" />}>
            <BoundaryMap preview={check.preview as FeatureCollection} />
          </Suspense>
          <p>
            {check.file.name}：{check.areas} 个面
            {check.file.crs ? `；坐标系 ${check.file.crs}` : ''}
            {check.file.encoding ? `；属性编码 ${check.file.encoding}` : ''}
            {d.nameField ? `；按属性“${d.nameField}”对应${k}` : ''}
          </p>
          <ul>
            <li>
              新增{k} {d.added.length} 个{d.added.length > 0 && `：${d.added.slice(0, 8).join('、')}${d.added.length > 8 ? ' 等' : ''}`}
            </li>
            <li className={d.removed.length > 0 ? 'warn' : ''}>
              删除{k} {d.removed.length} 个
              {d.removed.length > 0 &&
                `：${d.removed
                  .slice(0, 8)
                  .map((r) => r.name)
                  .join('、')}${d.removed.length > 8 ? ' 等' : ''}`}
            </li>
            <li>
              边界变化 {d.reshaped.length} 个，未变 {d.unchanged} 个
            </li>
            <li className={d.problemsMoving + d.problemsOutside > 0 ? 'warn' : ''}>
              将改变所属{k}的问题 {d.problemsMoving} 件；不在任何新{k}内的问题 {d.problemsOutside} 件
            </li>
            {d.assignmentsAffected.length > 0 && (
              <li className="warn">受影响的网格员：{d.assignmentsAffected.map((u) => `${u.username}（${u.grids.join('、')}）`).join('；')}</li>
            )}
            <li className={d.overlaps.length > 0 ? 'bad' : ''}>
              重叠 {d.overlaps.length} 处
              {d.overlaps.length > 0 &&
                `：${d.overlaps
                  .slice(0, 5)
                  .map((o) => `${o.a} 与 ${o.b}（${m2(o.m2)}）`)
                  .join('；')}`}
            </li>
            <li className={d.gaps.length > 0 ? 'bad' : ''}>
              缝隙 {d.gaps.length} 处
              {d.gaps.length > 0 &&
                `：${d.gaps
                  .slice(0, 5)
                  .map((g) => m2(g.m2))
                  .join('、')}`}
            </li>
            {(d.unnamed > 0 || d.duplicates.length > 0) && (
              <li className="bad">
                无名称的面 {d.unnamed} 个；重名 {d.duplicates.length} 个{d.duplicates.length > 0 && `：${d.duplicates.join('、')}`}
              </li>
            )}
          </ul>
          {check.commit.allowed ? (
            <div className="import-actions">
              {confirming ? (
                <>
                  <span className="warn-text">
                    写入后 {d.problemsMoving} 件问题将改归新{k}
                    {d.removed.length > 0 && `，${d.removed.length} 个${k}将删除`}。确定写入？
                  </span>
                  <button type="button" className="primary" disabled={busy !== null} onClick={() => void commit()} data-boundary-commit-confirm>
                    确定写入
                  </button>
                  <button type="button" onClick={() => setConfirming(false)}>
                    取消
                  </button>
                </>
              ) : (
                <button type="button" className="primary" onClick={() => setConfirming(true)} data-boundary-commit>
                  写入新{k}边界
                </button>
              )}
            </div>
          ) : (
            <p className="import-note alert" data-boundary-refused>
              不能写入：{check.commit.refused.join('；')}
            </p>
          )}
        </div>
      )}
    </section>
  );
}
