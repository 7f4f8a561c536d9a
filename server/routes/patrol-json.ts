import type { FastifyInstance } from 'fastify';
import type { Static } from 'typebox';
import { toShanghaiIso } from '../domain/calendar.ts';
import { CHECKIN_RESULTS, type Checkin, type CheckinResult, type PatrolSummary } from '../schemas/patrols.ts';
import type { CheckinKind, CheckinRecord, PatrolRecord } from '../store/patrol-store.ts';

/** How the patrol routes answer a patrol and a check-in. */

export const checkinJson = (c: CheckinRecord): Static<typeof Checkin> => ({
  id: c.id,
  kind: c.kind,
  problemId: c.problemId,
  siteId: c.siteId,
  result: c.result,
  resultName: CHECKIN_RESULTS[c.result as CheckinResult] ?? c.result,
  note: c.note,
  lon: c.lon,
  lat: c.lat,
  at: toShanghaiIso(c.at),
});

export async function summaryOf(app: FastifyInstance, p: PatrolRecord, checkins?: CheckinRecord[]): Promise<Static<typeof PatrolSummary>> {
  const list = checkins ?? (await app.store.patrols.checkins(p.id));
  const count = (kind: CheckinKind) => list.filter((c) => c.kind === kind).length;
  return {
    id: p.id,
    actor: p.actor,
    gridIds: p.gridIds,
    mode: p.mode,
    startedAt: toShanghaiIso(p.startedAt),
    endedAt: p.endedAt === null ? null : toShanghaiIso(p.endedAt),
    meters: Math.round(p.distanceM),
    minutes: p.endedAt === null ? null : Math.round((p.endedAt - p.startedAt) / 60_000),
    checkins: count('stop'),
    reports: count('report'),
    fixes: count('fix'),
    trackPurged: p.trackPurged,
  };
}
