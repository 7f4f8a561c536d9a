import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { RequestError } from '../errors.ts';
import { diffGrids, type NamedArea, nameField } from '../exchange/boundary-diff.ts';
import { planCommunities, planGrids } from '../exchange/boundary-plan.ts';
import { DATUMS, toWgs84 } from '../exchange/datum.ts';
import { type Area, readBoundaries } from '../exchange/read-boundaries.ts';
import { UnreadableFile } from '../exchange/unreadable.ts';
import { MAX_UPLOAD_BYTES } from '../exchange/upload-limit.ts';
import { BoundaryCommitted, BoundaryDryRun } from '../schemas/boundaries.ts';
import { ErrorResponse, errorResponses } from '../schemas/common.ts';
import type { AccountStore, UserRecord } from '../store/account-store.ts';
import { readUpload } from './upload.ts';

/**
 * New grid boundaries: checked against the town with nothing written (dry run, with a map preview),
 * then committed — the grids replaced, every problem and key site re-derives its grid and village.
 */

const MAX_BOUNDARY_BYTES = MAX_UPLOAD_BYTES;

const Choices = Type.Object(
  {
    datum: Type.Optional(
      Type.Union(
        DATUMS.map((d) => Type.Literal(d.code)),
        { description: 'for KML/GeoJSON from 奥维 (gcj02) or 百度 (bd09); a shapefile’s .prj decides its own' },
      ),
    ),
    nameField: Type.Optional(Type.String({ maxLength: 40, description: 'the attribute holding the areas’ names' })),
    kind: Type.Optional(
      Type.Union([Type.Literal('grid'), Type.Literal('community')], { description: 'what the file holds: grids (网格, the default) or villages (村居)' }),
    ),
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

type AreaChange = 'added' | 'reshaped' | 'unchanged';

const boundaryRoutes: FastifyPluginAsyncTypebox<{ accounts: AccountStore }> = async (app, { accounts }) => {
  await app.register(multipart, { limits: { fileSize: MAX_BOUNDARY_BYTES, files: 1, fields: 2, fieldSize: 16 * 1024, parts: 4 } });

  /** The uploaded areas in WGS84, the attribute naming them, and what the file was. */
  const readAreas = async (req: FastifyRequest) => {
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
    const kind = choices.kind ?? 'grid';
    const current: readonly NamedArea[] = kind === 'grid' ? app.townData.grids : app.townData.communities;
    const field = choices.nameField ?? nameField(areas, current);
    return { name, read, areas, fields, field, kind, current };
  };

  /** What writing the file would do, or why it may not. */
  const plan = (kind: 'grid' | 'community', areas: Area[], field: string | null, file: string) => {
    if (kind === 'grid') return planGrids(areas, field, app.townData, app.problemTable, file);
    const namedBy = new Map<string, string[]>();
    const name = (id: string, what: string) => namedBy.set(id, [...(namedBy.get(id) ?? []), what]);
    for (const u of app.townData.units) if (u.communityId) name(u.communityId, `责任单位“${u.name}”`);
    for (const r of app.dispatch.rules) if (r.communityId) name(r.communityId, '派单规则');
    return planCommunities(areas, field, app.townData, app.problemTable, file, namedBy);
  };

  app.post(
    '/api/boundaries/dry-run',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['exchange'],
        summary: '边界检查（不写入）：上传网格或村居的 shapefile 压缩包、KML/KMZ 或 GeoJSON，与现有边界对比',
        description:
          'multipart: `file`, optional `choices` (JSON: `kind` grid or community, `datum` for KML/GeoJSON, `nameField`). Answers the grids (or villages) added, removed and reshaped (matched by name), the problems that would change grid or fall in none, the accounts whose grids would go, the overlaps and gaps between the new grids, whether it may be committed (and why not), and a preview (GeoJSON, WGS84) of the new and the removed grids. Nothing is written.',
        consumes: ['multipart/form-data'],
        response: { 200: BoundaryDryRun, ...errorResponses, 413: ErrorResponse, 415: ErrorResponse, 422: ErrorResponse },
      },
    },
    async (req) => {
      const { name, read, areas, fields, field, kind, current } = await readAreas(req);
      const t = app.problemTable;
      const users = kind === 'grid' ? (await accounts.listUsers()).filter((u) => u.gridIds.length > 0) : [];
      const diff = diffGrids(areas, current, t, users, field ?? undefined, (i) =>
        kind === 'grid' ? t.dictionaries.gridIds[t.grid[i]] : t.dictionaries.communityIds[t.community[i]],
      );
      const planned = plan(kind, areas, field, name);
      // villages: a problem follows its grid, so the plan's count is the true one
      if (kind === 'community' && 'plan' in planned) Object.assign(diff, { problemsMoving: planned.plan.moves.length, problemsOutside: 0 });
      const change = (n: string): AreaChange => (diff.added.includes(n) ? 'added' : diff.reshaped.some((r) => r.name === n) ? 'reshaped' : 'unchanged');
      const removed = new Set(diff.removed.map((r) => r.id));
      const preview = {
        type: 'FeatureCollection' as const,
        features: [
          ...areas.map((a) => {
            const n = field ? String(a.properties[field] ?? '').trim() : '';
            return { type: 'Feature' as const, geometry: a.geometry, properties: { name: n, change: n ? change(n) : ('unnamed' as const) } };
          }),
          ...current
            .filter((g) => removed.has(g.id))
            .map((g) => ({ type: 'Feature' as const, geometry: g.geometry, properties: { name: g.name, change: 'removed' as const } })),
        ],
      };
      return {
        kind,
        file: { name, format: read.format, encoding: read.encoding, crs: read.crs },
        areas: areas.length,
        skipped: read.skipped,
        fields,
        diff,
        commit: 'refused' in planned ? { allowed: false, refused: planned.refused } : { allowed: true, refused: [] },
        preview,
      };
    },
  );

  app.post(
    '/api/boundaries',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['exchange'],
        summary: '写入边界：替换网格或村居，问题与重点点位重新归属网格和村居',
        description:
          'The same upload as /api/boundaries/dry-run. A grid named in the file keeps its id, manager and village and takes the new shape; a new name becomes a grid of the village that holds it; grids not in the file are removed, with their grid managers’ assignments. With `kind: community` the villages are replaced the same way (a new name is a village, 社区 when named so) and each grid goes to the village holding it; a village still named by a unit or dispatch rule cannot go. Every problem whose grid or village changes gets a `regrid` event; key sites follow. One transaction. 422 (nothing written) when the file cannot be matched (no name attribute, unnamed or repeated names) or would leave a problem or key site in no grid; 409 when a problem changed while this ran. Open pages reload.',
        consumes: ['multipart/form-data'],
        response: { 200: BoundaryCommitted, ...errorResponses, 409: ErrorResponse, 413: ErrorResponse, 415: ErrorResponse, 422: ErrorResponse },
      },
    },
    async (req) => {
      const { name, areas, field, kind, current } = await readAreas(req);
      const planned = plan(kind, areas, field, name);
      if ('refused' in planned) throw new RequestError(422, 'boundaries_refused', 'file', `未写入：${planned.refused.join('；')}`);
      const written = planned.plan;
      const user = req.user as UserRecord;
      const before = new Map(current.map((g) => [g.id, g]));
      const grids = new Map(app.townData.grids.map((g) => [g.id, g]));
      const done = await app.store.boundaries.commitAreas(written, { actor: user.displayName, at: app.now() });
      if (!done.committed)
        throw new RequestError(
          409,
          'changed_meanwhile',
          'file',
          `检查后有 ${done.staleProblemIds.length} 件问题被修改（编号 ${done.staleProblemIds.slice(0, 10).join('、')}），未写入：请重新上传`,
        );
      // every process reads the areas again, moves the problems and tells its streams
      await app.feed.notice({ kind: 'areas' });
      const usernames = new Map((await accounts.listUsers()).map((u) => [u.id, u.username]));
      const now: readonly NamedArea[] = kind === 'grid' ? written.grids : written.communities;
      const answer = {
        kind,
        areas: now.length,
        added: now.filter((a) => !before.has(a.id)).map((a) => a.name),
        removed: (kind === 'grid' ? written.removedGrids : written.removedCommunities).map((id) => before.get(id)?.name ?? id),
        problemsMoved: done.moved,
        sitesMoved: written.sites.length,
        assignmentsRemoved: done.assignmentsRemoved.map((a) => ({
          username: usernames.get(a.userId) ?? String(a.userId),
          grid: grids.get(a.gridId)?.name ?? a.gridId,
        })),
      };
      await app.audit(req, 'boundaries.commit', kind === 'grid' ? 'grids' : 'communities', null, {
        file: name,
        ...answer,
        added: answer.added.length,
        removed: answer.removed,
      });
      return answer;
    },
  );
};

export default boundaryRoutes;
