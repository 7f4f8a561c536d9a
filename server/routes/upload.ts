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
      else if (part.type === 'file' && part.fieldname === 'file') {
        bytes = await part.toBuffer(); // 413 past the limit
        name = part.filename;
      } else if (part.type === 'file') await part.toBuffer();
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
