import { useEffect, useState } from 'react';
import { api, type Tasks } from '../api/client.ts';
import { followLive } from '../api/live.ts';

/**
 * 我的待办 as the server answers it, reloaded (once for a burst) on every live change and when the
 * stream comes back; `now` is the server's time of the answer, for the countdowns.
 */
export function useTasks(): { answer: Tasks | null; error: string | null; now: number } {
  const [answer, setAnswer] = useState<Tasks | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [now, setNow] = useState(0);
  useEffect(() => {
    let pending: ReturnType<typeof setTimeout> | undefined;
    let current = true;
    const load = () => {
      api
        .tasks()
        .then((a) => {
          if (!current) return;
          setAnswer(a);
          setNow(Date.parse(a.now));
          setError(null);
        })
        .catch((e: unknown) => current && setError(e instanceof Error ? e.message : String(e)));
    };
    const refresh = () => {
      clearTimeout(pending);
      pending = setTimeout(load, 200);
    };
    load();
    const stop = followLive({ change: refresh, reset: refresh, online: (up) => up && refresh() });
    return () => {
      current = false;
      stop();
      clearTimeout(pending);
    };
  }, []);
  return { answer, error, now };
}
