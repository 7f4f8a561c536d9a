import { KM_PER_DEG_LAT, kmPerDegLon } from '../domain/geometry.ts';
import { MinHeap } from './min-heap.ts';

/**
 * The town's roads as a graph for walking and riding (巡查路线): every road line is cut where it
 * meets another (noding) and at its own vertices, so that each edge is one straight piece between
 * two nodes and every junction is a node. Lengths are metres on a local plane (equirectangular at
 * the town's latitude: within a town of 10 km the error is far below a metre per kilometre).
 * Roads are two-way. A point is reached from the nearest road piece (`snap`); where no road is
 * within `maxSnapM`, the caller falls back to a straight line (and says so).
 */

export interface RoadLine {
  coordinates: readonly (readonly number[])[];
}

/** A point put on the nearest road piece: where on it, and how far it was off the road. */
export interface Snap {
  /** The edge, its end nodes and the metres from the snapped point to each end. */
  edge: number;
  u: number;
  v: number;
  toU: number;
  toV: number;
  /** Metres between the point and the road. */
  offM: number;
  /** The point on the road, lon/lat. */
  at: [number, number];
}

/** Shortest distances from a snapped point: to every node, with the edge each was reached by. */
export interface Reach {
  from: Snap;
  dist: Float64Array;
  /** The node each node was reached from (-1: from the snapped point itself, or unreached). */
  prev: Int32Array;
}

const CELL_M = 100;
/** Vertices closer than this are one node. */
const MERGE_M = 0.5;

export class RoadGraph {
  readonly lon: Float64Array;
  readonly lat: Float64Array;
  readonly x: Float64Array;
  readonly y: Float64Array;
  /** Edges as node pairs with their length. */
  readonly edgeU: Int32Array;
  readonly edgeV: Int32Array;
  readonly edgeLen: Float64Array;
  /** Adjacency (CSR): the edges at node i are adjEdge[adjStart[i] … adjStart[i + 1]). */
  readonly adjStart: Int32Array;
  readonly adjEdge: Int32Array;
  readonly #origin: [number, number];
  readonly #mx: number;
  readonly #my: number;
  /** Edges by the grid cells their boxes touch, for snapping. */
  readonly #cells = new Map<string, number[]>();

  private constructor(origin: [number, number], nodes: [number, number][], edges: [number, number][]) {
    this.#origin = origin;
    this.#mx = kmPerDegLon(origin[1]) * 1000;
    this.#my = KM_PER_DEG_LAT * 1000;
    const n = nodes.length;
    this.x = new Float64Array(n);
    this.y = new Float64Array(n);
    this.lon = new Float64Array(n);
    this.lat = new Float64Array(n);
    nodes.forEach(([x, y], i) => {
      this.x[i] = x;
      this.y[i] = y;
      this.lon[i] = origin[0] + x / this.#mx;
      this.lat[i] = origin[1] + y / this.#my;
    });
    const m = edges.length;
    this.edgeU = new Int32Array(m);
    this.edgeV = new Int32Array(m);
    this.edgeLen = new Float64Array(m);
    const degree = new Int32Array(n + 1);
    edges.forEach(([u, v], e) => {
      this.edgeU[e] = u;
      this.edgeV[e] = v;
      this.edgeLen[e] = Math.hypot(this.x[u] - this.x[v], this.y[u] - this.y[v]);
      degree[u + 1]++;
      degree[v + 1]++;
      for (const key of cellsOf(this.x[u], this.y[u], this.x[v], this.y[v])) {
        const list = this.#cells.get(key);
        if (list) list.push(e);
        else this.#cells.set(key, [e]);
      }
    });
    this.adjStart = new Int32Array(n + 1);
    for (let i = 0; i < n; i++) this.adjStart[i + 1] = this.adjStart[i] + degree[i + 1];
    this.adjEdge = new Int32Array(2 * m);
    const fill = this.adjStart.slice(0, n);
    for (let e = 0; e < m; e++) {
      this.adjEdge[fill[this.edgeU[e]]++] = e;
      this.adjEdge[fill[this.edgeV[e]]++] = e;
    }
  }

  get nodeCount(): number {
    return this.x.length;
  }

  get edgeCount(): number {
    return this.edgeLen.length;
  }

  /** Total road length in metres. */
  get lengthM(): number {
    let sum = 0;
    for (const l of this.edgeLen) sum += l;
    return sum;
  }

