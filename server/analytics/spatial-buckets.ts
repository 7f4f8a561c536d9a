import type { BBox } from '../domain/geometry.ts';

/**
 * A uniform grid of cells over the points' extent, each listing its rows in ascending order (CSR
 * layout: an offsets array and a rows array, no object per point). Points outside the extent at
 * build time fall into the nearest edge cell, so a query never misses a row it covers.
 */
export class SpatialBuckets {
  private readonly offsets: Uint32Array;
  private readonly rows: Uint32Array;
  private readonly sx: number;
  private readonly sy: number;

  constructor(
    private readonly box: BBox,
    private readonly n: number,
    lon: Float64Array,
    lat: Float64Array,
    /** Rows [0, size) are indexed; later rows are not. */
    readonly size: number,
  ) {
    this.sx = n / Math.max(box[2] - box[0], 1e-9);
    this.sy = n / Math.max(box[3] - box[1], 1e-9);
    const cellOf = new Uint32Array(size);
    const starts = new Uint32Array(n * n + 1);
    for (let i = 0; i < size; i++) {
      const c = this.rowOf(lat[i]) * n + this.colOf(lon[i]);
      cellOf[i] = c;
      starts[c + 1]++;
    }
    for (let c = 0; c < n * n; c++) starts[c + 1] += starts[c];
    this.offsets = starts.slice();
    this.rows = new Uint32Array(size);
    for (let i = 0; i < size; i++) this.rows[starts[cellOf[i]]++] = i;
  }

  private colOf(x: number): number {
    const c = Math.floor((x - this.box[0]) * this.sx);
    return c < 0 ? 0 : c >= this.n ? this.n - 1 : c;
  }

  private rowOf(y: number): number {
    const r = Math.floor((y - this.box[1]) * this.sy);
    return r < 0 ? 0 : r >= this.n ? this.n - 1 : r;
  }

  /** How many indexed rows lie in the cells the box touches: an upper bound of its matches. */
  count(b: BBox): number {
    let n = 0;
    this.forEachCell(b, (from, to) => {
      n += to - from;
    });
    return n;
  }

  /** The indexed rows in the cells the box touches, ascending. */
  candidates(b: BBox): Uint32Array {
    const out = new Uint32Array(this.count(b));
    let k = 0;
    this.forEachCell(b, (from, to) => {
      out.set(this.rows.subarray(from, to), k);
      k += to - from;
    });
    return out.sort();
  }

  private forEachCell(b: BBox, visit: (from: number, to: number) => void): void {
    const c0 = this.colOf(b[0]);
    const c1 = this.colOf(b[2]);
    const r0 = this.rowOf(b[1]);
    const r1 = this.rowOf(b[3]);
    for (let r = r0; r <= r1; r++) {
      visit(this.offsets[r * this.n + c0], this.offsets[r * this.n + c1 + 1]);
    }
  }
}
