import { booleanPointInPolygon } from '@turf/turf';
import townData from '../../data/yandong.json' with { type: 'json' };
import { computeDeadline, startOfShanghaiDay } from '../../server/domain/calendar.ts';
import { categories, findCategory, type SourceCode } from '../../server/domain/catalogue.ts';
import { distanceKm, KEY_SITE_RADIUS_KM, KM_PER_DEG_LAT, kmPerDegLon, nearestWithin, offsetKm } from '../../server/domain/geometry.ts';
import type { Status } from '../../server/domain/lifecycle.ts';
import { Random } from '../../server/domain/random.ts';
import type { EventChanges, ProblemDraft, ProblemEventRecord, ReporterRecord } from '../../server/store/records.ts';
import { type Geography, randomPointIn, unitIdFor } from './geography.ts';
import { REPORTER_STREAM_SALT } from './streams.ts';
import { descriptions, givenChars, measures, mobilePrefixes, surnames } from './texts.ts';

const DAY = 86_400_000;
// The town spans a quarter of a degree: one scale for longitude is exact to 0.2% and keeps hot loops cheap.
const KM_PER_DEG_LON = kmPerDegLon(townData.town.boundary[0][1]);
const HOUR = 3_600_000;

type Zone = 'market' | 'site' | 'background';

/** Relative category weights per zone, by category code. */
const ZONE_WEIGHTS: Record<Zone, Record<string, number>> = {
  market: {
    parking_nonmotor: 18,
    shop_spillover: 18,
    street_vendor: 14,
    littering: 10,
    flyers: 8,
    parking_motor: 7,
    frontage_duty: 7,
    piling: 5,
    dirty_area: 4,
    graffiti: 3,
    publicity_missing: 2,
    facility_damage: 2,
    drying_clothes: 1,
    flying_wires: 1,
    illegal_building: 0.5,
    greenbelt_damage: 0.5,
  },
  site: {
    parking_nonmotor: 12,
    flyers: 10,
    littering: 10,
    street_vendor: 8,
    facility_damage: 6,
    publicity_missing: 6,
    shop_spillover: 6,
    dirty_area: 5,
    parking_motor: 5,
    graffiti: 4,
    frontage_duty: 3,
    piling: 3,
    greenbelt_damage: 3,
    flying_wires: 2,
    drying_clothes: 1,
    illegal_building: 1,
  },
  background: {
    piling: 16,
    dirty_area: 14,
    littering: 12,
    drying_clothes: 8,
    illegal_building: 7,
    flying_wires: 6,
    greenbelt_damage: 6,
    flyers: 6,
    facility_damage: 5,
    publicity_missing: 5,
    graffiti: 4,
    parking_nonmotor: 4,
    shop_spillover: 3,
    frontage_duty: 3,
    street_vendor: 2,
    parking_motor: 2,
  },
};

const SOURCE_WEIGHTS: [SourceCode, number][] = [
  ['grid_patrol', 40],
  ['inspection', 18],
  ['mock_evaluation', 10],
  ['volunteer', 12],
  ['public_report', 14],
  ['assigned', 6],
];

const REPORTER: Record<SourceCode, string> = {
  grid_patrol: '网格员',
  inspection: '镇督查组',
  mock_evaluation: '模拟测评组',
  volunteer: '志愿者巡访',
  public_report: '群众举报',
  assigned: '区创文办交办',
};

export interface ProblemOptions {
  count: number;
  /** Instant the simulated year ends at ("now" for the demo). */
  endMs: number;
}

/** Places a point near a market town: on its streets or spread around its centre. */
function marketPoint(rng: Random, geo: Geography, marketIndex: number): [number, number] {
  const market = geo.marketTowns[marketIndex];
  const streets = townData.roads.filter((r) => r.class === 'street' && distanceKm(r.line[2] as [number, number], market.center) < 0.3);
  if (streets.length > 0 && rng.chance(0.55)) {
    const street = rng.pick(streets).line;
    const k = rng.int(street.length - 1);
    const t = rng.next();
    const base: [number, number] = [street[k][0] + (street[k + 1][0] - street[k][0]) * t, street[k][1] + (street[k + 1][1] - street[k][1]) * t];
    return offsetKm(base, rng.normal() * 0.04, rng.normal() * 0.04);
  }
  const s = market.radiusKm * 0.5;
  return offsetKm(market.center, rng.normal() * s, rng.normal() * s);
}

/** Names the nearest road within ~300 m, through a cache keyed by a ~200 m raster cell. */
class RoadNamer {
  private readonly samples: { name: string; p: [number, number] }[] = [];
  private readonly cache = new Map<number, string | null>();

