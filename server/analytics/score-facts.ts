import type { ScoreFacts } from '../domain/scores.ts';
import type { ProblemRecord } from '../store/records.ts';
import type { Store } from '../store/store.ts';
import type { TownData } from '../town-data.ts';
import type { ProblemTable } from './problem-table.ts';

type Scored = Pick<ProblemRecord, 'id' | 'communityId' | 'unitId' | 'source' | 'siteId' | 'reportedAt' | 'deadline' | 'closedAt'>;

/** The facts scores are computed from, for these problems (the live table's rows, or their replay). */
export async function scoreFacts(problems: readonly Scored[], recurrent: ReadonlySet<number>, store: Store, town: TownData): Promise<ScoreFacts> {
  const checks = (await store.inspections.checkFailures()).flatMap((c) => {
    const site = town.siteById.get(c.siteId);
    return site ? [{ ...c, communityId: site.communityId, unitId: site.unitId }] : [];
  });
  return { problems, recurrent, checks };
}

/** The live table's rows and recurrences, as scores read them. */
export function tableProblems(table: ProblemTable): { problems: Scored[]; recurrent: Set<number> } {
  const problems: Scored[] = [];
  const recurrent = new Set<number>();
  for (let i = 0; i < table.size; i++) {
    const { id, communityId, unitId, source, siteId, reportedAt, deadline, closedAt } = table.record(i);
    problems.push({ id, communityId, unitId, source, siteId, reportedAt, deadline, closedAt });
    if (table.recurrent[i]) recurrent.add(id);
  }
  return { problems, recurrent };
}
