import ruleData from '../../data/score-rules.json' with { type: 'json' };
import { shanghaiMidnight } from './calendar.ts';
import { findItem } from './checklists.ts';

/**
 * The monthly assessment (考核): a score per village (or unit) per month, a base plus one line per
 * rule naming the problems and checks behind it, and the vetoes (一票否决) of the month. Rules are
 * data (data/score-rules.json), versioned by the month they apply from. A pure function of the
 * problems' rows (themselves the replay of their events), the recurrences and the site checks: the
 * same facts give the same scores, however they were arrived at.
 */

type CountRule = { code: 'found_inspection' | 'found_mock_evaluation' | 'repeat_failure'; name: string; points: number; cap?: number };
type OverdueRule = { code: 'overdue'; name: string; points: number; perProblemCap?: number; cap?: number };
type RecurrenceRule = { code: 'recurrence'; name: string; points: number; keySiteFactor?: number; cap?: number };
type BonusRule = { code: 'on_time_bonus'; name: string; points: number; threshold: number; minimum: number };
export type ScoreRule = CountRule | OverdueRule | RecurrenceRule | BonusRule;
export type VetoRule = { code: 'veto_item'; name: string } | { code: 'repeated_recurrence'; name: string; count: number };

export interface RuleVersion {
  /** YYYY-MM: the first month it applies to. */
  effectiveFrom: string;
  base: number;
  rules: ScoreRule[];
  veto: VetoRule[];
}

export const RULE_VERSIONS: readonly RuleVersion[] = [...(ruleData.versions as RuleVersion[])].sort((a, b) => a.effectiveFrom.localeCompare(b.effectiveFrom));

/** The rules in force in a month: the latest version effective by then (null before the first). */
export function rulesFor(month: string, versions: readonly RuleVersion[] = RULE_VERSIONS): RuleVersion | null {
  return versions.filter((v) => v.effectiveFrom <= month).at(-1) ?? null;
}

/** What scores are computed from. */
export interface ScoreFacts {
  problems: readonly {
    id: number;
    communityId: string;
    unitId: string | null;
    source: string;
    siteId: string | null;
    reportedAt: number;
    deadline: number | null;
    closedAt: number | null;
  }[];
  /** Ids of the problems that are recurrences (反弹). */
  recurrent: ReadonlySet<number>;
  /** Site checks, each with its site's village and unit and its round's kind. */
  checks: readonly {
    id: number;
    siteId: string;
    communityId: string;
    unitId: string | null;
    roundKind: string;
    checkedAt: number;
    failed: readonly string[];
  }[];
}

export interface ScoreLine {
  rule: string;
  name: string;
  /** Points after the rule's cap. */
  points: number;
  /** Before the cap (equal when no cap bit). */
  uncapped: number;
  count: number;
  problems: number[];
  checks: number[];
}

export interface AreaScore {
  area: string;
  base: number;
  score: number;
  lines: ScoreLine[];
  vetoes: { rule: string; name: string; problems: number[]; checks: number[] }[];
}

const WEEK = 7 * 86_400_000;
const round2 = (v: number) => Math.round(v * 100) / 100;

/** [start, end) of a month, Asia/Shanghai. */
export function monthBounds(month: string): [number, number] {
  const [y, m] = month.split('-').map(Number);
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  return [shanghaiMidnight(`${month}-01`), shanghaiMidnight(`${next}-01`)];
}

/** Weeks of lateness that end inside [a, b): the 7-day marks after the deadline passed in it. */
function weeksLateIn(deadline: number, a: number, b: number): number {
  if (b <= a) return 0;
  return Math.floor((b - deadline) / WEEK) - Math.floor((a - deadline) / WEEK);
}

/** A rule's total for one area, capped (a cap bounds a deduction from below, a bonus from above). */
function capped(total: number, cap: number | undefined): number {
  if (cap === undefined) return total;
  return cap < 0 ? Math.max(total, cap) : Math.min(total, cap);
}

/**
 * Each area's score for a month. `areas` are the villages' (or units') ids to score, every one of
 * them even with nothing against it; `by` says which a problem or check counts against.
 */
