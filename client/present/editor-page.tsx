import type * as maplibregl from 'maplibre-gl';
import { useEffect, useRef, useState } from 'react';
import type { SceneValue } from '../../server/schemas/decks.ts';
import { ApiError, call, type Session } from '../api/client.ts';
import { canEdit } from './present-access.ts';
import { SceneForm } from './scene-form.tsx';
import { type SceneData, sceneData } from './scene-load.ts';
import { Slide } from './slide.tsx';
import { useDeck } from './use-deck.ts';
import './present.css';

const newId = () => `s${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/** A blank scene: the town's map over the month so far, with its figures. */
function blankScene(now: string): SceneValue {
  return {
    id: newId(),
    title: '新场景',
    caption: '',
    camera: null,
    map: { mode: 'heat', metric: 'rate' },
    filters: { period: { from: `${now.slice(0, 8)}01`, to: now.slice(0, 10) }, categories: [], community: null, grid: null },
    compareWith: null,
    outline: [],
    side: { kind: 'kpis', items: ['newReports', 'closed', 'rate', 'overdue'] },
    notes: '',
  };
}

/** Moves an item of a list from one place to another. */
function moved<T>(list: readonly T[], from: number, to: number): T[] {
  const out = [...list];
  const [x] = out.splice(from, 1);
  out.splice(to, 0, x);
  return out;
}

/**
 * 编辑演示文稿 (`/present/:id/edit`, admins): the scenes in order (move, add, duplicate, delete), the
 * chosen one's fields beside its live preview, "使用当前地图视图" to keep the preview's camera, and
 * 保存 with the version read (someone else's save in between is refused, not overwritten).
 */
export function EditorPage({ session, deckId }: { session: Session; deckId: number }) {
  const { deck, town, error: loadError, setDeck } = useDeck(deckId);
  const [title, setTitle] = useState('');
  const [theme, setTheme] = useState<'light' | 'dark'>('light');
  const [scenes, setScenes] = useState<SceneValue[]>([]);
  const [selected, setSelected] = useState(0);
  const [dirty, setDirty] = useState(false);
  const [saving, setSaving] = useState(false);
  const [message, setMessage] = useState<{ text: string; ok: boolean } | null>(null);
  const [fieldError, setFieldError] = useState<{ scene: number; field: string; message: string } | null>(null);
  const [data, setData] = useState<SceneData | null>(null);
  const map = useRef<maplibregl.Map | null>(null);

  useEffect(() => {
    if (!deck) return;
    setTitle(deck.title);
    setTheme(deck.theme === 'dark' ? 'dark' : 'light');
    setScenes(deck.scenes);
    setDirty(false);
  }, [deck]);

  const scene = scenes[Math.min(selected, scenes.length - 1)];
  useEffect(() => {
    if (!scene || !town) return;
    let current = true;
    sceneData(scene, town)
      .then((d) => current && setData(d))
      .catch((e: unknown) => current && setMessage({ text: `预览加载失败：${e instanceof Error ? e.message : String(e)}`, ok: false }));
    return () => {
      current = false;
    };
  }, [scene, town]);

  // Leaving with unsaved changes asks first.
  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);

  const change = (next: SceneValue[], select = selected) => {
    setScenes(next);
    setSelected(Math.max(0, Math.min(select, next.length - 1)));
    setDirty(true);
    setMessage(null);
  };

  const save = async () => {
    if (!deck) return;
    setSaving(true);
    setMessage(null);
    setFieldError(null);
    try {
      const saved = await call('PUT /api/decks/:id', { params: { id: deck.id }, body: { title, theme, scenes }, headers: { 'if-match': `"${deck.version}"` } });
      setDeck(saved);
      setMessage({ text: `已保存（第 ${saved.version} 版）`, ok: true });
    } catch (e) {
      if (e instanceof ApiError && e.status === 412) setMessage({ text: '保存失败：这份演示文稿已被他人修改，请复制您的改动后刷新页面', ok: false });
      else if (e instanceof ApiError && e.field?.startsWith('scenes/')) {
        const at = Number(e.field.split('/')[1]);
        setSelected(at);
        setFieldError({ scene: at, field: e.field.split('/').slice(2).join('/'), message: e.message });
        setMessage({ text: `第 ${at + 1} 页有误：${e.message}`, ok: false });
      } else setMessage({ text: `保存失败：${e instanceof Error ? e.message : String(e)}`, ok: false });
    } finally {
      setSaving(false);
    }
  };

  if (!canEdit(session)) return <div className="present-message">只有创文办管理员可以编辑演示文稿</div>;
  if (loadError) return <div className="present-message">演示文稿加载失败：{loadError}</div>;
  if (!deck || !town || !scene) return <div className="present-message">正在加载…</div>;
  const i = Math.min(selected, scenes.length - 1);
  const takeView = () => {
    const m = map.current;
    if (!m) return;
    const c = m.getCenter();
    change(
      scenes.map((s, k) =>
        k === i
          ? {
              ...s,
              camera: {
                center: [round(c.lng, 6), round(c.lat, 6)],
                zoom: round(m.getZoom(), 2),
                pitch: round(m.getPitch(), 1),
                bearing: round(m.getBearing(), 1),
              },
            }
          : s,
      ),
    );
  };
  return (
    <div className="deck-editor" data-dirty={dirty}>
      <header className="deck-editor-head">
        <input
          className="deck-title"
          name="deck-title"
          value={title}
          maxLength={80}
          onChange={(e) => {
            setTitle(e.target.value);
            setDirty(true);
          }}
          aria-label="演示文稿标题"
        />
        <label>
          配色
          <select
            value={theme}
            onChange={(e) => {
              setTheme(e.target.value as 'light' | 'dark');
              setDirty(true);
            }}
          >
            <option value="light">浅色（投影仪）</option>
            <option value="dark">深色（LED 屏）</option>
          </select>
        </label>
        <button type="button" className="primary" onClick={() => void save()} disabled={saving || !dirty} data-save>
          {saving ? '正在保存…' : dirty ? '保存' : '已保存'}
        </button>
        <a href={`/present/${deck.id}#${i + 1}`}>从本页放映</a>
        <a href="/present">返回列表</a>
        {message && (
          <span className={message.ok ? 'form-ok' : 'form-error'} role="status">
            {message.text}
          </span>
        )}
      </header>
      <div className="deck-editor-body">
        <ol className="scene-list" aria-label="场景">
          {scenes.map((s, k) => (
            <li key={s.id} className={k === i ? 'current' : ''} data-scene-item={s.id}>
              <button type="button" className="scene-pick" onClick={() => setSelected(k)}>
                {k + 1}. {s.title}
              </button>
              <span className="scene-tools">
                <button type="button" aria-label="上移" disabled={k === 0} onClick={() => change(moved(scenes, k, k - 1), k - 1)}>
                  ↑
                </button>
                <button type="button" aria-label="下移" disabled={k === scenes.length - 1} onClick={() => change(moved(scenes, k, k + 1), k + 1)}>
                  ↓
                </button>
                <button
                  type="button"
                  aria-label="复制"
                  onClick={() =>
                    change([...scenes.slice(0, k + 1), { ...s, id: newId(), title: `${s.title}（副本）`.slice(0, 60) }, ...scenes.slice(k + 1)], k + 1)
                  }
                >
                  复制
                </button>
                <button
                  type="button"
                  aria-label="删除"
                  disabled={scenes.length === 1}
                  onClick={() =>
                    change(
                      scenes.filter((_, x) => x !== k),
                      Math.min(k, scenes.length - 2),
                    )
                  }
                >
                  删除
                </button>
              </span>
            </li>
          ))}
          <li>
            <button
              type="button"
              className="scene-add"
              onClick={() => change([...scenes.slice(0, i + 1), blankScene(town.meta.now), ...scenes.slice(i + 1)], i + 1)}
            >
              ＋ 在本页后添加场景
            </button>
          </li>
        </ol>
        <div className="deck-preview">
          <Slide
            town={town}
            theme={theme}
            scene={scene}
            data={data}
            index={i}
            count={scenes.length}
            interactive
            onMap={(k, m) => {
              if (k === 0) map.current = m;
            }}
          />
        </div>
        <SceneForm
          scene={scene}
          town={town}
          onChange={(s) => change(scenes.map((x, k) => (k === i ? s : x)))}
          onUseView={scene.map.mode === 'none' ? undefined : takeView}
          error={fieldError && fieldError.scene === i ? fieldError : null}
        />
      </div>
    </div>
  );
}
