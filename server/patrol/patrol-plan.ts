import { distanceMatrix, planRoute, type Route } from './plan-route.ts';
import type { RoadGraph } from './road-graph.ts';
import { pathLength } from './route-order.ts';

/**
 * Today's patrol (今日巡查计划): which stops fit in the time, most urgent first, and the order to
 * walk them. Rules here, the data from the route.
 */

/** How a grid manager gets about, and how fast (reference/patrol.md: walking 4–5 km/h, e-bike 12–15). */
export const MODES = {
  walk: { name: '步行', kmh: 4.5 },
  ebike: { name: '电动车', kmh: 12 },
} as const;
export type Mode = keyof typeof MODES;

/** A key site (重点点位) is due for a visit when nobody checked in there for this many days. */
export const SITE_VISIT_DAYS = 7;

/** Whether a key site last visited at `lastVisit` (ms, null: never) is due at `now`. */
export function siteDue(lastVisit: number | null | undefined, now: number): boolean {
  return lastVisit == null || now - lastVisit >= SITE_VISIT_DAYS * 86_400_000;
}

/** The kinds of stop, most urgent first, with the minutes each takes on the spot. */
export const STOP_KINDS = {
  overdue: { name: '逾期督办', rank: 0, dwellMinutes: 5 },
  verify: { name: '整改核查', rank: 1, dwellMinutes: 8 },
  due_soon: { name: '即将到期', rank: 2, dwellMinutes: 4 },
  site: { name: '重点点位', rank: 3, dwellMinutes: 5 },
  /** Kept in the plan by the grid manager, though nothing makes it urgent. */
  picked: { name: '自选', rank: 4, dwellMinutes: 5 },
} as const;
export type StopKind = keyof typeof STOP_KINDS;

export interface Candidate {
  kind: StopKind;
  lonLat: [number, number];
  /** Within a kind, the lower the sooner (days overdue, negated; the deadline). */
  urgency: number;
  /** Always in the plan (kept by the user), whatever the time. */
  locked?: boolean;
}

export interface Plan {
  /** Indexes into the candidates, in walking order. */
  chosen: number[];
  route: Route;
  travelMinutes: number;
  dwellMinutes: number;
  /** Candidates that did not fit in the time. */
  leftOut: number;
}

/** Which candidate goes first: kept ones, then by kind (overdue, verify, due soon, site, picked), then by urgency. */
export function compareUrgency(a: Candidate, b: Candidate): number {
  return Number(!!b.locked) - Number(!!a.locked) || STOP_KINDS[a.kind].rank - STOP_KINDS[b.kind].rank || a.urgency - b.urgency;
}

/** Minutes to cover `meters` at a mode's speed. */
export const minutesFor = (meters: number, mode: Mode) => (meters / 1000 / MODES[mode].kmh) * 60;

/**
 * Picks stops by urgency (locked ones first) while the walk and the stops fit in `budgetMinutes`:
 * each candidate is tried at its cheapest place in the order so far and kept if the total still
 * fits (a later, smaller one may still fit after a larger one did not). Then the chosen stops are
 * ordered for the shortest walk from `start` (exact up to 12). At most `maxStops`, locked ones aside.
 */
export function planPatrol(g: RoadGraph, start: [number, number], candidates: readonly Candidate[], budgetMinutes: number, mode: Mode, maxStops = 60): Plan {
  const { d } = distanceMatrix(g, [start, ...candidates.map((c) => c.lonLat)]);
  // Sorting is stable: equals keep the candidates' order.
  const byUrgency = candidates.map((c, i) => ({ c, i })).sort((a, b) => compareUrgency(a.c, b.c));
  // The order so far as matrix indexes (candidate i is i + 1).
  let order: number[] = [];
  let dwell = 0;
  let leftOut = 0;
  for (const { c, i } of byUrgency) {
    const k = i + 1;
    let bestAt = 0;
    let bestCost = Number.POSITIVE_INFINITY;
    for (let at = 0; at <= order.length; at++) {
      const prev = at === 0 ? 0 : order[at - 1];
      const next = at < order.length ? order[at] : -1;
      const cost = d[prev][k] + (next >= 0 ? d[k][next] - d[prev][next] : 0);
      if (cost < bestCost) {
        bestCost = cost;
        bestAt = at;
      }
    }
    const walk = pathLength(d, order) + bestCost;
    const minutes = minutesFor(walk, mode) + dwell + STOP_KINDS[c.kind].dwellMinutes;
    if ((minutes <= budgetMinutes && order.length < maxStops) || c.locked) {
      order = [...order.slice(0, bestAt), k, ...order.slice(bestAt)];
      dwell += STOP_KINDS[c.kind].dwellMinutes;
    } else leftOut++;
  }
  // What was chosen, walked in the shortest order over the roads (planRoute orders it).
  const chosen = order.map((k) => k - 1);
  const route = planRoute(g, [start, ...chosen.map((i) => candidates[i].lonLat)], 'auto');
  const walked = route.order.map((j) => chosen[j - 1]);
  return { chosen: walked, route, travelMinutes: minutesFor(route.meters, mode), dwellMinutes: dwell, leftOut };
}
