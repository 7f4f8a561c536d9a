import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { mayChangeProblem } from '../auth/access.ts';
import { toShanghaiIso } from '../domain/calendar.ts';
import { badRequest, notFound, RequestError } from '../errors.ts';
import { MAX_PHOTO_BYTES, type PhotoBlobs, processPhoto } from '../photos.ts';
import { ErrorResponse, errorResponses, guardedResponses } from '../schemas/common.ts';
import { Photo } from '../schemas/problems.ts';
import type { UserRecord } from '../store/account-store.ts';
import type { PhotoRecord } from '../store/records.ts';
import { problemFor } from './problem-access.ts';
import { sendBinary } from './send-serialized.ts';

export const photoJson = (p: PhotoRecord) => ({
  id: p.id,
  kind: p.kind,
  width: p.width,
  height: p.height,
  url: `/api/photos/${p.id}`,
  thumbUrl: `/api/photos/${p.id}?thumb=true`,
  lon: p.lon,
  lat: p.lat,
  createdAt: toShanghaiIso(p.createdAt),
  createdBy: p.createdBy,
});

const IdParams = Type.Object({ id: Type.String({ maxLength: 12, description: 'problem id' }) });

/** Photos of problems: upload (multipart), list, and the files, each only to who may see the problem. */
const photoRoutes: FastifyPluginAsyncTypebox<{ files: PhotoBlobs }> = async (app, { files }) => {
  await app.register(multipart, { limits: { fileSize: MAX_PHOTO_BYTES, files: 1, fields: 4, fieldSize: 1024, parts: 5 } });

  app.post(
    '/api/problems/:id/photos',
    {
      config: { access: ['admin', 'grid_manager', 'unit'] },
      schema: {
        tags: ['problems'],
        summary: '上传现场照片（multipart：kind=before|after，file；JPEG/PNG/WebP，≤10 MB）',
        description:
          'Checked by content, not by name; at most 60 million pixels; EXIF (GPS included) is stripped from what is stored and served, after the position was read. Files are named by the SHA-256 of the stored bytes.',
        consumes: ['multipart/form-data'],
        params: IdParams,
        response: { 201: Type.Object({ photo: Photo }), ...errorResponses, ...guardedResponses, 413: ErrorResponse, 415: ErrorResponse, 422: ErrorResponse },
      },
    },
    async (req, reply) => {
      const p = await problemFor(app, req.params.id, req.principal);
      const user = req.user as UserRecord;
      if (!mayChangeProblem(user, p)) throw new RequestError(403, 'forbidden', 'id', '只能为本人网格或本单位的问题上传照片');
      if (!req.isMultipart()) throw new RequestError(415, 'not_multipart', 'body', '请以 multipart/form-data 上传照片');
      let kind: string | undefined;
      let upload: Buffer | null = null;
      try {
        for await (const part of req.parts()) {
          if (part.type === 'field' && part.fieldname === 'kind') kind = String(part.value);
          else if (part.type === 'file' && part.fieldname === 'file') {
            upload = await part.toBuffer(); // throws 413 past the size limit
          } else if (part.type === 'file') {
            await part.toBuffer();
          }
        }
      } catch (e) {
        // The plugin's own client errors (too large, too many parts) keep their status; a malformed body is a 400.
        const status = (e as { statusCode?: number }).statusCode;
        if (status !== undefined && status >= 400 && status < 500) throw e;
        throw new RequestError(400, 'bad_multipart', 'body', '上传内容不是合法的 multipart/form-data');
      }
      if (kind !== 'before' && kind !== 'after') throw badRequest('kind', 'kind 应为 before（整改前）或 after（整改后）');
      if (!upload || upload.length === 0) throw badRequest('file', '缺少照片文件（字段名 file）');
      const processed = await processPhoto(upload);
      await files.save(processed);
      const record: PhotoRecord = {
        id: processed.id,
        problemId: p.id,
        kind,
        mime: processed.mime,
        width: processed.width,
        height: processed.height,
        bytes: processed.stored.length,
        lon: processed.gps?.lon ?? null,
        lat: processed.gps?.lat ?? null,
        createdAt: app.now(),
        createdBy: user.displayName,
      };
      await app.store.addPhoto(record);
      await app.audit(req, 'photo.upload', 'problem', p.id, { photo: processed.id, kind, bytes: record.bytes });
      const stored = (await app.store.photo(processed.id)).find((r) => r.problemId === p.id) ?? record;
      return reply.code(201).send({ photo: photoJson(stored) });
    },
  );

  app.get(
    '/api/problems/:id/photos',
    {
      config: { access: 'users' },
      schema: {
        tags: ['problems'],
        summary: '问题的现场照片',
        params: IdParams,
        response: { 200: Type.Object({ photos: Type.Array(Photo) }), ...errorResponses, ...guardedResponses },
      },
    },
    async (req) => ({ photos: (await app.store.photos((await problemFor(app, req.params.id, req.principal)).id)).map(photoJson) }),
  );

  app.get(
    '/api/photos/:photo',
    {
      config: { access: 'users' },
      schema: {
        tags: ['problems'],
        summary: '照片文件（去除 EXIF；thumb=true 为缩略图）',
        params: Type.Object({ photo: Type.String({ pattern: '^[0-9a-f]{64}$', description: 'photo id' }) }),
        querystring: Type.Object({ thumb: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: { 200: Type.String({ format: 'binary' }), ...errorResponses, ...guardedResponses },
      },
    },
    async (req, reply) => {
      const records = await app.store.photo(req.params.photo);
      if (records.length === 0) throw notFound('没有这张照片');
      // Served when the caller may see one of the problems it documents.
      let photo: PhotoRecord | null = null;
      let refusal: unknown = null;
      for (const r of records) {
        try {
          await problemFor(app, String(r.problemId), req.principal);
          photo = r;
          break;
        } catch (e) {
          refusal = e;
        }
      }
      if (!photo) throw refusal;
      const thumb = req.query.thumb === true;
      // Named by content: the bytes never change, so the browser may keep them (privately).
      reply.header('Cache-Control', 'private, max-age=31536000, immutable');
      return sendBinary(reply, await files.read(photo.id, thumb), thumb ? 'image/webp' : photo.mime);
    },
  );
};

export default photoRoutes;