  /** Metres on the town's plane, from lon/lat. */
  project(lon: number, lat: number): [number, number] {
    return [(lon - this.#origin[0]) * this.#mx, (lat - this.#origin[1]) * this.#my];
  }

  unproject(x: number, y: number): [number, number] {
    return [this.#origin[0] + x / this.#mx, this.#origin[1] + y / this.#my];
  }

  /**
   * Builds the graph from road lines: lines are cut at every crossing with another line and at
   * their vertices; vertices within half a metre are one node.
   */
  static build(lines: readonly RoadLine[], origin?: [number, number]): RoadGraph {
    const first = lines.find((l) => l.coordinates.length > 0)?.coordinates[0];
    const o: [number, number] = origin ?? (first ? [first[0], first[1]] : [0, 0]);
    const mx = kmPerDegLon(o[1]) * 1000;
    const my = KM_PER_DEG_LAT * 1000;
    // Segments in metres.
    const segs: [number, number, number, number][] = [];
    for (const l of lines) {
      for (let i = 1; i < l.coordinates.length; i++) {
        const a = l.coordinates[i - 1];
        const b = l.coordinates[i];
        const s: [number, number, number, number] = [(a[0] - o[0]) * mx, (a[1] - o[1]) * my, (b[0] - o[0]) * mx, (b[1] - o[1]) * my];
        if (Math.hypot(s[2] - s[0], s[3] - s[1]) > MERGE_M) segs.push(s);
      }
    }
    // Where each segment is cut: parameters along it (0 and 1 always).
    const cuts: number[][] = segs.map(() => [0, 1]);
    const byCell = new Map<string, number[]>();
    segs.forEach((s, i) => {
      for (const key of cellsOf(s[0], s[1], s[2], s[3])) {
        const list = byCell.get(key);
        if (list) list.push(i);
        else byCell.set(key, [i]);
      }
    });
    const seen = new Set<number>();
    for (const list of byCell.values()) {
      for (let a = 0; a < list.length; a++) {
        for (let b = a + 1; b < list.length; b++) {
          const i = Math.min(list[a], list[b]);
          const j = Math.max(list[a], list[b]);
          const pair = i * segs.length + j;
          if (seen.has(pair)) continue;
          seen.add(pair);
          const hit = crossing(segs[i], segs[j]);
          if (hit) {
            cuts[i].push(hit[0]);
            cuts[j].push(hit[1]);
          }
        }
      }
    }
    // Nodes by position (merged within MERGE_M), edges between consecutive cuts.
    const nodes: [number, number][] = [];
    const nodeAt = new Map<string, number>();
    const node = (x: number, y: number): number => {
      const kx = Math.round(x / MERGE_M);
      const ky = Math.round(y / MERGE_M);
      for (let dx = -1; dx <= 1; dx++) {
        for (let dy = -1; dy <= 1; dy++) {
          const found = nodeAt.get(`${kx + dx},${ky + dy}`);
          if (found !== undefined && Math.hypot(nodes[found][0] - x, nodes[found][1] - y) <= MERGE_M) return found;
        }
      }
      nodes.push([x, y]);
      nodeAt.set(`${kx},${ky}`, nodes.length - 1);
      return nodes.length - 1;
    };
    const edges: [number, number][] = [];
    const edgeSeen = new Set<string>();
    segs.forEach((s, i) => {
      const ts = [...new Set(cuts[i])].sort((a, b) => a - b);
      let prev = node(s[0], s[1]);
      for (let k = 1; k < ts.length; k++) {
        const t = ts[k];
        const cur = node(s[0] + (s[2] - s[0]) * t, s[1] + (s[3] - s[1]) * t);
        if (cur !== prev) {
          const key = prev < cur ? `${prev}-${cur}` : `${cur}-${prev}`;
          if (!edgeSeen.has(key)) {
            edgeSeen.add(key);
            edges.push([prev, cur]);
          }
        }
        prev = cur;
      }
    });
    return new RoadGraph(o, nodes, edges);
  }

  /** The nearest road piece within `maxM` metres of a point, or null. */
  snap(lon: number, lat: number, maxM = 250): Snap | null {
    const [px, py] = this.project(lon, lat);
    let best: Snap | null = null;
    const reach = Math.ceil(maxM / CELL_M);
    const cx = Math.floor(px / CELL_M);
    const cy = Math.floor(py / CELL_M);
    const tried = new Set<number>();
    for (let dx = -reach; dx <= reach; dx++) {
      for (let dy = -reach; dy <= reach; dy++) {
        for (const e of this.#cells.get(`${cx + dx},${cy + dy}`) ?? []) {
          if (tried.has(e)) continue;
          tried.add(e);
          const u = this.edgeU[e];
          const v = this.edgeV[e];
          const ex = this.x[v] - this.x[u];
          const ey = this.y[v] - this.y[u];
          const len2 = ex * ex + ey * ey;
          const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - this.x[u]) * ex + (py - this.y[u]) * ey) / len2));
          const qx = this.x[u] + ex * t;
          const qy = this.y[u] + ey * t;
          const off = Math.hypot(px - qx, py - qy);
          if (off <= maxM && (!best || off < best.offM)) {
            const len = this.edgeLen[e];
            best = { edge: e, u, v, toU: len * t, toV: len * (1 - t), offM: off, at: this.unproject(qx, qy) };
          }
        }
      }
    }
    return best;
  }

  /** Shortest road distances from a snapped point to every node within `maxM` (Dijkstra, binary heap); farther ones stay unreached. */
  reach(from: Snap, maxM = Number.POSITIVE_INFINITY): Reach {
    const n = this.nodeCount;
    const dist = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
    const prev = new Int32Array(n).fill(-1);
    const heap = new MinHeap();
    dist[from.u] = from.toU;
    dist[from.v] = Math.min(dist[from.v], from.toV);
    heap.push(from.u, dist[from.u]);
    heap.push(from.v, dist[from.v]);
    while (heap.size > 0) {
      const [i, d] = heap.pop();
      if (d > dist[i]) continue;
      for (let k = this.adjStart[i]; k < this.adjStart[i + 1]; k++) {
        const e = this.adjEdge[k];
        const j = this.edgeU[e] === i ? this.edgeV[e] : this.edgeU[e];
        const nd = d + this.edgeLen[e];
        if (nd < dist[j] && nd <= maxM) {
          dist[j] = nd;
          prev[j] = i;
          heap.push(j, nd);
        }
      }
    }
    return { from, dist, prev };
  }

  /** Road metres from one snapped point to another (off-road bits not included), given `reach(a)`. */
  between(r: Reach, b: Snap): number {
    const a = r.from;
    let best = Math.min(r.dist[b.u] + b.toU, r.dist[b.v] + b.toV);
    if (a.edge === b.edge) best = Math.min(best, Math.abs(a.toU - b.toU));
    return best;
  }

  /** The road path from `reach(a)`'s point to b, as lon/lat: a's point, the nodes, b's point. */
  path(r: Reach, b: Snap): [number, number][] {
    const a = r.from;
    if (a.edge === b.edge && Math.abs(a.toU - b.toU) <= Math.min(r.dist[b.u] + b.toU, r.dist[b.v] + b.toV)) return [a.at, b.at];
    const end = r.dist[b.u] + b.toU <= r.dist[b.v] + b.toV ? b.u : b.v;
    const nodes: number[] = [];
    for (let i = end; i !== -1; i = r.prev[i]) nodes.push(i);
    nodes.reverse();
    return [a.at, ...nodes.map((i): [number, number] => [this.lon[i], this.lat[i]]), b.at];
  }
}

