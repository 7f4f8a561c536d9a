import { booleanPointInPolygon } from '@turf/turf';
import Flatbush from 'flatbush';
import { type Area, bboxOf } from './geometry.ts';

/** An area to look points up in: a grid or a community. */
export interface IndexedArea {
  id: string;
  geometry: Area;
}

/**
 * Finds the area that holds a point, through an R-tree of the areas' boxes and an exact
 * point-in-polygon test. Areas that tile a region share edges; a point exactly on a shared edge
 * belongs to the area listed first, so every point of the region has exactly one area.
 */
export class AreaIndex {
  private readonly tree: Flatbush;

  constructor(private readonly areas: readonly IndexedArea[]) {
    this.tree = new Flatbush(Math.max(areas.length, 1));
    for (const area of areas) this.tree.add(...bboxOf(area.geometry));
    if (areas.length === 0) this.tree.add(0, 0, 0, 0);
    this.tree.finish();
  }

  /** The id of the area holding the point, or null when no area holds it. */
  locate(lon: number, lat: number): string | null {
    const candidates = this.tree.search(lon, lat, lon, lat).sort((a, b) => a - b);
    for (const i of candidates) {
      const area = this.areas[i];
      if (area && booleanPointInPolygon([lon, lat], area.geometry)) return area.id;
    }
    return null;
  }
}
