import type * as maplibregl from 'maplibre-gl';
import { useEffect, useRef, useState } from 'react';
import type { SceneValue } from '../../server/schemas/decks.ts';
import { type LegendSpec, sceneLegend } from './legend.ts';
import { againstWord } from './scene-data.ts';
import type { PresentTown, SceneData } from './scene-load.ts';
import { SideView } from './side-view.tsx';
import { SlideMap } from './slide-map.tsx';

/** Body text at 1920×1080, in px: readable from the back of a hall. */
export const BODY_PX = 28;
/** The layout is drawn for 1080 px of height and at least 1440 of width (4:3), and scales with the screen. */
const DESIGN_HEIGHT = 1080;
const DESIGN_MIN_WIDTH = 1440;

/** The body text size of a slide of this size. */
export const bodyPx = (width: number, height: number) => BODY_PX * Math.min(height / DESIGN_HEIGHT, width / DESIGN_MIN_WIDTH);

/** A box's size, followed as it changes. */
export function useBoxSize<T extends HTMLElement>(): [React.RefObject<T | null>, { width: number; height: number }] {
  const ref = useRef<T>(null);
  const [size, setSize] = useState({ width: 0, height: 0 });
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const on = () => setSize({ width: el.clientWidth, height: el.clientHeight });
    on();
    const o = new ResizeObserver(on);
    o.observe(el);
    return () => o.disconnect();
  }, []);
  return [ref, size];
}

/** A map's legend on a slide (and over the time-lapse). */
export function Legend({ spec, className = '' }: { spec: LegendSpec; className?: string }) {
  return (
    <div className={`slide-legend ${className}`} data-domain={spec.domain ?? undefined}>
      <div className="slide-legend-title">{spec.title}</div>
      {spec.ramp ? (
        <div className="slide-legend-ramp">
          少<i style={{ background: `linear-gradient(90deg, ${spec.ramp.join(',')})` }} />多
        </div>
      ) : (
        <div className="slide-legend-steps">
          {spec.steps.map((x) => (
            <span key={x.label}>
              <i style={{ background: x.color }} />
              {x.label}
            </span>
          ))}
        </div>
      )}
    </div>
  );
}

export interface SlideProps {
  town: PresentTown;
  theme: 'light' | 'dark';
  scene: SceneValue;
  /** null while loading. */
  data: SceneData | null;
  index: number;
  count: number;
  /** Camera flights between scenes (the show's slide in sight). */
  fly?: boolean;
  /** Draws a map (false: the side only, as in thumbnails and the presenter's preview). */
  maps?: boolean;
  pixelRatio?: number;
  onMap?: (i: number, map: maplibregl.Map) => void;
  /** Called with `index` once every map of the scene has finished a frame of it (at once when it has none). */
  onDrawn?: (index: number) => void;
  /** The maps pan and zoom by hand (the editor's preview). */
  interactive?: boolean;
  /** Pictures of the maps instead of live maps (the printed handout). */
  pictures?: string[];
}

/**
 * One scene as a slide: title and caption, the map (two, this period and the one compared, on one
 * scale) with its legend, and the side element, laid out for 16:9 and 4:3 alike; every size follows
 * the body text, 28 px at 1080 lines.
 */
export function Slide({ town, theme, scene, data, index, count, fly, maps = true, pixelRatio, onMap, onDrawn, interactive, pictures }: SlideProps) {
  const [ref, size] = useBoxSize<HTMLDivElement>();
  const fontPx = bodyPx(size.width || 1920, size.height || 1080);
  const hasMap = scene.map.mode !== 'none';
  const cover = index === 0 && !hasMap;
  const side = data?.side;
  const wide = !hasMap || side?.kind === 'none';
  const live = maps && !pictures;
  const mapCount = live ? (data?.maps.length ?? 0) : 0;
  // Drawn: every map has reported a finished frame asked for this scene.
  const done = useRef({ index: -1, places: new Set<number>() });
  const reported = useRef(onDrawn);
  reported.current = onDrawn;
  const mapDrawn = (place: number, frame: number | undefined) => {
    if (frame !== index) return;
    if (done.current.index !== index) done.current = { index, places: new Set() };
    done.current.places.add(place);
    if (done.current.places.size === mapCount) reported.current?.(index);
  };
  useEffect(() => {
    if (data && mapCount === 0) reported.current?.(index);
  }, [data, index, mapCount]);
  return (
    <div
      ref={ref}
      className={`slide theme-${theme}${cover ? ' slide-cover' : ''}${wide ? ' slide-wide' : ''}`}
      style={{ fontSize: `${fontPx}px` }}
      data-scene={scene.id}
      data-loaded={data !== null}
    >
      <header className="slide-head">
        <h1>{scene.title}</h1>
        {scene.caption && <p className="slide-caption">{scene.caption}</p>}
      </header>
      <div className="slide-body">
        {hasMap && (
          <div className="slide-maps">
            <div className="slide-map-row">
              {(data?.maps ?? []).map((m, place) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: the place is the map (it stays from scene to scene and flies)
                <div className="slide-map" key={place} data-period={m.label} data-domain={data?.scale?.max}>
                  {pictures?.[place] && <img src={pictures[place]} alt={`${scene.title} ${m.label}`} />}
                  {live && size.width > 0 && (
                    <SlideMap
                      town={town}
                      theme={theme}
                      scene={scene}
                      data={m}
                      scale={data?.scale ?? null}
                      fly={fly}
                      pixelRatio={pixelRatio}
                      onMap={(map) => onMap?.(place, map)}
                      onDrawn={(frame) => mapDrawn(place, frame)}
                      interactive={interactive}
                      frame={index}
                    />
                  )}
                  {data && data.maps.length > 1 && <div className="slide-map-label">{m.label}</div>}
                </div>
              ))}
            </div>
            {data && <Legend spec={sceneLegend(scene, data.scale)} />}
          </div>
        )}
        {side && side.kind !== 'none' && (
          <aside className="slide-side">
            <SideView data={side} fontPx={fontPx} dark={theme === 'dark'} against={againstWord(scene)} />
          </aside>
        )}
        {!data && <div className="slide-loading">正在加载…</div>}
      </div>
      <footer className="slide-foot">
        <span>
          {town.meta.town.name}
          {town.meta.demo ? '（演示数据）' : ''}
        </span>
        <span>
          {index + 1} / {count}
        </span>
      </footer>
    </div>
  );
}