export function scoreMonth(
  facts: ScoreFacts,
  month: string,
  by: 'community' | 'unit',
  areas: readonly string[],
  versions: readonly RuleVersion[] = RULE_VERSIONS,
): AreaScore[] {
  const version = rulesFor(month, versions);
  if (!version) return [];
  const [start, end] = monthBounds(month);
  const areaOf = (x: { communityId: string; unitId: string | null }) => (by === 'community' ? x.communityId : x.unitId);
  const evidence = new Map<string, Map<string, { points: number; count: number; problems: number[]; checks: number[] }>>();
  const add = (area: string | null, rule: string, points: number, ref: { problem?: number; check?: number }) => {
    if (area === null) return;
    const rules = evidence.get(area) ?? new Map();
    evidence.set(area, rules);
    const e = rules.get(rule) ?? { points: 0, count: 0, problems: [], checks: [] };
    e.points += points;
    e.count++;
    if (ref.problem !== undefined) e.problems.push(ref.problem);
    if (ref.check !== undefined) e.checks.push(ref.check);
    rules.set(rule, e);
  };
  const inMonth = (t: number) => t >= start && t < end;
  const vetoes = new Map<string, AreaScore['vetoes']>();
  const veto = (area: string | null, rule: VetoRule, problems: number[], checks: number[]) => {
    if (area === null) return;
    vetoes.set(area, [...(vetoes.get(area) ?? []), { rule: rule.code, name: rule.name, problems, checks }]);
  };

  for (const rule of version.rules) {
    switch (rule.code) {
      case 'found_inspection':
      case 'found_mock_evaluation': {
        const source = rule.code === 'found_inspection' ? 'inspection' : 'mock_evaluation';
        for (const p of facts.problems) if (p.source === source && inMonth(p.reportedAt)) add(areaOf(p), rule.code, rule.points, { problem: p.id });
        break;
      }
      case 'overdue':
        for (const p of facts.problems) {
          if (p.deadline === null) continue;
          const weeks = weeksLateIn(p.deadline, Math.max(start, p.deadline), Math.min(p.closedAt ?? end, end));
          if (weeks > 0) add(areaOf(p), rule.code, capped(rule.points * weeks, rule.perProblemCap), { problem: p.id });
        }
        break;
      case 'recurrence':
        for (const p of facts.problems)
          if (facts.recurrent.has(p.id) && inMonth(p.reportedAt))
            add(areaOf(p), rule.code, rule.points * (p.siteId ? (rule.keySiteFactor ?? 1) : 1), { problem: p.id });
        break;
      case 'repeat_failure': {
        // a site's checks in time order: an item failed at a check and at the one before it
        const bySite = new Map<string, ScoreFacts['checks'][number][]>();
        for (const c of facts.checks) bySite.set(c.siteId, [...(bySite.get(c.siteId) ?? []), c]);
        for (const list of bySite.values()) {
          list.sort((a, b) => a.checkedAt - b.checkedAt || a.id - b.id);
          list.forEach((c, k) => {
            if (k === 0 || !inMonth(c.checkedAt)) return;
            for (const item of c.failed) if (list[k - 1].failed.includes(item)) add(areaOf(c), rule.code, rule.points, { check: c.id });
          });
        }
        break;
      }
      case 'on_time_bonus': {
        const due = new Map<string, { due: number; onTime: number; problems: number[] }>();
        for (const p of facts.problems) {
          const area = areaOf(p);
          if (area === null || p.deadline === null || !inMonth(p.deadline)) continue;
          const d = due.get(area) ?? { due: 0, onTime: 0, problems: [] };
          d.due++;
          if (p.closedAt !== null && p.closedAt <= p.deadline) {
            d.onTime++;
            d.problems.push(p.id);
          }
          due.set(area, d);
        }
        for (const [area, d] of due)
          if (d.due >= rule.minimum && d.onTime / d.due >= rule.threshold) {
            add(area, rule.code, rule.points, {});
            evidence
              .get(area)
              ?.get(rule.code)
              ?.problems.push(...d.problems);
          }
        break;
      }
    }
  }

  for (const rule of version.veto) {
    if (rule.code === 'veto_item') {
      for (const c of facts.checks)
        if (c.roundKind === 'mock_evaluation' && inMonth(c.checkedAt) && c.failed.some((i) => findItem(i)?.veto)) veto(areaOf(c), rule, [], [c.id]);
    } else {
      const bySite = new Map<string, { area: string | null; ids: number[] }>();
      for (const p of facts.problems) {
        if (!p.siteId || !facts.recurrent.has(p.id) || !inMonth(p.reportedAt)) continue;
        const s = bySite.get(p.siteId) ?? { area: areaOf(p), ids: [] };
        s.ids.push(p.id);
        bySite.set(p.siteId, s);
      }
      for (const s of bySite.values()) if (s.ids.length >= rule.count) veto(s.area, rule, s.ids, []);
    }
  }

  return areas.map((area) => {
    const lines: ScoreLine[] = version.rules.flatMap((rule) => {
      const e = evidence.get(area)?.get(rule.code);
      if (!e) return [];
      const uncapped = round2(e.points);
      const points = round2(capped(e.points, 'cap' in rule ? rule.cap : undefined));
      return [{ rule: rule.code, name: rule.name, points, uncapped, count: e.count, problems: e.problems, checks: e.checks }];
    });
    return { area, base: version.base, score: round2(version.base + lines.reduce((s, l) => s + l.points, 0)), lines, vetoes: vetoes.get(area) ?? [] };
  });
}

/**
 * The 红黑榜 of a month, with their reasons, best first and worst first:
 * - 红榜: the best `n` not vetoed, and any tied with the last of them — none while every one not
 *   vetoed has the same score (nothing tells them apart);
 * - 黑榜: every vetoed one, then the worst of those that lost points (below their base) and are not
 *   on the red list, up to `n` in all with any tied with the last — none of them while they all tie.
 */
export function redBlackLists(scores: readonly AreaScore[], n = 3): { red: AreaScore[]; black: AreaScore[] } {
  const ranked = [...scores].sort((a, b) => b.score - a.score || a.area.localeCompare(b.area));
  const clean = ranked.filter((s) => s.vetoes.length === 0);
  const apart = new Set(clean.map((s) => s.score)).size > 1;
  /** The first `k` of a list and those tied with the k-th. */
  const withTies = (list: AreaScore[], k: number) =>
    k <= 0 || list.length === 0 ? [] : list.filter((s) => s.score === list[Math.min(k, list.length) - 1].score || list.indexOf(s) < k);
  const red = apart ? withTies(clean, n) : [];
  const vetoed = ranked.filter((s) => s.vetoes.length > 0);
  const losing = apart ? clean.filter((s) => !red.includes(s) && s.score < s.base).reverse() : [];
  const black = [...vetoed, ...withTies(losing, n - vetoed.length)].sort((a, b) => a.score - b.score || a.area.localeCompare(b.area));
  return { red, black };
}
