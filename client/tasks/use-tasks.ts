import { useCallback, useEffect, useState } from 'react';
import { api, type Tasks } from '../api/client.ts';
import type { LiveChange } from '../api/live.ts';
import { useLive } from '../api/use-live.ts';

/**
 * 我的待办 as the server answers it, reloaded (once for a burst) on every live change and when the
 * stream comes back; `now` is the server's time of the answer, for the countdowns. `onChange`
 * hears each change as it comes (the page reloads its open card with it).
 */
export function useTasks(onChange?: (c: LiveChange) => void): { answer: Tasks | null; error: string | null; now: number } {
  const [answer, setAnswer] = useState<Tasks | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [now, setNow] = useState(0);
  const [revision, setRevision] = useState(0);
  const refresh = useCallback(() => setRevision((r) => r + 1), []);
  useLive({ refresh, change: onChange }, 200);
  // biome-ignore lint/correctness/useExhaustiveDependencies: revision is the reload trigger
  useEffect(() => {
    let current = true;
    api
      .tasks()
      .then((a) => {
        if (!current) return;
        setAnswer(a);
        setNow(Date.parse(a.now));
        setError(null);
      })
      .catch((e: unknown) => current && setError(e instanceof Error ? e.message : String(e)));
    return () => {
      current = false;
    };
  }, [revision]);
  return { answer, error, now };
}
