import { startOfShanghaiDay } from '../../server/domain/calendar.ts';
import { distanceKm } from '../../server/domain/geometry.ts';
import { Random } from '../../server/domain/random.ts';
import type { RoadGraph } from '../../server/patrol/road-graph.ts';
import type { TrackPoint } from '../../server/patrol/track.ts';
import type { GridRecord, SiteRecord } from '../../server/store/records.ts';

/**
 * The demo town's past patrols (巡查, 演示数据): each grid's manager walks its streets on some
 * mornings of the past weeks — along the roads, from one lane to the next, stopping at the key
 * sites now and then — so that coverage (巡查覆盖) has something true to show, gaps included:
 * most grids are walked often, some seldom, some not since a week or two, a few not at all.
 */

export interface DemoPatrol {
  id: string;
  actor: string;
  gridIds: string[];
  startedAt: number;
  endedAt: number;
  points: TrackPoint[];
  checkins: { siteId: string; result: 'ok' | 'not_fixed'; at: number; lon: number; lat: number }[];
}

export interface PatrolTown {
  grids: readonly GridRecord[];
  sites: readonly SiteRecord[];
  roadGraph: RoadGraph;
  /** The grid a point lies in. */
  locate: (lon: number, lat: number) => string | null;
}

/** How often a grid's manager walks it: the share of working mornings, and since how many days they stopped. */
const HABITS = [
  { share: 0.55, walks: 0.5, stoppedDaysAgo: 0 },
  { share: 0.25, walks: 0.2, stoppedDaysAgo: 0 },
  { share: 0.12, walks: 0.5, stoppedDaysAgo: 10 },
  { share: 0.08, walks: 0, stoppedDaysAgo: 0 },
] as const;

/** The habit a draw in [0, 1) falls on, by the habits' shares. */
function pickHabit(draw: number): (typeof HABITS)[number] {
  let rest = draw;
  for (const h of HABITS) {
    rest -= h.share;
    if (rest < 0) return h;
  }
  return HABITS[0];
}

const WALK_KMH = 4.5;
/** Metres between recorded points (a phone thinning at ≥ 10 m). */
const STEP_M = 12;
const DAY = 86_400_000;

/** A UUID-shaped id from the generator (the same for the same seed). */
function demoId(rng: Random): string {
  const hex = Array.from({ length: 32 }, () => rng.int(16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`;
}

/** The demo's patrols of the `days` (default 21) before `endMs` (none on Sundays), oldest first. */
export function generateDemoPatrols(town: PatrolTown, options: { seed: number; endMs: number; days?: number }): DemoPatrol[] {
  const rng = new Random(options.seed ^ 0x9a7e01);
  const g = town.roadGraph;
  const days = options.days ?? 21;
  // The road nodes of each grid: where its manager's walk turns.
  const nodesOf = new Map<string, number[]>();
  for (let i = 0; i < g.nodeCount; i++) {
    const id = town.locate(g.lon[i], g.lat[i]);
    if (!id) continue;
    const list = nodesOf.get(id);
    if (list) list.push(i);
    else nodesOf.set(id, [i]);
  }
  const patrols: DemoPatrol[] = [];
  const today = startOfShanghaiDay(options.endMs);
  for (const grid of [...town.grids].sort((a, b) => a.id.localeCompare(b.id))) {
    const nodes = nodesOf.get(grid.id) ?? [];
    const habit = pickHabit(rng.next());
    const sites = town.sites.filter((s) => s.gridId === grid.id);
    for (let d = days; d >= 1; d--) {
      const dayStart = today - d * DAY;
      const weekday = new Date(dayStart + 8 * 3600_000).getUTCDay();
      const walks = rng.chance(habit.walks);
      if (weekday === 0 || !walks || nodes.length < 4 || (habit.stoppedDaysAgo > 0 && d < habit.stoppedDaysAgo)) continue;
      const startedAt = dayStart + (8 * 60 + rng.int(90)) * 60_000;
      patrols.push(walk(rng, town, grid, nodes, sites, startedAt));
    }
  }
  return patrols.sort((a, b) => a.startedAt - b.startedAt || a.id.localeCompare(b.id));
}

/** One morning's walk: from a lane of the grid through a few others (and maybe a key site) and back out. */
function walk(rng: Random, town: PatrolTown, grid: GridRecord, nodes: readonly number[], sites: readonly SiteRecord[], startedAt: number): DemoPatrol {
  const g = town.roadGraph;
  const waypoints: { lon: number; lat: number; siteId: string | null }[] = [];
  const stops = 4 + rng.int(4);
  const siteStop = sites.length > 0 && rng.chance(0.6) ? 1 + rng.int(stops - 1) : -1;
  for (let k = 0; k < stops; k++) {
    if (k === siteStop) {
      const s = rng.pick(sites);
      waypoints.push({ lon: s.lon, lat: s.lat, siteId: s.id });
    } else {
      const n = rng.pick(nodes);
      waypoints.push({ lon: g.lon[n], lat: g.lat[n], siteId: null });
    }
  }
  const speed = (WALK_KMH * rng.range(0.85, 1.15)) / 3.6; // m/s
  const points: TrackPoint[] = [];
  const checkins: DemoPatrol['checkins'] = [];
  let t = startedAt + 60_000;
  let here = g.snap(waypoints[0].lon, waypoints[0].lat, 500);
  const noise = () => rng.range(-3, 3) / 111_320;
  const record = (lon: number, lat: number) => points.push({ at: Math.round(t), lon: lon + noise(), lat: lat + noise() });
  if (here) record(here.at[0], here.at[1]);
  for (const wp of waypoints.slice(1)) {
    const next = g.snap(wp.lon, wp.lat, 500);
    if (!here || !next) continue;
    // A walk within a grid: no need to search the roads farther than a few kilometres.
    const r = g.reach(here, 4000);
    if (!Number.isFinite(g.between(r, next))) continue;
    const line = g.path(r, next);
    for (let i = 1; i < line.length; i++) {
      const segM = distanceKm(line[i - 1], line[i]) * 1000;
      const n = Math.max(1, Math.round(segM / STEP_M));
      for (let k = 1; k <= n; k++) {
        t += (segM / n / speed) * 1000;
        record(line[i - 1][0] + ((line[i][0] - line[i - 1][0]) * k) / n, line[i - 1][1] + ((line[i][1] - line[i - 1][1]) * k) / n);
      }
    }
    if (wp.siteId) checkins.push({ siteId: wp.siteId, result: rng.chance(0.85) ? 'ok' : 'not_fixed', at: Math.round(t) + 60_000, lon: wp.lon, lat: wp.lat });
    t += rng.range(2, 6) * 60_000;
    here = next;
  }
  return { id: demoId(rng), actor: grid.manager, gridIds: [grid.id], startedAt, endedAt: Math.round(t), points, checkins };
}
