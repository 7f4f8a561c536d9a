import { describe, expect, it } from 'vitest';
import { findRecurrences } from '../../server/analytics/recurrences.ts';
import { offsetKm } from '../../server/domain/geometry.ts';

const DAY = 86_400_000;
const ORIGIN: [number, number] = [120.3, 33.4];
/** A problem `m` metres east of the origin. */
function at(id: number, m: number, category: string, reportedAt: number, closedAt: number | null) {
  const [lon, lat] = offsetKm(ORIGIN, m / 1000, 0);
  return { id, lon, lat, category, reportedAt, closedAt };
}

describe('findRecurrences', () => {
  it('marks a report within 50 m of a same-category problem closed in the 90 days before', () => {
    const found = findRecurrences(
      [
        at(1, 0, 'flyposting', 0, 10 * DAY),
        at(2, 30, 'flyposting', 40 * DAY, null), // 30 m, 30 days after the close: a recurrence
        at(3, 30, 'littering', 40 * DAY, null), // another category
        at(4, 80, 'flyposting', 41 * DAY, null), // 80 m from 1 (and 50 m from 2, which is not closed)
        at(5, 10, 'flyposting', 101 * DAY, null), // 91 days after the close
        at(6, 5, 'flyposting', 5 * DAY, null), // reported while 1 was still open
      ].sort((a, b) => a.reportedAt - b.reportedAt),
    );
    expect(found.map((r) => [r.problemId, r.ofProblemId])).toEqual([[2, 1]]);
    expect(found[0].distanceM).toBeCloseTo(30, 0);
  });

  it('takes the nearest closed problem, and crosses cell borders', () => {
    const found = findRecurrences([at(1, 0, 'vendor', 0, DAY), at(2, 45, 'vendor', 0, DAY), at(3, 49, 'vendor', 2 * DAY, null)]);
    expect(found).toEqual([{ problemId: 3, ofProblemId: 2, distanceM: expect.closeTo(4, 0) }]);
  });
});
