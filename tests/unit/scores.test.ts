import { describe, expect, it } from 'vitest';
import {
  type AreaScore,
  monthBounds,
  RULE_VERSIONS,
  type RuleVersion,
  redBlackLists,
  rulesFor,
  type ScoreFacts,
  scoreMonth,
} from '../../server/domain/scores.ts';

const at = (s: string) => Date.parse(`${s}+08:00`);
type P = ScoreFacts['problems'][number];
let nextId = 1;
const problem = (o: Partial<P> & Pick<P, 'communityId'>): P => ({
  id: nextId++,
  unitId: null,
  source: 'grid_patrol',
  siteId: null,
  reportedAt: at('2026-10-02T09:00:00'),
  deadline: null,
  closedAt: null,
  ...o,
});

/**
 * October 2026 in five villages, worked by hand against data/score-rules.json (version 2025-01):
 * every rule used, a cap that bites, and both vetoes.
 */
function october(): ScoreFacts {
  nextId = 1;
  const problems: P[] = [
    // A: two found by 督导检查 (−0.3 each), one by 模拟测评 (−1), closed on time
    problem({ communityId: 'A', source: 'inspection', reportedAt: at('2026-10-05T10:00:00') }),
    problem({ communityId: 'A', source: 'inspection', reportedAt: at('2026-10-06T10:00:00') }),
    problem({
      communityId: 'A',
      source: 'mock_evaluation',
      reportedAt: at('2026-10-10T10:00:00'),
      deadline: at('2026-10-11T10:00:00'),
      closedAt: at('2026-10-11T09:00:00'),
    }),
    // A: due 20 Sep, still open: week marks 27 Sep, 4, 11, 18, 25 Oct → 5 in October, −2.5 capped at −2 for one problem
    problem({ communityId: 'A', reportedAt: at('2026-09-10T00:00:00'), deadline: at('2026-09-20T00:00:00') }),
    // A: due 3 Oct noon, closed 17 Oct 13:00: marks 10 and 17 Oct noon → 2 weeks, −1
    problem({ communityId: 'A', reportedAt: at('2026-10-01T12:00:00'), deadline: at('2026-10-03T12:00:00'), closedAt: at('2026-10-17T13:00:00') }),
    // A: recurrences — at key site S1 (−1 × 2), and away from any site (−1)
    problem({ communityId: 'A', siteId: 'S1', reportedAt: at('2026-10-12T10:00:00') }),
    problem({ communityId: 'A', reportedAt: at('2026-10-13T10:00:00') }),
    // a recurrence in September does not count in October
    problem({ communityId: 'A', reportedAt: at('2026-09-13T10:00:00') }),
    // B: 25 found by 督导检查: −7.5, capped at −6
    ...Array.from({ length: 25 }, (_, i) =>
      problem({ communityId: 'B', source: 'inspection', reportedAt: at(`2026-10-${String(1 + i).padStart(2, '0')}T10:00:00`) }),
    ),
    // C: three recurrences at key site S2 in the month: −2 each, and the repeated-recurrence veto
    ...[3, 14, 28].map((d) => problem({ communityId: 'C', siteId: 'S2', reportedAt: at(`2026-10-${String(d).padStart(2, '0')}T10:00:00`) })),
    // D: five due in October, all closed on time: 100% ≥ 95% with at least 5 → +1
    ...[5, 9, 15, 21, 30].map((d) =>
      problem({
        communityId: 'D',
        reportedAt: at('2026-10-01T08:00:00'),
        deadline: at(`2026-10-${String(d).padStart(2, '0')}T18:00:00`),
        closedAt: at(`2026-10-${String(d).padStart(2, '0')}T17:00:00`),
      }),
    ),
    // E: one due in October, on time, but fewer than 5: no bonus
    problem({ communityId: 'E', deadline: at('2026-10-20T18:00:00'), closedAt: at('2026-10-19T18:00:00') }),
  ];
  const recurrent = new Set(problems.filter((p) => (p.communityId === 'A' && [6, 7, 8].includes(p.id)) || p.communityId === 'C').map((p) => p.id));
  const check = (id: number, siteId: string, communityId: string, roundKind: string, day: string, failed: string[]) => ({
    id,
    siteId,
    communityId,
    unitId: null,
    roundKind,
    checkedAt: at(`${day}T10:00:00`),
    failed,
  });
  const checks = [
    // S1 (A): market.order failed in September and again on 15 Oct (−3); market.clean on 15 and 25 Oct (−3)
    check(1, 'S1', 'A', 'supervision', '2026-09-28', ['market.order']),
    check(2, 'S1', 'A', 'supervision', '2026-10-15', ['market.order', 'market.clean', 'market.spillover']),
    check(3, 'S1', 'A', 'recheck', '2026-10-25', ['market.clean']),
    // S3 (B): a veto item failed in a 模拟测评 → veto; the same item failed at A's S1 in a 督导检查 did not veto A
    check(4, 'S3', 'B', 'mock_evaluation', '2026-10-20', ['market.spillover']),
    // S4 (E): failed once, then passed: nothing
    check(5, 'S4', 'E', 'supervision', '2026-10-02', ['school.parking']),
    check(6, 'S4', 'E', 'supervision', '2026-10-22', []),
  ];
  return { problems, recurrent, checks };
}

const line = (s: AreaScore, rule: string) => s.lines.find((l) => l.rule === rule);

