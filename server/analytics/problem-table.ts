import { categoryCodes, sourceCodes } from '../domain/catalogue.ts';
import type { BBox } from '../domain/geometry.ts';
import { statusCodes } from '../domain/lifecycle.ts';
import type { ProblemRecord } from '../store/records.ts';
import type { Store } from '../store/store.ts';
import { BLOCK_SHIFT, BlockSummaries } from './block-summary.ts';
import { SpatialBuckets } from './spatial-buckets.ts';
import { TextColumn } from './text-column.ts';

/** Index value for "no unit" and "no site". */
export const NO_UNIT = 0xffff;
export const NO_SITE = 0xffff;

/** Code ↔ small-integer dictionaries the table's columns use. */
export interface Dictionaries {
  townIds: readonly string[];
  gridIds: readonly string[];
  communityIds: readonly string[];
  unitIds: readonly string[];
  siteIds: readonly string[];
}

function indexOf(list: readonly string[]): Map<string, number> {
  return new Map(list.map((v, i) => [v, i]));
}

/**
 * Every problem's current row, held in memory as columns (one typed array per field, texts
 * dictionary-encoded; no object per problem), for filters, statistics and list pages. It is a
 * read model of the store, the source of truth: rebuilt at start and kept current by `upsert` on
 * every write; rows stay in ascending id order. The history stays in the store.
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
  town = new Uint16Array(0);
  site = new Uint16Array(0);
  updatedAt = new Float64Array(0);
  version = new Int32Array(0);
  /** 1 when the problem is a recurrence (反弹) of one closed nearby before it; set by `markRecurrent`. */
  recurrent = new Uint8Array(0);
  readonly description = new TextColumn();
  readonly address = new TextColumn();
  readonly measure = new TextColumn();

  /** Bumped for a block of rows whenever a row in it changes (see BlockSummaries). */
  blockVersion = new Uint32Array(0);

  private values = new Float64Array(0);

  readonly categoryIndex = indexOf(categoryCodes);
  readonly statusIndex = indexOf(statusCodes);
  readonly sourceIndex = indexOf(sourceCodes);
  readonly gridIndex: Map<string, number>;
  readonly communityIndex: Map<string, number>;
  readonly unitIndex: Map<string, number>;
  readonly townIndex: Map<string, number>;
  readonly siteIndex: Map<string, number>;

  /**
   * Codes for areas added since the table was built (new grid boundaries). Codes are positions in
   * the dictionaries, so a code is never removed: a grid that goes keeps its code, unused.
   */
  addCodes(kind: 'gridIds' | 'communityIds' | 'siteIds' | 'unitIds', ids: Iterable<string>): void {
    const index = { gridIds: this.gridIndex, communityIds: this.communityIndex, siteIds: this.siteIndex, unitIds: this.unitIndex }[kind];
    const fresh = [...ids].filter((id) => !index.has(id));
    if (fresh.length === 0) return;
    const list = [...this.dictionaries[kind]];
    for (const id of fresh) {
      if (index.has(id)) continue;
      index.set(id, list.length);
      list.push(id);
    }
    this.dictionaries = { ...this.dictionaries, [kind]: list };
  }

  constructor(public dictionaries: Dictionaries) {
    this.gridIndex = indexOf(dictionaries.gridIds);
    this.communityIndex = indexOf(dictionaries.communityIds);
    this.unitIndex = indexOf(dictionaries.unitIds);
    this.townIndex = indexOf(dictionaries.townIds);
    this.siteIndex = indexOf(dictionaries.siteIds);
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

  /** The record of the row at position i. */
  record(i: number): ProblemRecord {
    const unit = this.unit[i];
    const site = this.site[i];
    return {
      id: this.id[i],
      townId: this.dictionaries.townIds[this.town[i]],
      lon: this.lon[i],
      lat: this.lat[i],
      gridId: this.dictionaries.gridIds[this.grid[i]],
      communityId: this.dictionaries.communityIds[this.community[i]],
      category: categoryCodes[this.category[i]],
      source: sourceCodes[this.source[i]],
      status: statusCodes[this.status[i]],
      unitId: unit === NO_UNIT ? null : this.dictionaries.unitIds[unit],
      siteId: site === NO_SITE ? null : this.dictionaries.siteIds[site],
      description: this.description.get(i) ?? '',
      address: this.address.get(i) ?? '',
      measure: this.measure.get(i),
      reportedAt: this.reportedAt[i],
      deadline: Number.isNaN(this.deadline[i]) ? null : this.deadline[i],
      closedAt: Number.isNaN(this.closedAt[i]) ? null : this.closedAt[i],
      updatedAt: this.updatedAt[i],
      version: this.version[i],
    };
  }

  /** Marks problems as recurrences (反弹); ids not in the table are ignored. */
  markRecurrent(ids: Iterable<number>): void {
    for (const id of ids) {
      const i = this.positionOf(id);
      if (i >= 0) this.recurrent[i] = 1;
    }
  }

  /** Inserts a new problem (ids only grow) or updates an existing one in place. */
  upsert(p: ProblemRecord): void {
    let i = this.positionOf(p.id);
    // Writes may finish out of order; a row never goes back to an older version.
    if (i >= 0 && this.version[i] > p.version) return;
    if (i < 0) {
      if (this.size > 0 && p.id < this.id[this.size - 1]) throw new Error(`problem ${p.id} arrived out of id order`);
      this.reserve(this.size + 1);
      i = this.size++;
      this.id[i] = p.id;
    } else if (this.buckets && i < this.buckets.size && (this.lon[i] !== p.lon || this.lat[i] !== p.lat)) {
      this.bucketsStale = true;
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
    this.town[i] = this.code(this.townIndex, p.townId, 'town');
    this.site[i] = p.siteId === null ? NO_SITE : this.code(this.siteIndex, p.siteId, 'site');
    this.updatedAt[i] = p.updatedAt;
    this.version[i] = p.version;
    this.description.set(i, p.description);
    this.address.set(i, p.address);
    this.measure.set(i, p.measure);
    this.blockVersion[i >> BLOCK_SHIFT]++;
  }

  /**
   * Removes problems (an import undone): the rows after each removed one move up, so the blocks
   * from the first removed row on have changed, and the spatial index is rebuilt on its next use.
   */
  remove(ids: ReadonlySet<number>): void {
    let w = 0;
    let first = -1;
    for (let r = 0; r < this.size; r++) {
      if (ids.has(this.id[r])) {
        if (first < 0) first = r;
        continue;
      }
      if (w !== r) {
        for (const col of [
          this.id,
          this.lon,
          this.lat,
          this.category,
          this.status,
          this.source,
          this.grid,
          this.community,
          this.unit,
          this.reportedAt,
          this.deadline,
          this.closedAt,
          this.town,
          this.site,
          this.updatedAt,
          this.version,
          this.recurrent,
        ])
          col[w] = col[r];
        for (const text of [this.description, this.address, this.measure]) text.set(w, text.get(r));
      }
      w++;
    }
    if (first < 0) return;
    for (let r = w; r < this.size; r++) {
      for (const text of [this.description, this.address, this.measure]) text.set(r, null);
      // a row appended here later is not a recurrence until marked
      this.recurrent[r] = 0;
    }
    this.size = w;
    for (let b = first >> BLOCK_SHIFT; b < this.blockVersion.length; b++) this.blockVersion[b]++;
    this.bucketsStale = true;
  }

  private summaries: BlockSummaries | null = null;
  private buckets: SpatialBuckets | null = null;
  /** Set when an indexed point moved: the spatial index is rebuilt before its next use. */
  private bucketsStale = false;

  /**
   * The spatial index over the rows, rebuilt when a point moved or many rows arrived since it
   * was built; rows after `size` of the index are not in it and must be checked by the caller.
   */
  spatialIndex(): SpatialBuckets {
    if (!this.buckets || this.bucketsStale || this.size - this.buckets.size > 20_000) {
      const box: BBox = [Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
      for (let i = 0; i < this.size; i++) {
        if (this.lon[i] < box[0]) box[0] = this.lon[i];
        if (this.lat[i] < box[1]) box[1] = this.lat[i];
        if (this.lon[i] > box[2]) box[2] = this.lon[i];
        if (this.lat[i] > box[3]) box[3] = this.lat[i];
      }
      this.buckets = new SpatialBuckets(this.size > 0 ? box : [0, 0, 1, 1], 128, this.lon, this.lat, this.size);
      this.bucketsStale = false;
    }
    return this.buckets;
  }

  /** The per-block aggregates, brought up to date with the rows. */
  blockSummaries(): BlockSummaries {
    this.summaries ??= new BlockSummaries(this, statusCodes.length, this.statusIndex.get('closed') ?? -1);
    this.summaries.refresh();
    return this.summaries;
  }

  /** A number per row, for one query at a time to collect values in. */
  scratchValues(): Float64Array {
    if (this.values.length < this.size) this.values = new Float64Array(this.id.length);
    return this.values;
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
    this.town = grow(this.town);
    this.site = grow(this.site);
    this.updatedAt = grow(this.updatedAt);
    this.version = grow(this.version);
    this.recurrent = grow(this.recurrent);
    this.description.resize(cap);
    this.address.resize(cap);
    this.measure.resize(cap);
    const versions = new Uint32Array((cap >> BLOCK_SHIFT) + 1);
    versions.set(this.blockVersion);
    this.blockVersion = versions;
  }
}
