import Database from 'better-sqlite3';
import { PurchaseCommand, PurchaseOutcome } from '../../inventory-store';
import { answerEach, failEach, Pending } from '../group-commit';
import { SqliteDatabase } from './sqlite-database';
import { isLockedOut, lockClockMs, LockWaiter, sqliteLocked } from './sqlite-lock-wait';
import { SqlitePurchaseDecider } from './sqlite-purchase-decider';

interface QueuedPurchase extends Pending<PurchaseCommand, PurchaseOutcome> {
  /** Past this (monotonic ms), a purchase still locked out is answered "not made". */
  deadlineAtMs: number;
}

/**
 * Group commit: purchases arriving in the same event-loop turn are decided one after another in
 * one transaction (one fsync), then all of them are answered. Nobody is told "bought" before the
 * commit that holds their order is on disk.
 *
 * When another connection holds the write lock, the queue waits in the database's `lockGate` and
 * is tried again from its timer (the event loop keeps serving polls and /health meanwhile);
 * newcomers join the queue behind the waiting ones, so the commit that gets the lock decides
 * everyone in arrival order. A purchase whose `lockWaitMs` ran out is answered
 * `DependencyUnavailable('sqlite', false)`: every attempt it was in rolled back, nothing was sold.
 *
 * It answers a batch as `GroupCommit` (PostgreSQL's) does; it schedules its own, since its commit
 * is synchronous and may have to wait for another process's lock, which a round trip never does.
 */
export class SqlitePurchaseBatcher implements LockWaiter {
  private queue: QueuedPurchase[] = [];
  private flushScheduled = false;
  /** In the lock gate: its timer, not `setImmediate`, commits the queue next. */
  private waiting = false;
  private readonly commitBatch: Database.Transaction<(batch: QueuedPurchase[]) => PurchaseOutcome[]>;

  constructor(
    private readonly database: SqliteDatabase,
    decider: SqlitePurchaseDecider,
  ) {
    this.commitBatch = database.db.transaction((batch: QueuedPurchase[]) =>
      batch.map((p) => decider.decideAndWrite(p.command)),
    );
  }

  /** Purchases waiting for the next commit (including those waiting for the lock). */
  get queued(): number {
    return this.queue.length;
  }

  /** True while the queue waits for another connection to release the write lock. */
  get waitingForLock(): boolean {
    return this.waiting;
  }

  enqueue(command: PurchaseCommand): Promise<PurchaseOutcome> {
    return new Promise((resolve, reject) => {
      const deadlineAtMs = lockClockMs() + this.database.lockWaitMs;
      this.queue.push({ command, resolve, reject, deadlineAtMs });
      if (this.flushScheduled || this.waiting) return;
      if (this.database.lockGate.locked) {
        // Other writes wait for the lock: take this batch's place in their line now, as it comes.
        this.waiting = !this.database.lockGate.run(this);
        return;
      }
      this.flushScheduled = true;
      setImmediate(this.commitNext);
    });
  }

  /** At close: commits and answers what is queued now; if the file is locked, answers "not made". */
  flush(): void {
    const lockError = this.attempt();
    if (lockError !== undefined) this.abandon(lockError);
  }

  /** Commits the whole queue; the SQLITE_BUSY error if locked out (the queue then still waits). */
  attempt(): unknown {
    const batch = this.queue;
    if (batch.length === 0 || !this.database.isOpen) {
      this.abandon();
      return undefined;
    }
    let outcomes: PurchaseOutcome[];
    try {
      // IMMEDIATE takes the write lock up front, so a second process cannot make this
      // transaction fail half-way with SQLITE_BUSY on upgrade from read to write.
      outcomes = this.commitBatch.immediate(batch);
    } catch (error) {
      if (isLockedOut(error, this.database.db)) return error;
      // The whole transaction rolled back: nothing was sold to anyone in this batch.
      this.queue = [];
      this.waiting = false;
      failEach(batch, error);
      return undefined;
    }
    this.queue = [];
    this.waiting = false;
    answerEach(batch, outcomes);
    return undefined;
  }

  /** Locked out: those past their deadline hear "not made", the rest keep waiting in order. */
  expire(nowMs: number, lockError: unknown): number | undefined {
    const waiting: QueuedPurchase[] = [];
    for (const p of this.queue) {
      if (p.deadlineAtMs > nowMs) waiting.push(p);
      else p.reject(sqliteLocked(lockError));
    }
    this.queue = waiting;
    this.waiting = waiting.length > 0;
    // Queued in arrival order on a monotonic clock: the head has the earliest deadline.
    return this.waiting ? waiting[0].deadlineAtMs : undefined;
  }

  abandon(lockError?: unknown): void {
    const batch = this.queue;
    this.queue = [];
    this.waiting = false;
    const message = lockError ? undefined : 'SQLite store closed while waiting for a lock';
    for (const p of batch) p.reject(sqliteLocked(lockError, message));
  }

  private readonly commitNext = (): void => {
    this.flushScheduled = false;
    if (!this.waiting) this.waiting = !this.database.lockGate.run(this);
  };
}
