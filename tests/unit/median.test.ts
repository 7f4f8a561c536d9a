import { describe, expect, it } from 'vitest';
import { median } from '../../server/analytics/stats.ts';
import { Random } from '../../server/domain/random.ts';

function sortedMedian(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 ? s[n >> 1] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

describe('median', () => {
  it('is null for no values', () => {
    expect(median(new Float64Array(0), 0)).toBeNull();
  });

  it('agrees with sorting on random arrays of odd and even length, with ties', () => {
    const rng = new Random(1);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + rng.int(60);
      const values = Array.from({ length: n }, () => rng.int(20));
      expect(median(Float64Array.from(values), n)).toBe(sortedMedian(values));
    }
  });

  it('only looks at the first n values', () => {
    expect(median(Float64Array.from([5, 1, 3, 100, 100]), 3)).toBe(3);
  });
});
