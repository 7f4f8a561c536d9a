import { toShanghaiIso } from './domain/calendar.ts';
import type { ProblemEventRecord } from './store/records.ts';
/** What a live message says about a change (no personal information: wall screens receive it too). */
export interface LiveChange {
  /** The problem event's id: the SSE message id a client resumes from. */
  eventId: number;
  problemId: number;
  action: string;
  fromStatus: string | null;
  toStatus: string;
  at: string;
  category: string;
  gridId: string;
  communityId: string;
  unitId: string | null;
}

/** Whose right a stream lives on: a session (its token's hash), an account, a display token. */
export interface StreamOwner {
  sessionHash: string | null;
  userId: number | null;
  displayTokenId: number | null;
}

/** A live stream: gets the changes it may see, heartbeats, and its end. */
export interface Subscriber {
  owner?: StreamOwner;
  deliver(change: LiveChange): void;
  /** A message without an event id that tells clients to re-read something (`wall-config`). */
  notify(event: LiveNotice): void;
  ping(): void;
  end(): void;
}

/**
 * Notices besides the changes: the wall's settings were saved; many problems changed at once (an
 * import, its undo): reload the data; the grids or villages changed (new boundaries): reload the page.
 */
export type LiveNotice = 'wall-config' | 'reset' | 'areas';

/** Milliseconds between heartbeats: proxies and browsers keep a quiet stream open. */
export const HEARTBEAT_MS = 15_000;

/** Open server-sent-event streams, fed by every committed change; ended all at once on shutdown. */
export class LiveHub {
  readonly #subscribers = new Set<Subscriber>();
  readonly #timer: NodeJS.Timeout;
  #closed = false;

  constructor(heartbeatMs = HEARTBEAT_MS) {
    this.#timer = setInterval(() => {
      for (const s of this.#subscribers) s.ping();
    }, heartbeatMs);
    this.#timer.unref();
  }

  get size(): number {
    return this.#subscribers.size;
  }

  /** Adds a stream; returns the function that removes it. A stream added after `close` ends at once. */
  add(s: Subscriber): () => void {
    if (this.#closed) {
      s.end();
      return () => false;
    }
    this.#subscribers.add(s);
    return () => this.#subscribers.delete(s);
  }

  publish(change: LiveChange): void {
    for (const s of this.#subscribers) s.deliver(change);
  }

  /** Tells every stream to re-read something; no event id, so resuming is unaffected. */
  announce(event: LiveNotice): void {
    for (const s of this.#subscribers) s.notify(event);
  }

  /** Ends the streams whose owner matches at once (signed out, disabled, token revoked); says how many. */
  endWhere(match: (owner: StreamOwner) => boolean): number {
    let n = 0;
    for (const s of this.#subscribers) {
      if (!s.owner || !match(s.owner)) continue;
      this.#subscribers.delete(s);
      s.end();
      n++;
    }
    return n;
  }

  /** Ends every stream (server shutdown): clients reconnect to the next server. */
  close(): void {
    this.#closed = true;
    clearInterval(this.#timer);
    for (const s of this.#subscribers) s.end();
    this.#subscribers.clear();
  }
}

/** One SSE message: `id` is the event id, so a reconnecting client says where it stopped. */
export function sseMessage(change: LiveChange): string {
  return `id: ${change.eventId}\nevent: change\ndata: ${JSON.stringify(change)}\n\n`;
}

/** The live message for an event of the log, with its problem's place, category and unit as the log read gave them. */
export function liveChangeOf(
  e: Pick<ProblemEventRecord, 'id' | 'problemId' | 'action' | 'fromStatus' | 'toStatus' | 'at'> & {
    category: string;
    gridId: string;
    communityId: string;
    unitId: string | null;
  },
): LiveChange {
  return {
    eventId: e.id,
    problemId: e.problemId,
    action: e.action,
    fromStatus: e.fromStatus,
    toStatus: e.toStatus,
    at: toShanghaiIso(e.at),
    category: e.category,
    gridId: e.gridId,
    communityId: e.communityId,
    unitId: e.unitId,
  };
}
