import { useState } from 'react';
import type { Answer } from '../../server/schemas/api.ts';
import { ApiError, failure } from '../api/client.ts';

type Check = Answer<'POST /api/boundaries/dry-run'>;
const m2 = (n: number) => (n >= 10_000 ? `${(n / 10_000).toFixed(2)} 公顷` : `${n} 平方米`);

/**
 * 网格边界检查: a boundary file (the bureau's shapefile .zip, KML/KMZ, GeoJSON) checked against the
 * town's grids — what it would add, remove and reshape, the problems and accounts it would touch,
 * its overlaps and gaps. Writing the boundaries is not built yet: this tells the clerk what to mend.
 */
export function BoundaryCheck() {
  const [check, setCheck] = useState<Check | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const upload = async (file: File) => {
    setBusy(true);
    setError(null);
    try {
      const form = new FormData();
      form.append('file', file, file.name);
      const res = await fetch('/api/boundaries/dry-run', { method: 'POST', body: form });
      if (!res.ok) throw await failure('boundaries', res);
      setCheck((await res.json()) as Check);
    } catch (e) {
      setCheck(null);
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const d = check?.diff;
  return (
    <section className="import-step" data-step="boundaries">
      <h2>网格边界检查</h2>
      <p className="muted">上传自然资源部门的 shapefile 压缩包（.zip，含 .shp .dbf .prj，可无 .cpg）、KML/KMZ 或 GeoJSON，与现有网格对比；只检查，不写入。</p>
      <label className="import-file">
        <span className="import-file-button">选择边界文件…</span>
        <input
          type="file"
          accept=".zip,.kml,.kmz,.geojson,.json"
          aria-label="选择边界文件"
          data-boundary-file
          onChange={(e) => e.target.files?.[0] && void upload(e.target.files[0])}
        />
      </label>
      {busy && <p className="import-busy">正在检查…</p>}
      {error && (
        <p className="import-note alert" role="alert">
          {error}
        </p>
      )}
      {check && d && (
        <div className="boundary-result" data-boundary-result>
          <p>
            {check.file.name}：{check.areas} 个面
            {check.file.crs ? `；坐标系 ${check.file.crs}` : ''}
            {check.file.encoding ? `；属性编码 ${check.file.encoding}` : ''}
            {d.nameField ? `；按属性“${d.nameField}”对应网格` : ''}
          </p>
          <ul>
            <li>
              新增网格 {d.added.length} 个{d.added.length > 0 && `：${d.added.slice(0, 8).join('、')}${d.added.length > 8 ? ' 等' : ''}`}
            </li>
            <li className={d.removed.length > 0 ? 'warn' : ''}>
              删除网格 {d.removed.length} 个
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
              将改变所属网格的问题 {d.problemsMoving} 件；不在任何新网格内的问题 {d.problemsOutside} 件
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
        </div>
      )}
    </section>
  );
}
