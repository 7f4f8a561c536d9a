import { type Dispatch, type SetStateAction, useState } from 'react';
import { api, type ProblemDetail } from '../api/client.ts';
import { showsChange, useLive } from '../api/use-live.ts';
import { ACTION_NAMES } from '../panels/problem-card.tsx';
import { useKeyedLoad } from './use-keyed-load.ts';

/**
 * The problem whose card is open, kept current with the live changes: a change to it shows its new
 * status at once and reloads the card; any change bumps `setRevision` (the figures reload, once for
 * a burst) and is said by `notify`. Answers the card's problem (null while loading), a setter for a
 * change made here, and the live stream's state.
 */
export function useOpenProblem(
  problemId: number | null,
  readsProblems: boolean,
  setRevision: Dispatch<SetStateAction<number>>,
  notify: (key: string, text: string) => void,
  fail: (e: unknown) => void,
) {
  // Bumped when a live change touches the open problem, so that its card reloads.
  const [problemRevision, setProblemRevision] = useState(0);
  const problemKey = problemId !== null && readsProblems ? `${problemId}#${problemRevision}` : null;
  const [problemLoad, setProblemLoad] = useKeyedLoad(problemKey, (key) => api.problem(Number(key.split('#')[0])), fail);
  const problem = problemLoad && problemLoad.value.id === problemId ? problemLoad.value : null;
  const setProblem = (p: ProblemDetail) => {
    setProblemLoad({ key: problemKey ?? String(p.id), value: p });
    setRevision((r) => r + 1);
  };

  const live = useLive({
    refresh: () => setRevision((r) => r + 1),
    change: (c) => {
      if (c.problemId === problemId && !(problem && showsChange(problem, c))) {
        // The new status shows at once, from the message; the reload brings the rest of the card.
        setProblemLoad((l) => (l && l.value.id === c.problemId ? { ...l, value: { ...l.value, status: c.toStatus } } : l));
        setProblemRevision((r) => r + 1);
      }
      notify(`event-${c.eventId}`, `编号 ${c.problemId}：${ACTION_NAMES[c.action] ?? c.action}`);
    },
    // Back on: what changed meanwhile is reloaded (the figures by `refresh`), the open card too.
    online: (up) => up && setProblemRevision((r) => r + 1),
  });
  return { problem, setProblem, live };
}
