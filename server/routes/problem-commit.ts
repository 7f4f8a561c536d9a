import type { FastifyInstance, FastifyRequest } from 'fastify';
import { badRequest, RequestError } from '../errors.ts';
import { changeOf } from '../live.ts';
import type { UserRecord } from '../store/account-store.ts';
import type { EventChanges, ProblemEventRecord, ProblemRecord } from '../store/records.ts';

/** Writing a change to a problem, checked against the version its writer saw. */

function stale(current: number): RequestError {
  return new RequestError(412, 'version_conflict', 'If-Match', `问题已被他人修改（当前版本 ${current}），请刷新后重试`);
}

/** The version the client saw (If-Match): 428 when missing, 400 when malformed, 412 when stale. */
export function checkIfMatch(ifMatch: string | undefined, p: ProblemRecord): void {
  if (ifMatch === undefined) throw new RequestError(428, 'precondition_required', 'If-Match', '请在 If-Match 中带上问题的版本（ETag），以免覆盖他人的修改');
  const tag = /^(W\/)?"([\x21\x23-\x7e]*)"$/.exec(ifMatch.trim());
  if (!tag) throw badRequest('If-Match', 'If-Match 应为问题的 ETag，如 "3"');
  // Strong comparison (RFC 9110 §13.1.1): only the ETag the server sent matches, not W/"4" nor "04".
  if (tag[1] !== undefined || tag[2] !== String(p.version)) throw stale(p.version);
}

/**
 * Writes a change: the new row and its event in one transaction that checks the version (412
 * when another writer was first), then the in-memory table, the live streams and the audit log.
 * Returns the new row.
 */
export async function commitProblemChange(
  app: FastifyInstance,
  req: FastifyRequest,
  p: ProblemRecord,
  status: ProblemRecord['status'],
  changes: EventChanges,
  event: { action: ProblemEventRecord['action']; note: string; photos: string[] },
  detailForAudit: Record<string, unknown>,
): Promise<ProblemRecord> {
  const user = req.user as UserRecord;
  const now = app.now();
  const { mergedInto: _, ...fields } = changes;
  const next: ProblemRecord = { ...p, ...fields, status, updatedAt: now, version: p.version + 1 };
  const written = await app.store.updateProblem(next, p.version, {
    at: now,
    actor: user.displayName,
    fromStatus: p.status,
    toStatus: status,
    changes,
    ...event,
  });
  if (!written) throw stale(p.version);
  app.problemTable.upsert(next);
  app.live.publish(changeOf(next, written));
  await app.audit(req, `problem.${event.action}`, 'problem', p.id, { version: next.version, from: p.status, to: next.status, ...detailForAudit });
  return next;
}
