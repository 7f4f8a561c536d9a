import { describe, expect, it } from 'vitest';
import { generateDemo } from '../../scripts/demo/generate.ts';
import { replayEvents, replayMismatches } from '../../server/domain/replay.ts';
import type { ProblemDraft, ProblemRecord } from '../../server/store/records.ts';

const END = Date.parse('2026-11-27T15:00:00+08:00');

describe('replayEvents', () => {
  it('folds status, changed fields, last change and version', () => {
    const state = replayEvents([
      { at: 1, toStatus: 'reported', changes: { deadline: 100 } },
      { at: 2, toStatus: 'open', changes: { unitId: 'u1', measure: '清理' } },
      { at: 3, toStatus: 'open', changes: { measure: '清理并设告示' } },
      { at: 4, toStatus: 'in_progress', changes: {} },
      { at: 5, toStatus: 'awaiting_verification', changes: {} },
      { at: 6, toStatus: 'closed', changes: { closedAt: 6 } },
      { at: 7, toStatus: 'open', changes: { closedAt: null, deadline: 200 } },
    ]);
    expect(state).toEqual({ status: 'open', unitId: 'u1', measure: '清理并设告示', deadline: 200, closedAt: null, updatedAt: 7, version: 7 });
  });

  it('refuses an empty history', () => {
    expect(() => replayEvents([])).toThrow(/report event/);
  });

  it('gives back every demo problem row from its events', () => {
    const drafts = [...(generateDemo({ seed: 5, count: 3000, endMs: END }).problems as Iterable<ProblemDraft>)];
    expect(drafts.length).toBe(3000);
    const wrong = drafts.filter((d) => replayMismatches({ ...d.problem, id: 0 } as ProblemRecord, d.events).length > 0);
    expect(wrong).toEqual([]);
  });

  it('names the fields where a row and its history disagree', () => {
    const row = { status: 'closed', unitId: 'u1', measure: null, deadline: 100, closedAt: null, updatedAt: 2, version: 2 } as ProblemRecord;
    const events = [
      { at: 1, toStatus: 'reported' as const, changes: { deadline: 100 } },
      { at: 2, toStatus: 'closed' as const, changes: { closedAt: 2 } },
    ];
    expect(replayMismatches(row, events)).toEqual(['unitId: row "u1", replay null', 'closedAt: row null, replay 2']);
  });
});
