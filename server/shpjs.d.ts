/** shpjs has no types of its own: a zipped shapefile (or its parts) to GeoJSON, as this project uses it. */
declare module 'shpjs' {
  import type { FeatureCollection } from 'geojson';

  type Bytes = ArrayBuffer | Uint8Array | Buffer;
  export default function shp(input: Bytes): Promise<FeatureCollection | FeatureCollection[]>;
  /** The parts of one shapefile: the .prj's WKT and the .cpg's code page as text. */
  export function getShapefile(input: Bytes | { shp: Bytes; dbf?: Bytes; cpg?: string; prj?: string }): Promise<FeatureCollection | FeatureCollection[]>;
}