/** The grid cells a segment's box touches. */
function cellsOf(x1: number, y1: number, x2: number, y2: number): string[] {
  const keys: string[] = [];
  for (let cx = Math.floor(Math.min(x1, x2) / CELL_M); cx <= Math.floor(Math.max(x1, x2) / CELL_M); cx++) {
    for (let cy = Math.floor(Math.min(y1, y2) / CELL_M); cy <= Math.floor(Math.max(y1, y2) / CELL_M); cy++) keys.push(`${cx},${cy}`);
  }
  return keys;
}

/**
 * Where two segments meet, as the parameter along each (0–1), or null. An end touching the other
 * segment counts (a T junction); parallel overlapping segments do not cross.
 */
function crossing(a: readonly number[], b: readonly number[]): [number, number] | null {
  const rx = a[2] - a[0];
  const ry = a[3] - a[1];
  const sx = b[2] - b[0];
  const sy = b[3] - b[1];
  const den = rx * sy - ry * sx;
  if (Math.abs(den) < 1e-9) return null;
  const qx = b[0] - a[0];
  const qy = b[1] - a[1];
  const t = (qx * sy - qy * sx) / den;
  const u = (qx * ry - qy * rx) / den;
  // Ends within MERGE_M of the other segment still meet it.
  const ta = MERGE_M / Math.hypot(rx, ry);
  const tb = MERGE_M / Math.hypot(sx, sy);
  if (t < -ta || t > 1 + ta || u < -tb || u > 1 + tb) return null;
  return [Math.max(0, Math.min(1, t)), Math.max(0, Math.min(1, u))];
}
