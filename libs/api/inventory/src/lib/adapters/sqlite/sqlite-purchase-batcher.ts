import Database from 'better-sqlite3';
import { PurchaseCommand, PurchaseOutcome } from '../../inventory-store';
import { SqliteDatabase } from './sqlite-database';
import { SqlitePurchaseDecider } from './sqlite-purchase-decider';

interface QueuedPurchase {
  command: PurchaseCommand;
  resolve: (outcome: PurchaseOutcome) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: purchases arriving in the same event-loop turn are decided one after another in
 * one transaction (one fsync), then all of them are answered. Nobody is told "bought" before the
 * commit that holds their order is on disk.
 */
export class SqlitePurchaseBatcher {
  private queue: QueuedPurchase[] = [];
  private flushScheduled = false;
  private readonly commitBatch: Database.Transaction<(batch: QueuedPurchase[]) => PurchaseOutcome[]>;

  constructor(
    private readonly database: SqliteDatabase,
    decider: SqlitePurchaseDecider,
  ) {
    this.commitBatch = database.db.transaction((batch: QueuedPurchase[]) =>
      batch.map((p) => decider.decideAndWrite(p.command)),
    );
  }

  /** Purchases waiting for the next commit. */
  get queued(): number {
    return this.queue.length;
  }

  enqueue(command: PurchaseCommand): Promise<PurchaseOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ command, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(this.flush);
      }
    });
  }

  /** Commits and answers what is queued now (also run at close, so nobody is left waiting). */
  readonly flush = (): void => {
    this.flushScheduled = false;
    const batch = this.queue;
    if (batch.length === 0 || !this.database.isOpen) return;
    this.queue = [];
    let outcomes: PurchaseOutcome[];
    try {
      // IMMEDIATE takes the write lock up front, so a second process cannot make this
      // transaction fail half-way with SQLITE_BUSY on upgrade from read to write.
      outcomes = this.commitBatch.immediate(batch);
    } catch (error) {
      // The whole transaction rolled back: nothing was sold to anyone in this batch.
      for (const p of batch) p.reject(error);
      return;
    }
    for (let i = 0; i < batch.length; i++) batch[i].resolve(outcomes[i]);
  };
}
