import { categoryCodes, sourceCodes } from '../domain/catalogue.ts';
import { statusCodes } from '../domain/lifecycle.ts';
import type { ProblemRecord } from '../store/records.ts';
import type { Store } from '../store/store.ts';

/** Index value for "no unit". */
export const NO_UNIT = 0xffff;

/** Code ↔ small-integer dictionaries the table's columns use. */
export interface Dictionaries {
  gridIds: readonly string[];
  communityIds: readonly string[];
  unitIds: readonly string[];
}

function indexOf(list: readonly string[]): Map<string, number> {
  return new Map(list.map((v, i) => [v, i]));
}

/**
 * The fields of every problem that filters and statistics need, held in memory as typed
 * columns (one array per field, no object per problem). It is a derived cache of the store,
 * rebuilt at start and kept current by `upsert` on every write; rows stay in ascending id order.
 */
export class ProblemTable {
  size = 0;
  id = new Int32Array(0);
  lon = new Float64Array(0);
  lat = new Float64Array(0);
  category = new Uint8Array(0);
  status = new Uint8Array(0);
  source = new Uint8Array(0);
  grid = new Uint16Array(0);
  community = new Uint16Array(0);
  unit = new Uint16Array(0);
  reportedAt = new Float64Array(0);
  /** NaN when the problem has no deadline. */
  deadline = new Float64Array(0);
  /** NaN while the problem is not closed. */
  closedAt = new Float64Array(0);

  readonly categoryIndex = indexOf(categoryCodes);
  readonly statusIndex = indexOf(statusCodes);
  readonly sourceIndex = indexOf(sourceCodes);
  readonly gridIndex: Map<string, number>;
  readonly communityIndex: Map<string, number>;
  readonly unitIndex: Map<string, number>;

  constructor(readonly dictionaries: Dictionaries) {
    this.gridIndex = indexOf(dictionaries.gridIds);
    this.communityIndex = indexOf(dictionaries.communityIds);
    this.unitIndex = indexOf(dictionaries.unitIds);
  }

  /** Builds the table from every problem in the store. */
  static async fromStore(store: Store, dictionaries: Dictionaries): Promise<ProblemTable> {
    const table = new ProblemTable(dictionaries);
    for await (const batch of store.scanProblems()) {
      table.reserve(table.size + batch.length);
      for (const p of batch) table.upsert(p);
    }
    return table;
  }

  /** Position of a problem id, or -1. */
  positionOf(id: number): number {
    let lo = 0;
    let hi = this.size - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const v = this.id[mid];
      if (v === id) return mid;
      if (v < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** Inserts a new problem (ids only grow) or updates an existing one in place. */
  upsert(p: ProblemRecord): void {
    let i = this.positionOf(p.id);
    if (i < 0) {
      if (this.size > 0 && p.id < this.id[this.size - 1]) throw new Error(`problem ${p.id} arrived out of id order`);
      this.reserve(this.size + 1);
      i = this.size++;
      this.id[i] = p.id;
    }
    this.lon[i] = p.lon;
    this.lat[i] = p.lat;
    this.category[i] = this.code(this.categoryIndex, p.category, 'category');
    this.status[i] = this.code(this.statusIndex, p.status, 'status');
    this.source[i] = this.code(this.sourceIndex, p.source, 'source');
    this.grid[i] = this.code(this.gridIndex, p.gridId, 'grid');
    this.community[i] = this.code(this.communityIndex, p.communityId, 'community');
    this.unit[i] = p.unitId === null ? NO_UNIT : this.code(this.unitIndex, p.unitId, 'unit');
    this.reportedAt[i] = p.reportedAt;
    this.deadline[i] = p.deadline ?? Number.NaN;
    this.closedAt[i] = p.closedAt ?? Number.NaN;
  }

  private code(index: Map<string, number>, value: string, field: string): number {
    const i = index.get(value);
    if (i === undefined) throw new Error(`problem table: unknown ${field} "${value}"`);
    return i;
  }

  /** Grows every column to hold at least `n` rows. */
  private reserve(n: number): void {
    if (n <= this.id.length) return;
    const cap = Math.max(n, Math.ceil(this.id.length * 1.5), 1024);
    const grow = <T extends Int32Array | Float64Array | Uint8Array | Uint16Array>(a: T): T => {
      const b = new (a.constructor as new (n: number) => T)(cap);
      b.set(a);
      return b;
    };
    this.id = grow(this.id);
    this.lon = grow(this.lon);
    this.lat = grow(this.lat);
    this.category = grow(this.category);
    this.status = grow(this.status);
    this.source = grow(this.source);
    this.grid = grow(this.grid);
    this.community = grow(this.community);
    this.unit = grow(this.unit);
    this.reportedAt = grow(this.reportedAt);
    this.deadline = grow(this.deadline);
    this.closedAt = grow(this.closedAt);
  }
}