  constructor(geo: Geography) {
    for (const f of geo.basemap) {
      if (f.layer !== 'road' || f.geometry.type !== 'LineString') continue;
      const c = f.geometry.coordinates;
      for (let i = 0; i + 1 < c.length; i++) {
        const steps = Math.max(1, Math.ceil(distanceKm(c[i] as [number, number], c[i + 1] as [number, number]) / 0.05));
        for (let s = 0; s < steps; s++) {
          const t = s / steps;
          this.samples.push({ name: f.name, p: [c[i][0] + (c[i + 1][0] - c[i][0]) * t, c[i][1] + (c[i + 1][1] - c[i][1]) * t] });
        }
      }
    }
  }

  near(p: [number, number]): string | null {
    const key = Math.round(p[0] / 0.002) * 100000 + Math.round(p[1] / 0.002);
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    const x = Math.round(p[0] / 0.002) * 0.002;
    const y = Math.round(p[1] / 0.002) * 0.002;
    let best: string | null = null;
    let bestKm2 = 0.3 * 0.3;
    for (const s of this.samples) {
      const dx = (x - s.p[0]) * KM_PER_DEG_LON;
      const dy = (y - s.p[1]) * KM_PER_DEG_LAT;
      const d2 = dx * dx + dy * dy;
      if (d2 < bestKm2) {
        bestKm2 = d2;
        best = s.name;
      }
    }
    this.cache.set(key, best);
    return best;
  }
}

/** Draws the report day with a density falling linearly from 1.3 to 0.7: the early 排查 finds the most. */
function reportInstant(rng: Random, startMs: number, endMs: number): number {
  for (;;) {
    const a = 1.3;
    const b = -0.6;
    const u = (-a + Math.sqrt(a * a + 2 * b * rng.next())) / b;
    const day = startOfShanghaiDay(startMs + u * (endMs - startMs));
    const hour = rng.chance(0.6) ? 10 + rng.normal() * 1.8 : 15.5 + rng.normal() * 1.8;
    const t = day + Math.min(21, Math.max(6, hour)) * HOUR;
    if (t >= startMs && t < endMs) return Math.round(t / 1000) * 1000;
  }
}

/**
 * Simulates a year of problems: where and when they are found, and how each moves through the
 * lifecycle up to `endMs`. Later months are rectified faster and more often on time.
 */
