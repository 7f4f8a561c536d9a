import { describe, expect, it } from 'vitest';
import { apiFilterQuery, DEFAULT_VIEW, parseViewState, toggleCategory, viewStateSearch } from '../../client/state/view-state.ts';

const CATS = ['flyers', 'graffiti', 'littering'];

describe('view state in the URL', () => {
  it('round-trips through the query string', () => {
    const v = { mode: 'rate' as const, categories: ['graffiti', 'flyers'], grid: 'lizao-05' };
    expect(viewStateSearch(v)).toBe('?mode=rate&cat=graffiti,flyers&grid=lizao-05');
    expect(parseViewState(viewStateSearch(v), CATS)).toEqual(v);
  });

  it('writes nothing for the default view and reads the default from nothing', () => {
    expect(viewStateSearch(DEFAULT_VIEW)).toBe('');
    expect(parseViewState('', CATS)).toEqual(DEFAULT_VIEW);
  });

  it('drops unknown or malformed values from a hand-edited link', () => {
    expect(parseViewState('?mode=3d&cat=flyers,nope,flyers&grid=<script>', CATS)).toEqual({ mode: 'heat', categories: ['flyers'], grid: null });
  });

  it('toggles a category without changing the view it was given', () => {
    const v = { ...DEFAULT_VIEW, categories: ['flyers'] };
    expect(toggleCategory(v, 'graffiti').categories).toEqual(['flyers', 'graffiti']);
    expect(toggleCategory(v, 'flyers').categories).toEqual([]);
    expect(v.categories).toEqual(['flyers']);
  });

  it('asks the API for the selected categories', () => {
    expect(apiFilterQuery({ ...DEFAULT_VIEW, categories: ['flyers', 'graffiti'] })).toBe('?category=flyers,graffiti');
    expect(apiFilterQuery(DEFAULT_VIEW)).toBe('');
  });
});
