import type { ProblemTable } from './analytics/problem-table.ts';
import type { Ended } from './auth/auth-service.ts';
import { type LiveHub, type LiveNotice, liveChangeOf } from './live.ts';
import type { DispatchBook } from './routes/dispatch.ts';
import type { Store } from './store/store.ts';
import type { TownData } from './town-data.ts';

/**
 * What one process tells the others besides new events: areas or key sites changed (read the
 * town again), problems went away (an import undone: refresh the table), the dispatch rules or the
 * wall's settings changed, or a session, account or wall token ended (end its streams here too).
 */
export type ClusterNotice =
  | { kind: 'areas' }
  | { kind: 'sites' }
  | { kind: 'reset' }
  | { kind: 'dispatch' }
  | { kind: 'wall-config' }
  | { kind: 'ended'; ended: Ended };

/**
 * How processes on one database reach each other (PostgreSQL's LISTEN/NOTIFY: `PgBus`). SQLite
 * has one process, and no bus.
 */
export interface ClusterBus {
  /**
   * Starts listening: `events` when another process committed events, `notice` for its notices,
   * `resumed` after the connection was lost and found again (notifications may have been missed).
   */
  start(handlers: { events: () => void; notice: (n: ClusterNotice) => void; resumed: () => void }): Promise<void>;
  send(notice: ClusterNotice): Promise<void>;
  close(): Promise<void>;
}

/** Events a catch-up publishes one by one; more (an import) and the streams are told to reload instead. */
const PUBLISH_AT_MOST = 200;
/** Events read from the log per query. */
const PAGE = 1000;
/** How often a process looks at the log by itself, in case a notification was missed. */
export const SAFETY_POLL_MS = 5000;

/**
 * Keeps this process's read model (the problem table) and its live streams in step with the event
 * log, by sequence number: every event after the cursor is applied and published once, in id
 * order, whichever process wrote it. A process calls `catchUp` after its own writes (so the writer
 * sees them at once) and on each notification from the others; a timer and every reconnection
 * catch up too, so a missed notification delays a change by seconds at most, and loses none.
 */
export class ChangeFeed {
  #cursor: number;
  #running: Promise<void> | null = null;
  #queued: Promise<void> | null = null;
  #timer: NodeJS.Timeout | null = null;
  readonly #handlers = new Map<ClusterNotice['kind'], (n: ClusterNotice) => void | Promise<void>>();

  constructor(
    private readonly store: Store,
    private readonly table: ProblemTable,
    private readonly hub: LiveHub,
    cursor: number,
    private readonly bus: ClusterBus | null,
  ) {
    this.#cursor = cursor;
  }

  /** The last event id this process has applied. */
  get cursor(): number {
    return this.#cursor;
  }

  async start(): Promise<void> {
    if (!this.bus) return;
    await this.bus.start({
      events: () => void this.catchUp(),
      notice: (n) => void this.#handle(n),
      resumed: () => void this.catchUp(),
    });
    this.#timer = setInterval(() => void this.catchUp(), SAFETY_POLL_MS);
    this.#timer.unref();
  }

  /** What this process does on a notice (its own, at once; the others', when it arrives). */
  on<K extends ClusterNotice['kind']>(kind: K, handler: (n: Extract<ClusterNotice, { kind: K }>) => void | Promise<void>): void {
    this.#handlers.set(kind, handler as (n: ClusterNotice) => void);
  }

  /** Acts on a notice here and tells every other process. */
  async notice(n: ClusterNotice): Promise<void> {
    await this.#handle(n);
    await this.bus?.send(n);
  }

