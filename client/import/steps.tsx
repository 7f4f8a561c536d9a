import type { Answer } from '../../server/schemas/api.ts';

export type DryRun = Answer<'POST /api/imports/dry-run'>;

const DATUMS: { code: DryRun['datum']['used']; name: string }[] = [
  { code: 'wgs84', name: 'WGS84 / CGCS2000（手机 GPS、天地图）' },
  { code: 'gcj02', name: 'GCJ-02（高德、腾讯、微信、奥维）' },
  { code: 'bd09', name: 'BD-09（百度地图）' },
];
const FIELD_NAMES: Record<string, string> = {
  category: '问题类型',
  description: '问题描述',
  address: '具体位置',
  lon: '经度',
  lat: '纬度',
  position: '经纬度',
  reportedAt: '发现时间',
  deadline: '整改时限',
  status: '整改情况',
  unit: '责任单位',
  measure: '整改措施',
  closedAt: '销号时间',
  community: '村居',
  source: '问题来源',
};
const OUTCOMES: Record<DryRun['lines'][number]['outcome'], string> = { accepted: '可导入', warning: '有提示', rejected: '不导入' };

/** Step 2: the header as read (each column and what it fills), the text encoding, and the datum to choose. */
export function HeaderStep({ run, onDatum }: { run: DryRun; onDatum: (datum: DryRun['datum']['used']) => void }) {
  return (
    <section className="import-step" data-step="header">
      <h2>2 核对表头与坐标系</h2>
      <p>
        表头在第 {run.header.line} 行{run.header.year ? `；标题年份 ${run.header.year} 年（只写月日的日期按此年）` : ''}
        {run.file.encoding === 'kml' || run.file.encoding === 'geojson'
          ? `；${run.file.encoding === 'kml' ? 'KML' : 'GeoJSON'} 点，每个点一行`
          : run.file.encoding !== 'xlsx'
            ? `；文字编码 ${run.file.encoding.toUpperCase()}`
            : ''}
      </p>
      <div className="import-columns">
        {run.header.columns.map((c) => (
          <span key={c.field} className="import-chip found">
            {c.header} → {FIELD_NAMES[c.field] ?? c.field}
          </span>
        ))}
        {run.header.unknown.map((c) => (
          <span key={c.column} className="import-chip skipped" title="不导入">
            {c.header}（不导入）
          </span>
        ))}
      </div>
      <fieldset className="import-datum" data-datum={run.datum.used}>
        <legend>坐标系</legend>
        <p className={run.datum.clear ? 'muted' : 'import-note warn'}>{run.datum.reason}</p>
        {DATUMS.map((d) => (
          <label key={d.code}>
            <input type="radio" name="datum" checked={run.datum.used === d.code} onChange={() => onDatum(d.code)} />
            {d.name}
            {run.datum.proposed === d.code && <strong>（建议）</strong>}
          </label>
        ))}
      </fieldset>
    </section>
  );
}

/** Step 4's table: every row read, with its outcome and reasons (the first rows; all in the download). */
export function LineResults({ run }: { run: DryRun }) {
  return (
    <>
      <table className="admin-table import-lines">
        <thead>
          <tr>
            <th>行号</th>
            <th>结果</th>
            <th>原因 / 提示</th>
          </tr>
        </thead>
        <tbody>
          {run.lines.map((l) => (
            <tr key={l.line} data-outcome={l.outcome}>
              <td>{l.line}</td>
              <td className={l.outcome}>{OUTCOMES[l.outcome]}</td>
              <td>{l.reasons.join('；')}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {run.counts.rows > run.lines.length && <p className="muted">只显示前 {run.lines.length} 行；全部行见下载的检查结果。</p>}
    </>
  );
}
