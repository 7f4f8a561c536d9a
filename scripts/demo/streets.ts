import { booleanPointInPolygon } from '@turf/turf';
import type { LineString, Position } from 'geojson';
import { type Area, distanceKm, offsetKm, ringMean } from '../../server/domain/geometry.ts';
import { Random } from '../../server/domain/random.ts';
import type { BasemapFeature, CommunityRecord, GridRecord } from '../../server/store/records.ts';
import type { MarketTown } from './geography.ts';

/**
 * The demo town's small roads, for patrol routing: the reference data has 18 road lines for the
 * whole town, too few to walk a market town by. Added here, from their own seed (the rest of the
 * demo does not move):
 * - in each market town, streets and back lanes (巷) on a slightly turned lattice, about 130 m apart,
 *   within most of its radius;
 * - in each village, lanes from the centre out to its groups (组), with bends, and in each grid
 *   outside a market town's streets, a lane in from the centre and two across it;
 * - between neighbouring villages, field tracks (机耕路).
 * Lines are cut where they cross by the road graph (server/patrol/road-graph.ts), so every crossing
 * is a junction; nothing leaves the town's boundary.
 */

const NUMBERS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'];
const cn = (i: number) => (i < 10 ? NUMBERS[i] : i < 20 ? `十${i === 10 ? '' : NUMBERS[i - 11]}` : String(i + 1));

