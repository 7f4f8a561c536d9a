import type * as maplibregl from 'maplibre-gl';
import { useEffect, useRef, useState } from 'react';
import type { SceneValue } from '../../server/schemas/decks.ts';
import type { BinScale } from './bins.ts';
import { type LegendSpec, sceneLegend } from './legend.ts';
import { againstWord } from './scene-data.ts';
import type { MapData, PresentTown, SceneData } from './scene-load.ts';
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
  /** Camera flights between scenes (the show). */
  fly?: boolean;
  /** Draws a map (false: the side only, as in thumbnails and the presenter's preview). */
  maps?: boolean;
  pixelRatio?: number;
  onMap?: (i: number, map: maplibregl.Map) => void;
  onDrawn?: (i: number) => void;
  /** The maps pan and zoom by hand (the editor's preview). */
  interactive?: boolean;
  /** Pictures of the maps instead of live maps (the printed handout). */
  pictures?: string[];
  /**
   * The show: a later scene to keep maps ready for (made and drawn out of sight), so no scene waits
   * for a map to be made; maps once made are kept. Undefined elsewhere: maps come and go with scenes.
   */
  park?: { scene: SceneValue; data: SceneData } | null;
}

interface Slot {
  /** 0: the first map, 1: the second (the period compared). */
  place: number;
  scene: SceneValue;
  data: MapData;
  scale: BinScale | null;
  parked: boolean;
}

/**
 * One scene as a slide: title and caption, the map (two, this period and the one compared, on one
 * scale) with its legend, and the side element, laid out for 16:9 and 4:3 alike; every size follows
 * the body text, 28 px at 1080 lines.
 */
export function Slide({ town, theme, scene, data, index, count, fly, maps = true, pixelRatio, onMap, onDrawn, interactive, pictures, park }: SlideProps) {
  const [ref, size] = useBoxSize<HTMLDivElement>();
  const fontPx = bodyPx(size.width || 1920, size.height || 1080);
  const hasMap = scene.map.mode !== 'none';
  const cover = index === 0 && !hasMap;
  const side = data?.side;
  const wide = !hasMap || side?.kind === 'none';
  // The maps' places: this scene's maps, else (in the show) a map kept ready for a later scene.
  const kept = useRef<(Slot | null)[]>([null, null]);
  const slots: (Slot | null)[] = [0, 1].map((i) => {
    const m = data?.maps[i];
    if (m) return { place: i, scene, data: m, scale: data?.scale ?? null, parked: false };
    const ahead = park?.data.maps[i];
    if (ahead) return { place: i, scene: park.scene, data: ahead, scale: park.data.scale, parked: true };
    const last = kept.current[i];
    return last ? { ...last, parked: true } : null;
  });
  // A map shown now that was parked a moment ago cuts to its view (there was no map to fly from).
  const wasShown = useRef<boolean[]>([false, false]);
  const flies = slots.map((slot, i) => !!fly && !!slot && !slot.parked && wasShown.current[i]);
  useEffect(() => {
    wasShown.current = slots.map((slot) => !!slot && !slot.parked);
  });
  if (park !== undefined) kept.current = slots;
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
        {(hasMap || slots.some((x) => x)) && (
          <div className={`slide-maps${hasMap ? '' : ' parked'}`}>
            <div className="slide-map-row">
              {slots.map((slot) =>
                slot ? (
                  // by place: a map stays from scene to scene and flies; one not shown now waits parked
                  <div
                    className={`slide-map${slot.parked ? ' parked' : ''}`}
                    key={slot.place}
                    data-period={slot.parked ? undefined : slot.data.label}
                    data-domain={slot.parked ? undefined : data?.scale?.max}
                  >
                    {pictures?.[slot.place] && <img src={pictures[slot.place]} alt={`${scene.title} ${slot.data.label}`} />}
                    {maps && !pictures && size.width > 0 && (
                      <SlideMap
                        town={town}
                        theme={theme}
                        scene={slot.scene}
                        data={slot.data}
                        scale={slot.scale}
                        fly={flies[slot.place]}
                        pixelRatio={pixelRatio}
                        onMap={(map) => onMap?.(slot.place, map)}
                        onDrawn={() => !slot.parked && onDrawn?.(slot.place)}
                        interactive={interactive}
                        frame={slot.parked ? -1 : index}
                      />
                    )}
                    {!slot.parked && data && data.maps.length > 1 && <div className="slide-map-label">{slot.data.label}</div>}
                  </div>
                ) : null,
              )}
            </div>
            {data && hasMap && <Legend spec={sceneLegend(scene, data.scale)} />}
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
