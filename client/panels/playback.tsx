import { useEffect, useRef } from 'react';
export const SPEEDS = [
  { code: 0.5, name: '0.5×' },
  { code: 1, name: '1×' },
  { code: 2, name: '2×' },
] as const;

/** Milliseconds a month stays on screen at speed 1×. */
export const MONTH_MS = 1600;

/**
 * Plays the months: the next one once the current one is on screen (`shown`), every MONTH_MS at
 * speed 1; `onEnd` after the last.
 */
export function usePlaybackTimer(p: {
  playing: boolean;
  month: string | null;
  shown: boolean;
  months: readonly string[];
  speed: number;
  onMonth: (month: string) => void;
  onEnd: () => void;
}): void {
  const handlers = useRef(p);
  handlers.current = p;
  const { playing, month, shown, months, speed } = p;
  useEffect(() => {
    if (!playing || !month || !shown) return;
    const i = months.indexOf(month);
    const timer = setTimeout(() => {
      if (i < 0 || i >= months.length - 1) handlers.current.onEnd();
      else handlers.current.onMonth(months[i + 1]);
    }, MONTH_MS / speed);
    return () => clearTimeout(timer);
  }, [playing, month, shown, months, speed]);
}

export interface PlaybackProps {
  months: string[];
  month: string | null;
  playing: boolean;
  speed: number;
  onMonth: (month: string | null) => void;
  onPlaying: (playing: boolean) => void;
  onSpeed: (speed: number) => void;
}

const label = (m: string) => `${m.slice(0, 4)}年${Number(m.slice(5))}月`;

/** Month-by-month playback of the map: play, pause, speed, scrub; 退出 returns to the chosen period. */
export function Playback({ months, month, playing, speed, onMonth, onPlaying, onSpeed }: PlaybackProps) {
  if (months.length === 0) return null;
  const index = month ? months.indexOf(month) : -1;
  return (
    <fieldset className="playback" aria-label="按月回放">
      <button
        type="button"
        className="play"
        aria-label={playing ? '暂停' : '播放'}
        onClick={() => {
          if (!playing && (index < 0 || index === months.length - 1)) onMonth(months[0]);
          onPlaying(!playing);
        }}
      >
        {playing ? '❚❚' : '▶'}
      </button>
      <input
        type="range"
        aria-label="回放月份"
        min={0}
        max={months.length - 1}
        value={Math.max(index, 0)}
        onChange={(e) => onMonth(months[Number(e.target.value)])}
      />
      <span className="playback-month" data-month={month ?? ''}>
        {month ? label(month) : '按月回放'}
      </span>
      <select aria-label="回放速度" value={speed} onChange={(e) => onSpeed(Number(e.target.value))}>
        {SPEEDS.map((s) => (
          <option key={s.code} value={s.code}>
            {s.name}
          </option>
        ))}
      </select>
      {month && (
        <button
          type="button"
          onClick={() => {
            onPlaying(false);
            onMonth(null);
          }}
        >
          退出回放
        </button>
      )}
    </fieldset>
  );
}
