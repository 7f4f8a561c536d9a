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
 * An attempt is counted the moment it is checked (`begin`, synchronous: no other request can run
 * between the check and the count), before the password is verified, and taken back when it
 * succeeds. Twenty attempts sent at once therefore meet the limit as twenty sent one by one.
 * The counts live in the process: a restart forgets them (an account lock is also kept in the
 * database, see AuthService).
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

interface Failure {
  at: number;
  address: string;
}

interface NameState {
  failures: Failure[];
  /** Addresses refused until then. */
  sources: Map<string, number>;
  /** The name refused everywhere until then. */
  lockedUntil: number;
}

const MINUTE = 60_000;
/** Names remembered at most: the oldest are dropped past this (a flood of made-up names). */
const MAX_NAMES = 50_000;

/** A name as counted: case and width as typed make no difference, nor do spaces around it. */
export const countedName = (name: string) => name.normalize('NFKC').trim().toLowerCase();

export class SignInGuard {
  readonly #names = new Map<string, NameState>();

  constructor(readonly limits: SignInLimits = DEFAULT_SIGN_IN_LIMITS) {}

  /** Checks an attempt and counts it as a failure until it is settled. */
  begin(rawName: string, address: string, now: number): Admission {
    const name = countedName(rawName);
    const state = this.#state(name, now);
    if (state.lockedUntil > now) return { ok: false, scope: 'account', until: state.lockedUntil };
    const sourceUntil = state.sources.get(address) ?? 0;
    if (sourceUntil > now) return { ok: false, scope: 'source', until: sourceUntil };
    const before = state.failures.filter((f) => f.address === address).length;
    if (before >= this.limits.maxFailures) {
      // Reached by attempts still being verified: refused like the lock they will set.
      return { ok: false, scope: 'source', until: now + this.limits.lockMinutes * MINUTE };
    }
    state.failures.push({ at: now, address });
    const over = before + 1 - this.limits.slowAfter;
    const delayMs = over > 0 ? Math.min(this.limits.maxDelayMs, 1000 * 2 ** (over - 1)) : 0;
    return { ok: true, delayMs, ticket: { name, address, at: now } };
  }

  /** The password was right: the attempt is taken back and the address's count starts afresh. */
  succeeded(ticket: Ticket): void {
    const state = this.#names.get(ticket.name);
    if (!state) return;
    state.failures = state.failures.filter((f) => f.address !== ticket.address);
    state.sources.delete(ticket.address);
  }

  /**
   * The password was wrong: the attempt stays counted. Says what it locked: the address (its
   * `maxFailures`-th failure), the name everywhere, or nothing.
   */
  failed(ticket: Ticket, now: number): { locked: 'source' | 'account' | null; until: number; failures: number } {
    const state = this.#state(ticket.name, now);
    const mine = state.failures.filter((f) => f.address === ticket.address).length;
    const sources = new Set(state.failures.map((f) => f.address)).size;
    const until = now + this.limits.lockMinutes * MINUTE;
    if (state.failures.length >= this.limits.accountMaxFailures && sources >= this.limits.accountMinSources && state.lockedUntil <= now) {
      state.lockedUntil = until;
      return { locked: 'account', until, failures: state.failures.length };
    }
    if (mine >= this.limits.maxFailures && (state.sources.get(ticket.address) ?? 0) <= now) {
      state.sources.set(ticket.address, until);
      return { locked: 'source', until, failures: mine };
    }
    return { locked: null, until: 0, failures: mine };
  }

  /** An admin unlocked the name (or reset its password): every count and lock on it goes. */
  unlock(rawName: string): void {
    this.#names.delete(countedName(rawName));
  }

  /** The name's state with failures older than the window dropped. */
  #state(name: string, now: number): NameState {
    let state = this.#names.get(name);
    if (!state) {
      if (this.#names.size >= MAX_NAMES) this.#forgetOldest(now);
      state = { failures: [], sources: new Map(), lockedUntil: 0 };
      this.#names.set(name, state);
    }
    const since = now - this.limits.windowMinutes * MINUTE;
    if (state.failures.length > 0 && state.failures[0].at < since) state.failures = state.failures.filter((f) => f.at >= since);
    return state;
  }

  /** Drops names with nothing left to remember, else the oldest tenth. */
  #forgetOldest(now: number): void {
    const since = now - this.limits.windowMinutes * MINUTE;
    for (const [name, s] of this.#names) {
      if (s.lockedUntil <= now && (s.failures.at(-1)?.at ?? 0) < since && [...s.sources.values()].every((u) => u <= now)) this.#names.delete(name);
    }
    if (this.#names.size < MAX_NAMES) return;
    let drop = Math.ceil(MAX_NAMES / 10);
    for (const name of this.#names.keys()) {
      if (drop-- <= 0) break;
      this.#names.delete(name);
    }
  }
}
