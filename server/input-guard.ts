import type { FastifyInstance } from 'fastify';
import { badRequest } from './errors.ts';

/** 400 naming `field` for a value no store can hold (see installInputGuard below). */
function checkValue(field: string, value: unknown): void {
  if (typeof value === 'number' && (!Number.isFinite(value) || (Number.isInteger(value) && !Number.isSafeInteger(value)))) {
    throw badRequest(field, `${field} 不是有效的数字`);
  }
  if (typeof value === 'string' && value.includes('\u0000')) throw badRequest(field, `${field} 含有不可见的空字符`);
}

/**
 * Checks every value of a JSON body, naming the field by its path (`milestones.0.name`); drops
 * U+0000 from its texts, as the free-text rule drops every control character (a text with one is
 * kept, not refused).
 */
function checkBody(value: unknown, path: string): unknown {
  if (typeof value === 'string') return value.includes('\u0000') ? value.replaceAll('\u0000', '') : value;
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) value[i] = checkBody(v, path ? `${path}.${i}` : String(i));
  } else if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    for (const [k, v] of Object.entries(o)) o[k] = checkBody(v, path ? `${path}.${k}` : k);
  } else {
    checkValue(path || 'body', value);
  }
  return value;
}

/** Adds, for every route, the check of values no store can hold (see below). */
export function installInputGuard(app: FastifyInstance): void {
  // Values no store can hold, refused here for every route before a handler or a database sees
  // them: Ajv coerces "1e309" to Infinity and lets it pass integer and maximum checks; an integer
  // past 2^53 is not exact (and past PostgreSQL's bigint); PostgreSQL's text cannot hold U+0000
  // (refused in a path or query, dropped from a body's texts).
  app.addHook('preHandler', async (req) => {
    for (const part of [req.params, req.query]) {
      if (!part || typeof part !== 'object') continue;
      for (const [field, value] of Object.entries(part as Record<string, unknown>)) checkValue(field, value);
    }
    if (req.body && typeof req.body === 'object' && !Buffer.isBuffer(req.body)) checkBody(req.body, '');
    else if (typeof req.body === 'string') req.body = checkBody(req.body, '');
  });
}
