import { useEffect, useRef, useState } from 'react';
import type { Session } from '../api/client.ts';
import { canShow } from './present-access.ts';
import { type SceneData, sceneData } from './scene-load.ts';
import { Slide } from './slide.tsx';
import { channelName, type ShowMessage, useDeck } from './use-deck.ts';
import './present.css';

const clock = (ms: number) => {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
};

/**
 * 演讲者视图 (`/present/:id/presenter`), in a second window beside the show: this scene's notes in
 * large type, the next scene, the time since the show started and the clock. It follows the show and
 * its buttons (and the clicker's keys, when it has the focus) drive it.
 */
export function PresenterPage({ session, deckId }: { session: Session; deckId: number }) {
  const { deck, town, error } = useDeck(deckId);
  const [state, setState] = useState<{ index: number; black: boolean; startedAt: number } | null>(null);
  const [now, setNow] = useState(Date.now);
  const [next, setNext] = useState<SceneData | null>(null);
  const channel = useRef<BroadcastChannel | null>(null);

  useEffect(() => {
    const c = new BroadcastChannel(channelName(deckId));
    channel.current = c;
    c.onmessage = (e: MessageEvent<ShowMessage>) => {
      if (e.data.type === 'state') setState({ index: e.data.index, black: e.data.black, startedAt: e.data.startedAt });
    };
    c.postMessage({ type: 'hello' } satisfies ShowMessage);
    return () => c.close();
  }, [deckId]);

  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);

  const index = state?.index ?? 0;
  const upcoming = deck?.scenes[index + 1] ?? null;
  useEffect(() => {
    setNext(null);
    if (!upcoming || !town) return;
    let current = true;
    sceneData(upcoming, town)
      .then((d) => current && setNext(d))
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [upcoming, town]);

  const send = (m: ShowMessage) => channel.current?.postMessage(m);
  useEffect(() => {
    const key = (e: KeyboardEvent) => {
      if (['PageDown', 'ArrowRight', 'ArrowDown', ' '].includes(e.key)) send({ type: 'go', index: index + 1 });
      else if (['PageUp', 'ArrowLeft', 'ArrowUp'].includes(e.key)) send({ type: 'go', index: index - 1 });
      else if (e.key === 'b' || e.key === 'B') send({ type: 'black', black: !state?.black });
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', key);
    return () => window.removeEventListener('keydown', key);
  });

  if (!canShow(session)) return <div className="present-message">只有领导和创文办管理员可以放映演示文稿</div>;
  if (error) return <div className="present-message">演示文稿加载失败：{error}</div>;
  if (!deck || !town) return <div className="present-message">正在加载…</div>;
  const scene = deck.scenes[index];
  return (
    <div className="presenter" data-index={state ? index : -1}>
      <header className="presenter-head">
        <span className="presenter-count">
          第 {index + 1} / {deck.scenes.length} 页{state?.black ? ' · 黑屏中' : ''}
        </span>
        <span className="presenter-timer" title="放映已用时间">
          {state ? clock(now - state.startedAt) : '等待放映窗口…'}
        </span>
        <span className="presenter-clock">{new Date(now).toLocaleTimeString('zh-CN', { hour: '2-digit', minute: '2-digit', hour12: false })}</span>
      </header>
      <main className="presenter-main">
        <section className="presenter-now">
          <h1>{scene.title}</h1>
          {scene.caption && <p className="presenter-caption">{scene.caption}</p>}
          <div className="presenter-notes" data-notes>
            {scene.notes || '（本页没有备注）'}
          </div>
        </section>
        <section className="presenter-next">
          <h2>下一页</h2>
          {upcoming ? (
            <div className="presenter-preview">
              <Slide town={town} theme="light" scene={upcoming} data={next} index={index + 1} count={deck.scenes.length} maps={false} />
            </div>
          ) : (
            <p>（已是最后一页）</p>
          )}
        </section>
      </main>
      <nav className="presenter-bar">
        <button type="button" onClick={() => send({ type: 'go', index: index - 1 })} disabled={index === 0}>
          上一页
        </button>
        <button type="button" onClick={() => send({ type: 'go', index: index + 1 })} disabled={!upcoming}>
          下一页
        </button>
        <button type="button" onClick={() => send({ type: 'black', black: !state?.black })}>
          {state?.black ? '恢复画面' : '黑屏'}
        </button>
      </nav>
    </div>
  );
}
