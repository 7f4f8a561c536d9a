import { useCallback, useEffect, useRef, useState } from 'react';
import type { Session } from '../api/client.ts';
import { canShow } from './present-access.ts';
import { type SceneData, sceneData } from './scene-load.ts';
import { Slide } from './slide.tsx';
import { TimeLapse } from './timelapse.tsx';
import { channelName, type ShowMessage, useDeck } from './use-deck.ts';
import './present.css';

/** Keys a clicker or a keyboard sends for the next and the previous scene. */
const NEXT_KEYS = new Set(['PageDown', 'ArrowRight', 'ArrowDown', ' ', 'Enter']);
const PREVIOUS_KEYS = new Set(['PageUp', 'ArrowLeft', 'ArrowUp', 'Backspace']);

/** The scene to start at: `#3` is the third. */
const startIndex = () => Math.max(0, Number.parseInt(window.location.hash.slice(1), 10) - 1 || 0);

/**
 * 放映 (`/present/:id`): a deck full screen for a hall. A clicker's keys move through the scenes
 * (PageDown/PageUp, arrows, space), B blacks the screen, Esc leaves; the camera flies from scene to
 * scene; the next scene's data is loaded while this one is shown, so the change comes at once. A
 * presenter view in a second window (P) follows and can drive it.
 */
export function ShowPage({ session, deckId }: { session: Session; deckId: number }) {
  const { deck, town, error } = useDeck(deckId);
  const [target, setTarget] = useState(startIndex);
  const [shown, setShown] = useState<{ index: number; data: SceneData } | null>(null);
  const [ahead, setAhead] = useState<{ index: number; data: SceneData } | null>(null);
  const [black, setBlack] = useState(false);
  const [lapse, setLapse] = useState(false);
  const [drawn, setDrawn] = useState(-1);
  const [failed, setFailed] = useState<string | null>(null);
  const [startedAt] = useState(Date.now);
  const count = deck?.scenes.length ?? 0;
  const channel = useRef<BroadcastChannel | null>(null);

  const go = useCallback((i: number) => setTarget(Math.min(Math.max(0, i), Math.max(0, count - 1))), [count]);

  // The scene's data, then the next one's ahead of time.
  useEffect(() => {
    if (!deck || !town || count === 0) return;
    const scene = deck.scenes[target];
    let current = true;
    sceneData(scene, town)
      .then((data) => {
        if (!current) return;
        setShown({ index: target, data });
        setFailed(null);
        const next = deck.scenes[target + 1];
        if (next)
          sceneData(next, town)
            .then((d) => current && setAhead({ index: target + 1, data: d }))
            .catch(() => undefined);
      })
      .catch((e: unknown) => current && setFailed(e instanceof Error ? e.message : String(e)));
    window.history.replaceState(null, '', `#${target + 1}`);
    return () => {
      current = false;
    };
  }, [deck, town, target, count]);

  // A scene is drawn when each of its maps has finished a frame (at once without a map).
  const pending = useRef(new Set<number>());
  useEffect(() => {
    if (!shown) return;
    setDrawn(-1);
    pending.current = new Set(shown.data.maps.map((_, i) => i));
    if (pending.current.size === 0) setDrawn(shown.index);
  }, [shown]);
  const mapDrawn = useCallback(
    (i: number) => {
      pending.current.delete(i);
      if (pending.current.size === 0 && shown) setDrawn(shown.index);
    },
    [shown],
  );

  // The presenter view: told of every change; its buttons drive the show.
  const index = shown?.index ?? -1;
  useEffect(() => {
    const c = new BroadcastChannel(channelName(deckId));
    channel.current = c;
    c.onmessage = (e: MessageEvent<ShowMessage>) => {
      const m = e.data;
      if (m.type === 'go') go(m.index);
      if (m.type === 'black') setBlack(m.black);
      if (m.type === 'hello') c.postMessage({ type: 'state', index: indexRef.current, black: blackRef.current, startedAt } satisfies ShowMessage);
    };
    return () => c.close();
  }, [deckId, go, startedAt]);
  const indexRef = useRef(index);
  indexRef.current = index;
  const blackRef = useRef(black);
  blackRef.current = black;
  useEffect(() => {
    if (index >= 0) channel.current?.postMessage({ type: 'state', index, black, startedAt } satisfies ShowMessage);
  }, [index, black, startedAt]);

  // A scene's address typed or pasted (#7): go there.
  useEffect(() => {
    const moved = () => go(startIndex());
    window.addEventListener('hashchange', moved);
    return () => window.removeEventListener('hashchange', moved);
  }, [go]);

  const openPresenter = useCallback(() => {
    window.open(`/present/${deckId}/presenter`, `cw-presenter-${deckId}`, 'popup,width=1280,height=800');
  }, [deckId]);

  useEffect(() => {
    const key = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (lapse) return;
      if (NEXT_KEYS.has(e.key)) go(target + 1);
      else if (PREVIOUS_KEYS.has(e.key)) go(target - 1);
      else if (e.key === 'Home') go(0);
      else if (e.key === 'End') go(count - 1);
      else if (e.key === 'b' || e.key === 'B' || e.key === '.') setBlack((b) => !b);
      else if (e.key === 'Escape') window.location.assign('/present');
      else if (e.key === 'f' || e.key === 'F') void document.documentElement.requestFullscreen?.().catch(() => undefined);
      else if (e.key === 'p' || e.key === 'P') openPresenter();
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', key);
    return () => window.removeEventListener('keydown', key);
  }, [go, target, count, lapse, openPresenter]);

  if (!canShow(session)) return <div className="present-message">只有领导和创文办管理员可以放映演示文稿</div>;
  if (error) return <div className="present-message">演示文稿加载失败：{error}</div>;
  if (!deck || !town || !shown) return <div className="present-message">{failed ? `加载失败：${failed}` : '正在加载…'}</div>;
  const scene = deck.scenes[shown.index];
  const theme = deck.theme === 'dark' ? 'dark' : 'light';
  return (
    <div className="show" data-index={shown.index} data-target={target} data-drawn={drawn} data-black={black}>
      <Slide
        town={town}
        theme={theme}
        scene={scene}
        data={shown.data}
        index={shown.index}
        count={count}
        fly
        onDrawn={mapDrawn}
        park={ahead && ahead.index === shown.index + 1 ? { scene: deck.scenes[ahead.index], data: ahead.data } : null}
      />
      {lapse && <TimeLapse town={town} theme={theme} scene={scene} onClose={() => setLapse(false)} />}
      {black && <button type="button" className="show-black" aria-label="恢复画面（B）" onClick={() => setBlack(false)} />}
      {!lapse && (
        <nav className="show-bar" aria-label="放映控制">
          <button type="button" onClick={() => go(target - 1)} disabled={target === 0}>
            上一页
          </button>
          <span>
            {shown.index + 1} / {count}
          </span>
          <button type="button" onClick={() => go(target + 1)} disabled={target >= count - 1}>
            下一页
          </button>
          <button type="button" onClick={() => setBlack(true)}>
            黑屏（B）
          </button>
          {scene.map.mode !== 'none' && (
            <button type="button" onClick={() => setLapse(true)} data-lapse>
              逐月变化
            </button>
          )}
          <button type="button" onClick={openPresenter}>
            演讲者视图（P）
          </button>
          <button type="button" onClick={() => void document.documentElement.requestFullscreen?.().catch(() => undefined)}>
            全屏（F）
          </button>
          <a href="/present">退出（Esc）</a>
        </nav>
      )}
      {failed && <div className="show-failed">下一页加载失败：{failed}</div>}
    </div>
  );
}
