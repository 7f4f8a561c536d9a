/**
 * Automatic dispatch (自动派遣): which responsible unit a new report goes to, decided by rules kept
 * as data — category × community → unit, with a default. Pure rules: the report route applies
 * them, the admin page edits them.
 */

/** One rule. `null` matches any category or any community; both null is the default rule. */
export interface DispatchRule {
  category: string | null;
  communityId: string | null;
  unitId: string;
}

/** How specific a rule is: category and community (3) before category (2) before community (1) before the default (0). */
export function ruleSpecificity(rule: Pick<DispatchRule, 'category' | 'communityId'>): number {
  return (rule.category === null ? 0 : 2) + (rule.communityId === null ? 0 : 1);
}

/**
 * The rule that dispatches a problem of `category` in `communityId`: the most specific matching
 * one (a rule for the category in that community, then the category anywhere, then the community,
 * then the default); null when no rule matches, and the report waits for an admin to assign it.
 */
export function matchDispatchRule<R extends DispatchRule>(rules: readonly R[], category: string, communityId: string): R | null {
  let best: R | null = null;
  for (const r of rules) {
    if ((r.category !== null && r.category !== category) || (r.communityId !== null && r.communityId !== communityId)) continue;
    if (best === null || ruleSpecificity(r) > ruleSpecificity(best)) best = r;
  }
  return best;
}

/** A rule in words, for the event that names it: 「小广告 / 牛皮癣 × 李灶社区」, 「默认规则」. */
export function describeRule(rule: DispatchRule, names: { category: (code: string) => string; community: (id: string) => string }): string {
  if (rule.category === null && rule.communityId === null) return '默认规则';
  const category = rule.category === null ? '任意类型' : names.category(rule.category);
  const community = rule.communityId === null ? '全镇' : names.community(rule.communityId);
  return `${category} × ${community}`;
}

/** Why a rule set cannot be saved, per rule field (`rules/3/unitId`), or [] when it can. */
export function checkDispatchRules(
  rules: readonly DispatchRule[],
  known: { categories: ReadonlySet<string>; communities: ReadonlySet<string>; units: ReadonlySet<string> },
): { field: string; message: string }[] {
  const errors: { field: string; message: string }[] = [];
  const seen = new Map<string, number>();
  rules.forEach((r, i) => {
    if (r.category !== null && !known.categories.has(r.category)) errors.push({ field: `rules/${i}/category`, message: `未知的问题类型：${r.category}` });
    if (r.communityId !== null && !known.communities.has(r.communityId))
      errors.push({ field: `rules/${i}/communityId`, message: `未知的村居：${r.communityId}` });
    if (!known.units.has(r.unitId)) errors.push({ field: `rules/${i}/unitId`, message: `未知的责任单位：${r.unitId}` });
    const key = `${r.category ?? '*'}|${r.communityId ?? '*'}`;
    const earlier = seen.get(key);
    if (earlier !== undefined) errors.push({ field: `rules/${i}`, message: `第 ${i + 1} 条与第 ${earlier + 1} 条规则的类型和村居相同` });
    else seen.set(key, i);
  });
  return errors;
}
