import { useMemo } from 'react';
import { shanghaiDate } from '../../server/domain/calendar.ts';
import { api, patrolDaysOf, type Session } from '../api/client.ts';
import { VETO_SCORE } from '../map/choropleth.ts';
import { useKeyedLoad } from './use-keyed-load.ts';
import type { ViewState } from './view-state.ts';

/**
 * What the grid choropleth needs besides the problem figures, loaded only while it is shown and
 * again with every change (`revision`): 巡查覆盖 (not for units: they see nothing of patrols), and
 * 村居考核得分 of the month on screen (this month when none is chosen), a veto as VETO_SCORE.
 */
export function useGridMetric(view: ViewState | null, user: Session['user'], revision: number, now: number, fail: (e: unknown) => void) {
  const grid = view?.mode === 'grid';
  const showsCoverage = grid && view?.metric === 'patrol' && user?.role !== 'unit';
  const [coverageLoad] = useKeyedLoad(showsCoverage ? `${revision}` : null, () => api.coverage(7), fail);
  const patrolDays = useMemo(() => (showsCoverage && coverageLoad ? patrolDaysOf(coverageLoad.value) : undefined), [showsCoverage, coverageLoad]);

  const month = view?.month ?? (now > 0 ? shanghaiDate(now).slice(0, 7) : null);
  const showsScores = grid && view?.metric === 'score' && month !== null;
  const [scoresLoad] = useKeyedLoad(showsScores ? `${revision}|${month}` : null, (key) => api.scores(key.slice(key.indexOf('|') + 1)), fail);
  const scores = useMemo(
    () =>
      showsScores && scoresLoad?.key.endsWith(`|${month}`)
        ? new Map(scoresLoad.value.scores.map((s) => [s.area, s.vetoes.length > 0 ? VETO_SCORE : s.score]))
        : undefined,
    [showsScores, scoresLoad, month],
  );
  return { patrolDays, scores, scoreMonth: showsScores ? month : null };
}
