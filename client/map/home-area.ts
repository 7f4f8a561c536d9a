import { bbox as turfBbox } from '@turf/turf';
import type { FeatureCollection } from 'geojson';
import type { Points } from '../../server/domain/points-codec.ts';

type BBox = [number, number, number, number];

/**
 * Where a user's map opens (my area first): a grid manager on their own grids, a unit on its
 * problems (the only ones it reads), everyone else on the town.
 */
export function homeArea(user: { role: string; gridIds: readonly string[] } | null, town: BBox, grids: FeatureCollection, points: Points): BBox {
  if (user?.role === 'grid_manager' && user.gridIds.length > 0) {
    const own = grids.features.filter((f) => user.gridIds.includes(String(f.properties?.id)));
    if (own.length > 0) return turfBbox({ type: 'FeatureCollection', features: own }) as BBox;
  }
  if (user?.role === 'unit' && points.count > 0) {
    let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
    for (let i = 0; i < points.count; i++) {
      const x = points.originLon + points.dLon[i];
      const y = points.originLat + points.dLat[i];
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
    return [minX, minY, maxX, maxY];
  }
  return town;
}
