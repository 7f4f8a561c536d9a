import { Type } from 'typebox';

/** A basemap a map can show (GET /api/basemaps). */
export const Basemap = Type.Object({
  id: Type.String(),
  name: Type.String(),
  /** Tile URL templates, drawn in order (a picture, then its labels); none for the offline basemap, which is vector data, and for a local archive. */
  tiles: Type.Array(Type.String()),
  attribution: Type.String(),
  pmtiles: Type.Union(
    [
      Type.Object({
        url: Type.String({ description: 'the archive, read with HTTP range requests (pmtiles protocol)' }),
        kind: Type.Union([Type.Literal('raster'), Type.Literal('vector')]),
        minzoom: Type.Integer(),
        maxzoom: Type.Integer(),
        bounds: Type.Array(Type.Number(), { minItems: 4, maxItems: 4 }),
        layers: Type.Array(Type.String(), { description: 'vector archives: the layers a generic style draws' }),
      }),
      Type.Null(),
    ],
    { description: 'a local .pmtiles archive in the server’s basemap folder' },
  ),
});
