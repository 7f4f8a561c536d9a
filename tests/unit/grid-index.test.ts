import type { Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { AreaIndex } from '../../server/domain/grid-index.ts';

const square = (x0: number, y0: number, x1: number, y1: number): Polygon => ({
  type: 'Polygon',
  coordinates: [
    [
      [x0, y0],
      [x1, y0],
      [x1, y1],
      [x0, y1],
      [x0, y0],
    ],
  ],
});

// Two grids sharing the edge x = 1, and a third sharing the corner (1, 1).
const index = new AreaIndex([
  { id: 'west', geometry: square(0, 0, 1, 1) },
  { id: 'east', geometry: square(1, 0, 2, 1) },
  { id: 'north', geometry: square(0, 1, 2, 2) },
]);

describe('AreaIndex', () => {
  it('finds the grid holding an inner point', () => {
    expect(index.locate(0.5, 0.5)).toBe('west');
    expect(index.locate(1.5, 0.5)).toBe('east');
  });

  it('gives a point on a shared edge to exactly one grid, the one listed first', () => {
    expect(index.locate(1, 0.5)).toBe('west');
    const reversed = new AreaIndex([
      { id: 'east', geometry: square(1, 0, 2, 1) },
      { id: 'west', geometry: square(0, 0, 1, 1) },
    ]);
    expect(reversed.locate(1, 0.5)).toBe('east');
  });

  it('gives a corner shared by three grids to the first of them', () => {
    expect(index.locate(1, 1)).toBe('west');
  });

  it('counts the outer edge as inside', () => {
    expect(index.locate(0, 0.5)).toBe('west');
  });

  it('returns null outside every grid', () => {
    expect(index.locate(3, 3)).toBeNull();
    expect(index.locate(-0.000001, 0.5)).toBeNull();
  });

  it('looks inside multipolygons', () => {
    const multi = new AreaIndex([
      { id: 'm', geometry: { type: 'MultiPolygon', coordinates: [square(0, 0, 1, 1).coordinates, square(5, 5, 6, 6).coordinates] } },
    ]);
    expect(multi.locate(5.5, 5.5)).toBe('m');
    expect(multi.locate(3, 3)).toBeNull();
  });
});
