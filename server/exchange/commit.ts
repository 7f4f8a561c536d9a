import type { ImportRow } from '../store/import-store.ts';
import type { ProblemDraft } from '../store/records.ts';
import type { RowReport } from './import-rows.ts';

/**
 * The rows of a dry run that are to be added, as problems with their one event: `import`, at the
 * time of the import, by who imported, setting the status, unit, measure, deadline and 销号 time the
 * sheet gave (so that replaying the event gives the row). The event note names the file and line.
 */
export function importRows(reports: readonly RowReport[], who: { actor: string; townId: string; filename: string; now: number }): ImportRow[] {
  const rows: ImportRow[] = [];
  for (const r of reports) {
    const p = r.problem;
    if (!p) continue;
    const draft: ProblemDraft = {
      problem: {
        townId: who.townId,
        lon: p.lon,
        lat: p.lat,
        gridId: p.gridId,
        communityId: p.communityId,
        category: p.category,
        source: p.source,
        status: p.status,
        unitId: p.unitId,
        siteId: null,
        description: p.description,
        address: p.address,
        measure: p.measure,
        reportedAt: p.reportedAt,
        deadline: p.deadline,
        closedAt: p.closedAt,
        updatedAt: who.now,
        version: 1,
      },
      events: [
        {
          at: who.now,
          actor: who.actor,
          action: 'import',
          fromStatus: null,
          toStatus: p.status,
          note: `导入：${who.filename} 第 ${r.line} 行`,
          photos: [],
          changes: { unitId: p.unitId, measure: p.measure, deadline: p.deadline, closedAt: p.closedAt },
        },
      ],
    };
    rows.push({ draft, line: r.line, fingerprint: p.fingerprint });
  }
  return rows;
}
