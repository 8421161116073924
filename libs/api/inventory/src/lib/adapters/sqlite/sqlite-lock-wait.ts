import type { Database } from 'better-sqlite3';
import { DependencyUnavailable } from '@gtd/api-platform';
import { performance } from 'node:perf_hooks';

/**
 * How long one statement may wait inside SQLite's busy handler for another connection's lock.
 * better-sqlite3 is synchronous, so this wait blocks the event loop: it is kept to a few
 * milliseconds, enough to ride out a neighbour's commit (one fsync), and every longer wait is
 * done from a timer (`SqliteLockGate`) while the loop keeps serving.
 */
export const SQLITE_BUSY_TIMEOUT_MS = 5;

/**
 * How long a write (a purchase, an operator's change, a registration, the rejection counts) waits
 * in total for a lock another process holds on the file. Past it the caller gets
 * `DependencyUnavailable('sqlite', reached = false)`: a buyer hears 503 "not made".
 */
export const SQLITE_LOCK_WAIT_MS = 3000;

/**
 * Opening the file (WAL switch, migrations) happens before anything is served, and processes
 * starting together (WORKERS=N) queue on the migration's lock: there a blocking wait harms no
 * one and is the simplest correct thing.
 */
export const SQLITE_OPEN_BUSY_TIMEOUT_MS = 5000;

/** The first retry comes soon (a neighbour's commit is short), later ones back off to this. */
const FIRST_RETRY_MS = 2;
const MAX_RETRY_MS = 100;

/** A monotonic clock: deadlines must not move with the wall clock. */
export const lockClockMs = (): number => performance.now();

/**
 * True when `error` is SQLite saying another connection holds the lock AND nothing of the failed
 * attempt is left: every write here starts with BEGIN IMMEDIATE, which fails with SQLITE_BUSY
 * before anything ran; a BUSY on COMMIT (rollback-journal mode only — in WAL mode a writer holding
 * the lock never waits for readers) leaves the transaction open, and better-sqlite3's transaction
 * wrapper rolls it back. Once the connection is out of its transaction, nothing of the attempt
 * was committed, so it can be retried, or refused as certainly not made.
 */
export function isLockedOut(error: unknown, db: Database): boolean {
  return sqliteCodeOf(error)?.startsWith('SQLITE_BUSY') === true && !db.inTransaction;
}

/**
 * The SQLite result code of a better-sqlite3 error. Read from the error, not by `instanceof`: the
 * native addon keeps the first `SqliteError` class it was given, so a second copy of the module
 * (Jest's per-file registries and realms, two installed versions) throws errors of another class.
 */
function sqliteCodeOf(error: unknown): string | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

/** What a caller hears when the lock did not come in time: nothing was written. */
export const sqliteLocked = (cause: unknown, message = 'SQLite is locked by another connection') =>
  new DependencyUnavailable('sqlite', false, { cause, message });

/**
 * The retry timer: each retry comes after a longer pause (2, 4, … 100 ms), never later than the
 * next deadline, so a waiter gets its last attempt right at its deadline.
 */
class LockRetryTimer {
  private timer: NodeJS.Timeout | undefined;
  private delayMs = FIRST_RETRY_MS;

  constructor(private readonly retry: () => void) {}

  get pending(): boolean {
    return this.timer !== undefined;
  }

  /** After a locked-out attempt: try again after the backoff, or at `deadlineAtMs` if sooner. */
  schedule(deadlineAtMs: number): void {
    const waitMs = Math.max(0, Math.min(this.delayMs, deadlineAtMs - lockClockMs()));
    this.delayMs = Math.min(this.delayMs * 2, MAX_RETRY_MS);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.retry();
    }, waitMs);
  }

  /** After an attempt that got the lock: the next wait starts short again. */
  reset(): void {
    this.delayMs = FIRST_RETRY_MS;
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}

/** A write waiting for another connection to release the lock (see `SqliteLockGate`). */
export interface LockWaiter {
  /**
   * Runs the write in its own IMMEDIATE transaction: undefined when it is done (committed, or
   * failed for another reason and answered so), the SQLITE_BUSY error when locked out again.
   */
  attempt(): unknown;
  /**
   * After a locked-out attempt: answers what is past its deadline "not made" and returns the
   * earliest deadline still waiting, or undefined when nothing of it waits any more.
   */
  expire(nowMs: number, lockError: unknown): number | undefined;
  /** The store closes: whatever still waits is answered "not made". */
  abandon(): void;
}

/**
 * The one line of writers waiting for the file's lock, per connection. Only its head tries again
 * (from a timer), and writes that come while others wait queue behind them instead of trying:
 * however many writers wait, the event loop is blocked at most `SQLITE_BUSY_TIMEOUT_MS` per retry,
 * and once the lock is free they commit in the order they came.
 */
export class SqliteLockGate {
  private readonly waiters: LockWaiter[] = [];
  private readonly timer = new LockRetryTimer(() => this.retry());

  /** True while some write waits for the lock. */
  get locked(): boolean {
    return this.waiters.length > 0;
  }

  /**
   * Runs `waiter` now unless others wait; queues it when locked out. False while it waits in
   * line; true once it is done (or, locked out, had nothing left to wait for).
   */
  run(waiter: LockWaiter): boolean {
    if (this.locked) {
      this.waiters.push(waiter);
      return false;
    }
    const lockError = waiter.attempt();
    if (lockError === undefined) return true;
    this.waiters.push(waiter);
    this.afterLockedOut(lockError);
    return !this.waiters.includes(waiter);
  }

  /** Closing: every waiter hears "not made", none is left hanging. */
  abandonAll(): void {
    this.timer.cancel();
    for (const waiter of this.waiters.splice(0)) waiter.abandon();
  }

  private retry(): void {
    while (this.waiters.length > 0) {
      const lockError = this.waiters[0].attempt();
      if (lockError !== undefined) return this.afterLockedOut(lockError);
      this.waiters.shift();
      this.timer.reset();
    }
  }

  private afterLockedOut(lockError: unknown): void {
    const nowMs = lockClockMs();
    let earliest = Infinity;
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      const deadline = this.waiters[i].expire(nowMs, lockError);
      if (deadline === undefined) this.waiters.splice(i, 1);
      else earliest = Math.min(earliest, deadline);
    }
    if (this.waiters.length > 0) this.timer.schedule(earliest);
  }
}