describe('the monthly assessment (考核), worked by hand', () => {
  const scores = scoreMonth(october(), '2026-10', 'community', ['A', 'B', 'C', 'D', 'E']);
  const of = (area: string) => scores.find((s) => s.area === area) as AreaScore;

  it('A: every deduction rule, line by line', () => {
    const a = of('A');
    expect(a.lines.map((l) => [l.rule, l.points, l.count])).toEqual([
      ['found_inspection', -0.6, 2],
      ['found_mock_evaluation', -1, 1],
      ['overdue', -3, 2],
      ['recurrence', -3, 2],
      ['repeat_failure', -6, 2],
    ]);
    expect(line(a, 'found_inspection')?.problems).toEqual([1, 2]);
    expect(line(a, 'overdue')?.problems).toEqual([4, 5]);
    expect(line(a, 'recurrence')?.problems).toEqual([6, 7]);
    expect(line(a, 'repeat_failure')?.checks).toEqual([2, 3]);
    expect(a.score).toBe(100 - 0.6 - 1 - 3 - 3 - 6);
    expect(a.vetoes).toEqual([]);
  });

  it('B: a cap that bites, and the veto item failed in a 模拟测评', () => {
    const b = of('B');
    expect(line(b, 'found_inspection')).toMatchObject({ points: -6, uncapped: -7.5, count: 25 });
    expect(b.score).toBe(94);
    expect(b.vetoes).toEqual([{ rule: 'veto_item', name: '模拟测评中重点点位一票否决项不合格', problems: [], checks: [4] }]);
  });

  it('C: three recurrences at one key site — points and the veto; D: the bonus; E: nothing', () => {
    const c = of('C');
    expect(line(c, 'recurrence')).toMatchObject({ points: -6, count: 3 });
    expect(c.score).toBe(94);
    expect(c.vetoes.map((v) => [v.rule, v.problems.length])).toEqual([['repeated_recurrence', 3]]);
    expect(of('D').lines.map((l) => [l.rule, l.points])).toEqual([['on_time_bonus', 1]]);
    expect(of('D').score).toBe(101);
    expect(of('E')).toMatchObject({ score: 100, lines: [], vetoes: [] });
  });

  it('the 红黑榜: the best three not vetoed; the vetoed always on the black list', () => {
    const { red, black } = redBlackLists(scores);
    expect(red.map((s) => s.area)).toEqual(['D', 'E', 'A']);
    expect(black.map((s) => s.area)).toEqual(['B', 'C']);
  });

  it('the 红黑榜 when scores tie: nobody listed while all tie, ties at the cut listed together, nobody black-listed at the base', () => {
    const area = (name: string, score: number, base = 100) => ({ area: name, base, score, lines: [], vetoes: [] });
    // every village capped alike (the first day of a month): nothing tells them apart
    expect(redBlackLists(['A', 'B', 'C', 'D', 'E'].map((x) => area(x, 90)))).toEqual({ red: [], black: [] });
    // ties at the cut go together: four share the third place; the two worst lost points
    const list = [area('A', 95), area('B', 94), area('C', 92), area('D', 92), area('E', 92), area('F', 92), area('G', 88), area('H', 85)];
    const { red, black } = redBlackLists(list);
    expect(red.map((s) => s.area)).toEqual(['A', 'B', 'C', 'D', 'E', 'F']);
    expect(black.map((s) => s.area)).toEqual(['H', 'G']);
    // at or above the base: never black-listed; a vetoed one always is
    const vetoed = { ...area('V', 100, 90), vetoes: [{ rule: 'veto_item', name: 'x', problems: [], checks: [1] }] };
    expect(redBlackLists([area('A', 95, 90), area('B', 91, 90), vetoed])).toEqual({ red: [area('A', 95, 90), area('B', 91, 90)], black: [vetoed] });
  });

  it('by unit: a problem counts against its unit; one with none against nobody', () => {
    const facts = october();
    const withUnits = { ...facts, problems: facts.problems.map((p) => ({ ...p, unitId: p.communityId === 'B' ? 'U1' : null })) };
    const [u1] = scoreMonth(withUnits, '2026-10', 'unit', ['U1']);
    expect(u1.score).toBe(94);
  });
});

describe('rule versions', () => {
  it('a version applies from its month: a change re-scores from then on only', () => {
    const v1 = RULE_VERSIONS[0];
    const v2: RuleVersion = {
      ...v1,
      effectiveFrom: '2026-11',
      rules: v1.rules.map((r) => (r.code === 'found_inspection' ? { ...r, points: -0.5, cap: -20 } : r)),
    };
    const versions = [v1, v2];
    const facts = october();
    expect(scoreMonth(facts, '2026-10', 'community', ['B'], versions)).toEqual(scoreMonth(facts, '2026-10', 'community', ['B']));
    // the same 25 problems reported in November instead
    const shifted = { ...facts, problems: facts.problems.map((p) => ({ ...p, reportedAt: p.reportedAt + 31 * 86_400_000 })) };
    const [b] = scoreMonth(shifted, '2026-11', 'community', ['B'], versions);
    expect(line(b, 'found_inspection')).toMatchObject({ points: -12.5, count: 25 });
    expect(rulesFor('2024-12')).toBeNull();
    expect(scoreMonth(facts, '2024-12', 'community', ['A'])).toEqual([]);
    expect(monthBounds('2026-12')).toEqual([at('2026-12-01T00:00:00'), at('2027-01-01T00:00:00')]);
  });
});
