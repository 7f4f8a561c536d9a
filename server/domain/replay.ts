import type { EventChanges, ProblemEventRecord, ProblemRecord } from '../store/records.ts';

/** The fields of a problem row that its events decide; the rest (where, what) stays as reported. */
export type ReplayedState = Pick<ProblemRecord, 'status' | 'unitId' | 'measure' | 'deadline' | 'closedAt' | 'updatedAt' | 'version'>;

export const REPLAYED_FIELDS = [
  'status',
  'unitId',
  'measure',
  'deadline',
  'closedAt',
  'updatedAt',
  'version',
] as const satisfies readonly (keyof ReplayedState)[];

/**
 * Replays a problem's events, oldest first, from nothing: each event sets the status it led to,
 * the fields it changed, the time of the last change, and one more version. The result must equal
 * the problem's row: the row is a cache of its history, and the crash test checks exactly that.
 */
export function replayEvents(events: readonly Pick<ProblemEventRecord, 'at' | 'toStatus' | 'changes'>[]): ReplayedState {
  if (events.length === 0) throw new Error('a problem has at least its report event');
  const state: ReplayedState = { status: 'reported', unitId: null, measure: null, deadline: null, closedAt: null, updatedAt: 0, version: 0 };
  for (const e of events) {
    const changes: EventChanges = e.changes;
    if (changes.unitId !== undefined) state.unitId = changes.unitId;
    if (changes.measure !== undefined) state.measure = changes.measure;
    if (changes.deadline !== undefined) state.deadline = changes.deadline;
    if (changes.closedAt !== undefined) state.closedAt = changes.closedAt;
    state.status = e.toStatus;
    state.updatedAt = e.at;
    state.version++;
  }
  return state;
}

/** The fields where a problem row differs from the replay of its events (empty when they agree). */
export function replayMismatches(row: ProblemRecord, events: readonly Pick<ProblemEventRecord, 'at' | 'toStatus' | 'changes'>[]): string[] {
  const replayed = replayEvents(events);
  return REPLAYED_FIELDS.filter((f) => row[f] !== replayed[f]).map((f) => `${f}: row ${JSON.stringify(row[f])}, replay ${JSON.stringify(replayed[f])}`);
}
