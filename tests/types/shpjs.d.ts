/** shpjs has no types of its own: a zipped shapefile (or its parts) to GeoJSON, as the tests use it. */
declare module 'shpjs' {
  import type { FeatureCollection } from 'geojson';
  export default function shp(input: ArrayBuffer | Uint8Array | Buffer): Promise<FeatureCollection | FeatureCollection[]>;
}
