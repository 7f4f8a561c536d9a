import type { Readable } from 'node:stream';
import type { FastifyRequest } from 'fastify';
import type { Static, TSchema } from 'typebox';
import Value from 'typebox/value';
import { badRequest, RequestError } from '../errors.ts';

/**
 * A file upload with the clerk's choices (multipart: `file`, and `choices` as JSON checked against
 * `schema`), as the import and boundary routes take them; each problem names its field.
 */
export async function readUpload<S extends TSchema>(
  req: FastifyRequest,
  schema: S,
  maxBytes: number,
): Promise<{ bytes: Buffer; name: string; choices: Static<S> }> {
  if (!req.isMultipart()) throw new RequestError(415, 'not_multipart', 'body', '请以 multipart/form-data 上传文件（字段 file）');
  let bytes: Buffer | null = null;
  let name = '';
  let raw: string | undefined;
  try {
    for await (const part of req.parts()) {
      if (part.type === 'field' && part.fieldname === 'choices') raw = String(part.value);
      else if (part.type === 'file') {
        const file = await upTo(part.file, maxBytes);
        if (part.fieldname === 'file') {
          bytes = file;
          name = part.filename;
        }
      }
    }
  } catch (e) {
    const status = (e as { statusCode?: number }).statusCode;
    if (status === 413) throw new RequestError(413, 'too_large', 'file', `文件超过 ${maxBytes / 1024 / 1024} MB：请分批导入`);
    if (status !== undefined && status >= 400 && status < 500) throw e;
    throw new RequestError(400, 'bad_multipart', 'body', '上传内容不是合法的 multipart/form-data');
  }
  if (!bytes || bytes.length === 0) throw badRequest('file', '缺少文件（字段名 file）');
  let parsed: unknown = {};
  if (raw !== undefined) {
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw badRequest('choices', 'choices 不是合法的 JSON');
    }
  }
  const issue = [...Value.Errors(schema, parsed)][0];
  if (issue) throw badRequest(`choices${issue.instancePath.replaceAll('/', '.')}`, `choices 有误：${issue.message}`);
  return { bytes, name, choices: parsed as Static<S> };
}

/**
 * A part's bytes, or a 413 as soon as they pass `maxBytes`. The stream is dropped there: that stops
 * the parser, so nothing more of the body is read (the multipart plugin's own `toBuffer` reads a
 * part to its end, a gigabyte sent being a gigabyte read before the answer), and the answer closes
 * the connection (errors.ts).
 */
async function upTo(file: Readable & { truncated?: boolean }, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of file) {
    size += chunk.length;
    if (size > maxBytes || file.truncated) {
      file.destroy();
      throw Object.assign(new Error('file too large'), { statusCode: 413 });
    }
    chunks.push(chunk);
  }
  if (file.truncated) throw Object.assign(new Error('file too large'), { statusCode: 413 });
  return Buffer.concat(chunks);
}