export function* simulateProblems(rng: Random, geo: Geography, options: ProblemOptions): Generator<ProblemDraft> {
  const { count, endMs } = options;
  const startMs = endMs - 365 * DAY;
  const roads = new RoadNamer(geo);
  const gridById = new Map(geo.grids.map((g) => [g.id, g]));
  const communityById = new Map(geo.communities.map((c) => [c.id, c]));
  const unitById = new Map(geo.units.map((u) => [u.id, u]));
  const communityWeights = geo.communities.map((c) => geo.households.get(c.id) ?? 1);
  const sourceWeights = SOURCE_WEIGHTS.map((s) => s[1]);
  const evaluationRounds = [40, 130, 220, 310].map((d) => startMs + d * DAY);
  const codes = categories.map((c) => c.code);
  const zoneWeights = Object.fromEntries((Object.keys(ZONE_WEIGHTS) as Zone[]).map((z) => [z, codes.map((code) => ZONE_WEIGHTS[z][code] ?? 0)])) as Record<
    Zone,
    number[]
  >;

  const people = new Random(Math.round(endMs / 1000) ^ count ^ REPORTER_STREAM_SALT);

  for (let n = 0; n < count; n++) {
    // Where.
    const r = rng.next();
    const zone: Zone = r < 0.46 ? 'market' : r < 0.6 ? 'site' : 'background';
    let p: [number, number];
    let gridId: string | null = null;
    do {
      if (zone === 'market') p = marketPoint(rng, geo, r < 0.26 ? 0 : 1);
      else if (zone === 'site') {
        const s = rng.pick(geo.sites);
        p = offsetKm([s.lon, s.lat], rng.normal() * 0.08, rng.normal() * 0.08);
      } else {
        const c = geo.communities[rng.weighted(communityWeights)];
        p = rng.chance(0.5) ? offsetKm(c.center, rng.normal() * 0.7, rng.normal() * 0.7) : randomPointIn(rng, c.geometry);
      }
      // Round first so that the stored point is the one that was located.
      p = [Math.round(p[0] * 1e7) / 1e7, Math.round(p[1] * 1e7) / 1e7];
      gridId = booleanPointInPolygon(p, geo.town.boundary) ? geo.gridIndex.locate(p[0], p[1]) : null;
    } while (gridId === null);
    const grid = gridById.get(gridId);
    if (!grid) throw new Error(`grid ${gridId} vanished`);
    const community = communityById.get(grid.communityId);
    if (!community) throw new Error(`community ${grid.communityId} vanished`);

    // What, who found it, when.
    const category = categories[rng.weighted(zoneWeights[zone])];
    const source = SOURCE_WEIGHTS[rng.weighted(sourceWeights)][0];
    let reportedAt = reportInstant(rng, startMs, endMs);
    if (source === 'mock_evaluation') {
      // Mock evaluations come in rounds of three days.
      const round = evaluationRounds.filter((t) => t < endMs);
      const day = startOfShanghaiDay(round.length > 0 ? rng.pick(round) : startMs) + rng.int(3) * DAY;
      reportedAt = Math.round(Math.min(endMs - HOUR, day + rng.range(9, 17) * HOUR) / 1000) * 1000;
    }
    const site = nearestWithin(geo.sites, p, KEY_SITE_RADIUS_KM);
    const road = roads.near(p);
    const address = site ? `${community.name} ${site.name}` : road ? `${community.name} ${road}` : `${community.name} ${grid.name}`;
    const description = rng.pick(descriptions[category.code] ?? [category.name]);
    const unitId = unitIdFor(category.defaultUnit, community.id);
    const unitName = unitById.get(unitId)?.name ?? unitId;
    const deadline = computeDeadline(reportedAt, findCategory(category.code)?.timeLimit ?? category.timeLimit);

    // How it was handled: progress m runs from 0 (a year ago) to 1 (now).
    const m = (reportedAt - startMs) / (endMs - startMs);
    const limitMs = deadline - reportedAt;
    const events: Omit<ProblemEventRecord, 'id' | 'problemId'>[] = [];
    let status: Status = 'reported';
    let closedAt: number | null = null;
    const push = (at: number, actor: string, action: ProblemEventRecord['action'], to: Status, note: string, changes: EventChanges = {}): boolean => {
      if (at > endMs) return false;
      events.push({ at: Math.round(at), actor, action, fromStatus: action === 'report' ? null : status, toStatus: to, note, photos: [], changes });
      status = to;
      return true;
    };
    const reporter = source === 'grid_patrol' ? `网格员${grid.manager}` : REPORTER[source];
    push(reportedAt, reporter, 'report', 'reported', '', { deadline });
    const stalls = rng.chance(0.02 + 0.12 * (1 - m));
    const stallsBeforeStart = stalls && rng.chance(0.5);
    let t = reportedAt + Math.max(5 * 60_000, rng.exponential(Math.min(1.5 * HOUR, limitMs / 4)));
    const measure = measures[category.code] ?? null;
    if (push(t, '镇创文办', 'assign', 'open', `交办${unitName}：${measure ?? '限期整改'}`, { unitId, measure })) {
      for (let attempt = 0; attempt < 3; attempt++) {
        if (stallsBeforeStart) break;
        t += Math.max(5 * 60_000, rng.exponential(Math.min(2 * HOUR, limitMs / 4)));
        if (!push(t, unitName, 'start', 'in_progress', '')) break;
        if (stalls) break;
        const onTime = rng.chance(0.55 + 0.4 * m);
        const due = onTime ? reportedAt + limitMs * rng.range(0.35, 0.95) : deadline + rng.exponential(Math.max(4 * HOUR, limitMs * 0.6));
        t = Math.max(t + 10 * 60_000, due);
        if (!push(t, unitName, 'submit', 'awaiting_verification', '')) break;
        t += Math.max(10 * 60_000, rng.exponential((8 + 30 * (1 - m)) * HOUR));
        if (attempt < 2 && rng.chance(0.02 + 0.08 * (1 - m))) {
          if (!push(t, '镇创文办核查员', 'reject', 'open', '核查未通过：整改不到位，退回重新整改')) break;
          continue;
        }
        if (push(t, '镇创文办核查员', 'close', 'closed', '', { closedAt: Math.round(t) })) closedAt = Math.round(t);
        break;
      }
    }
    const last = events[events.length - 1];
    yield {
      problem: {
        townId: geo.town.id,
        lon: p[0],
        lat: p[1],
        gridId: grid.id,
        communityId: community.id,
        category: category.code,
        source,
        status,
        unitId: status === 'reported' ? null : unitId,
        siteId: site?.id ?? null,
        description,
        address,
        measure: status === 'reported' ? null : measure,
        reportedAt,
        deadline,
        closedAt,
        updatedAt: last.at,
        version: events.length,
      },
      events,
      reporter: source === 'public_report' ? demoReporter(people) : null,
    };
  }
}

/** A fictitious resident with a mobile number, for a public report (群众举报). */
function demoReporter(rng: Random): ReporterRecord {
  const name = rng.pick(surnames) + rng.pick(givenChars) + (rng.chance(0.7) ? rng.pick(givenChars) : '');
  const phone = rng.pick(mobilePrefixes) + String(rng.int(1e8)).padStart(8, '0');
  return { name, phone };
}
