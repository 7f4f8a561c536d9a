import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { AreaIndex } from '../server/domain/grid-index.ts';
import { Random } from '../server/domain/random.ts';
import { gridCoverage } from '../server/patrol/grid-coverage.ts';
import { planRoute } from '../server/patrol/plan-route.ts';
import { RoadGraph } from '../server/patrol/road-graph.ts';
import { thinTrack } from '../server/patrol/track.ts';
import { generateDemo } from './demo/generate.ts';
import { generateDemoPatrols } from './demo/patrols.ts';

/**
 * Benchmark, not a test: prints figures. On the demo town's roads:
 * - route quality: --sets random stop sets (default 200) of 5–12 demo problems, each set in one
 *   community, from a start in it; the heuristic (nearest neighbour + 2-opt + Or-opt) against the
 *   exact optimum (Held–Karp) on the same road distances, and what the planner answers (exact up
 *   to 12 stops);
 * - plan time: snapping, shortest paths, ordering and legs for 12, 30 and 60 stops (--runs each);
 * - 巡查覆盖: the time to compute every grid's coverage from the demo's 3 weeks of patrols.
 *   npm run bench:patrol -- [--sets N] [--runs N]
 */
const { values } = parseArgs({ options: { sets: { type: 'string', default: '200' }, runs: { type: 'string', default: '40' } } });
const sets = Number(values.sets);
const runs = Number(values.runs);

const data = generateDemo({ seed: 20260101, count: 5000, endMs: Date.parse('2026-11-27T07:00:00Z') });
const roads = data.basemap.filter((f) => f.layer === 'road').map((f) => f.geometry as { coordinates: number[][] });
const t0 = performance.now();
const graph = RoadGraph.build(roads, data.town.center);
console.log(`machine: ${process.platform} ${process.arch}, node ${process.version}, ${cpus().length} cores`);
console.log(
  `roads: ${roads.length} lines → ${graph.nodeCount} nodes, ${graph.edgeCount} edges, ${(graph.lengthM / 1000).toFixed(1)} km; built in ${(performance.now() - t0).toFixed(0)} ms`,
);

const byCommunity = new Map<string, [number, number][]>();
for (const p of data.problems) {
  const list = byCommunity.get(p.problem.communityId) ?? [];
  list.push([p.problem.lon, p.problem.lat]);
  byCommunity.set(p.problem.communityId, list);
}
const communities = [...byCommunity.keys()].filter((c) => (byCommunity.get(c)?.length ?? 0) >= 80);
const rng = new Random(1);
const pick = (community: string, k: number): [number, number][] => {
  const pool = byCommunity.get(community) ?? [];
  const chosen = new Set<number>();
  while (chosen.size < k) chosen.add(Math.floor(rng.next() * pool.length));
  return [...chosen].map((i) => pool[i]);
};

const ratios: number[] = [];
const planner: number[] = [];
let straightLegs = 0;
let legs = 0;
let offRoad = 0;
let total = 0;
for (let s = 0; s < sets; s++) {
  const community = communities[Math.floor(rng.next() * communities.length)];
  const k = 5 + Math.floor(rng.next() * 8);
  const points = pick(community, k + 1);
  const exact = planRoute(graph, points, 'exact');
  const heuristic = planRoute(graph, points, 'heuristic');
  const auto = planRoute(graph, points, 'auto');
  ratios.push(heuristic.meters / exact.meters);
  planner.push(auto.meters / exact.meters);
  legs += auto.legs.length;
  straightLegs += auto.legs.filter((l) => l.straight).length;
  offRoad += auto.legs.reduce((sum, l) => sum + l.offRoadM, 0);
  total += auto.meters;
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
console.log(`route quality on ${sets} stop sets of 5–12 stops (road length ÷ the exact optimum on the same graph):`);
console.log(
  `  heuristic alone (construction + 2-opt + Or-opt): mean ${mean(ratios).toFixed(4)}, max ${Math.max(...ratios).toFixed(4)}, above 1.02 in ${ratios.filter((r) => r > 1.02).length} sets`,
);
console.log(`  the planner as it answers (exact up to 12 stops): mean ${mean(planner).toFixed(4)}, max ${Math.max(...planner).toFixed(4)}`);
console.log(
  `  legs with no road between their ends (straight × 1.3): ${straightLegs} of ${legs}; metres off the roads (to and from a stop): ${((100 * offRoad) / total).toFixed(1)}% of all`,
);

for (const k of [12, 30, 60]) {
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const community = communities[Math.floor(rng.next() * communities.length)];
    const pool = byCommunity.get(community) ?? [];
    const points = pick(community, Math.min(k + 1, pool.length));
    const start = performance.now();
    planRoute(graph, points);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  console.log(
    `plan ${String(k).padStart(2)} stops: median ${times[Math.floor(times.length / 2)].toFixed(1)} ms, p95 ${times[Math.floor(times.length * 0.95)].toFixed(1)} ms (${runs} plans)`,
  );
}

// 巡查覆盖 over the demo's 3 weeks of patrols: every point placed in its grid, every road piece measured.
const areas = new AreaIndex(data.grids);
const patrols = generateDemoPatrols(
  { grids: data.grids, sites: data.sites, roadGraph: graph, locate: (lon, lat) => areas.locate(lon, lat) },
  { seed: 20260101, endMs: Date.parse('2026-11-27T07:00:00Z') },
);
const tracks = patrols.map((p) => thinTrack(p.points));
const since = Date.parse('2026-11-27T07:00:00Z') - 7 * 86_400_000;
const coverageTimes: number[] = [];
for (let r = 0; r < 5; r++) {
  const start = performance.now();
  gridCoverage({ grids: data.grids, roadGraph: graph, locate: (lon, lat) => areas.locate(lon, lat) }, tracks, since);
  coverageTimes.push(performance.now() - start);
}
coverageTimes.sort((a, b) => a - b);
console.log(
  `coverage of ${data.grids.length} grids from ${patrols.length} patrols (${tracks.reduce((n, t) => n + t.length, 0)} track points, 3 weeks), 7-day window: median ${coverageTimes[2].toFixed(0)} ms, worst ${coverageTimes[4].toFixed(0)} ms (5 runs; the first builds the grid of each road piece)`,
);
