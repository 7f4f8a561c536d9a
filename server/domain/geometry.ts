import type { MultiPolygon, Polygon, Position } from 'geojson';

export type Area = Polygon | MultiPolygon;

/** [minLon, minLat, maxLon, maxLat] */
export type BBox = [number, number, number, number];

/** The bounding box of a polygon or multipolygon. */
export function bboxOf(geometry: Area): BBox {
  let minX = Number.POSITIVE_INFINITY;
  let minY = Number.POSITIVE_INFINITY;
  let maxX = Number.NEGATIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  for (const polygon of polygons) {
    for (const [x, y] of polygon[0]) {
      if (x < minX) minX = x;
      if (y < minY) minY = y;
      if (x > maxX) maxX = x;
      if (y > maxY) maxY = y;
    }
  }
  return [minX, minY, maxX, maxY];
}

/** The mean of an area's outer ring's points (its first polygon's): a grid's middle for a start or a lane. */
export function ringMean(geometry: Area): [number, number] {
  const ring = geometry.type === 'Polygon' ? geometry.coordinates[0] : geometry.coordinates[0][0];
  return [ring.reduce((s, p) => s + p[0], 0) / ring.length, ring.reduce((s, p) => s + p[1], 0) / ring.length];
}

/** Whether the point lies inside the box, edges included. */
export function inBBox(lon: number, lat: number, b: BBox): boolean {
  return lon >= b[0] && lon <= b[2] && lat >= b[1] && lat <= b[3];
}

/** Signed area of a ring in degrees² (positive when counter-clockwise). */
export function ringSignedArea(ring: readonly Position[]): number {
  let sum = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    sum += (ring[j][0] - ring[i][0]) * (ring[j][1] + ring[i][1]);
  }
  return sum / 2;
}

/** Kilometres per degree of latitude. */
export const KM_PER_DEG_LAT = 111.32;

/** Kilometres per degree of longitude at a latitude. */
export function kmPerDegLon(lat: number): number {
  return KM_PER_DEG_LAT * Math.cos((lat * Math.PI) / 180);
}

/** A point offset from `center` by (dxKm east, dyKm north). */
export function offsetKm(center: readonly [number, number], dxKm: number, dyKm: number): [number, number] {
  return [center[0] + dxKm / kmPerDegLon(center[1]), center[1] + dyKm / KM_PER_DEG_LAT];
}

/** Approximate distance in km between two nearby points (equirectangular). */
export function distanceKm(a: readonly [number, number], b: readonly [number, number]): number {
  const dx = (a[0] - b[0]) * kmPerDegLon((a[1] + b[1]) / 2);
  const dy = (a[1] - b[1]) * KM_PER_DEG_LAT;
  return Math.sqrt(dx * dx + dy * dy);
}

/** A problem within this distance of a key site (重点点位) is at that site: its address names it. */
export const KEY_SITE_RADIUS_KM = 0.15;

/** The item nearest to `p` closer than `maxKm`, or null. */
export function nearestWithin<T extends { lon: number; lat: number }>(items: readonly T[], p: readonly [number, number], maxKm: number): T | null {
  let best: T | null = null;
  let bestKm = maxKm;
  for (const item of items) {
    const km = distanceKm(p, [item.lon, item.lat]);
    if (km < bestKm) {
      bestKm = km;
      best = item;
    }
  }
  return best;
}
