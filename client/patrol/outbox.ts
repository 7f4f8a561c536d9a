import { type DBSchema, type IDBPDatabase, openDB } from 'idb';

/**
 * The phone's outbox (待上传): what a patrol records — its start, track points, check-ins, reports
 * with photos, its end — is written here first and sent in the order it was recorded, when there is
 * network. Every item is safe to send twice (the patrol's id is made here, check-ins and reports carry
 * an Idempotency-Key, the server keeps a track point once per instant), so an answer lost on the way
 * costs nothing: the item stays until its answer came, and is then deleted. An item the server refuses
 * for good (4xx: not allowed, no longer possible) is kept apart with the server's reason, never dropped.
 */

export interface TrackPointIn {
  lon: number;
  lat: number;
  /** ISO instant */
  at: string;
}

export interface CheckinBody {
  problemId?: number;
  siteId?: string;
  result: string;
  note?: string;
  lon?: number;
  lat?: number;
  at: string;
}

export interface ReportBody {
  lon: number;
  lat: number;
  category: string;
  description: string;
  source: string;
  patrolId: string;
}

export type OutboxItem =
  | { kind: 'start'; patrolId: string; body: { id: string; gridIds?: string[]; mode: 'walk' | 'ebike'; startedAt: string } }
  | { kind: 'track'; patrolId: string; points: TrackPointIn[] }
  | { kind: 'checkin'; patrolId: string; key: string; body: CheckinBody; photo?: Blob; photoKind?: 'before' | 'after'; photoId?: string }
  | {
      kind: 'report';
      patrolId: string;
      key: string;
      body: ReportBody;
      before?: Blob;
      after?: Blob;
      /** 当场整改: the check-in that closes it, with this key. */
      fixKey?: string;
      /** Progress, so that a retry goes on where the last try stopped. */
      problemId?: number;
      beforeId?: string;
      afterId?: string;
    }
  | { kind: 'end'; patrolId: string; at: string };

export interface Queued {
  seq: number;
  item: OutboxItem;
  queuedAt: number;
  tries: number;
}

export interface Failed extends Queued {
  status: number;
  message: string;
}

interface OutboxDb extends DBSchema {
  outbox: { key: number; value: Queued };
  failed: { key: number; value: Failed };
  /** Small things the page keeps across reloads: today's plan, the patrol under way. */
  saved: { key: string; value: unknown };
}

/** What sending an item may do besides succeeding: save its progress (a step of a report done). */
export type Sender = (item: OutboxItem, progress: (patch: Partial<OutboxItem>) => Promise<void>) => Promise<void>;

/** Whether a failure is the server's final word on the item (4xx, but for a lost session, a rate limit or a request still in progress). */
export type IsFinal = (e: unknown) => { status: number; message: string } | null;

export const OUTBOX_DB = 'chuangwen-patrol';

export class Outbox {
  #flushing: Promise<FlushResult> | null = null;
  readonly #listeners = new Set<() => void>();

  private constructor(private readonly db: IDBPDatabase<OutboxDb>) {}

  static async open(name = OUTBOX_DB): Promise<Outbox> {
    const db = await openDB<OutboxDb>(name, 1, {
      upgrade(d) {
        d.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true });
        d.createObjectStore('failed', { keyPath: 'seq' });
        d.createObjectStore('saved');
      },
    });
    return new Outbox(db);
  }

  /** Called whenever the outbox changes (an item added, sent or failed). */
  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #changed(): void {
    for (const l of this.#listeners) l();
  }

  async add(item: OutboxItem, now = Date.now()): Promise<number> {
    const seq = await this.db.add('outbox', { item, queuedAt: now, tries: 0 } as Queued);
    this.#changed();
    return seq;
  }

  /** How many items wait to be sent. */
  pending(): Promise<number> {
    return this.db.count('outbox');
  }

  /** The items waiting, oldest first. */
  items(): Promise<Queued[]> {
    return this.db.getAll('outbox');
  }

  /** The items the server refused for good, with its reasons. */
  failed(): Promise<Failed[]> {
    return this.db.getAll('failed');
  }

  async dismissFailed(seq: number): Promise<void> {
    await this.db.delete('failed', seq);
    this.#changed();
  }

  async save(key: string, value: unknown): Promise<void> {
    await this.db.put('saved', value, key);
  }

  async load<T>(key: string): Promise<T | undefined> {
    return (await this.db.get('saved', key)) as T | undefined;
  }

  async forget(key: string): Promise<void> {
    await this.db.delete('saved', key);
  }

  /**
   * Sends the waiting items in order, one at a time, until the outbox is empty or an item cannot be
   * sent now (no network, server error): that item and those after it wait for the next flush.
   * A flush asked for while one runs joins it.
   */
  flush(send: Sender, isFinal: IsFinal): Promise<FlushResult> {
    this.#flushing ??= this.#flush(send, isFinal).finally(() => {
      this.#flushing = null;
    });
    return this.#flushing;
  }

  async #flush(send: Sender, isFinal: IsFinal): Promise<FlushResult> {
    const result: FlushResult = { sent: 0, failed: 0, stopped: null };
    for (;;) {
      const cursor = await this.db.transaction('outbox').store.openCursor();
      const next = cursor?.value;
      if (!next) return result;
      try {
        await send(next.item, async (patch) => {
          next.item = { ...next.item, ...patch } as OutboxItem;
          await this.db.put('outbox', next);
        });
      } catch (e) {
        const final = isFinal(e);
        if (!final) {
          next.tries++;
          await this.db.put('outbox', next);
          result.stopped = e instanceof Error ? e.message : String(e);
          this.#changed();
          return result;
        }
        const tx = this.db.transaction(['outbox', 'failed'], 'readwrite');
        await Promise.all([tx.objectStore('failed').put({ ...next, ...final }), tx.objectStore('outbox').delete(next.seq), tx.done]);
        result.failed++;
        this.#changed();
        continue;
      }
      await this.db.delete('outbox', next.seq);
      result.sent++;
      this.#changed();
    }
  }

  close(): void {
    this.db.close();
  }
}

export interface FlushResult {
  sent: number;
  failed: number;
  /** Why the flush stopped early (the network is away), or null when the outbox was emptied. */
  stopped: string | null;
}
