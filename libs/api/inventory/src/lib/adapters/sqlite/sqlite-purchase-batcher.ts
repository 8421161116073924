import Database from 'better-sqlite3';
import { PurchaseCommand, PurchaseOutcome } from '../../inventory-store';
import { SqliteDatabase } from './sqlite-database';
import { isLockedOut, lockClockMs, LockRetryTimer, sqliteLocked } from './sqlite-lock-wait';
import { SqlitePurchaseDecider } from './sqlite-purchase-decider';

interface QueuedPurchase {
  command: PurchaseCommand;
  resolve: (outcome: PurchaseOutcome) => void;
  reject: (error: unknown) => void;
  /** Past this (monotonic ms), a purchase still locked out is answered "not made". */
  deadlineAtMs: number;
}

/**
 * Group commit: purchases arriving in the same event-loop turn are decided one after another in
 * one transaction (one fsync), then all of them are answered. Nobody is told "bought" before the
 * commit that holds their order is on disk.
 *
 * When another connection holds the write lock, the batch stays at the head of the queue and is
 * tried again from a timer (the event loop keeps serving polls and /health meanwhile); newcomers
 * queue behind it, so the next commit still decides everyone in arrival order. A purchase whose
 * `SQLITE_LOCK_WAIT_MS` ran out is answered `DependencyUnavailable('sqlite', false)`: its batch
 * was rolled back, so nothing was sold to it.
 */
export class SqlitePurchaseBatcher {
  private queue: QueuedPurchase[] = [];
  private flushScheduled = false;
  private readonly retry = new LockRetryTimer(() => this.commitQueued(false));
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
    return this.retry.pending;
  }

  enqueue(command: PurchaseCommand): Promise<PurchaseOutcome> {
    return new Promise((resolve, reject) => {
      const deadlineAtMs = lockClockMs() + this.database.lockWaitMs;
      this.queue.push({ command, resolve, reject, deadlineAtMs });
      // While the lock is awaited the retry timer commits the whole queue, newcomers included.
      if (!this.flushScheduled && !this.retry.pending) {
        this.flushScheduled = true;
        setImmediate(() => this.commitQueued(false));
      }
    });
  }

  /** At close: commits and answers what is queued now; if the file is locked, answers "not made". */
  flush(): void {
    this.retry.cancel();
    this.commitQueued(true);
  }

  private commitQueued(final: boolean): void {
    this.flushScheduled = false;
    const batch = this.queue;
    if (batch.length === 0) return;
    this.queue = [];
    if (!this.database.isOpen) {
      for (const p of batch) p.reject(sqliteLocked(undefined, 'SQLite store is closed'));
      return;
    }
    let outcomes: PurchaseOutcome[];
    try {
      // IMMEDIATE takes the write lock up front, so a second process cannot make this
      // transaction fail half-way with SQLITE_BUSY on upgrade from read to write.
      outcomes = this.commitBatch.immediate(batch);
    } catch (error) {
      if (isLockedOut(error, this.database.db)) return this.waitForLock(batch, error, final);
      // The whole transaction rolled back: nothing was sold to anyone in this batch.
      for (const p of batch) p.reject(error);
      return;
    }
    this.retry.reset();
    for (let i = 0; i < batch.length; i++) batch[i].resolve(outcomes[i]);
  }

  /** The batch rolled back on a lock: those past their deadline hear "not made", the rest wait. */
  private waitForLock(batch: QueuedPurchase[], lockError: unknown, final: boolean): void {
    const nowMs = lockClockMs();
    const waiting: QueuedPurchase[] = [];
    for (const p of batch) {
      if (!final && p.deadlineAtMs > nowMs) waiting.push(p);
      else p.reject(sqliteLocked(lockError));
    }
    // Nothing can have joined the queue during the synchronous attempt: it is exactly `waiting`.
    this.queue = waiting;
    // Queued in arrival order on a monotonic clock: the head has the earliest deadline.
    if (waiting.length > 0) this.retry.schedule(waiting[0].deadlineAtMs);
  }
}
