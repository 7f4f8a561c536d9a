/**
 * The order of a patrol's stops: an open path from the start (index 0 of the matrix) through every
 * stop, as short as possible. Exact (Held–Karp dynamic programming) up to `EXACT_MAX` stops;
 * beyond, a deterministic nearest-neighbour construction improved by 2-opt and Or-opt until no
 * move shortens it. Distances are any non-negative matrix (road metres, or seconds).
 */

/** Stops ordered exactly up to this many (2^12 × 12 states). */
export const EXACT_MAX = 12;

/** The length of an open path that starts at 0 and visits `order` (stop indexes 1…n). */
export function pathLength(d: readonly (readonly number[])[], order: readonly number[]): number {
  let sum = 0;
  let at = 0;
  for (const s of order) {
    sum += d[at][s];
    at = s;
  }
  return sum;
}

/** The shortest open path from 0 through stops 1…n of the matrix (n = d.length − 1). */
export function orderStops(d: readonly (readonly number[])[], method: 'auto' | 'exact' | 'heuristic' = 'auto'): number[] {
  const n = d.length - 1;
  if (n <= 0) return [];
  if (method === 'exact' || (method === 'auto' && n <= EXACT_MAX)) return heldKarp(d);
  return improve(d, nearestNeighbour(d));
}

/** Held–Karp for an open path from 0: best[set][last] = the shortest path from 0 through `set` ending at `last`. */
export function heldKarp(d: readonly (readonly number[])[]): number[] {
  const n = d.length - 1;
  if (n > 20) throw new Error(`Held–Karp is for at most 20 stops, not ${n}`);
  const full = (1 << n) - 1;
  const best = new Float64Array((full + 1) * n).fill(Number.POSITIVE_INFINITY);
  const from = new Int8Array((full + 1) * n).fill(-1);
  for (let k = 0; k < n; k++) best[(1 << k) * n + k] = d[0][k + 1];
  for (let set = 1; set <= full; set++) {
    for (let last = 0; last < n; last++) {
      if (!(set & (1 << last))) continue;
      const here = best[set * n + last];
      if (here === Number.POSITIVE_INFINITY) continue;
      for (let next = 0; next < n; next++) {
        if (set & (1 << next)) continue;
        const to = set | (1 << next);
        const cost = here + d[last + 1][next + 1];
        if (cost < best[to * n + next]) {
          best[to * n + next] = cost;
          from[to * n + next] = last;
        }
      }
    }
  }
  let last = 0;
  for (let k = 1; k < n; k++) if (best[full * n + k] < best[full * n + last]) last = k;
  const order: number[] = [];
  let set = full;
  while (last !== -1) {
    order.push(last + 1);
    const p = from[set * n + last];
    set &= ~(1 << last);
    last = p;
  }
  return order.reverse();
}

/** From 0, always the nearest stop not yet visited (ties: the lower index). */
export function nearestNeighbour(d: readonly (readonly number[])[]): number[] {
  const n = d.length - 1;
  const left = new Set(Array.from({ length: n }, (_, i) => i + 1));
  const order: number[] = [];
  let at = 0;
  while (left.size > 0) {
    let best = -1;
    for (const s of left) if (best === -1 || d[at][s] < d[at][best]) best = s;
    order.push(best);
    left.delete(best);
    at = best;
  }
  return order;
}

/**
 * 2-opt (reverse a stretch) and Or-opt (move a run of 1–3 stops), first improvement, until neither
 * helps. For a symmetric matrix (roads are two-way): a reversed stretch keeps its inner lengths.
 */
export function improve(d: readonly (readonly number[])[], start: readonly number[]): number[] {
  const path = [0, ...start];
  const n = path.length;
  const EPS = 1e-9;
  const cost = (i: number, j: number) => d[path[i]][path[j]];
  let better = true;
  // Each accepted move shortens the path, so this ends; the cap only guards against a matrix that is not symmetric.
  for (let rounds = 0; better && rounds < 100_000; rounds++) {
    better = false;
    // 2-opt: reverse path[i+1 … j]; the path is open, so j may be the last stop (no edge after it).
    for (let i = 0; i < n - 2 && !better; i++) {
      for (let j = i + 2; j < n; j++) {
        const before = cost(i, i + 1) + (j + 1 < n ? cost(j, j + 1) : 0);
        const after = cost(i, j) + (j + 1 < n ? cost(i + 1, j + 1) : 0);
        if (after < before - EPS) {
          for (let a = i + 1, b = j; a < b; a++, b--) [path[a], path[b]] = [path[b], path[a]];
          better = true;
          break;
        }
      }
    }
    if (better) continue;
    // Or-opt: move path[i … i+len-1] (kept in order or reversed) between path[j] and path[j+1].
    for (let len = 1; len <= 3 && !better; len++) {
      for (let i = 1; i + len - 1 < n && !better; i++) {
        const first = path[i];
        const last = path[i + len - 1];
        const prev = path[i - 1];
        const next = i + len < n ? path[i + len] : -1;
        const removed = d[prev][first] + (next >= 0 ? d[last][next] - d[prev][next] : 0);
        for (let j = 0; j < n; j++) {
          if (j >= i - 1 && j <= i + len - 1) continue;
          const a = path[j];
          const b = j + 1 < n ? path[j + 1] : -1;
          for (const reversed of [false, true]) {
            const head = reversed ? last : first;
            const tail = reversed ? first : last;
            const added = d[a][head] + (b >= 0 ? d[tail][b] - d[a][b] : 0);
            if (added < removed - EPS) {
              const run = path.splice(i, len);
              if (reversed) run.reverse();
              const at = j < i ? j + 1 : j + 1 - len;
              path.splice(at, 0, ...run);
              better = true;
              break;
            }
          }
          if (better) break;
        }
      }
    }
  }
  return path.slice(1);
}
