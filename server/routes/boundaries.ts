import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { RequestError } from '../errors.ts';
import { diffGrids } from '../exchange/boundary-diff.ts';
import { DATUMS, toWgs84 } from '../exchange/datum.ts';
import { type Area, readBoundaries } from '../exchange/read-boundaries.ts';
import { UnreadableFile } from '../exchange/unreadable.ts';
import { BoundaryDryRun } from '../schemas/boundaries.ts';
import { ErrorResponse, errorResponses } from '../schemas/common.ts';
import type { AccountStore } from '../store/account-store.ts';
import { readUpload } from './upload.ts';

/** New grid boundaries, checked against the town before anything is written (the commit step comes next). */

const MAX_BOUNDARY_BYTES = 50 * 1024 * 1024;

const Choices = Type.Object(
  {
    datum: Type.Optional(
      Type.Union(
        DATUMS.map((d) => Type.Literal(d.code)),
        { description: 'for KML/GeoJSON from 奥维 (gcj02) or 百度 (bd09); a shapefile’s .prj decides its own' },
      ),
    ),
    nameField: Type.Optional(Type.String({ maxLength: 40, description: 'the attribute holding the grids’ names' })),
  },
  { additionalProperties: false },
);

/** An area's coordinates read in `datum`, as WGS84. */
function shifted(a: Area, datum: (typeof DATUMS)[number]['code']): Area {
  if (datum === 'wgs84') return a;
  const ring = (r: number[][]) => r.map(([x, y]) => toWgs84(x, y, datum));
  const g = a.geometry;
  const geometry =
    g.type === 'Polygon'
      ? { type: 'Polygon' as const, coordinates: g.coordinates.map(ring) }
      : { type: 'MultiPolygon' as const, coordinates: g.coordinates.map((p) => p.map(ring)) };
  return { ...a, geometry };
}

const boundaryRoutes: FastifyPluginAsyncTypebox<{ accounts: AccountStore }> = async (app, { accounts }) => {
  await app.register(multipart, { limits: { fileSize: MAX_BOUNDARY_BYTES, files: 1, fields: 2, fieldSize: 16 * 1024, parts: 4 } });

  app.post(
    '/api/boundaries/dry-run',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['exchange'],
        summary: '网格边界检查（不写入）：上传 shapefile 压缩包、KML/KMZ 或 GeoJSON，对比现有网格',
        description:
          'multipart: `file`, optional `choices` (JSON: `datum` for KML/GeoJSON, `nameField`). Answers the grids added, removed and reshaped (matched by name), the problems that would change grid or fall in none, the accounts whose grids would go, and the overlaps and gaps between the new grids. Nothing is written.',
        consumes: ['multipart/form-data'],
        response: { 200: BoundaryDryRun, ...errorResponses, 413: ErrorResponse, 415: ErrorResponse, 422: ErrorResponse },
      },
    },
    async (req) => {
      const { bytes, name, choices } = await readUpload(req, Choices, MAX_BOUNDARY_BYTES);
      let read: Awaited<ReturnType<typeof readBoundaries>>;
      try {
        read = await readBoundaries(bytes);
      } catch (e) {
        if (e instanceof UnreadableFile) throw new RequestError(422, 'unreadable_file', 'file', e.message);
        throw e;
      }
      if (read.areas.length === 0)
        throw new RequestError(422, 'no_areas', 'file', `文件中没有面（多边形）${read.skipped ? `，只有 ${read.skipped} 个其他要素` : ''}`);
      const areas = read.format === 'shapefile' ? read.areas : read.areas.map((a) => shifted(a, choices.datum ?? 'wgs84'));
      const fields = [...new Set(areas.flatMap((a) => Object.keys(a.properties)))];
      if (choices.nameField !== undefined && !fields.includes(choices.nameField))
        throw new RequestError(400, 'unknown_value', 'choices.nameField', `文件中没有属性“${choices.nameField}”（有：${fields.join('、')}）`);
      const users = (await accounts.listUsers()).filter((u) => u.gridIds.length > 0);
      const diff = diffGrids(areas, app.townData.grids, app.problemTable, users, choices.nameField);
      return { file: { name, format: read.format, encoding: read.encoding, crs: read.crs }, areas: areas.length, skipped: read.skipped, fields, diff };
    },
  );
};

export default boundaryRoutes;
