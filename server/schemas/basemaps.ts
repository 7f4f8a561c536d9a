import { Type } from 'typebox';

/** A basemap a map can show (GET /api/basemaps). */
export const Basemap = Type.Object({
  id: Type.String(),
  name: Type.String(),
  /** Tile URL templates, drawn in order (a picture, then its labels); none for the offline basemap, which is vector data. */
  tiles: Type.Array(Type.String()),
  attribution: Type.String(),
});