  async #handle(n: ClusterNotice): Promise<void> {
    await this.#handlers.get(n.kind)?.(n);
  }

  /**
   * Applies and publishes every event after the cursor. One pass runs at a time, and one more may
   * wait behind it, shared by everyone who asks meanwhile: a caller's own write is covered when its
   * promise resolves, after at most the pass under way and the next (never a wait for quiet).
   */
  catchUp(): Promise<void> {
    if (!this.#running) {
      this.#running = this.#drain().finally(() => {
        this.#running = null;
      });
      return this.#running;
    }
    this.#queued ??= this.#running
      .catch(() => {})
      .then(() => {
        this.#queued = null;
        return this.catchUp();
      });
    return this.#queued;
  }

  async #drain(): Promise<void> {
    let published = 0;
    let many = false;
    for (;;) {
      const events = await this.store.eventsAfter(this.#cursor, PAGE);
      if (events.length === 0) break;
      const ids = [...new Set(events.map((e) => e.problemId))];
      const rows = await this.store.problemsByIds(ids);
      // Areas, key sites or units another process added may reach here before its notice does.
      this.table.addCodes(
        'gridIds',
        rows.map((p) => p.gridId),
      );
      this.table.addCodes(
        'communityIds',
        rows.map((p) => p.communityId),
      );
      this.table.addCodes(
        'siteIds',
        rows.flatMap((p) => (p.siteId === null ? [] : [p.siteId])),
      );
      this.table.addCodes(
        'unitIds',
        rows.flatMap((p) => (p.unitId === null ? [] : [p.unitId])),
      );
      for (const p of rows) this.table.upsert(p);
      const reported = events.filter((e) => e.action === 'report').map((e) => e.problemId);
      if (reported.length > 0) {
        const recurrent = await Promise.all(reported.map(async (id) => ((await this.store.recurrenceOf(id)) ? id : null)));
        this.table.markRecurrent(recurrent.filter((id): id is number => id !== null));
      }
      many ||= published + events.length > PUBLISH_AT_MOST;
      if (!many) {
        for (const e of events) {
          this.hub.publish(liveChangeOf(e));
        }
      }
      published += events.length;
      this.#cursor = events[events.length - 1].id;
      if (events.length < PAGE) break;
    }
    if (many) {
      // Many problems at once (an import): their recurrences too, and every stream reloads.
      this.table.markRecurrent(await this.store.recurrentProblemIds());
      this.hub.announce('reset' satisfies LiveNotice);
    }
  }

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    await this.bus?.close();
    await this.#running;
  }
}

/** What a process holds in memory that a notice may make stale. */
export interface FollowedState {
  store: Store;
  townData: TownData;
  problemTable: ProblemTable;
  live: LiveHub;
  dispatch: DispatchBook;
}

/** What every process does on each notice, the sender's own included. */
export function followNotices(feed: ChangeFeed, s: FollowedState): void {
  const areaCodes = () => {
    s.problemTable.addCodes(
      'gridIds',
      s.townData.grids.map((g) => g.id),
    );
    s.problemTable.addCodes(
      'communityIds',
      s.townData.communities.map((c) => c.id),
    );
    s.problemTable.addCodes(
      'siteIds',
      s.townData.sites.map((x) => x.id),
    );
  };
  feed.on('areas', async () => {
    await s.townData.reload(s.store);
    areaCodes();
    // the moved problems' regrid events
    await feed.catchUp();
    s.live.announce('areas');
  });
  feed.on('sites', async () => {
    await s.townData.reload(s.store);
    areaCodes();
  });
  feed.on('reset', async () => {
    await feed.catchUp();
    await refreshTable(s.store, s.problemTable);
    s.live.announce('reset');
  });
  feed.on('dispatch', () => s.dispatch.reload());
  feed.on('wall-config', () => s.live.announce('wall-config'));
  feed.on('ended', ({ ended: e }) => {
    s.live.endWhere((o) => (e.kind === 'session' ? o.sessionHash === e.tokenHash : e.kind === 'user' ? o.userId === e.userId : o.displayTokenId === e.tokenId));
  });
}

/**
 * Makes the table equal the store again after problems went away (an import undone): every row
 * read and upserted, the ones the store no longer holds removed, the recurrences marked.
 */
export async function refreshTable(store: Store, table: ProblemTable): Promise<void> {
  const present = new Set<number>();
  for await (const batch of store.scanProblems()) {
    for (const p of batch) {
      present.add(p.id);
      table.upsert(p);
    }
  }
  const gone = new Set<number>();
  for (let i = 0; i < table.size; i++) if (!present.has(table.id[i])) gone.add(table.id[i]);
  if (gone.size > 0) table.remove(gone);
  table.markRecurrent(await store.recurrentProblemIds());
}
