import { generateDemo } from '../scripts/demo/generate.ts';
import { generateDemoPatrols, type PatrolTown } from '../scripts/demo/patrols.ts';
import { drawDemoPhoto, VARIANTS } from '../scripts/demo/photos.ts';
import { findRecurrences, type RecurrenceFinder } from './analytics/recurrences.ts';
import { type PhotoBlobs, type ProcessedPhoto, processPhoto } from './photos.ts';
import type { ProblemRecord } from './store/records.ts';
import type { CoreStore, Store } from './store/store.ts';
import type { TownData } from './town-data.ts';

/** Loads the demo town into an empty store; a store that holds data is left alone. */
export async function seedDemoIfEmpty(
  store: CoreStore,
  options: { seed: number; count: number; now: number },
): Promise<{ loaded: boolean; problems: number; events: number }> {
  if (!(await store.isEmpty())) return { loaded: false, problems: 0, events: 0 };
  const result = await store.load(generateDemo({ seed: options.seed, count: options.count, endMs: options.now }));
  await markRecurrences(store);
  return { loaded: true, ...result };
}

/**
 * Finds the recurrences (反弹) in a freshly loaded history and stores them; returns how many. The
 * rule reads problems in report order, which is not id order (the generator numbers them otherwise,
 * an import by its sheet's rows).
 */
export async function markRecurrences(store: CoreStore): Promise<number> {
  const reports: Parameters<RecurrenceFinder['add']>[0][] = [];
  for await (const batch of store.scanProblems())
    for (const { id, lon, lat, category, reportedAt, closedAt } of batch) reports.push({ id, lon, lat, category, reportedAt, closedAt });
  reports.sort((a, b) => a.reportedAt - b.reportedAt || a.id - b.id);
  return store.addRecurrences(findRecurrences(reports));
}

/** Days back from now whose problems get demo photos. */
const PHOTO_DAYS = 60;
/** At most this many problems get photos (the most recent). */
const MAX_PHOTO_PROBLEMS = 400;

/**
 * Attaches synthetic photos (演示图片, scripts/demo/photos.ts) to the demo's recent problems, as a
 * grid manager and a unit would have: a 整改前 photo to each problem of the last 60 days, and a
 * 整改后 photo to those submitted or closed. The photos go through the same processing as uploads
 * (EXIF-free JPEG and a thumbnail, named by content); a few scenes per category are shared by all,
 * so the folder stays small. Returns how many problems got photos and how many files were written.
 */
export async function seedDemoPhotos(store: Store, files: PhotoBlobs, now: number): Promise<{ problems: number; files: number }> {
  const recent: ProblemRecord[] = [];
  for await (const batch of store.scanProblems()) for (const p of batch) if (p.reportedAt >= now - PHOTO_DAYS * 86_400_000) recent.push(p);
  const chosen = recent.slice(-MAX_PHOTO_PROBLEMS);
  const templates = new Map<string, ProcessedPhoto>();
  const template = async (category: string, kind: 'before' | 'after', variant: number) => {
    const key = `${category}|${kind}|${variant}`;
    let t = templates.get(key);
    if (!t) {
      t = await processPhoto(await drawDemoPhoto(category, kind, variant));
      await files.save(t);
      templates.set(key, t);
    }
    return t;
  };
  for (const p of chosen) {
    const variant = p.id % VARIANTS;
    const kinds: ('before' | 'after')[] = p.status === 'closed' || p.status === 'awaiting_verification' ? ['before', 'after'] : ['before'];
    for (const kind of kinds) {
      const t = await template(p.category, kind, variant);
      await store.addPhoto({
        id: t.id,
        problemId: p.id,
        kind,
        mime: t.mime,
        width: t.width,
        height: t.height,
        bytes: t.stored.length,
        lon: null,
        lat: null,
        createdAt: kind === 'before' ? p.reportedAt : (p.closedAt ?? p.updatedAt),
        createdBy: '演示数据',
      });
    }
  }
  return { problems: chosen.length, files: templates.size };
}

/**
 * Writes the demo's past patrols (scripts/demo/patrols.ts) through the patrol store, as phones
 * would have sent them: start, track, check-ins at key sites, end. Returns how many patrols.
 */
export async function seedDemoPatrols(store: Store, town: TownData, options: { seed: number; now: number }): Promise<number> {
  const patrolTown: PatrolTown = { grids: town.grids, sites: town.sites, roadGraph: town.roadGraph, locate: (lon, lat) => town.gridIndex.locate(lon, lat) };
  const patrols = generateDemoPatrols(patrolTown, { seed: options.seed, endMs: options.now });
  for (const p of patrols) {
    await store.patrols.start({ id: p.id, userId: null, actor: p.actor, gridIds: p.gridIds, mode: 'walk', startedAt: p.startedAt });
    await store.patrols.addPoints(p.id, p.points);
    for (const [i, c] of p.checkins.entries()) {
      await store.patrols.addCheckin({ patrolId: p.id, key: `demo-${i}`, kind: 'stop', problemId: null, note: '', ...c });
    }
    await store.patrols.end(p.id, p.endedAt);
  }
  return patrols.length;
}
