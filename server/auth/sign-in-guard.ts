/**
 * Limits failed sign-ins (等保: 登录失败处理) without handing out a denial of service.
 *
 * Failures are counted per name *and* source address within a window: after `slowAfter` of them
 * the answers from that address slow down, and after `maxFailures` that address is refused for
 * `lockMinutes` while the owner signs in from anywhere else. Only when a name collects
 * `accountMaxFailures` failures from at least `accountMinSources` addresses is it locked for
 * everyone. Names are counted whether an account has them or not, so the answers cannot tell
 * which names exist.
 *
 * An attempt is counted the moment it is checked (`begin`), before the password is verified, and
 * taken back when it succeeds. The check and the count are one step on the name's counts, which
 * nothing else changes meanwhile (see SignInBook): twenty attempts sent at once, to one process or
 * to several, meet the limit as twenty sent one by one.
 *
 * The rule is here, once; where the counts live is the book's: in the process (SQLite, one
 * process; a restart forgets them) or in PostgreSQL, shared by every process of a district. An
 * account lock is also kept in the users table (see AuthService).
 */

export interface SignInLimits {
  /** Failures from one address at one name before its answers slow down. */
  slowAfter: number;
  /** Failures from one address at one name that refuse that address for `lockMinutes`. */
  maxFailures: number;
  /** Failures at one name, from at least `accountMinSources` addresses, that lock it for everyone. */
  accountMaxFailures: number;
  accountMinSources: number;
  /** How long failures are remembered. */
  windowMinutes: number;
  lockMinutes: number;
  /** The longest slow-down of one answer. */
  maxDelayMs: number;
}

export const DEFAULT_SIGN_IN_LIMITS: SignInLimits = {
  slowAfter: 3,
  maxFailures: 5,
  accountMaxFailures: 50,
  accountMinSources: 3,
  windowMinutes: 15,
  lockMinutes: 15,
  maxDelayMs: 8000,
};

/** What an attempt may do: go on (after `delayMs`), or not, because of its address or its name. */
export type Admission = { ok: true; delayMs: number; ticket: Ticket } | { ok: false; scope: 'source' | 'account'; until: number };

/** A counted attempt, to be settled as a success (taken back) or a failure (kept). */
export interface Ticket {
  readonly name: string;
  readonly address: string;
  readonly at: number;
}

/** What a failure locked: the address (its `maxFailures`-th failure), the name everywhere, or nothing. */
export interface FailureOutcome {
  locked: 'source' | 'account' | null;
  until: number;
  failures: number;
}

/** One name's counts, as plain JSON (PostgreSQL keeps them in a jsonb column). */
export interface NameCounts {
  /** Failures within the window, oldest first. */
  failures: { at: number; address: string }[];
  /** Addresses refused, each until its instant. */
  sources: Record<string, number>;
  /** The name refused everywhere until then. */
  lockedUntil: number;
}

/**
 * Where the counts live. `update` runs `fn` on a name's counts (empty when it has none) with no
 * other change to that name's counts meanwhile, from this process or another, and keeps what `fn`
 * leaves; `fn` is synchronous and may run again if the book must retry.
 */
export interface SignInBook {
  update<T>(name: string, now: number, fn: (counts: NameCounts) => T): Promise<T>;
  /** Forgets every count and lock on the name. */
  remove(name: string): Promise<void>;
}

const MINUTE = 60_000;

/** A name as counted: case and width as typed make no difference, nor do spaces around it. */
export const countedName = (name: string) => name.normalize('NFKC').trim().toLowerCase();

export const emptyCounts = (): NameCounts => ({ failures: [], sources: {}, lockedUntil: 0 });

/** The instant after which the counts hold nothing: no failure in the window, no lock running. */
export function countsExpireAt(counts: NameCounts, limits: SignInLimits): number {
  const lastFailure = counts.failures.at(-1)?.at;
  return Math.max(lastFailure === undefined ? 0 : lastFailure + limits.windowMinutes * MINUTE, counts.lockedUntil, ...Object.values(counts.sources));
}

/** Drops failures older than the window and locks that ran out. */
function prune(counts: NameCounts, now: number, limits: SignInLimits): void {
  const since = now - limits.windowMinutes * MINUTE;
  if (counts.failures.length > 0 && counts.failures[0].at < since) counts.failures = counts.failures.filter((f) => f.at >= since);
  for (const [address, until] of Object.entries(counts.sources)) if (until <= now) delete counts.sources[address];
  if (counts.lockedUntil <= now) counts.lockedUntil = 0;
}

