import { type IncomingMessage, type ServerResponse, STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance } from 'fastify';

/** A client error: names the field and says why, in Chinese for the user and a code for programs. */
export class RequestError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    readonly field: string | null,
    message: string,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}

export function badRequest(field: string, message: string, code = 'invalid_parameter'): RequestError {
  return new RequestError(400, code, field, message);
}

export function notFound(message: string): RequestError {
  return new RequestError(404, 'not_found', null, message);
}

/** The reason phrase of a status (409 Conflict, 412 Precondition Failed, …). */
const statusText = (status: number) => STATUS_CODES[status] ?? 'Error';

interface AjvIssue {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
  data?: unknown;
}

const TYPE_NAMES: Record<string, string> = { string: '字符串', integer: '整数', number: '数字', boolean: 'true 或 false', object: '对象', array: '数组' };

/** Turns the first schema-validation problem into a field name and a Chinese reason. */
function describeValidation(issue: AjvIssue, part: string): { field: string; message: string; code: string } {
  const path = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
  const p = issue.params;
  switch (issue.keyword) {
    case 'required':
      return { field: String(p.missingProperty), message: `缺少必填参数 ${p.missingProperty}`, code: 'missing_parameter' };
    case 'additionalProperties':
      return { field: String(p.additionalProperty), message: `未知参数 ${p.additionalProperty}`, code: 'unknown_parameter' };
  }
  const field = path || part;
  if (Array.isArray(issue.data) && part === 'querystring') {
    return { field, message: `参数 ${field} 只能出现一次`, code: 'repeated_parameter' };
  }
  switch (issue.keyword) {
    case 'type':
      return { field, message: `${field} 应为${TYPE_NAMES[String(p.type)] ?? p.type}`, code: 'invalid_parameter' };
    case 'minimum':
      return { field, message: `${field} 不能小于 ${p.limit}`, code: 'out_of_range' };
    case 'maximum':
      return { field, message: `${field} 不能大于 ${p.limit}`, code: 'out_of_range' };
    case 'minLength':
      return { field, message: `${field} 不能为空`, code: 'invalid_parameter' };
    case 'maxLength':
      return { field, message: `${field} 过长（最多 ${p.limit} 个字符）`, code: 'invalid_parameter' };
    case 'enum':
      return { field, message: `${field} 必须是 ${(p.allowedValues as unknown[]).join('、')} 之一`, code: 'invalid_parameter' };
    case 'pattern':
      return { field, message: `${field} 格式不正确`, code: 'invalid_parameter' };
    default:
      return { field, message: `${field} 不合法`, code: 'invalid_parameter' };
  }
}

/**
 * One error handler for the app: 4xx answers name the field and the reason; 5xx answers never
 * show internals (the log keeps them).
 */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | RequestError, request, reply) => {
    if (error.statusCode === 413) lingerThenClose(request.raw, reply.raw);
    if (error instanceof RequestError) {
      return reply.status(error.statusCode).send({
        statusCode: error.statusCode,
        error: statusText(error.statusCode),
        code: error.code,
        field: error.field,
        message: error.message,
      });
    }
    const fe = error as FastifyError;
    if (fe.validation && fe.validation.length > 0) {
      const d = describeValidation(fe.validation[0] as AjvIssue, fe.validationContext ?? 'request');
      return reply.status(400).send({ statusCode: 400, error: 'Bad Request', ...d });
    }
    const status = fe.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      // Fastify's own client errors (bad JSON, wrong content type, body too large...).
      return reply.status(status).send({
        statusCode: status,
        error: statusText(status),
        code: (fe.code ?? 'bad_request').toLowerCase(),
        field: status === 413 || status === 415 || fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ? 'body' : null,
        message: clientErrorMessage(fe),
      });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send({ statusCode: 500, error: 'Internal Server Error', code: 'internal', field: null, message: '服务器内部错误，请稍后重试' });
  });

  app.setNotFoundHandler((request, reply) => {
    reply
      .status(404)
      .send({ statusCode: 404, error: 'Not Found', code: 'not_found', field: null, message: `没有这个地址：${request.method} ${request.url.split('?')[0]}` });
  });
}

function clientErrorMessage(e: FastifyError): string {
  switch (e.statusCode) {
    case 413:
      return '请求体过大';
    case 415:
      return '不支持的内容类型';
    default:
      return e.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY' ? '请求体不是合法的 JSON' : '请求不合法';
  }
}

/** How long the rest of a refused upload is read (and dropped) before its connection is cut. */
const LINGER_MS = 3000;

/**
 * After a 413 the rest of the body is not wanted, but cutting the connection at once while the
 * client is still sending makes its system answer "connection reset" instead of showing the 413.
 * So the rest is read and dropped for a few seconds after the answer (a browser stops sending
 * when it reads it), then the connection is cut: a gigabyte sent is not a gigabyte read.
 */
function lingerThenClose(req: IncomingMessage, res: ServerResponse): void {
  // no `connection: close`: Node would cut the connection the moment the answer is written
  res.once('finish', () => {
    if (req.complete) return;
    const cut = setTimeout(() => req.socket.destroy(), LINGER_MS);
    cut.unref();
    req.once('end', () => clearTimeout(cut));
    req.socket.once('close', () => clearTimeout(cut));
    req.resume();
  });
}
