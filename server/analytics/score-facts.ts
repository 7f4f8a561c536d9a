import { sourceCodes } from '../domain/catalogue.ts';
import type { ScoreFacts } from '../domain/scores.ts';
import type { ProblemRecord } from '../store/records.ts';
import type { Store } from '../store/store.ts';
import type { TownData } from '../town-data.ts';
import { NO_SITE, NO_UNIT, type ProblemTable } from './problem-table.ts';

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
  // the columns scores read, not whole records (no texts): the wall asks on every change
  const { communityIds, unitIds, siteIds } = table.dictionaries;
  for (let i = 0; i < table.size; i++) {
    const unit = table.unit[i];
    const site = table.site[i];
    problems.push({
      id: table.id[i],
      communityId: communityIds[table.community[i]],
      unitId: unit === NO_UNIT ? null : unitIds[unit],
      source: sourceCodes[table.source[i]],
      siteId: site === NO_SITE ? null : siteIds[site],
      reportedAt: table.reportedAt[i],
      deadline: Number.isNaN(table.deadline[i]) ? null : table.deadline[i],
      closedAt: Number.isNaN(table.closedAt[i]) ? null : table.closedAt[i],
    });
    if (table.recurrent[i]) recurrent.add(table.id[i]);
  }
  return { problems, recurrent };
}