export class SignInGuard {
  constructor(
    readonly limits: SignInLimits = DEFAULT_SIGN_IN_LIMITS,
    private readonly book: SignInBook = new MemorySignInBook(limits),
  ) {}

  /** Checks an attempt and counts it as a failure until it is settled. */
  begin(rawName: string, address: string, now: number): Promise<Admission> {
    const name = countedName(rawName);
    return this.book.update(name, now, (counts): Admission => {
      prune(counts, now, this.limits);
      if (counts.lockedUntil > now) return { ok: false, scope: 'account', until: counts.lockedUntil };
      const sourceUntil = counts.sources[address] ?? 0;
      if (sourceUntil > now) return { ok: false, scope: 'source', until: sourceUntil };
      const before = counts.failures.filter((f) => f.address === address).length;
      if (before >= this.limits.maxFailures) {
        // Reached by attempts still being verified: refused like the lock they will set.
        return { ok: false, scope: 'source', until: now + this.limits.lockMinutes * MINUTE };
      }
      counts.failures.push({ at: now, address });
      const over = before + 1 - this.limits.slowAfter;
      const delayMs = over > 0 ? Math.min(this.limits.maxDelayMs, 1000 * 2 ** (over - 1)) : 0;
      return { ok: true, delayMs, ticket: { name, address, at: now } };
    });
  }

  /** The password was right: the attempt is taken back and the address's count starts afresh. */
  async succeeded(ticket: Ticket, now: number): Promise<void> {
    await this.book.update(ticket.name, now, (counts) => {
      counts.failures = counts.failures.filter((f) => f.address !== ticket.address);
      delete counts.sources[ticket.address];
    });
  }

  /** The password was wrong: the attempt stays counted. Says what it locked. */
  failed(ticket: Ticket, now: number): Promise<FailureOutcome> {
    return this.book.update(ticket.name, now, (counts): FailureOutcome => {
      prune(counts, now, this.limits);
      const mine = counts.failures.filter((f) => f.address === ticket.address).length;
      const sources = new Set(counts.failures.map((f) => f.address)).size;
      const until = now + this.limits.lockMinutes * MINUTE;
      if (counts.failures.length >= this.limits.accountMaxFailures && sources >= this.limits.accountMinSources && counts.lockedUntil <= now) {
        counts.lockedUntil = until;
        return { locked: 'account', until, failures: counts.failures.length };
      }
      if (mine >= this.limits.maxFailures && (counts.sources[ticket.address] ?? 0) <= now) {
        counts.sources[ticket.address] = until;
        return { locked: 'source', until, failures: mine };
      }
      return { locked: null, until: 0, failures: mine };
    });
  }

  /** An admin unlocked the name (or reset its password): every count and lock on it goes. */
  unlock(rawName: string): Promise<void> {
    return this.book.remove(countedName(rawName));
  }
}

/** Names remembered at most in a process: past this, names with nothing left go, then the oldest. */
const MAX_NAMES = 50_000;

/**
 * The counts in this process's memory (SQLite: one process). `update` runs `fn` at once, so no
 * other request can come between its check and its count.
 */
export class MemorySignInBook implements SignInBook {
  readonly #names = new Map<string, NameCounts>();

  constructor(private readonly limits: SignInLimits) {}

  async update<T>(name: string, now: number, fn: (counts: NameCounts) => T): Promise<T> {
    let counts = this.#names.get(name);
    if (!counts) {
      if (this.#names.size >= MAX_NAMES) this.#forget(now);
      counts = emptyCounts();
    }
    const result = fn(counts);
    if (countsExpireAt(counts, this.limits) > now) this.#names.set(name, counts);
    else this.#names.delete(name);
    return result;
  }

  async remove(name: string): Promise<void> {
    this.#names.delete(name);
  }

  #forget(now: number): void {
    for (const [name, counts] of this.#names) if (countsExpireAt(counts, this.limits) <= now) this.#names.delete(name);
    let drop = this.#names.size >= MAX_NAMES ? Math.ceil(MAX_NAMES / 10) : 0;
    for (const name of this.#names.keys()) {
      if (drop-- <= 0) break;
      this.#names.delete(name);
    }
  }
}
