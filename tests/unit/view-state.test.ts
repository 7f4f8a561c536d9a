import { describe, expect, it } from 'vitest';
import {
  apiFilterQuery,
  apiTimelessQuery,
  DEFAULT_VIEW,
  describeFilters,
  monthEnd,
  parseViewState,
  periodStart,
  toggleCategory,
  viewStateSearch,
} from '../../client/state/view-state.ts';

const NOW = Date.parse('2026-11-27T15:00:00+08:00');

const KNOWN = { categories: ['flyers', 'graffiti', 'littering'], statuses: ['open', 'closed'], sources: ['volunteer', 'inspection'] };

describe('view state in the URL', () => {
  it('round-trips through the query string', () => {
    const v = {
      ...DEFAULT_VIEW,
      mode: 'grid' as const,
      metric: 'density' as const,
      period: '30d' as const,
      categories: ['graffiti', 'flyers'],
      grid: 'lizao-05',
    };
    expect(viewStateSearch(v)).toBe('?mode=grid&metric=density&period=30d&cat=graffiti,flyers&grid=lizao-05');
    expect(parseViewState(viewStateSearch(v), KNOWN)).toEqual(v);
    const w = {
      ...DEFAULT_VIEW,
      mode: 'hex' as const,
      weight: 'overdue' as const,
      period: 'custom' as const,
      from: '2026-03-01',
      to: '2026-05-31',
      statuses: ['open'],
      source: 'volunteer',
      community: 'lizao',
      filterGrid: 'lizao-03',
      problem: 17,
      month: '2026-04',
      unit: 'dept-sanitation',
      rank: 'rectificationRate' as const,
    };
    expect(viewStateSearch(w)).toContain('unit=dept-sanitation&rank=rectificationRate');
    expect(parseViewState(viewStateSearch(w), KNOWN)).toEqual(w);
    expect(parseViewState('?rank=nope&unit=<x>', KNOWN)).toMatchObject({ rank: 'total', unit: null });
  });

  it('writes nothing for the default view and reads the default from nothing', () => {
    expect(viewStateSearch(DEFAULT_VIEW)).toBe('');
    expect(parseViewState('', KNOWN)).toEqual(DEFAULT_VIEW);
  });

  it('drops unknown or malformed values from a hand-edited link', () => {
    expect(parseViewState('?mode=3d&period=1y&cat=flyers,nope,flyers&grid=<script>&status=gone&source=x&problem=-1&month=2026-13', KNOWN)).toEqual({
      ...DEFAULT_VIEW,
      categories: ['flyers'],
    });
    // a custom range needs two valid days in order
    expect(parseViewState('?period=custom&from=2026-05-01&to=2026-04-01', KNOWN)).toMatchObject({ period: 'all', from: null, to: null });
    expect(parseViewState('?period=custom&from=2026-02-30x&to=2026-04-01', KNOWN)).toMatchObject({ period: 'all', from: null });
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
    const v = { ...DEFAULT_VIEW, period: 'custom' as const, from: '2026-03-01', to: '2026-03-15', statuses: ['open'], community: 'lizao' };
    expect(apiFilterQuery(v, NOW)).toBe('?from=2026-03-01&to=2026-03-15&status=open&community=lizao');
    expect(apiTimelessQuery(v)).toBe('?status=open&community=lizao');
    // the playback month replaces the period
    expect(apiFilterQuery({ ...v, month: '2026-02' }, NOW)).toBe('?from=2026-02-01&to=2026-02-28&status=open&community=lizao');
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

describe('months and words', () => {
  it('ends months on their last day, leap years included', () => {
    expect(monthEnd('2026-02')).toBe('2026-02-28');
    expect(monthEnd('2028-02')).toBe('2028-02-29');
    expect(monthEnd('2026-12')).toBe('2026-12-31');
  });

  it('describes the filters for the exported image', () => {
    const names = {
      category: (c: string) => `类${c}`,
      status: (s: string) => `态${s}`,
      source: (s: string) => `源${s}`,
      area: (a: string) => `区${a}`,
      unit: (u: string) => `单位${u}`,
    };
    expect(describeFilters(DEFAULT_VIEW, NOW, names)).toBe('全部时间 · 全部类型');
    expect(describeFilters({ ...DEFAULT_VIEW, period: '7d', categories: ['flyers'], community: 'lizao' }, NOW, names)).toBe(
      '2026-11-21 至 2026-11-27 · 类flyers · 区lizao',
    );
    expect(describeFilters({ ...DEFAULT_VIEW, month: '2026-04' }, NOW, names)).toBe('2026年04月 · 全部类型');
    expect(describeFilters({ ...DEFAULT_VIEW, unit: 'dept-sanitation' }, NOW, names)).toBe('全部时间 · 全部类型 · 单位dept-sanitation');
  });
});
