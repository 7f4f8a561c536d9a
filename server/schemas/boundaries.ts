import { Type } from 'typebox';

/** What new grid boundaries would change (POST /api/boundaries/dry-run). */
const Kind = Type.Union([Type.Literal('grid'), Type.Literal('community')], { description: 'grids (网格) or villages (村居)' });

export const BoundaryDryRun = Type.Object({
  kind: Kind,
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
  commit: Type.Object({
    allowed: Type.Boolean({ description: 'whether POST /api/boundaries would write this file' }),
    refused: Type.Array(Type.String(), { description: 'why not: names that cannot be matched, problems or key sites left in no grid' }),
  }),
  preview: Type.Object(
    {
      type: Type.Literal('FeatureCollection'),
      features: Type.Array(
        Type.Object({
          type: Type.Literal('Feature'),
          geometry: Type.Unknown({ description: 'Polygon or MultiPolygon, WGS84' }),
          properties: Type.Object({
            name: Type.String(),
            change: Type.Union([Type.Literal('added'), Type.Literal('reshaped'), Type.Literal('unchanged'), Type.Literal('removed'), Type.Literal('unnamed')]),
          }),
        }),
      ),
    },
    { description: 'the file’s areas with what each would be, and the grids that would go' },
  ),
});

/** What committing new grid boundaries did (POST /api/boundaries). */
export const BoundaryCommitted = Type.Object({
  kind: Kind,
  areas: Type.Integer({ description: 'grids (or villages) now' }),
  added: Type.Array(Type.String()),
  removed: Type.Array(Type.String()),
  problemsMoved: Type.Integer({ description: 'problems whose grid or village changed, each with a regrid event' }),
  sitesMoved: Type.Integer(),
  assignmentsRemoved: Type.Array(Type.Object({ username: Type.String(), grid: Type.String() })),
});
