import { useCallback, useEffect, useRef, useState } from 'react';
import type { Session } from '../api/client.ts';
import { canShow } from './present-access.ts';
import { sceneData } from './scene-load.ts';
import { type Shown, useShowSlides } from './show-slides.ts';
import { Slide } from './slide.tsx';
import { TimeLapse } from './timelapse.tsx';
import { useSceneTiming } from './timing.ts';
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
  const [shown, setShown] = useState<Shown | null>(null);
  const [ahead, setAhead] = useState<Shown | null>(null);
  const slides = useShowSlides(deck?.scenes, town, shown, ahead);
  const [black, setBlack] = useState(false);
  const [lapse, setLapse] = useState(false);
  const [failed, setFailed] = useState<string | null>(null);
  const [startedAt] = useState(Date.now);
  const count = deck?.scenes.length ?? 0;
  const channel = useRef<BroadcastChannel | null>(null);

  // when the last move was asked for (a key, the presenter, an address): the start of `sceneTiming`
  const askedAt = useRef(0);
  const go = useCallback(
    // `at`: when the key was pressed (its event's time), which a busy page handles later
    (i: number, at = performance.now()) => {
      askedAt.current = at;
      setTarget(Math.min(Math.max(0, i), Math.max(0, count - 1)));
    },
    [count],
  );
  useSceneTiming(slides.drawn, askedAt);

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
      if (NEXT_KEYS.has(e.key)) go(target + 1, e.timeStamp);
      else if (PREVIOUS_KEYS.has(e.key)) go(target - 1, e.timeStamp);
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
    <div className="show" data-index={shown.index} data-target={target} data-drawn={slides.drawn} data-ready={slides.ready} data-black={black}>
      {([0, 1] as const).map((k) => {
        const on = slides.on[k];
        if (!on) return null;
        const front = k === slides.front;
        return (
          <div key={k} className={`show-slide${front ? ' in-sight' : ''}`} aria-hidden={!front}>
            <Slide
              town={town}
              theme={theme}
              scene={deck.scenes[on.index]}
              data={on.data}
              index={on.index}
              count={count}
              fly={front}
              onDrawn={(i) => slides.onDrawn(k, i)}
            />
          </div>
        );
      })}
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
