import { useEffect, useState } from 'react';
import type { WallScene } from '../../server/wall-config.ts';
import { ApiError, api, call, type WallConfig } from '../api/client.ts';

interface Option {
  id: string;
  name: string;
}

const TARGETS: { value: WallScene['target']; label: string }[] = [
  { value: 'town', label: '全镇' },
  { value: 'top-community', label: '问题密度第 N 的村居' },
  { value: 'community', label: '指定村居' },
  { value: 'most-overdue-grid', label: '逾期最多的网格' },
];
const MODES: { value: NonNullable<WallScene['mode']>; label: string }[] = [
  { value: 'heat', label: '热力图' },
  { value: 'grid', label: '网格整改率' },
  { value: 'hex', label: '三维六边形' },
  { value: 'patrol', label: '巡查覆盖' },
];

/** The form's names for the fields the server may refuse. */
function fieldLabel(field: string | null): string | null {
  if (!field) return null;
  const labels: Record<string, string> = {
    title: '大屏标题',
    intervalSeconds: '每个场景停留',
    resumeAfterSeconds: '触摸后恢复轮播',
    'thresholds/rateGood': '整改率达标线',
    'thresholds/rateWarn': '整改率警戒线',
    scenes: '场景',
  };
  const scene = /^scenes\/(\d+)\/(\w+)$/.exec(field);
  if (scene)
    return `场景 ${Number(scene[1]) + 1} 的${scene[2] === 'communityId' ? '村居' : scene[2] === 'rank' ? '名次' : scene[2] === 'caption' ? '字幕' : scene[2]}`;
  return labels[field] ?? field;
}

/** What the form edits: the settings as numbers and strings (the thresholds as percentages). */
interface Draft {
  title: string;
  intervalSeconds: number;
  resumeAfterSeconds: number;
  rateGoodPct: number;
  rateWarnPct: number;
  scenes: WallScene[];
}

/** The number inputs: what the draft holds, the input's name, the field the server names when it refuses. */
const NUMBER_FIELDS: { key: Exclude<keyof Draft, 'title' | 'scenes'>; name: string; field: string; label: string; step?: string }[] = [
  { key: 'intervalSeconds', name: 'intervalSeconds', field: 'intervalSeconds', label: '每个场景停留（秒）' },
  { key: 'resumeAfterSeconds', name: 'resumeAfterSeconds', field: 'resumeAfterSeconds', label: '触摸后恢复轮播（秒）' },
  { key: 'rateGoodPct', name: 'rateGood', field: 'thresholds/rateGood', label: '整改率达标线（%，绿色）', step: '0.1' },
  { key: 'rateWarnPct', name: 'rateWarn', field: 'thresholds/rateWarn', label: '整改率警戒线（%，低于为红色）', step: '0.1' },
];

const toDraft = (c: WallConfig): Draft => ({
  title: c.title,
  intervalSeconds: c.intervalSeconds,
  resumeAfterSeconds: c.resumeAfterSeconds,
  rateGoodPct: Math.round(c.thresholds.rateGood * 1000) / 10,
  rateWarnPct: Math.round(c.thresholds.rateWarn * 1000) / 10,
  scenes: c.scenes,
});

/** A scene as saved: only the fields its target uses, no empty caption. */
function cleanScene(s: WallScene): WallScene {
  const out: WallScene = { target: s.target, mode: s.mode ?? 'heat' };
  if (s.target === 'community') out.communityId = s.communityId;
  if (s.target === 'top-community') out.rank = s.rank ?? 1;
  if (s.caption?.trim()) out.caption = s.caption.trim();
  return out;
}

/**
 * 大屏设置 on the admin page: the wall's title, tour interval, quiet time after a touch, 整改率
 * thresholds and its scenes, saved to DATA_DIR/wall.json through PUT /api/wall/config (checked
 * there; a refusal names the field). A running wall takes them up at once (a live notice).
 */
