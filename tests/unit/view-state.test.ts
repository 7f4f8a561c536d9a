import { describe, expect, it } from 'vitest';
import { apiFilterQuery, DEFAULT_VIEW, parseViewState, periodStart, toggleCategory, viewStateSearch } from '../../client/state/view-state.ts';

const NOW = Date.parse('2026-11-27T15:00:00+08:00');

const CATS = ['flyers', 'graffiti', 'littering'];

describe('view state in the URL', () => {
  it('round-trips through the query string', () => {
    const v = { mode: 'rate' as const, period: '30d' as const, categories: ['graffiti', 'flyers'], grid: 'lizao-05' };
    expect(viewStateSearch(v)).toBe('?mode=rate&period=30d&cat=graffiti,flyers&grid=lizao-05');
    expect(parseViewState(viewStateSearch(v), CATS)).toEqual(v);
  });

  it('writes nothing for the default view and reads the default from nothing', () => {
    expect(viewStateSearch(DEFAULT_VIEW)).toBe('');
    expect(parseViewState('', CATS)).toEqual(DEFAULT_VIEW);
  });

  it('drops unknown or malformed values from a hand-edited link', () => {
    expect(parseViewState('?mode=3d&period=1y&cat=flyers,nope,flyers&grid=<script>', CATS)).toEqual({
      mode: 'heat',
      period: 'all',
      categories: ['flyers'],
      grid: null,
    });
  });

  it('toggles a category without changing the view it was given', () => {
    const v = { ...DEFAULT_VIEW, categories: ['flyers'] };
    expect(toggleCategory(v, 'graffiti').categories).toEqual(['flyers', 'graffiti']);
    expect(toggleCategory(v, 'flyers').categories).toEqual([]);
    expect(v.categories).toEqual(['flyers']);
  });

  it('asks the API for the selected period and categories', () => {
    expect(apiFilterQuery({ ...DEFAULT_VIEW, categories: ['flyers', 'graffiti'] }, NOW)).toBe('?category=flyers,graffiti');
    expect(apiFilterQuery({ ...DEFAULT_VIEW, period: '7d', categories: ['flyers'] }, NOW)).toBe('?from=2026-11-21&category=flyers');
    expect(apiFilterQuery(DEFAULT_VIEW, NOW)).toBe('');
  });

  it('starts period presets on Asia/Shanghai days', () => {
    expect(periodStart('7d', NOW)).toBe('2026-11-21');
    expect(periodStart('30d', NOW)).toBe('2026-10-29');
    expect(periodStart('month', NOW)).toBe('2026-11-01');
    expect(periodStart('quarter', NOW)).toBe('2026-10-01');
    expect(periodStart('quarter', Date.parse('2026-03-31T23:30:00+08:00'))).toBe('2026-01-01');
    expect(periodStart('month', Date.parse('2026-11-30T17:00:00Z'))).toBe('2026-12-01'); // already December in Shanghai
    expect(periodStart('all', NOW)).toBeNull();
  });
});
