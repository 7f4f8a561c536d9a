import type { SceneValue } from '../../server/schemas/decks.ts';
import { KPI_KEYS } from '../../server/schemas/decks.ts';
import { KPI_NAMES, previousPeriod } from './scene-data.ts';
import type { PresentTown } from './scene-load.ts';

type Side = SceneValue['side'];

const MODES: { code: SceneValue['map']['mode']; name: string }[] = [
  { code: 'heat', name: '热力图' },
  { code: 'hex', name: '三维柱状' },
  { code: 'grid', name: '网格着色' },
  { code: 'patrol', name: '巡查覆盖' },
  { code: 'none', name: '不显示地图' },
];
const METRICS: { code: SceneValue['map']['metric']; name: string }[] = [
  { code: 'rate', name: '整改率' },
  { code: 'overdue', name: '逾期未改数' },
  { code: 'density', name: '问题密度' },
  { code: 'score', name: '村居考核得分' },
];
const SIDES: { code: Side['kind']; name: string }[] = [
  { code: 'none', name: '无' },
  { code: 'kpis', name: '主要数据（与上期比较）' },
  { code: 'chart', name: '图表' },
  { code: 'table', name: '表格：逾期未改（按责任单位）' },
  { code: 'case', name: '典型案例（整改前后照片）' },
  { code: 'text', name: '文字' },
];
const CHARTS = [
  { code: 'trend', name: '按月趋势' },
  { code: 'categories', name: '问题类型' },
  { code: 'ranking', name: '村居整改率排名' },
  { code: 'scores', name: '村居考核得分（红黑榜）' },
] as const;

/** A new side element of a kind, with sensible contents. */
function sideOf(kind: Side['kind'], before: Side): Side {
  if (kind === before.kind) return before;
  switch (kind) {
    case 'kpis':
      return { kind, items: ['newReports', 'closed', 'rate', 'overdue'] };
    case 'chart':
      return { kind, chart: 'trend' };
    case 'table':
      return { kind, table: 'overdue-by-unit', limit: 10 };
    case 'case':
      return { kind, problemId: 1 };
    case 'text':
      return { kind, body: '' };
    default:
      return { kind: 'none' };
  }
}