export function WallSettings() {
  const [draft, setDraft] = useState<Draft | null>(null);
  const [communities, setCommunities] = useState<Option[]>([]);
  const [fileError, setFileError] = useState<string | null>(null);
  const [error, setError] = useState<{ field: string | null; message: string } | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  useEffect(() => {
    Promise.all([api.wallConfig(), api.communities()])
      .then(([c, fc]) => {
        setDraft(toDraft(c));
        setFileError(c.error);
        setCommunities(fc.features.map((f) => ({ id: String(f.properties?.id), name: String(f.properties?.name) })));
      })
      .catch((e: unknown) => setError({ field: null, message: e instanceof Error ? e.message : String(e) }));
  }, []);

  if (!draft) return <p className="muted">{error ? `大屏设置加载失败：${error.message}` : '正在加载大屏设置…'}</p>;
  const set = (patch: Partial<Draft>) => {
    setSaved(null);
    setDraft({ ...draft, ...patch });
  };
  const setScene = (i: number, patch: Partial<WallScene>) => set({ scenes: draft.scenes.map((s, j) => (j === i ? { ...s, ...patch } : s)) });
  const move = (i: number, by: -1 | 1) => {
    const scenes = [...draft.scenes];
    [scenes[i], scenes[i + by]] = [scenes[i + by], scenes[i]];
    set({ scenes });
  };
  const save = async () => {
    setError(null);
    try {
      const c = await call('PUT /api/wall/config', {
        body: {
          title: draft.title.trim(),
          intervalSeconds: draft.intervalSeconds,
          resumeAfterSeconds: draft.resumeAfterSeconds,
          thresholds: { rateGood: draft.rateGoodPct / 100, rateWarn: draft.rateWarnPct / 100 },
          scenes: draft.scenes.map(cleanScene),
        },
      });
      setDraft(toDraft(c));
      setFileError(c.error);
      setSaved('已保存，运行中的大屏随即应用');
    } catch (e) {
      setError(e instanceof ApiError ? { field: e.field, message: e.message } : { field: null, message: String(e) });
    }
  };
  /** Marks the input of a refused field. */
  const wrong = (field: string) => (error?.field === field ? 'invalid' : undefined);

  return (
    <form
      className="wall-settings"
      data-form="wall-settings"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      {fileError && (
        <p className="form-error" role="alert">
          wall.json 有误，大屏仍用上次正确的设置：{fileError}
        </p>
      )}
      <div className="settings-grid">
        <label>
          大屏标题
          <input name="title" className={wrong('title')} value={draft.title} maxLength={40} onChange={(e) => set({ title: e.target.value })} />
        </label>
        {NUMBER_FIELDS.map((f) => (
          <label key={f.key}>
            {f.label}
            <input
              name={f.name}
              type="number"
              step={f.step}
              className={wrong(f.field)}
              value={draft[f.key]}
              onChange={(e) => set({ [f.key]: Number(e.target.value) })}
            />
          </label>
        ))}
      </div>
      <table className="admin-table" data-table="scenes">
        <thead>
          <tr>
            <th>#</th>
            <th>场景</th>
            <th>村居 / 名次</th>
            <th>地图</th>
            <th>字幕（留空自动生成）</th>
            <th>操作</th>
          </tr>
        </thead>
        <tbody>
          {draft.scenes.map((s, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: scenes have no identity of their own; the row is the position in the tour
            <tr key={i} data-scene-row={i}>
              <td>{i + 1}</td>
              <td>
                <select aria-label={`场景 ${i + 1}`} value={s.target} onChange={(e) => setScene(i, { target: e.target.value as WallScene['target'] })}>
                  {TARGETS.map((t) => (
                    <option key={t.value} value={t.value}>
                      {t.label}
                    </option>
                  ))}
                </select>
              </td>
              <td>
                {s.target === 'community' && (
                  <select
                    aria-label={`场景 ${i + 1} 的村居`}
                    className={wrong(`scenes/${i}/communityId`)}
                    value={s.communityId ?? ''}
                    onChange={(e) => setScene(i, { communityId: e.target.value || undefined })}
                  >
                    <option value="">请选择</option>
                    {communities.map((c) => (
                      <option key={c.id} value={c.id}>
                        {c.name}
                      </option>
                    ))}
                  </select>
                )}
                {s.target === 'top-community' && (
                  <input
                    aria-label={`场景 ${i + 1} 的名次`}
                    type="number"
                    min={1}
                    max={50}
                    value={s.rank ?? 1}
                    onChange={(e) => setScene(i, { rank: Number(e.target.value) })}
                  />
                )}
              </td>
              <td>
                <select
                  aria-label={`场景 ${i + 1} 的地图`}
                  value={s.mode ?? 'heat'}
                  onChange={(e) => setScene(i, { mode: e.target.value as WallScene['mode'] })}
                >
                  {MODES.map((m) => (
                    <option key={m.value} value={m.value}>
                      {m.label}
                    </option>
                  ))}
                </select>
              </td>
              <td>
                <input aria-label={`场景 ${i + 1} 的字幕`} value={s.caption ?? ''} maxLength={40} onChange={(e) => setScene(i, { caption: e.target.value })} />
              </td>
              <td className="actions">
                <button type="button" disabled={i === 0} onClick={() => move(i, -1)} aria-label={`场景 ${i + 1} 上移`}>
                  ↑
                </button>
                <button type="button" disabled={i === draft.scenes.length - 1} onClick={() => move(i, 1)} aria-label={`场景 ${i + 1} 下移`}>
                  ↓
                </button>
                <button type="button" disabled={draft.scenes.length === 1} onClick={() => set({ scenes: draft.scenes.filter((_, j) => j !== i) })}>
                  删除
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="dialog-actions">
        <button type="button" disabled={draft.scenes.length >= 20} onClick={() => set({ scenes: [...draft.scenes, { target: 'town', mode: 'heat' }] })}>
          添加场景
        </button>
        <button type="submit" className="primary">
          保存大屏设置
        </button>
      </div>
      {error && (
        <p className="form-error" role="alert" data-field={error.field ?? ''}>
          {fieldLabel(error.field) && `请检查“${fieldLabel(error.field)}”：`}
          {error.message}
        </p>
      )}
      {saved && (
        <p className="form-ok" role="status">
          {saved}
        </p>
      )}
    </form>
  );
}
