import { useEffect, useRef, useState } from 'react';
import { followLive, type LiveChange } from './live.ts';

export interface LiveHandlers {
  /** Once for a burst of changes (after `delayMs` quiet), after a reset, and when the stream is back: reload. */
  refresh: () => void;
  /** Each change as it comes (the open card, a toast). */
  change?: (c: LiveChange) => void;
  /** The stream is back (true) or lost (false). */
  online?: (up: boolean) => void;
  /** The wall's settings were saved. */
  wallConfig?: () => void;
}

/** Where the page's event stream is: connecting at first, then on, or off while it reconnects. */
export type LiveState = 'connecting' | 'on' | 'off';

/**
 * Follows /api/events for as long as the component is mounted: one stream per page, whose pages
 * share this rule for when to reload. The handlers may be new closures on each render.
 */
export function useLive(handlers: LiveHandlers, delayMs = 300): LiveState {
  const [state, setState] = useState<LiveState>('connecting');
  const latest = useRef(handlers);
  latest.current = handlers;
  useEffect(() => {
    let pending: ReturnType<typeof setTimeout> | undefined;
    const refresh = () => {
      clearTimeout(pending);
      pending = setTimeout(() => latest.current.refresh(), delayMs);
    };
    const stop = followLive({
      change: (c) => {
        refresh();
        latest.current.change?.(c);
      },
      reset: refresh,
      online: (up) => {
        setState(up ? 'on' : 'off');
        latest.current.online?.(up);
        if (up) refresh();
      },
      wallConfig: () => latest.current.wallConfig?.(),
      // New grid boundaries: every page draws and names grids, so it starts again from the server.
      areas: () => window.location.reload(),
    });
    return () => {
      stop();
      clearTimeout(pending);
    };
  }, [delayMs]);
  return state;
}

/** Whether a problem as loaded already shows a live change (its history holds that event or a later one). */
export function showsChange(problem: { id: number; history: readonly { id: number }[] }, c: LiveChange): boolean {
  return problem.id === c.problemId && problem.history.some((h) => h.id >= c.eventId);
}
