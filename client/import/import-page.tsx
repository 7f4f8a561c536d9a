import { useCallback, useEffect, useState } from 'react';
import { tooLarge } from '../../server/exchange/upload-limit.ts';
import type { Answer } from '../../server/schemas/api.ts';
import { ApiError, api, call, failure, type Meta, type Session } from '../api/client.ts';
import { UserMenu } from '../auth/user-menu.tsx';
import { BatchList } from './batch-list.tsx';
import { BoundaryCheck } from './boundary-check.tsx';
import { NameMap } from './name-map.tsx';
import { type DryRun, HeaderStep, LineResults } from './steps.tsx';
import './import.css';

type Batch = Answer<'GET /api/imports'>['batches'][number];
type Choices = {
  datum?: DryRun['datum']['used'];
  categories: Record<string, string | null>;
  units: Record<string, string | null>;
  defaultCategory?: string;
};

const reason = (e: unknown) => (e instanceof ApiError ? e.message : String(e));

/** The sheet and the clerk's choices as the import routes take them. */
function form(file: File, choices: Choices): FormData {
  const f = new FormData();
  f.append('choices', JSON.stringify(choices));
  f.append('file', file, file.name);
  return f;
}

async function post<T>(url: string, body: FormData): Promise<T> {
  const res = await fetch(url, { method: 'POST', body });
  if (!res.ok) throw await failure(url, res);
  return (await res.json()) as T;
}

/**
 * 导入台账 (`/admin/import`), for the 创文办's clerk: upload a sheet (.xlsx or .csv as WPS saves it),
 * check what was read — the header, the datum, each 问题类型 and 责任单位 and what it maps to, every
 * row's result — change what needs changing, download the check as .xlsx, then import; a batch can
 * be undone while nobody has worked on its problems.
 */
