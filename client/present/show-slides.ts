import { useCallback, useEffect, useRef, useState } from 'react';
import type { SceneValue } from '../../server/schemas/decks.ts';
import { fliesSmoothly } from './frame-cost.ts';
import type { PresentTown, SceneData } from './scene-load.ts';
import { FLIGHT_MS, sceneView } from './slide-map.tsx';

/** A scene with its data, as put on one of the show's two slides. */
export interface Shown {
  index: number;
  data: SceneData;
}

type Pair<T> = [T, T];
/** How long after a scene is drawn the next one starts to be drawn ahead: the screen shows the scene first. */
const AHEAD_DELAY_MS = 100;
const other = (k: 0 | 1): 0 | 1 => (k === 0 ? 1 : 0);

/**
 * Whether the camera flies from scene `a` to scene `b`: the same maps showing the same kind of
 * picture, looking somewhere else, on a machine that draws them fast enough for a smooth flight.
 * Otherwise the show cuts.
 */
export function fliesOn(a: { scene: SceneValue; data: SceneData }, b: { scene: SceneValue; data: SceneData }, town: PresentTown): boolean {
  const kinds = (x: { scene: SceneValue; data: SceneData }) => x.data.maps.map((m) => (m.bins ? 'bins' : x.scene.map.mode)).join();
  if (a.data.maps.length === 0 || kinds(a) !== kinds(b) || !fliesSmoothly(a.data.maps.length)) return false;
  return JSON.stringify(sceneView(a.scene, town)) !== JSON.stringify(sceneView(b.scene, town));
}

export interface ShowSlides {
  /** Which slide is in sight. */
  front: 0 | 1;
  /** What each slide holds. */
  on: Pair<Shown | null>;
  /** The scene in sight when it is completely drawn, else -1. */
  drawn: number;
  /** The next scene when it is drawn out of sight, ready to come at once, else -1. */
  ready: number;
  /** For each slide's Slide: the scene it has completely drawn. */
  onDrawn: (slide: 0 | 1, index: number) => void;
}

/**
 * The show's two slides. The next scene, once loaded, is drawn on the slide out of sight; its key
 * brings that slide into sight at once (in software GL a map takes seconds to draw a new picture).
 * When the camera flies there, the slide in sight flies first and the one drawn ahead takes over as
 * it lands. A scene not drawn ahead (a jump, a key pressed early) flies on the slide in sight, or
 * goes on the other and comes into sight as it draws.
 */
export function useShowSlides(scenes: SceneValue[] | undefined, town: PresentTown | null, shown: Shown | null, ahead: Shown | null): ShowSlides {
  // `landing`: the slide in sight flies while the other, drawn ahead, waits to take over
  const [state, setState] = useState<{ front: 0 | 1; on: Pair<Shown | null>; landing: boolean }>({ front: 0, on: [null, null], landing: false });
  const [slideDrawn, setSlideDrawn] = useState<Pair<number>>([-1, -1]);
  const landing = useRef<number | undefined>(undefined);

  const now = useRef(state);
  now.current = state;

  useEffect(() => {
    if (!shown || !scenes || !town) return;
    const flies = (here: Shown | null) =>
      !!here && fliesOn({ scene: scenes[here.index], data: here.data }, { scene: scenes[shown.index], data: shown.data }, town);
    const { front, on } = now.current;
    const back = other(front);
    const next: Pair<Shown | null> = [...on];
    window.clearTimeout(landing.current);
    if (on[back]?.index === shown.index) {
      if (!flies(on[front])) return setState({ front: back, on, landing: false });
      // fly in sight, then hand over to the slide drawn ahead as the camera lands
      next[front] = shown;
      setState({ front, on: next, landing: true });
      landing.current = window.setTimeout(() => setState((s) => (s.landing ? { ...s, front: back, landing: false } : s)), FLIGHT_MS);
    } else if (flies(on[front])) {
      next[front] = shown;
      setState({ front, on: next, landing: false });
    } else {
      next[back] = shown;
      setState({ front: back, on: next, landing: false });
    }
  }, [shown, scenes, town]);
  useEffect(() => () => window.clearTimeout(landing.current), []);

  const onDrawn = useCallback((k: 0 | 1, i: number) => setSlideDrawn((d) => (k === 0 ? [i, d[1]] : [d[0], i])), []);
  const inSight = state.on[state.front];
  const drawn = inSight && inSight.index === shown?.index && slideDrawn[state.front] === inSight.index ? inSight.index : -1;

  // The next scene, once loaded, drawn ahead out of sight: after the scene in sight is drawn and on
  // the screen (making a map holds the page for a second in software GL).
  useEffect(() => {
    if (!ahead || !shown || ahead.index !== shown.index + 1 || state.landing || drawn !== shown.index) return;
    const place = () =>
      setState((s) => {
        if (s.landing || s.on[s.front]?.index !== shown.index) return s;
        const next: Pair<Shown | null> = [...s.on];
        next[other(s.front)] = ahead;
        return { ...s, on: next };
      });
    // two frames: the scene is on the screen; then a moment for the screen to settle
    let later = 0;
    let frame = requestAnimationFrame(() => {
      frame = requestAnimationFrame(() => {
        later = window.setTimeout(place, AHEAD_DELAY_MS);
      });
    });
    return () => {
      cancelAnimationFrame(frame);
      window.clearTimeout(later);
    };
  }, [ahead, shown, state.landing, drawn]);
  const back = other(state.front);
  const waiting = state.on[back];
  const ready = waiting && shown && waiting.index === shown.index + 1 && slideDrawn[back] === waiting.index ? waiting.index : -1;
  return { front: state.front, on: state.on, drawn, ready, onDrawn };
}
