import { PassThrough, Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { Type } from 'typebox';
import { selectPage } from '../analytics/filter.ts';
import { unitScope } from '../auth/access.ts';
import { toShanghaiIso } from '../domain/calendar.ts';
import { findCategory, sources } from '../domain/catalogue.ts';
import { statuses } from '../domain/lifecycle.ts';
import { badRequest, RequestError } from '../errors.ts';
import { ledgerCsv } from '../exchange/export-csv.ts';
import { ledgerGeoJson, ledgerKml } from '../exchange/export-geo.ts';
import { ledgerShapefile } from '../exchange/export-shapefile.ts';
import { type RowPhotos, THUMB_PX, writeLedgerXlsx } from '../exchange/export-xlsx.ts';
import { type LedgerRow, ledgerRow, MAX_PHOTO_ROWS } from '../exchange/ledger.ts';
import type { PhotoBlobs } from '../photos.ts';
import { errorResponses, problemFilterProperties } from '../schemas/common.ts';
import type { TownData } from '../town-data.ts';
import { type ProblemFilterQuery, parseProblemFilter } from './problem-filter.ts';
import { sendStream } from './send-serialized.ts';

/** Exporting the problems a caller may see, with the map's filters: the 台账 as .xlsx or .csv, and GeoJSON or KML. */

const FORMATS = {
  xlsx: { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', ext: 'xlsx' },
  csv: { type: 'text/csv; charset=utf-8', ext: 'csv' },
  geojson: { type: 'application/geo+json', ext: 'geojson' },
  kml: { type: 'application/vnd.google-earth.kml+xml', ext: 'kml' },
  shp: { type: 'application/zip', ext: 'zip' },
} as const;

const ExportQuery = Type.Object(
  {
    ...problemFilterProperties,
    format: Type.Union(
      (Object.keys(FORMATS) as (keyof typeof FORMATS)[]).map((f) => Type.Literal(f)),
      {
        description:
          'xlsx: the 台账 (title, frozen header, real dates, overdue in red); csv: UTF-8 with BOM; geojson: WGS84; kml: WGS84 or GCJ-02; shp: a point shapefile .zip (WGS84, UTF-8 with .cpg)',
      },
    ),
    crs: Type.Optional(
      Type.Union([Type.Literal('wgs84'), Type.Literal('gcj02')], { description: 'KML only: gcj02 for 奥维互动地图 and 高德 (default wgs84)' }),
    ),
    reveal: Type.Optional(Type.Boolean({ description: "admins only, audited: the reporters' names and phones unmasked" })),
    photos: Type.Optional(
      Type.Boolean({ description: `xlsx only: each row with its first 整改前 and 整改后 photo as a thumbnail (at most ${MAX_PHOTO_ROWS} rows: filter first)` }),
    ),
  },
  { additionalProperties: false },
);

/** The thumbnails of a problem's first before and after photo, as the sheet's JPEGs. */
async function rowPhotos(app: FastifyInstance, files: PhotoBlobs, problemId: number): Promise<RowPhotos> {
  const records = await app.store.photos(problemId);
  const jpeg = async (kind: 'before' | 'after') => {
    const p = records.find((r) => r.kind === kind);
    if (!p) return null;
    try {
      return await sharp(await files.read(p.id, true))
        .resize({ width: THUMB_PX * 2, height: Math.round(THUMB_PX * 1.5), fit: 'cover' })
        .jpeg({ quality: 80 })
        .toBuffer();
    } catch {
      return null; // a photo file gone from the disk: the row without it
    }
  };
  return { before: await jpeg('before'), after: await jpeg('after') };
}

/** The filters in words, for the sheet's second line. */
function filterWords(q: ProblemFilterQuery, town: TownData): string {
  const names = (raw: string | undefined, list: readonly { code: string; name: string }[]) =>
    raw
      ?.split(',')
      .map((c) => list.find((x) => x.code === c)?.name ?? c)
      .join('、');
  const parts = [
    q.category &&
      `类型：${q.category
        .split(',')
        .map((c) => findCategory(c)?.name ?? c)
        .join('、')}`,
    q.status && `状态：${names(q.status, statuses)}`,
    q.source && `来源：${names(q.source, sources)}`,
    q.community && `村居：${town.communityById.get(q.community)?.name ?? q.community}`,
    q.grid &&
      `网格：${q.grid
        .split(',')
        .map((g) => town.gridById.get(g)?.name ?? g)
        .join('、')}`,
    q.unit && `责任单位：${town.unitById.get(q.unit)?.name ?? q.unit}`,
    (q.from || q.to) && `发现时间：${q.from ?? '…'} 至 ${q.to ?? '…'}`,
    q.overdue !== undefined && (q.overdue ? '仅逾期' : '未逾期'),
    q.bbox && '地图范围内',
  ].filter(Boolean);
  return parts.length ? parts.join('；') : '全部问题';
}

const exportRoutes: FastifyPluginAsyncTypebox<{ photos: PhotoBlobs }> = async (app, { photos: files }) => {
  app.get(
    '/api/export/problems',
    {
      config: { access: ['admin', 'leader', 'unit', 'grid_manager'] },
      schema: {
        tags: ['exchange'],
        summary: '导出问题台账（xlsx / csv / GeoJSON / KML），按当前筛选条件',
        description:
          'The problems the caller may see (a 责任单位 its own), with the same filters as /api/problems, streamed. Reporters are masked unless an admin asks `reveal=true`, which is audited; every export is audited with its format and row count.',
        querystring: ExportQuery,
        response: { 200: Type.String({ format: 'binary' }), ...errorResponses },
      },
    },
    async (req, reply) => {
      const { format, crs = 'wgs84', reveal = false, photos = false, ...filterQuery } = req.query;
      if (reveal && req.principal?.user?.role !== 'admin') throw new RequestError(403, 'forbidden', 'reveal', '只有创文办管理员可以导出未脱敏的举报人信息');
      if (photos && format !== 'xlsx') throw badRequest('photos', '只有 Excel 台账（format=xlsx）可以带照片');
      const table = app.problemTable;
      const filter = parseProblemFilter(filterQuery, table, unitScope(req.principal));
      const now = app.now();
      const { rows: selected } = selectPage(table, filter, now, 0, Number.POSITIVE_INFINITY);
      if (photos && selected.length > MAX_PHOTO_ROWS)
        throw badRequest('photos', `带照片的台账最多 ${MAX_PHOTO_ROWS} 条（当前 ${selected.length} 条）：请先按村居、网格或时间筛选，或导出不带照片的台账`);
      const reporters = await app.store.reporters();
      const town = app.townData;
      function* rows(): Generator<LedgerRow> {
        for (const i of selected) {
          const p = table.record(i);
          yield ledgerRow(p, town, now, reporters.get(p.id), reveal);
        }
      }
      await app.audit(req, reveal ? 'reveal' : 'export', 'problem', null, {
        format,
        ...(photos && { photos: true }),
        rows: selected.length,
        ...(reveal && { fields: ['reporter_name', 'reporter_phone'] }),
      });
      const stamp = toShanghaiIso(now);
      const name = `${town.town.name}问题台账_${stamp.slice(0, 10)}`;
      const { type, ext } = FORMATS[format];
      reply
        .header('Content-Disposition', `attachment; filename="problems.${ext}"; filename*=UTF-8''${encodeURIComponent(`${name}.${ext}`)}`)
        .header('Cache-Control', 'no-store');
      if (format === 'xlsx') {
        const out = new PassThrough();
        const subtitle = `导出时间：${stamp.slice(0, 16).replace('T', ' ')}；筛选：${filterWords(filterQuery, town)}；共 ${selected.length} 条；${reveal ? '举报人信息未脱敏（已记入审计日志）' : '举报人信息已脱敏'}`;
        const withPhotos = photos ? (r: LedgerRow) => rowPhotos(app, files, r.id) : undefined;
        writeLedgerXlsx(out, { title: `${town.town.name}创文问题台账`, subtitle }, rows(), withPhotos).catch((e: unknown) => out.destroy(e as Error));
        return sendStream(reply, out, type);
      }
      if (format === 'shp') return sendStream(reply, Readable.from([await ledgerShapefile(rows(), 'problems', now)]), type);
      const lines = format === 'csv' ? ledgerCsv(rows()) : format === 'geojson' ? ledgerGeoJson(rows()) : ledgerKml(rows(), name, crs);
      return sendStream(reply, Readable.from(lines), type);
    },
  );
};

export default exportRoutes;