/** The fields of one scene; every change is handed up whole. `error` is the server's complaint about a field of this scene. */
export function SceneForm({
  scene,
  town,
  onChange,
  onUseView,
  error,
}: {
  scene: SceneValue;
  town: PresentTown;
  onChange: (s: SceneValue) => void;
  /** Sets the camera from the preview map (undefined: the scene has no map to read). */
  onUseView?: () => void;
  error: { field: string; message: string } | null;
}) {
  const set = (over: Partial<SceneValue>) => onChange({ ...scene, ...over });
  const f = scene.filters;
  const setFilters = (over: Partial<SceneValue['filters']>) => set({ filters: { ...f, ...over } });
  const invalid = (field: string) => (error?.field.startsWith(field) ? true : undefined);
  const side = scene.side;
  const areas = (fc: PresentTown['grids']) => fc.features.map((x) => ({ id: String(x.properties?.id), name: String(x.properties?.name) }));
  const communities = areas(town.communities);
  const grids = areas(town.grids).filter(
    (g) => !f.community || town.grids.features.find((x) => x.properties?.id === g.id)?.properties?.communityId === f.community,
  );
  return (
    <div className="scene-form">
      {error && (
        <p className="form-error" role="alert">
          {error.message}
        </p>
      )}
      <label>
        标题
        <input name="title" value={scene.title} maxLength={60} aria-invalid={invalid('title')} onChange={(e) => set({ title: e.target.value })} />
      </label>
      <label>
        说明（显示在标题下）
        <input name="caption" value={scene.caption} maxLength={200} onChange={(e) => set({ caption: e.target.value })} />
      </label>
      <fieldset>
        <legend>地图</legend>
        <label>
          显示
          <select name="mode" value={scene.map.mode} onChange={(e) => set({ map: { ...scene.map, mode: e.target.value as SceneValue['map']['mode'] } })}>
            {MODES.map((m) => (
              <option key={m.code} value={m.code}>
                {m.name}
              </option>
            ))}
          </select>
        </label>
        {scene.map.mode === 'grid' && (
          <label>
            着色指标
            <select
              name="metric"
              value={scene.map.metric}
              onChange={(e) => set({ map: { ...scene.map, metric: e.target.value as SceneValue['map']['metric'] } })}
            >
              {METRICS.map((m) => (
                <option key={m.code} value={m.code}>
                  {m.name}
                </option>
              ))}
            </select>
          </label>
        )}
        {scene.map.mode !== 'none' && (
          <div className="scene-camera">
            <span>
              取景：{scene.camera ? `中心 ${scene.camera.center.map((x) => x.toFixed(4)).join(', ')}，缩放 ${scene.camera.zoom.toFixed(1)}` : '按筛选范围自动'}
            </span>
            <button type="button" onClick={onUseView} disabled={!onUseView} data-use-view>
              使用当前地图视图
            </button>
            {scene.camera && (
              <button type="button" onClick={() => set({ camera: null })}>
                自动取景
              </button>
            )}
          </div>
        )}
      </fieldset>
      <fieldset>
        <legend>数据范围</legend>
        <label className="inline">
          <input
            type="checkbox"
            checked={f.period !== null}
            onChange={(e) => setFilters({ period: e.target.checked ? { from: town.meta.now.slice(0, 8).concat('01'), to: town.meta.now.slice(0, 10) } : null })}
          />
          限定时段
        </label>
        {f.period && (
          <div className="scene-period">
            <input
              type="date"
              name="from"
              value={f.period.from}
              aria-invalid={invalid(`filters/period`)}
              onChange={(e) => f.period && setFilters({ period: { ...f.period, from: e.target.value } })}
            />
            至
            <input type="date" name="to" value={f.period.to} onChange={(e) => f.period && setFilters({ period: { ...f.period, to: e.target.value } })} />
          </div>
        )}
        {f.period && scene.map.mode !== 'none' && (
          <label className="inline">
            <input
              type="checkbox"
              name="compare"
              checked={scene.compareWith !== null}
              onChange={(e) => set({ compareWith: e.target.checked && f.period ? previousPeriod(f.period) : null })}
            />
            与上一时段左右对比（同一色标）
          </label>
        )}
        <label>
          村居
          <select name="community" value={f.community ?? ''} onChange={(e) => setFilters({ community: e.target.value || null, grid: null })}>
            <option value="">全镇</option>
            {communities.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          网格
          <select name="grid" value={f.grid ?? ''} onChange={(e) => setFilters({ grid: e.target.value || null })}>
            <option value="">全部</option>
            {grids.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
        </label>
        <div className="scene-categories">
          问题类型：
          {town.meta.categories.map((c) => (
            <label key={c.code} className="inline">
              <input
                type="checkbox"
                checked={f.categories.includes(c.code)}
                onChange={(e) => setFilters({ categories: e.target.checked ? [...f.categories, c.code] : f.categories.filter((x) => x !== c.code) })}
              />
              {c.name}
            </label>
          ))}
          {f.categories.length === 0 && <span className="muted">（全部）</span>}
        </div>
      </fieldset>
      <fieldset>
        <legend>旁边显示</legend>
        <select name="side" value={side.kind} onChange={(e) => set({ side: sideOf(e.target.value as Side['kind'], side) })}>
          {SIDES.map((s) => (
            <option key={s.code} value={s.code}>
              {s.name}
            </option>
          ))}
        </select>
        {side.kind === 'kpis' && (
          <div className="scene-kpis">
            {KPI_KEYS.map((k) => (
              <label key={k} className="inline">
                <input
                  type="checkbox"
                  checked={side.items.includes(k)}
                  onChange={(e) => {
                    const items = e.target.checked ? KPI_KEYS.filter((x) => x === k || side.items.includes(x)) : side.items.filter((x) => x !== k);
                    if (items.length > 0) set({ side: { ...side, items } });
                  }}
                />
                {KPI_NAMES[k]}
              </label>
            ))}
          </div>
        )}
        {side.kind === 'chart' && (
          <select name="chart" value={side.chart} onChange={(e) => set({ side: { ...side, chart: e.target.value as (typeof CHARTS)[number]['code'] } })}>
            {CHARTS.map((c) => (
              <option key={c.code} value={c.code}>
                {c.name}
              </option>
            ))}
          </select>
        )}
        {side.kind === 'table' && (
          <label>
            显示前几名
            <input
              type="number"
              min={1}
              max={20}
              value={side.limit}
              onChange={(e) => set({ side: { ...side, limit: Math.min(20, Math.max(1, Number(e.target.value) || 1)) } })}
            />
          </label>
        )}
        {side.kind === 'case' && (
          <label>
            问题编号
            <input
              type="number"
              name="problemId"
              min={1}
              value={side.problemId}
              aria-invalid={invalid('side/problemId')}
              onChange={(e) => set({ side: { ...side, problemId: Math.max(1, Number(e.target.value) || 1) } })}
            />
          </label>
        )}
        {side.kind === 'text' && (
          <textarea name="body" rows={6} maxLength={2000} value={side.body} onChange={(e) => set({ side: { ...side, body: e.target.value } })} />
        )}
      </fieldset>
      <label>
        演讲备注（只在演讲者视图和 PPTX 备注中）
        <textarea name="notes" rows={5} maxLength={4000} value={scene.notes} onChange={(e) => set({ notes: e.target.value })} />
      </label>
    </div>
  );
}