export function smallRoads(
  town: Area,
  communities: readonly CommunityRecord[],
  grids: readonly GridRecord[],
  marketTowns: readonly MarketTown[],
): BasemapFeature[] {
  const rng = new Random(0x57ee7);
  const out: BasemapFeature[] = [];
  const inside = (p: Position) => booleanPointInPolygon(p, town);
  /** The line up to its first point outside the town (at least two points, or nothing). */
  const add = (name: string, cls: string, coords: Position[]) => {
    const kept: Position[] = [];
    for (const p of coords) {
      if (!inside(p)) break;
      kept.push([Math.round(p[0] * 1e6) / 1e6, Math.round(p[1] * 1e6) / 1e6]);
    }
    if (kept.length >= 2) out.push({ layer: 'road', name, class: cls, geometry: { type: 'LineString', coordinates: kept } as LineString });
  };

  for (const m of marketTowns) {
    const short = m.name.replace(/集镇$/, '');
    const spacing = 0.13;
    const r = m.radiusKm * 0.85;
    const turn = rng.range(-0.25, 0.25);
    const [cos, sin] = [Math.cos(turn), Math.sin(turn)];
    /** A lattice point: `u` km along, `v` km across, turned and wobbled a little. */
    const at = (u: number, v: number): Position => {
      const wobble = () => rng.range(-0.006, 0.006);
      return offsetKm(m.center, u * cos - v * sin + wobble(), u * sin + v * cos + wobble());
    };
    const n = Math.floor(r / spacing);
    for (let k = -n; k <= n; k++) {
      const v = k * spacing;
      const half = Math.sqrt(Math.max(0, r * r - v * v));
      if (half < spacing) continue;
      const steps = Math.max(2, Math.round((2 * half) / 0.08));
      const row = Array.from({ length: steps + 1 }, (_, i) => at(-half + (2 * half * i) / steps, v));
      const col = Array.from({ length: steps + 1 }, (_, i) => at(v, -half + (2 * half * i) / steps));
      add(`${short}${k < 0 ? '南' : '北'}${cn(Math.abs(k))}巷`, 'lane', row);
      add(`${short}${k < 0 ? '西' : '东'}${cn(Math.abs(k))}弄`, 'lane', col);
    }
    // Back lanes: short cuts through some blocks.
    for (let i = -n; i < n; i++) {
      for (let j = -n; j < n; j++) {
        const u = (i + 0.5) * spacing;
        const v = (j + 0.5) * spacing;
        if (u * u + v * v > (r - spacing) * (r - spacing) || rng.next() > 0.25) continue;
        const along = rng.next() < 0.5;
        const a = along ? at(u - spacing / 2, v) : at(u, v - spacing / 2);
        const b = along ? at(u + spacing / 2, v) : at(u, v + spacing / 2);
        add(`${short}后巷`, 'lane', [a, b]);
      }
    }
  }

  const markets = new Set(marketTowns.map((m) => m.communityId));
  for (const c of communities) {
    if (markets.has(c.id)) continue;
    const short = c.name.replace(/(社区|村)$/, '');
    // Lanes out to the groups (组): four to six, each with two bends.
    const lanes = 4 + Math.floor(rng.next() * 3);
    for (let i = 0; i < lanes; i++) {
      const angle = (2 * Math.PI * (i + rng.range(-0.2, 0.2))) / lanes;
      const length = rng.range(0.5, 1.1);
      const pts: Position[] = [c.center];
      let heading = angle;
      for (let s = 1; s <= 3; s++) {
        heading += rng.range(-0.35, 0.35);
        const prev = pts[pts.length - 1] as [number, number];
        pts.push(offsetKm(prev, (length / 3) * Math.cos(heading), (length / 3) * Math.sin(heading)));
      }
      if (pts.every((p) => booleanPointInPolygon(p, c.geometry) || inside(p))) add(`${short}${cn(i)}组路`, 'lane', pts);
    }
  }

  // In each village grid: a lane from the village centre to the grid's middle, and two across it
  // (the houses of a group stand along such lanes).
  for (const grid of grids) {
    const c = communities.find((x) => x.id === grid.communityId);
    if (!c) continue;
    const mid = ringMean(grid.geometry);
    // A market town's own streets cover its middle; its outer grids are village-like.
    const market = marketTowns.find((m) => m.communityId === grid.communityId);
    if (market && distanceKm(mid, market.center) < market.radiusKm * 0.85) continue;
    const reach = Math.sqrt(grid.areaKm2) * 0.45;
    const short = grid.name.replace(/^.*?(第.+网格)$/, '$1');
    const bend = offsetKm([(c.center[0] + mid[0]) / 2, (c.center[1] + mid[1]) / 2], rng.range(-0.08, 0.08), rng.range(-0.08, 0.08));
    add(`${c.name.replace(/(社区|村)$/, '')}${short}进组路`, 'lane', [c.center, bend, mid]);
    const turn = rng.range(0, Math.PI);
    for (const angle of [turn, turn + Math.PI / 2]) {
      const dx = reach * Math.cos(angle);
      const dy = reach * Math.sin(angle);
      const half = [offsetKm(mid, -dx, -dy), offsetKm(mid, dx, dy)];
      const inGrid = (p: Position) => booleanPointInPolygon(p, grid.geometry);
      const pts = [half[0], offsetKm(mid, -dx / 2 + rng.range(-0.03, 0.03), -dy / 2), mid, offsetKm(mid, dx / 2, dy / 2 + rng.range(-0.03, 0.03)), half[1]];
      // From the middle outwards while inside the grid, both ways.
      const left = pts.slice(0, 3).reverse();
      const right = pts.slice(2);
      const keep = (xs: Position[]) => {
        const out: Position[] = [];
        for (const p of xs) {
          if (!inGrid(p)) break;
          out.push(p);
        }
        return out;
      };
      const line = [...keep(left).reverse(), ...keep(right).slice(1)];
      if (line.length >= 2) add(`${c.name.replace(/(社区|村)$/, '')}${short}组路`, 'lane', line);
    }
  }

  // Field tracks between each village and its two nearest neighbours, bent once.
  const done = new Set<string>();
  for (const a of communities) {
    const near = communities
      .filter((b) => b.id !== a.id)
      .sort((x, y) => distanceKm(a.center, x.center) - distanceKm(a.center, y.center))
      .slice(0, 2);
    for (const b of near) {
      const key = [a.id, b.id].sort().join('|');
      if (done.has(key)) continue;
      done.add(key);
      const mid = offsetKm([(a.center[0] + b.center[0]) / 2, (a.center[1] + b.center[1]) / 2], rng.range(-0.15, 0.15), rng.range(-0.15, 0.15));
      add(`${a.name.replace(/(社区|村)$/, '')}—${b.name.replace(/(社区|村)$/, '')}机耕路`, 'track', [a.center, mid, b.center]);
    }
  }
  return out;
}
