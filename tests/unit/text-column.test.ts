import { describe, expect, it } from 'vitest';
import { TextColumn } from '../../server/analytics/text-column.ts';

describe('TextColumn', () => {
  it('gives back what was set, nulls included, after growing', () => {
    const c = new TextColumn();
    c.resize(2);
    c.set(0, '路边暴露垃圾');
    c.set(1, null);
    c.resize(5);
    c.set(4, '路边暴露垃圾');
    c.set(3, '另一条');
    expect([c.get(0), c.get(1), c.get(3), c.get(4)]).toEqual(['路边暴露垃圾', null, '另一条', '路边暴露垃圾']);
  });

  it('keeps one copy of a repeated string', () => {
    const c = new TextColumn();
    c.resize(3);
    c.set(0, 'a');
    c.set(1, 'b');
    c.set(2, 'a');
    expect(c.codes[0]).toBe(c.codes[2]);
    expect(c.codes[0]).not.toBe(c.codes[1]);
  });
});
