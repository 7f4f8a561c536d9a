import type { LiveChange } from '../../server/live.ts';

export type { LiveChange } from '../../server/live.ts';

/**
 * Follows /api/events. The browser alone gives up after an error or a non-200 answer, so this
 * re-creates the stream itself, at once the first time (behind nginx another process answers at
 * once), then after 1 s doubling to 5 s (a wall must be back within seconds of a server restart,
 * and one request every 5 s while it is away costs nothing), and resumes from the last event it
 * saw; `reset` means too much was missed: reload everything.
 */
export function followLive(handlers: {
  change: (c: LiveChange) => void;
  reset: () => void;
  online: (up: boolean) => void;
  /** The wall's settings were saved (`wall-config`). */
  wallConfig?: () => void;
  /** The grids or villages changed (`areas`, new boundaries committed). */
  areas?: () => void;
}): () => void {
  let last: number | null = null;
  let source: EventSource | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let delay = 1000;
  let failures = 0;
  let stopped = false;
  const connect = () => {
    source = new EventSource(last === null ? '/api/events' : `/api/events?lastEventId=${last}`);
    source.addEventListener('open', () => {
      delay = 1000;
      failures = 0;
      handlers.online(true);
    });
    source.addEventListener('change', (e) => {
      const m = e as MessageEvent<string>;
      last = Number(m.lastEventId);
      handlers.change(JSON.parse(m.data) as LiveChange);
    });
    source.addEventListener('reset', () => handlers.reset());
    source.addEventListener('wall-config', () => handlers.wallConfig?.());
    source.addEventListener('areas', () => handlers.areas?.());
    source.addEventListener('error', () => {
      source?.close();
      handlers.online(false);
      if (stopped) return;
      if (failures++ === 0) return connect();
      timer = setTimeout(connect, delay);
      delay = Math.min(delay * 2, 5000);
    });
  };
  connect();
  return () => {
    stopped = true;
    clearTimeout(timer);
    source?.close();
  };
}
