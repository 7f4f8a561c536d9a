import { computeDeadline } from './calendar.ts';
import { findCategory, type SiteKind, siteKinds } from './catalogue.ts';
import { findItem } from './checklists.ts';
import { Random } from './random.ts';

/**
 * Inspection rounds (测评轮次): supervision checks, mock evaluations, unannounced visits and
 * re-checks of key sites against their checklists. Pure rules: which sites a round visits, and
 * what a failed item becomes (one problem, linked to its site and item, due by the round's rule).
 */

export const roundKinds = [
  { code: 'supervision', name: '督导检查', source: 'inspection' },
  { code: 'mock_evaluation', name: '模拟测评', source: 'mock_evaluation' },
  { code: 'unannounced', name: '暗访', source: 'inspection' },
  { code: 'recheck', name: '回头看', source: 'inspection' },
] as const;

export type RoundKind = (typeof roundKinds)[number]['code'];
export type ItemResult = 'pass' | 'fail' | 'na';

/**
 * When the problems a round finds are due: by their category's time limit, or in N working days
 * (立行立改 = 1: the next working day, same time).
 */
export type DeadlineRule = { kind: 'category' } | { kind: 'workdays'; days: number };

export const DEADLINE_RULE_NAMES = { category: '按问题类型时限', immediate: '立行立改（下一个工作日）' } as const;

/** The deadline of a problem a failed item makes, found at `at`. */
export function failedItemDeadline(rule: DeadlineRule, itemCode: string, at: number): number {
  const item = findItem(itemCode);
  if (!item) throw new Error(`unknown checklist item ${itemCode}`);
  if (rule.kind === 'workdays') return computeDeadline(at, { unit: 'workdays', value: rule.days });
  const category = findCategory(item.category);
  if (!category) throw new Error(`checklist item ${itemCode} names unknown category ${item.category}`);
  return computeDeadline(at, category.timeLimit);
}

/**
 * A random sample of `size` sites stratified by type, the same for the same seed: each type gets
 * its share of the sample by its share of the sites (largest remainders; every type at least one
 * when the sample has room for all), and its sites are drawn at random within it. Returns site ids
 * in type order, then draw order.
 */
export function stratifiedSample(sites: readonly { id: string; kind: SiteKind }[], size: number, seed: number): string[] {
  if (!Number.isInteger(size) || size < 1) throw new RangeError('sample size must be a positive integer');
  const byKind = siteKinds
    .map((kind) => ({
      kind,
      ids: sites
        .filter((s) => s.kind === kind)
        .map((s) => s.id)
        .sort(),
    }))
    .filter((k) => k.ids.length > 0);
  const total = byKind.reduce((n, k) => n + k.ids.length, 0);
  const n = Math.min(size, total);
  // proportional shares, floors first, then the largest remainders; at least one each when there is room
  const floor = n >= byKind.length;
  const shares = byKind.map((k) => {
    const exact = (n * k.ids.length) / total;
    const base = Math.min(k.ids.length, Math.max(floor ? 1 : 0, Math.floor(exact)));
    // what it is still owed: negative where the one-each floor gave it more than its share
    return { ...k, take: base, remainder: exact - base };
  });
  let left = n - shares.reduce((s, k) => s + k.take, 0);
  // too many (the at-least-one floor): take back from the largest shares
  while (left < 0) {
    const big = shares.filter((k) => k.take > 1).sort((a, b) => b.take - a.take || a.remainder - b.remainder)[0];
    big.take--;
    left++;
  }
  for (const k of [...shares].sort((a, b) => b.remainder - a.remainder || b.ids.length - a.ids.length)) {
    if (left === 0) break;
    if (k.take < k.ids.length) {
      k.take++;
      left--;
    }
  }
  // any still left (types with room): one more each in turn
  while (left > 0) {
    for (const k of shares) {
      if (left > 0 && k.take < k.ids.length) {
        k.take++;
        left--;
      }
    }
  }
  const rng = new Random(seed);
  return shares.flatMap((k) => {
    const ids = [...k.ids];
    for (let i = ids.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [ids[i], ids[j]] = [ids[j], ids[i]];
    }
    return ids.slice(0, k.take);
  });
}
