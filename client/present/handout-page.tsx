import { useEffect, useState } from 'react';
import type { Session } from '../api/client.ts';
import { MapCamera } from './map-pictures.tsx';
import { canShow } from './present-access.ts';
import { type SceneData, sceneData } from './scene-load.ts';
import { Slide } from './slide.tsx';
import { useDeck } from './use-deck.ts';
import './present.css';

/** A printed slide's box in CSS pixels (A4 landscape less the margins holds 16:9 at this size). */
const PAGE = { width: 1040, height: 585 };

interface Page {
  data: SceneData;
  pictures: string[];
}

/**
 * 讲义 (`/present/:id/handout`): the deck for print or PDF, one scene a landscape A4 page with its
 * speaker notes beneath; the maps are pictures drawn at 2× (a page of live maps would need a WebGL
 * context each). 打印 opens the browser's print dialog (save as PDF there).
 */
export function HandoutPage({ session, deckId }: { session: Session; deckId: number }) {
  const { deck, town, error } = useDeck(deckId);
  const [pages, setPages] = useState<Page[]>([]);
  const [failed, setFailed] = useState<string | null>(null);

  useEffect(() => {
    if (!deck || !town) return;
    let current = true;
    const camera = new MapCamera();
    const theme = deck.theme === 'dark' ? 'dark' : 'light';
    (async () => {
      const out: Page[] = [];
      for (const scene of deck.scenes) {
        const data = await sceneData(scene, town);
        const each = data.maps.length > 1 ? 0.5 : 1;
        const size = { width: Math.round(PAGE.width * 0.6 * each), height: Math.round(PAGE.height * 0.72) };
        const pictures: string[] = [];
        for (let k = 0; k < data.maps.length; k++) pictures.push(await (await camera.picture(town, theme, scene, data, k, size)).jpeg);
        if (!current) return;
        out.push({ data, pictures });
        setPages([...out]);
      }
    })()
      .catch((e: unknown) => current && setFailed(e instanceof Error ? e.message : String(e)))
      .finally(() => camera.close());
    return () => {
      current = false;
    };
  }, [deck, town]);

  if (!canShow(session)) return <div className="present-message">只有领导和创文办管理员可以使用演示文稿</div>;
  if (error || failed) return <div className="present-message">讲义生成失败：{error ?? failed}</div>;
  if (!deck || !town) return <div className="present-message">正在加载…</div>;
  const ready = pages.length === deck.scenes.length;
  return (
    <div className="handout" data-ready={ready}>
      <nav className="handout-bar">
        <a href="/present">返回列表</a>
        <span>{ready ? `共 ${deck.scenes.length} 页` : `正在准备第 ${pages.length + 1} / ${deck.scenes.length} 页…`}</span>
        <button type="button" className="primary" disabled={!ready} onClick={() => window.print()}>
          打印 / 存为 PDF
        </button>
      </nav>
      {pages.map((p, i) => {
        const scene = deck.scenes[i];
        return (
          <section className="handout-page" key={scene.id}>
            <div className="handout-slide" style={{ width: PAGE.width, height: PAGE.height }}>
              <Slide
                town={town}
                theme={deck.theme === 'dark' ? 'dark' : 'light'}
                scene={scene}
                data={p.data}
                index={i}
                count={deck.scenes.length}
                pictures={p.pictures}
              />
            </div>
            {scene.notes && <p className="handout-notes">备注：{scene.notes}</p>}
          </section>
        );
      })}
    </div>
  );
}
