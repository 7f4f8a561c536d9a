import type { ProblemDraft } from './records.ts';

/**
 * Problems with their events as flat arrays of primitives: the form in which many drafts cross
 * from a worker thread cheaply (no object per problem to clone or parse) and bind to SQL directly.
 */
export interface ProblemBatch {
  /** PROBLEM_FIELDS values, problem after problem. */
  problems: (string | number | null)[];
  /** EVENT_FIELDS values, event after event, in problem order. */
  events: (string | number | null)[];
  /** How many events each problem has. */
  eventCounts: number[];
}

export const PROBLEM_FIELDS = [
  'townId',
  'lon',
  'lat',
  'gridId',
  'communityId',
  'category',
  'source',
  'status',
  'unitId',
  'siteId',
  'description',
  'address',
  'measure',
  'reportedAt',
  'deadline',
  'closedAt',
  'updatedAt',
  'version',
] as const;

export const EVENT_FIELDS = ['at', 'actor', 'action', 'fromStatus', 'toStatus', 'note', 'photos'] as const;

/** Flattens drafts into a batch; photos travel as their JSON text. */
export function toBatch(drafts: readonly ProblemDraft[]): ProblemBatch {
  const batch: ProblemBatch = { problems: [], events: [], eventCounts: [] };
  for (const { problem, events } of drafts) {
    for (const f of PROBLEM_FIELDS) batch.problems.push(problem[f]);
    for (const e of events) batch.events.push(e.at, e.actor, e.action, e.fromStatus, e.toStatus, e.note, JSON.stringify(e.photos));
    batch.eventCounts.push(events.length);
  }
  return batch;
}