export function ImportPage({ session, onSignedOut }: { session: Session; onSignedOut: (notice?: string) => void }) {
  const [meta, setMeta] = useState<Meta | null>(null);
  const [units, setUnits] = useState<{ id: string; name: string }[]>([]);
  const [file, setFile] = useState<File | null>(null);
  const [choices, setChoices] = useState<Choices>({ categories: {}, units: {} });
  const [run, setRun] = useState<DryRun | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [batches, setBatches] = useState<Batch[]>([]);
  // a new file input after an import (the old one would still name the file imported)
  const [picked, setPicked] = useState(0);
  const admin = session.user?.role === 'admin';

  const reloadBatches = useCallback(async () => setBatches((await call('GET /api/imports')).batches), []);
  useEffect(() => {
    if (!admin) return;
    Promise.all([api.meta(), api.units(), reloadBatches()])
      .then(([m, u]) => {
        setMeta(m);
        setUnits(u);
      })
      .catch((e: unknown) => setError(reason(e)));
  }, [admin, reloadBatches]);

  const check = useCallback(async (f: File, c: Choices) => {
    setError(null);
    setDone(null);
    const large = tooLarge(f.size);
    if (large) {
      setRun(null);
      setError(large);
      return;
    }
    setBusy('正在检查…');
    try {
      setRun(await post<DryRun>('/api/imports/dry-run', form(f, c)));
    } catch (e) {
      setRun(null);
      setError(reason(e));
    } finally {
      setBusy(null);
    }
  }, []);

  const choose = (next: Choices) => {
    setChoices(next);
    if (file) void check(file, next);
  };

  const importNow = async () => {
    if (!file || !run) return;
    setBusy('正在导入…');
    setError(null);
    try {
      const r = await post<Answer<'POST /api/imports'>>('/api/imports', form(file, choices));
      await reloadBatches();
      setDone(`已导入 ${r.batch.rowsAdded} 条问题（批次 ${r.batch.id}），${r.counts.rejected} 行未导入`);
      setRun(null);
      setFile(null);
      setPicked((n) => n + 1);
    } catch (e) {
      setError(reason(e));
    } finally {
      setBusy(null);
    }
  };

  const download = async () => {
    if (!file) return;
    const res = await fetch('/api/imports/report', { method: 'POST', body: form(file, choices) });
    if (!res.ok) return setError(reason(await failure('report', res)));
    const a = document.createElement('a');
    a.href = URL.createObjectURL(await res.blob());
    a.download = `${file.name.replace(/\.[^.]*$/, '')}_导入检查结果.xlsx`;
    a.click();
    URL.revokeObjectURL(a.href);
  };

  const undo = async (b: Batch) => {
    if (!window.confirm(`撤销批次 ${b.id}（${b.filename}，${b.rowsAdded} 条）？这些问题将被删除。`)) return;
    try {
      const r = await call('POST /api/imports/:id/undo', { params: { id: b.id } });
      await reloadBatches();
      setDone(`已撤销批次 ${b.id}：删除 ${r.removed} 条问题`);
    } catch (e) {
      setError(reason(e));
    }
  };

  if (!admin) return <div className="import-page">只有创文办管理员可以导入数据</div>;
  const importable = run ? run.counts.accepted + run.counts.warning : 0;
  return (
    <div className="admin">
      <header className="title">
        <h1>导入台账</h1>
        <a className="back" href="/admin">
          账号与大屏管理
        </a>
        <a className="back" href="/">
          返回地图
        </a>
        <UserMenu session={session} onSignedOut={onSignedOut} />
      </header>
      <div className="import-page">
        <section className="import-step" data-step="upload">
          <h2>1 选择文件</h2>
          <p className="muted">
            Excel（.xlsx）、CSV（WPS/Excel 另存，UTF-8 或 GBK 均可），或 KML/KMZ（奥维互动地图等）、GeoJSON
            的点。表头可在标题行下方；合并的单元格按整组填充；坐标可为小数或度分秒，经纬度可在同一格。
          </p>
          <label className="import-file">
            <span className="import-file-button">选择文件…</span>
            <span>{file ? file.name : '未选择文件'}</span>
            <input
              key={picked}
              type="file"
              accept=".xlsx,.csv,.xls,.geojson,.json,.kml,.kmz"
              aria-label="选择台账文件"
              data-import-file
              onChange={(e) => {
                const f = e.target.files?.[0] ?? null;
                const fresh = { categories: {}, units: {} };
                setFile(f);
                setChoices(fresh);
                if (f) void check(f, fresh);
              }}
            />
          </label>
          {busy && <p className="import-busy">{busy}</p>}
          {error && (
            <p className="import-note alert" role="alert" data-import-error>
              {error}
            </p>
          )}
          {done && (
            <p className="import-note ok" role="status" data-import-done>
              {done}
            </p>
          )}
        </section>
        {run && (
          <>
            <HeaderStep run={run} onDatum={(datum) => choose({ ...choices, datum })} />
            <section className="import-step" data-step="mapping">
              <h2>3 类型与单位对照</h2>
              {!run.header.columns.some((c) => c.field === 'category') && (
                <label className="import-default">
                  文件中没有“问题类型”列，全部行按：
                  <select
                    aria-label="全部行的问题类型"
                    value={choices.defaultCategory ?? ''}
                    onChange={(e) => choose({ ...choices, defaultCategory: e.target.value || undefined })}
                    data-default-category
                  >
                    <option value="">请选择问题类型</option>
                    {meta?.categories.map((k) => (
                      <option key={k.code} value={k.code}>
                        {k.name}
                      </option>
                    ))}
                  </select>
                </label>
              )}
              <NameMap
                kind="categories"
                what="问题类型"
                uses={run.categories}
                options={meta?.categories.map((k) => ({ id: k.code, name: k.name })) ?? []}
                none="不导入这些行"
                onChoose={(text, code) => choose({ ...choices, categories: { ...choices.categories, [text]: code } })}
              />
              {run.units.length > 0 && (
                <NameMap
                  kind="units"
                  what="责任单位"
                  uses={run.units}
                  options={units}
                  none="不交办（无责任单位）"
                  onChoose={(text, id) => choose({ ...choices, units: { ...choices.units, [text]: id } })}
                />
              )}
            </section>
            <section className="import-step" data-step="result">
              <h2>4 检查结果</h2>
              <p className="import-counts" data-counts={`${run.counts.accepted},${run.counts.warning},${run.counts.rejected}`}>
                共 {run.counts.rows} 行：<b className="ok">可导入 {run.counts.accepted}</b>，<b className="warn">有提示 {run.counts.warning}</b>，
                <b className="bad">不导入 {run.counts.rejected}</b>
              </p>
              <div className="import-actions">
                <button type="button" onClick={() => void download()} data-import-report>
                  下载检查结果（.xlsx）
                </button>
                <button type="button" className="primary" disabled={importable === 0 || busy !== null} onClick={() => void importNow()} data-import-commit>
                  导入 {importable} 行
                </button>
              </div>
              <LineResults run={run} />
            </section>
          </>
        )}
        <BatchList batches={batches} onUndo={(b) => void undo(b)} />
        <BoundaryCheck />
      </div>
    </div>
  );
}
