import { Type } from 'typebox';

/** What new grid boundaries would change (POST /api/boundaries/dry-run). */
export const BoundaryDryRun = Type.Object({
  file: Type.Object({
    name: Type.String(),
    format: Type.Union([Type.Literal('shapefile'), Type.Literal('kml'), Type.Literal('geojson')]),
    encoding: Type.Union([Type.String(), Type.Null()], { description: 'how the .dbf text was decoded, and why' }),
    crs: Type.Union([Type.String(), Type.Null()], { description: 'the coordinate system the .prj names' }),
  }),
  areas: Type.Integer({ description: 'polygons read' }),
  skipped: Type.Integer({ description: 'features that are not polygons' }),
  fields: Type.Array(Type.String(), { description: 'the attributes of the areas' }),
  diff: Type.Object({
    nameField: Type.Union([Type.String(), Type.Null()]),
    added: Type.Array(Type.String()),
    removed: Type.Array(Type.Object({ id: Type.String(), name: Type.String() })),
    reshaped: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), changedM2: Type.Integer() })),
    unchanged: Type.Integer(),
    problemsMoving: Type.Integer(),
    problemsOutside: Type.Integer(),
    assignmentsAffected: Type.Array(Type.Object({ username: Type.String(), grids: Type.Array(Type.String()) })),
    overlaps: Type.Array(Type.Object({ a: Type.String(), b: Type.String(), m2: Type.Integer() })),
    gaps: Type.Array(Type.Object({ m2: Type.Integer(), at: Type.Array(Type.Number()) })),
    unnamed: Type.Integer(),
    duplicates: Type.Array(Type.String()),
  }),
});
