import type { FastifyInstance } from 'fastify';
import { type Principal, unitScope } from '../auth/access.ts';
import { badRequest, notFound, RequestError } from '../errors.ts';
import type { ProblemRecord } from '../store/records.ts';

/** The problem `rawId` (a path parameter) names, when the caller may read it (a unit reads its own only): 400, 404 or 403 otherwise. */
export async function problemFor(app: FastifyInstance, rawId: string, principal: Principal | undefined): Promise<ProblemRecord> {
  if (!/^[1-9]\d{0,9}$/.test(rawId)) throw badRequest('id', 'id 应为正整数');
  const id = Number(rawId);
  const p = await app.store.problem(id);
  if (!p) throw notFound(`问题 ${id} 不存在`);
  const unit = unitScope(principal);
  if (unit !== null && p.unitId !== unit) throw new RequestError(403, 'forbidden', 'id', `问题 ${id} 不属于本单位`);
  return p;
}
