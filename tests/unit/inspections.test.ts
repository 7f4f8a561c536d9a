import { describe, expect, it } from 'vitest';
import { computeDeadline } from '../../server/domain/calendar.ts';
import { findCategory, siteKinds } from '../../server/domain/catalogue.ts';
import { checklistFaults, checklistFor, checklists, findItem } from '../../server/domain/checklists.ts';
import { failedItemDeadline, stratifiedSample } from '../../server/domain/inspections.ts';

/** A register of key sites: each type a different number of sites (1 to 27). */
const sites = siteKinds.flatMap((kind, k) => Array.from({ length: 1 + ((k * 7) % 27) }, (_, i) => ({ id: `${k}-${String(i).padStart(2, '0')}`, kind })));

describe('checklists (测评项)', () => {
  it('every site type has a checklist; every item a unique code, a category in the catalogue, a weight; veto items exist', () => {
    expect(checklists.map((c) => c.kind).sort()).toEqual([...siteKinds].sort());
    const items = checklists.flatMap((c) => c.items);
    expect(new Set(items.map((i) => i.code)).size).toBe(items.length);
    expect(items.every((i) => findCategory(i.category) && i.weight > 0)).toBe(true);
    expect(items.filter((i) => i.veto).length).toBeGreaterThan(2);
    expect(findItem('market.spillover')).toMatchObject({ kind: '农贸市场', veto: true, category: 'shop_spillover' });
    expect(checklistFor('学校周边').items[0].code).toBe('school.vendors');
  });

  it('a faulty file is refused line by line', () => {
    const faults = checklistFaults({
      types: [
        { kind: '农贸市场', items: [{ code: 'a', text: '甲', weight: 1, veto: false, category: 'nope' }] },
        { kind: '农贸市场', items: [{ code: 'a', text: ' ', weight: 0, veto: false, category: 'flyers' }] },
        { kind: '火星基地', items: [] },
      ],
    });
    expect(faults).toEqual(
      expect.arrayContaining([
        '测评项“a”的问题类型“nope”不在目录中',
        '点位类型“农贸市场”重复',
        '测评项编码“a”重复',
        '测评项“a”的分值应为正数',
        '测评项“a”没有内容',
        '未知的点位类型“火星基地”',
        '点位类型“火星基地”没有测评项',
        '点位类型“学校周边”没有检查表',
      ]),
    );
  });
});

describe('the sites a round visits', () => {
  it('a stratified sample of 30 is the same for the same seed, another for another seed', () => {
    const a = stratifiedSample(sites, 30, 2026);
    expect(a).toHaveLength(30);
    expect(new Set(a).size).toBe(30);
    expect(stratifiedSample([...sites].reverse(), 30, 2026)).toEqual(a);
    expect(stratifiedSample(sites, 30, 2027)).not.toEqual(a);
  });

  it('each type gets its share (within one; where the sample is one per type, that one), at least one site when there is room for all', () => {
    const total = sites.length;
    for (const size of [14, 30, 57, total]) {
      const sample = new Set(stratifiedSample(sites, size, 7));
      expect(sample.size).toBe(size);
      for (const kind of siteKinds) {
        const of = sites.filter((s) => s.kind === kind);
        const taken = of.filter((s) => sample.has(s.id)).length;
        expect(taken, `${kind} at ${size}`).toBeGreaterThanOrEqual(1);
        expect(Math.abs(taken - (size * of.length) / total), `${kind} at ${size}`).toBeLessThan(size === siteKinds.length ? 2 : 1.01);
      }
    }
    // fewer than the types: no floor, still the asked size; more than there are: all of them
    expect(stratifiedSample(sites, 5, 1)).toHaveLength(5);
    expect(new Set(stratifiedSample(sites, 10_000, 1))).toEqual(new Set(sites.map((s) => s.id)));
    expect(() => stratifiedSample(sites, 0, 1)).toThrow(RangeError);
  });
});

describe('what a failed item is due by', () => {
  it('立行立改: the next working day at the same time, over a weekend and a holiday; or the category’s own limit', () => {
    // Friday 2026-09-25 15:00 → the next working day; National Day week follows the weekend
    const friday = Date.parse('2026-09-25T15:00:00+08:00');
    expect(failedItemDeadline({ kind: 'workdays', days: 1 }, 'market.spillover', friday)).toBe(computeDeadline(friday, { unit: 'workdays', value: 1 }));
    const thursday = Date.parse('2026-11-26T10:00:00+08:00');
    expect(failedItemDeadline({ kind: 'workdays', days: 1 }, 'market.spillover', thursday)).toBe(Date.parse('2026-11-27T10:00:00+08:00'));
    expect(failedItemDeadline({ kind: 'workdays', days: 1 }, 'market.spillover', Date.parse('2026-11-27T10:00:00+08:00'))).toBe(
      Date.parse('2026-11-30T10:00:00+08:00'),
    );
    const limit = findCategory('shop_spillover')?.timeLimit;
    expect(failedItemDeadline({ kind: 'category' }, 'market.spillover', thursday)).toBe(computeDeadline(thursday, limit ?? { unit: 'hours', value: 0 }));
    expect(() => failedItemDeadline({ kind: 'category' }, 'nope', thursday)).toThrow();
  });
});
