import { useEffect, useState } from 'react';
import { api } from '../api/client.ts';

/**
 * The header's link to 我的待办 with its count (red when some are overdue); reloaded when
 * `revision` moves (a change here or on the live stream).
 */
export function TasksBadge({ revision }: { revision: number }) {
  const [counts, setCounts] = useState<{ total: number; overdue: number } | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: revision is the reload trigger
  useEffect(() => {
    let current = true;
    api
      .tasks(1)
      .then((a) => current && setCounts({ total: a.total, overdue: a.overdue }))
      .catch(() => undefined);
    return () => {
      current = false;
    };
  }, [revision]);
  return (
    <a className="tasks-link" href="/tasks" data-tasks-total={counts?.total ?? ''}>
      我的待办
      {counts && counts.total > 0 && (
        <span className={`badge${counts.overdue > 0 ? ' badge-alert' : ''}`} title={`逾期 ${counts.overdue} 件`}>
          {counts.total > 999 ? '999+' : counts.total}
        </span>
      )}
    </a>
  );
}
