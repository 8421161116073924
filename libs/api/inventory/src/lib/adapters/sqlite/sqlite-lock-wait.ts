import type { Database } from 'better-sqlite3';
import { DependencyUnavailable } from '@gtd/api-platform';
import { performance } from 'node:perf_hooks';

/**
 * How long one statement may wait inside SQLite's busy handler for another connection's lock.
 * better-sqlite3 is synchronous, so this wait blocks the event loop: it is kept to a few
 * milliseconds, enough to ride out a neighbour's commit (one fsync), and every longer wait is
 * done from a timer (`LockRetryTimer`) while the loop keeps serving.
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
 * The timer of one waiting writer: each retry comes after a longer pause (2, 4, … 100 ms), never
 * later than the next deadline, so a waiter gets its last attempt right at its deadline.
 */
export class LockRetryTimer {
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
