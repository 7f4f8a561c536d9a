import { createHash } from 'node:crypto';
import { PassThrough } from 'node:stream';
import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { type Static, Type } from 'typebox';
import { recurrencesAmong } from '../analytics/recurrences.ts';
import { toShanghaiIso } from '../domain/calendar.ts';
import { findCategory } from '../domain/catalogue.ts';
import { badRequest, notFound, RequestError } from '../errors.ts';
import { importRows } from '../exchange/commit.ts';
import { DATUMS } from '../exchange/datum.ts';
import { type DryRun, dryRun, writeReportXlsx } from '../exchange/dry-run.ts';
import type { ImportChoices } from '../exchange/import-rows.ts';
import { UnreadableFile } from '../exchange/read-table.ts';
import { MAX_UPLOAD_BYTES } from '../exchange/upload-limit.ts';
import { ErrorResponse, errorResponses } from '../schemas/common.ts';
import { DryRunAnswer, ImportBatch, ImportDone } from '../schemas/imports.ts';
import type { UserRecord } from '../store/account-store.ts';
import type { ImportBatchRecord } from '../store/import-store.ts';
import { sendStream } from './send-serialized.ts';
import { readUpload } from './upload.ts';

/** The import wizard's API: a sheet uploaded with the clerk's choices, read and judged row by row (nothing written). */

/** The largest sheet taken: a year of a district's problems as .xlsx is a few MB. */
const MAX_SHEET_BYTES = MAX_UPLOAD_BYTES;
/** Report lines in the JSON answer (all of them are in the .xlsx report). */
const LINES_SHOWN = 500;

const Choices = Type.Object(
  {
    datum: Type.Optional(Type.Union(DATUMS.map((d) => Type.Literal(d.code)))),
    categories: Type.Optional(Type.Record(Type.String({ maxLength: 100 }), Type.Union([Type.String({ maxLength: 40 }), Type.Null()]))),
    units: Type.Optional(Type.Record(Type.String({ maxLength: 100 }), Type.Union([Type.String({ maxLength: 40 }), Type.Null()]))),
    defaultCategory: Type.Optional(Type.String({ maxLength: 40, description: 'the category of rows that name none' })),
  },
  { additionalProperties: false },
);

/** The upload's file and the clerk's choices, checked (categories against the catalogue). */
async function upload(req: FastifyRequest): Promise<{ bytes: Buffer; name: string; choices: Partial<ImportChoices> }> {
  const { bytes, name, choices } = await readUpload(req, Choices, MAX_SHEET_BYTES);
  if (choices.defaultCategory !== undefined && !findCategory(choices.defaultCategory))
    throw badRequest('choices.defaultCategory', `未知的问题类型代码：${choices.defaultCategory}`, 'unknown_value');
  for (const [text, code] of Object.entries(choices.categories ?? {}))
    if (code !== null && !findCategory(code)) throw badRequest(`choices.categories.${text}`, `未知的问题类型代码：${code}`, 'unknown_value');
  return { bytes, name, choices };
}

const importRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(multipart, { limits: { fileSize: MAX_SHEET_BYTES, files: 1, fields: 2, fieldSize: 256 * 1024, parts: 4 } });

  const run = async (req: FastifyRequest): Promise<{ run: DryRun; name: string; bytes: Buffer }> => {
    const { bytes, name, choices } = await upload(req);
    for (const [text, id] of Object.entries(choices.units ?? {}))
      if (id !== null && !app.townData.unitById.has(id)) throw badRequest(`choices.units.${text}`, `未知的责任单位：${id}`, 'unknown_value');
    try {
      const imported = await app.store.imports.fingerprints();
      return { run: await dryRun(bytes, choices, { town: app.townData, table: app.problemTable, now: app.now(), imported }), name, bytes };
    } catch (e) {
      if (e instanceof UnreadableFile) throw new RequestError(422, 'unreadable_file', 'file', e.message);
      throw e;
    }
  };

  app.post(
    '/api/imports/dry-run',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['exchange'],
        summary: '导入检查（不写入）：上传台账（.xlsx/.csv），逐行给出可导入、有提示或不导入及原因',
        description:
          'multipart: `file` (.xlsx, or .csv in UTF-8 or GBK/GB18030; told by content), optional `choices` (JSON: `datum` wgs84|gcj02|bd09, `categories` {sheet text: code|null}, `units` {sheet text: unit id|null}). Answers the header found, the datum proposed and why, each 问题类型 and 责任单位 with what it maps to, the counts and the first 500 lines. Nothing is written.',
        consumes: ['multipart/form-data'],
        response: { 200: DryRunAnswer, ...errorResponses, 413: ErrorResponse, 415: ErrorResponse, 422: ErrorResponse },
      },
    },
    async (req) => {
      const { run: r, name } = await run(req);
      const fieldOfColumn = Object.entries(r.header.columns).map(([field, column]) => ({
        field,
        column: column as number,
        header: String(r.table.rows[r.header.row]?.[column as number] ?? ''),
      }));
      return {
        file: { name, encoding: r.table.encoding },
        header: { line: r.header.row + 1, title: r.header.title, year: r.header.year, columns: fieldOfColumn, unknown: r.header.unknown },
        datum: { proposed: r.datum.datum, used: r.datumUsed, clear: r.datum.clear, reason: r.datum.reason, inside: r.datum.inside, agree: r.datum.agree },
        categories: r.categories,
        units: r.units,
        counts: r.counts,
        lines: r.reports.slice(0, LINES_SHOWN).map((l) => ({
          line: l.line,
          outcome: l.outcome,
          reasons: l.reasons,
          problem: l.problem && { lon: l.problem.lon, lat: l.problem.lat, category: l.problem.category, status: l.problem.status, gridId: l.problem.gridId },
        })),
      };
    },
  );

  app.post(
    '/api/imports/report',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['exchange'],
        summary: '导入检查结果（.xlsx）：每行的结果与原因',
        description: 'The same upload as /api/imports/dry-run; the sheet’s rows with 导入结果 and 原因 in front, for the clerk to mend and upload again.',
        consumes: ['multipart/form-data'],
        response: { 200: Type.String({ format: 'binary' }), ...errorResponses, 413: ErrorResponse, 415: ErrorResponse, 422: ErrorResponse },
      },
    },
    async (req, reply) => {
      const { run: r, name } = await run(req);
      const out = new PassThrough();
      writeReportXlsx(out, r, name || '台账').catch((e: unknown) => out.destroy(e as Error));
      const base = (name || '台账').replace(/\.[^.]*$/, '');
      reply.header('Content-Disposition', `attachment; filename="import-report.xlsx"; filename*=UTF-8''${encodeURIComponent(`${base}_导入检查结果.xlsx`)}`);
      return sendStream(reply, out, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    },
  );

  app.post(
    '/api/imports',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['exchange'],
        summary: '导入：写入检查通过的行（一个批次，一次事务）',
        description:
          'The same upload as /api/imports/dry-run: the rows it judges 可导入 are added as one batch in one transaction, each problem with one `import` event naming the file and line. Rows imported before (by fingerprint) are not added again. Live pages reload.',
        consumes: ['multipart/form-data'],
        response: { 201: ImportDone, ...errorResponses, 409: ErrorResponse, 413: ErrorResponse, 415: ErrorResponse, 422: ErrorResponse },
      },
    },
    async (req, reply) => {
      const { run: r, name, bytes } = await run(req);
      const user = req.user as UserRecord;
      const now = app.now();
      const rows = importRows(r.reports, { actor: user.displayName, townId: app.townData.town.id, filename: name || '台账', now });
      if (rows.length === 0)
        throw new RequestError(422, 'nothing_to_import', 'file', `没有可导入的行（共 ${r.counts.rows} 行，均不导入）：请下载检查结果，修改后重新上传`);
      const done = await app.store.imports.commit(
        {
          filename: name || '台账',
          fileSha256: createHash('sha256').update(bytes).digest('hex'),
          datum: r.datumUsed,
          createdBy: user.displayName,
          createdAt: now,
        },
        rows,
      );
      if (!done) throw new RequestError(409, 'already_imported', 'file', '其中有的行刚被另一次导入写入：请重新检查后再导入');
      await app.feed.catchUp();
      // 反弹: an imported problem reported near one of its kind closed in the 90 days before
      const recurrences = recurrencesAmong(app.problemTable, new Set(done.problemIds));
      await app.store.addRecurrences(recurrences);
      // every process marks them and tells its streams to reload
      await app.feed.notice({ kind: 'reset' });
      await app.audit(req, 'import.commit', 'import', done.batch.id, {
        file: name,
        sha256: done.batch.fileSha256,
        added: rows.length,
        rejected: r.counts.rejected,
      });
      return reply.code(201).send({ batch: batchJson(done.batch), counts: r.counts });
    },
  );

  app.get(
    '/api/imports',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['exchange'],
        summary: '导入批次（最近的在前）',
        response: { 200: Type.Object({ batches: Type.Array(ImportBatch) }), ...errorResponses },
      },
    },
    async () => ({ batches: (await app.store.imports.batches()).map(batchJson) }),
  );

  app.post(
    '/api/imports/:id/undo',
    {
      config: { access: ['admin'] },
      schema: {
        tags: ['exchange'],
        summary: '撤销导入：删除该批次的问题（仅当其后无人改动过）',
        description:
          'Removes the batch’s problems and their events, leaving the town as before the import, if none of them has changed since (a transition, a photo, a recurrence of it); otherwise 409 naming them.',
        params: Type.Object({ id: Type.String({ maxLength: 12, pattern: '^[0-9]+$', description: 'batch id' }) }),
        response: { 200: Type.Object({ batch: ImportBatch, removed: Type.Integer() }), ...errorResponses, 404: ErrorResponse, 409: ErrorResponse },
      },
    },
    async (req) => {
      const id = Number(req.params.id);
      const user = req.user as UserRecord;
      const result = await app.store.imports.undo(id, user.displayName, app.now());
      if (!result.undone) {
        if (result.reason !== 'touched') {
          if (result.reason === 'not_found') throw notFound(`导入批次 ${id} 不存在`);
          throw new RequestError(409, 'already_undone', 'id', `导入批次 ${id} 已撤销`);
        }
        const ids = result.problemIds;
        throw new RequestError(
          409,
          'touched',
          'id',
          `该批次有 ${ids.length} 个问题在导入后已被处理（如 ${ids.slice(0, 10).join('、')}${ids.length > 10 ? ' 等' : ''}），不能整批撤销`,
        );
      }
      // every process drops them from its table and tells its streams to reload
      await app.feed.notice({ kind: 'reset' });
      await app.audit(req, 'import.undo', 'import', id, { removed: result.problemIds.length });
      const batch = await app.store.imports.batch(id);
      return { batch: batchJson(batch as ImportBatchRecord), removed: result.problemIds.length };
    },
  );
};

/** A batch as the API answers it: instants as Shanghai ISO text. */
function batchJson(b: ImportBatchRecord): Static<typeof ImportBatch> {
  return {
    id: b.id,
    filename: b.filename,
    fileSha256: b.fileSha256,
    datum: b.datum,
    createdBy: b.createdBy,
    createdAt: toShanghaiIso(b.createdAt),
    rowsAdded: b.rowsAdded,
    undoneAt: b.undoneAt === null ? null : toShanghaiIso(b.undoneAt),
    undoneBy: b.undoneBy,
  };
}

export default importRoutes;
