import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Static, Type } from 'typebox';
import { toShanghaiIso } from '../domain/calendar.ts';
import { findCategory } from '../domain/catalogue.ts';
import { isOverdue } from '../domain/lifecycle.ts';
import { maskName, maskPhone } from '../domain/personal-info.ts';
import type { HistoryEntry, ProblemDetail, ProblemFeature } from '../schemas/problems.ts';
import type { EventChanges, ProblemEventRecord, ProblemRecord } from '../store/records.ts';
import type { TownData } from '../town-data.ts';
import { photoJson } from './photos.ts';
import { problemFor } from './problem-access.ts';

/** How the problem routes answer a problem: a Feature in lists, the detail with names and history on its own. */

export const IdParams = Type.Object({ id: Type.String({ maxLength: 12, description: 'problem id' }) });

const iso = (ms: number | null) => (ms === null ? null : toShanghaiIso(ms));

/** A problem as a GeoJSON Feature with codes (names come from /api/meta and the area routes), overdue derived as of `now`. */
export function problemFeature(p: ProblemRecord, now: number): Static<typeof ProblemFeature> {
  return {
    type: 'Feature',
    id: p.id,
    geometry: { type: 'Point', coordinates: [p.lon, p.lat] },
    properties: {
      id: p.id,
      category: p.category,
      source: p.source,
      status: p.status,
      overdue: isOverdue(p.status, p.deadline, now),
      gridId: p.gridId,
      communityId: p.communityId,
      unitId: p.unitId,
      siteId: p.siteId,
      description: p.description,
      address: p.address,
      measure: p.measure,
      reportedAt: toShanghaiIso(p.reportedAt),
      deadline: iso(p.deadline),
      closedAt: iso(p.closedAt),
      updatedAt: toShanghaiIso(p.updatedAt),
      version: p.version,
    },
  };
}

/** The display names of a problem's codes, for the problem card. */
function problemNames(p: ProblemRecord, town: TownData) {
  return {
    categoryName: findCategory(p.category)?.name ?? p.category,
    gridName: town.gridById.get(p.gridId)?.name ?? '',
    gridManager: town.gridById.get(p.gridId)?.manager ?? '',
    communityName: town.communityById.get(p.communityId)?.name ?? '',
    unitName: p.unitId ? (town.unitById.get(p.unitId)?.name ?? '') : null,
    siteName: p.siteId ? (town.siteById.get(p.siteId)?.name ?? '') : null,
  };
}

/** An event's changes as the API gives them: instants as ISO text. */
function historyChanges(c: EventChanges): Static<typeof HistoryEntry>['changes'] {
  const { deadline, closedAt, ...rest } = c;
  return { ...rest, ...(deadline !== undefined && { deadline: iso(deadline) }), ...(closedAt !== undefined && { closedAt: iso(closedAt) }) };
}

function eventJson(e: ProblemEventRecord) {
  return {
    id: e.id,
    at: toShanghaiIso(e.at),
    actor: e.actor,
    action: e.action,
    fromStatus: e.fromStatus,
    toStatus: e.toStatus,
    note: e.note,
    photos: e.photos,
    changes: historyChanges(e.changes),
  };
}

/** The problem named by the route's `:id`, if the caller may read it (404 otherwise). */
export const readableProblem = (app: FastifyInstance, req: FastifyRequest & { params: { id: string } }) => problemFor(app, req.params.id, req.principal);

/** A problem with names, the masked reporter and its history; the ETag is its version. */
export async function problemDetail(app: FastifyInstance, p: ProblemRecord, reply: FastifyReply): Promise<Static<typeof ProblemDetail>> {
  const feature = problemFeature(p, app.now());
  const events = await app.store.events(p.id);
  const history = events.map(eventJson);
  const merged = events.findLast((e) => e.action === 'merge');
  const reporter = await app.store.reporter(p.id);
  reply.header('ETag', `"${p.version}"`);
  return {
    type: 'Feature',
    id: p.id,
    geometry: { type: 'Point', coordinates: [p.lon, p.lat] },
    properties: {
      ...feature.properties,
      reporter: reporter ? { name: maskName(reporter.name), phone: maskPhone(reporter.phone) } : null,
      ...problemNames(p, app.townData),
      photos: (await app.store.photos(p.id)).map(photoJson),
      mergedInto: p.status === 'closed' ? (merged?.changes.mergedInto ?? null) : null,
      duplicates: await app.store.mergedInto(p.id),
      history,
    },
  };
}
