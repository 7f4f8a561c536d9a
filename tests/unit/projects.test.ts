import { describe, expect, it } from 'vitest';
import { expectedPercent, nextMilestone, projectStatus } from '../../server/domain/projects.ts';

/** A project from 2026-09-01 to 2026-12-31 with three milestones (worked by hand below). */
const project = (percent: number, done: (string | null)[]) => ({
  startsOn: '2026-09-01',
  dueOn: '2026-12-31',
  percent,
  milestones: [
    { name: '方案批复', plannedOn: '2026-09-30', doneOn: done[0] },
    { name: '主体完工', plannedOn: '2026-11-30', doneOn: done[1] },
    { name: '竣工验收', plannedOn: '2026-12-31', doneOn: done[2] },
  ],
});

describe('key project status (重点项目状态)', () => {
  it('an even pace: 0 before the start, 100 from the due date, linear between', () => {
    expect(expectedPercent(project(0, []), '2026-08-01')).toBe(0);
    expect(expectedPercent(project(0, []), '2026-09-01')).toBe(0);
    // 2026-11-01 is 61 of the 121 days: 50.4% → 50
    expect(expectedPercent(project(0, []), '2026-11-01')).toBe(50);
    expect(expectedPercent(project(0, []), '2027-01-05')).toBe(100);
    expect(expectedPercent({ startsOn: '2026-10-01', dueOn: '2026-10-01' }, '2026-09-30')).toBe(0);
  });

  it('on track: milestones met, progress at pace, nothing due within 7 days', () => {
    expect(projectStatus(project(45, ['2026-09-28', null, null]), '2026-11-01')).toEqual({ status: 'on_track', reasons: [] });
  });

  it('at risk: a milestone due within 7 days, or more than 15 points behind an even pace', () => {
    expect(projectStatus(project(70, ['2026-09-28', null, null]), '2026-11-24')).toEqual({
      status: 'at_risk',
      reasons: ['节点「主体完工」6 天后到期，尚未完成'],
    });
    expect(projectStatus(project(70, ['2026-09-28', null, null]), '2026-11-30').reasons).toEqual(['节点「主体完工」今天到期，尚未完成']);
    // 2026-11-01: 50% expected; 34% is 16 behind (at risk), 35% is 15 behind (on track)
    expect(projectStatus(project(34, ['2026-09-28', null, null]), '2026-11-01')).toEqual({ status: 'at_risk', reasons: ['进度 34%，按计划应达 50%'] });
    expect(projectStatus(project(35, ['2026-09-28', null, null]), '2026-11-01').status).toBe('on_track');
  });

  it('late: a planned date passed without the milestone, or the due date without 100%; late wins over at risk', () => {
    expect(projectStatus(project(40, [null, null, null]), '2026-10-05')).toEqual({
      status: 'late',
      reasons: ['节点「方案批复」计划 2026-09-30 完成，已逾期 5 天'],
    });
    expect(projectStatus(project(95, ['2026-09-28', '2026-11-20', '2026-12-30']), '2027-01-03')).toEqual({
      status: 'late',
      reasons: ['计划 2026-12-31 完工，已逾期 3 天，进度 95%'],
    });
  });

  it('done: 100% with every milestone reached, whatever the dates', () => {
    expect(projectStatus(project(100, ['2026-10-10', '2026-12-10', '2027-01-20']), '2027-02-01')).toEqual({ status: 'done', reasons: [] });
    // 100% with a milestone open is not done: it is late
    expect(projectStatus(project(100, ['2026-10-10', null, null]), '2026-12-05').status).toBe('late');
  });

  it('the next milestone is the earliest planned one not reached', () => {
    expect(nextMilestone(project(0, ['2026-09-28', null, null]).milestones)?.name).toBe('主体完工');
    expect(nextMilestone(project(100, ['a', 'b', 'c']).milestones)).toBeNull();
  });
});
