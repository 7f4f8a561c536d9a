import { describe, expect, it } from 'vitest';
import { legendGroups } from '../../client/map/legend-groups.ts';

const STATUSES = [
  { code: 'reported', name: '已上报' },
  { code: 'closed', name: '已销号' },
];
const base = { metric: 'rate' as const, weightName: '问题数', statuses: STATUSES };
const titles = (groups: ReturnType<typeof legendGroups>) => groups.map((g) => g.title);

describe('the legend (on the screen and in an exported PNG)', () => {
  it('gives the heat ramp at town zoom, and gives way to the statuses at street zoom', () => {
    const town = legendGroups({ ...base, mode: 'heat', street: false });
    expect(titles(town)).toEqual(['热力：问题数']);
    expect(town[0].ramp).toHaveLength(6);
    const street = legendGroups({ ...base, mode: 'heat', street: true });
    expect(titles(street)).toEqual(['问题状态']);
    expect(street[0].rows.map((r) => [r.label, r.shape])).toEqual([
      ['已上报', 'dot'],
      ['已销号', 'dot'],
      ['逾期（深红描边）', 'overdue'],
    ]);
  });

  it('keeps the hexagon ramp under the single problems, and gives a choropleth its scale with 无问题', () => {
    expect(titles(legendGroups({ ...base, mode: 'hex', street: true }))).toEqual(['六边形：问题数', '问题状态']);
    const [grid] = legendGroups({ ...base, mode: 'grid', street: false });
    expect(grid.title).toBe('网格整改率');
    expect(grid.ramp).toBeUndefined();
    expect(grid.rows.at(-1)).toEqual({ color: expect.any(String), label: '无问题', shape: 'swatch' });
    expect(grid.rows.length).toBeGreaterThan(2);
    expect(grid.rows.every((r) => r.shape === 'swatch')).toBe(true);
  });
});
