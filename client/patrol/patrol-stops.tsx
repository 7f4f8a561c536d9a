import { toShanghaiIso } from '../../server/domain/calendar.ts';
import type { Answer } from '../../server/schemas/api.ts';
import { km } from './distance-text.ts';
import { navigationLinks } from './navigation.ts';
import { StopCheckin } from './patrol-run.tsx';
import { deadlineText } from './patrol-sheet.tsx';
import type { ActivePatrol, usePatrolRecord } from './use-patrol-record.ts';

type Plan = Answer<'POST /api/patrols/plan'>;

/**
 * The plan's stops in walking order: what, where, when, how far from the last; a tap opens 导航
 * and 锁定 / 去掉; during a patrol each stop has its check-in.
 */
export function PatrolStops({
  plan,
  selected,
  onSelect,
  lock,
  onLock,
  onDrop,
  active,
  record,
}: {
  plan: Plan;
  selected: number | null;
  onSelect: (i: number | null) => void;
  lock: readonly number[];
  onLock: (problemId: number) => void;
  onDrop: (problemId: number) => void;
  active: ActivePatrol | null;
  record: ReturnType<typeof usePatrolRecord>;
}) {
  return (
    <ol className="patrol-stops">
      {plan.stops.map((s, i) => {
        const leg = plan.legs[i];
        return (
          <li key={s.problemId ?? s.siteId} data-stop={i} aria-current={selected === i}>
            <button type="button" className="patrol-stop-head" onClick={() => onSelect(selected === i ? null : i)}>
              <span className="patrol-number">{i + 1}</span>
              <span className={`tag kind-${s.kind}`}>{s.kindName}</span>
              <strong>{s.name}</strong>
            </button>
            <p className="patrol-stop-where">{s.address}</p>
            <p className="muted">
              约第 {s.arriveMinute} 分钟到达 · 距上一站 {km(leg.meters)}
              {leg.straight ? '（无道路连通，直线估算）' : leg.offRoadMeters > 50 ? `（含 ${leg.offRoadMeters} 米无路段）` : ''}
              {s.deadline && ` · 期限 ${deadlineText(s.deadline, toShanghaiIso(Date.now()))}`}
            </p>
            {selected === i && (
              <div className="patrol-stop-actions">
                {navigationLinks(s.lon, s.lat, s.name).map((l) => (
                  <a key={l.app} className="patrol-button" href={l.href} target="_blank" rel="noreferrer" data-nav={l.app}>
                    {l.label}导航
                  </a>
                ))}
                {s.problemId !== null && (
                  <>
                    <a className="patrol-button" href={`/tasks?problem=${s.problemId}`}>
                      查看问题
                    </a>
                    <button
                      type="button"
                      className="patrol-button"
                      aria-pressed={lock.includes(s.problemId)}
                      data-lock={s.problemId}
                      onClick={() => onLock(s.problemId as number)}
                    >
                      {s.locked ? '取消锁定' : '锁定'}
                    </button>
                    <button type="button" className="patrol-button" data-drop={s.problemId} onClick={() => onDrop(s.problemId as number)}>
                      去掉
                    </button>
                  </>
                )}
              </div>
            )}
            {active && <StopCheckin stop={s} active={active} record={record} />}
          </li>
        );
      })}
    </ol>
  );
}
