/**
 * Key projects (重点项目推进表): what a project's milestones say of it on a given day. Every status
 * the table, the map and the wall show comes from `projectStatus`, with the reasons behind it.
 */

export type ProjectStatus = 'done' | 'late' | 'at_risk' | 'on_track';

export const PROJECT_STATUS_NAMES: Record<ProjectStatus, string> = {
  on_track: '正常推进',
  at_risk: '存在风险',
  late: '滞后',
  done: '已完成',
};

/** The traffic-light colours of the map and table (done: blue, out of the light's three). */
export const PROJECT_STATUS_COLORS: Record<ProjectStatus, string> = {
  on_track: '#16a34a',
  at_risk: '#f59e0b',
  late: '#dc2626',
  done: '#2563eb',
};

export interface MilestoneFacts {
  name: string;
  /** YYYY-MM-DD */
  plannedOn: string;
  /** YYYY-MM-DD, null while not reached. */
  doneOn: string | null;
}

export interface ProjectFacts {
  startsOn: string;
  dueOn: string;
  /** 0–100 */
  percent: number;
  milestones: readonly MilestoneFacts[];
}

/** A milestone due within this many days and not reached puts the project at risk. */
export const AT_RISK_WITHIN_DAYS = 7;
/** Progress this many points behind an even pace from start to due date puts it at risk. */
export const AT_RISK_BEHIND_POINTS = 15;

const DAY = 86_400_000;
/** Whole days from `a` to `b` (YYYY-MM-DD). */
export const daysBetween = (a: string, b: string): number => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / DAY);

/** The percent an even pace would have reached on `today` (0 before the start, 100 from the due date). */
export function expectedPercent(p: Pick<ProjectFacts, 'startsOn' | 'dueOn'>, today: string): number {
  const span = daysBetween(p.startsOn, p.dueOn);
  if (span <= 0) return today >= p.dueOn ? 100 : 0;
  return Math.max(0, Math.min(100, Math.round((daysBetween(p.startsOn, today) / span) * 100)));
}

/**
 * A project's status on `today` (YYYY-MM-DD), with its reasons:
 * - 已完成 (done): 100% and every milestone reached;
 * - 滞后 (late): a milestone's planned date has passed without it, or the due date without 100%;
 * - 存在风险 (at risk): a milestone not reached is due within 7 days, or progress is more than
 *   15 points behind an even pace from start to due date;
 * - 正常推进 (on track) otherwise.
 */
export function projectStatus(p: ProjectFacts, today: string): { status: ProjectStatus; reasons: string[] } {
  const open = p.milestones.filter((m) => m.doneOn === null);
  if (p.percent >= 100 && open.length === 0) return { status: 'done', reasons: [] };
  const late: string[] = [];
  for (const m of open) if (m.plannedOn < today) late.push(`节点「${m.name}」计划 ${m.plannedOn} 完成，已逾期 ${daysBetween(m.plannedOn, today)} 天`);
  if (p.dueOn < today && p.percent < 100) late.push(`计划 ${p.dueOn} 完工，已逾期 ${daysBetween(p.dueOn, today)} 天，进度 ${p.percent}%`);
  if (late.length > 0) return { status: 'late', reasons: late };
  const risk: string[] = [];
  for (const m of open) {
    const left = daysBetween(today, m.plannedOn);
    if (left <= AT_RISK_WITHIN_DAYS) risk.push(`节点「${m.name}」${left === 0 ? '今天' : `${left} 天后`}到期，尚未完成`);
  }
  const expected = expectedPercent(p, today);
  if (expected - p.percent > AT_RISK_BEHIND_POINTS) risk.push(`进度 ${p.percent}%，按计划应达 ${expected}%`);
  if (risk.length > 0) return { status: 'at_risk', reasons: risk };
  return { status: 'on_track', reasons: [] };
}

/** The next milestone not reached yet (by planned date), or null. */
export function nextMilestone<M extends MilestoneFacts>(milestones: readonly M[]): M | null {
  return milestones.filter((m) => m.doneOn === null).sort((a, b) => a.plannedOn.localeCompare(b.plannedOn))[0] ?? null;
}
