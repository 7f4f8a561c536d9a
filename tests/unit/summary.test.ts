import { describe, expect, it } from 'vitest';
import { ProblemTable } from '../../server/analytics/problem-table.ts';
import { summarizeByBlocks, summarizeByScan } from '../../server/analytics/stats.ts';
import { statusCodes } from '../../server/domain/lifecycle.ts';
import { Random } from '../../server/domain/random.ts';
import type { ProblemRecord } from '../../server/store/records.ts';

const DAY = 86_400_000;
const DICTIONARIES = { townIds: ['t'], gridIds: ['g'], communityIds: ['c'], unitIds: [], siteIds: [] };
const NOW = Date.parse('2026-11-27T15:00:00+08:00');

function randomProblem(rng: Random, id: number): ProblemRecord {
  // Some exactly at midnight: today's, this Monday's (week start) and others, to test the bounds.
  const reportedAt = rng.chance(0.05) ? Date.parse('2026-11-27T00:00:00+08:00') - rng.int(8) * DAY : NOW - rng.int(200) * DAY - rng.int(DAY);
  const status = statusCodes[rng.int(statusCodes.length)];
  return {
    id,
    townId: 't',
    siteId: null,
    description: '',
    address: '',
    measure: null,
    updatedAt: reportedAt,
    version: 1,
    lon: 120.3 + rng.next() * 0.1,
    lat: 33.3 + rng.next() * 0.1,
    gridId: 'g',
    communityId: 'c',
    category: 'flyers',
    source: 'grid_patrol',
    status,
    unitId: null,
    reportedAt,
    // Some without a deadline; some durations that are not whole milliseconds.
    deadline: rng.chance(0.1) ? null : reportedAt + rng.int(10) * DAY,
    closedAt: status === 'closed' ? reportedAt + rng.int(30 * DAY) + (rng.chance(0.3) ? 0.5 : 0) : null,
  };
}

function tableOf(n: number, seed: number): ProblemTable {
  const rng = new Random(seed);
  const table = new ProblemTable(DICTIONARIES);
  for (let id = 1; id <= n; id++) table.upsert(randomProblem(rng, id));
  return table;
}

describe('summary from block aggregates', () => {
  it('equals the row-by-row summary for random date ranges', () => {
    const table = tableOf(20_000, 1);
    const rng = new Random(2);
    for (let trial = 0; trial < 40; trial++) {
      const a = NOW - rng.int(220) * DAY + rng.int(DAY);
      const b = a + rng.int(120) * DAY;
      const from = rng.chance(0.2) ? undefined : a;
      const to = rng.chance(0.2) ? undefined : b;
      expect(summarizeByBlocks(table, from, to, NOW)).toEqual(summarizeByScan(table, { from, to }, NOW));
    }
  });

  it('stays equal after rows change and new rows arrive', () => {
    const table = tableOf(9_000, 3);
    summarizeByBlocks(table, undefined, undefined, NOW);
    const rng = new Random(4);
    for (let k = 0; k < 50; k++) table.upsert(randomProblem(rng, 1 + rng.int(9_000)));
    for (let id = 9_001; id <= 9_500; id++) table.upsert(randomProblem(rng, id));
    expect(summarizeByBlocks(table, undefined, undefined, NOW)).toEqual(summarizeByScan(table, {}, NOW));
    expect(summarizeByBlocks(table, NOW - 30 * DAY, NOW, NOW + 5 * DAY)).toEqual(summarizeByScan(table, { from: NOW - 30 * DAY, to: NOW }, NOW + 5 * DAY));
  });

  it('handles an empty table and a single row', () => {
    const empty = new ProblemTable(DICTIONARIES);
    expect(summarizeByBlocks(empty, undefined, undefined, NOW)).toEqual(summarizeByScan(empty, {}, NOW));
    const one = tableOf(1, 5);
    expect(summarizeByBlocks(one, undefined, undefined, NOW)).toEqual(summarizeByScan(one, {}, NOW));
  });
});
