import type { FastifyInstance, FastifyRequest } from 'fastify';
import { RequestError } from '../errors.ts';
import type { UserRecord } from '../store/account-store.ts';
import type { EventChanges, ProblemEventRecord, ProblemRecord } from '../store/records.ts';
import { checkVersion, staleVersion } from './if-match.ts';

/** Writing a change to a problem, checked against the version its writer saw. */

/** The version the client saw (If-Match): 428 when missing, 400 when malformed, 412 when stale. */
export function checkIfMatch(ifMatch: string | undefined, p: ProblemRecord): void {
  checkVersion(ifMatch, p.version, '问题');
}

/**
 * The photos a transition names, checked against the problem's own (422 naming `photos` for one
 * that is not): the "after" ones it attaches, and every "before" one the problem has.
 */
export async function transitionPhotos(
  app: FastifyInstance,
  p: ProblemRecord,
  ids: readonly string[],
): Promise<{ afterPhotos: string[]; beforePhotos: string[] }> {
  const stored = new Map((await app.store.photos(p.id)).map((ph) => [ph.id, ph]));
  for (const id of ids) if (!stored.has(id)) throw new RequestError(422, 'unknown_photo', 'photos', `照片 ${id.slice(0, 12)}… 不是该问题的照片`);
  return {
    afterPhotos: ids.filter((id) => stored.get(id)?.kind === 'after'),
    beforePhotos: [...stored.values()].filter((ph) => ph.kind === 'before').map((ph) => ph.id),
  };
}

/** What a closing action sets besides the status: the closing time; 当场整改 also clears the unit (自行处置: no unit did the work). */
export function closingChanges(action: 'close' | 'self_fix', now: number): EventChanges {
  return action === 'self_fix' ? { closedAt: now, unitId: null } : { closedAt: now };
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
  if (!written) throw staleVersion(p.version, '问题');
  // the table and the live streams, from the log in id order (see ChangeFeed)
  await app.feed.catchUp();
  await app.audit(req, `problem.${event.action}`, 'problem', p.id, { version: next.version, from: p.status, to: next.status, ...detailForAudit });
  return next;
}
