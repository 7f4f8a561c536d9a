import type { ProblemDraft } from './records.ts';

/**
 * Problems with their events as flat arrays of primitives: the form in which many drafts cross
 * from a worker thread cheaply (no object per problem to clone or parse) and bind to SQL directly.
 */
export interface ProblemBatch {
  /** PROBLEM_FIELDS values then the reporter's name and phone (or nulls): ROW_WIDTH values a problem. */
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

/** Values a problem takes in a batch: its fields, then reporter name and phone. */
export const ROW_WIDTH = PROBLEM_FIELDS.length + 2;

export const EVENT_FIELDS = ['at', 'actor', 'action', 'fromStatus', 'toStatus', 'note', 'photos', 'changes'] as const;

/** Flattens drafts into a batch; photos and changes travel as their JSON text. */
export function toBatch(drafts: readonly ProblemDraft[]): ProblemBatch {
  const batch: ProblemBatch = { problems: [], events: [], eventCounts: [] };
  for (const { problem, events, reporter } of drafts) {
    for (const f of PROBLEM_FIELDS) batch.problems.push(problem[f]);
    batch.problems.push(reporter?.name ?? null, reporter?.phone ?? null);
    for (const e of events) batch.events.push(e.at, e.actor, e.action, e.fromStatus, e.toStatus, e.note, JSON.stringify(e.photos), JSON.stringify(e.changes));
    batch.eventCounts.push(events.length);
  }
  return batch;
}
