import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { ErrorCode, PurchaseRejectionCode } from '@gtd/shared-contracts';
import { InventoryStore, RejectionCount } from './inventory-store';
import { PurchaseRejection } from './purchase-rules';

/** Rejections are counted in memory and written at most this often: never a write per rejection. */
export const REJECTION_FLUSH_MS = 1000;

/**
 * This process's rejected purchase attempts by product and code, for the operator's summary. The
 * purchase path only adds to a Map; the counts reach the store in one write about once a second,
 * right before a summary is read, and at shutdown.
 */
@Injectable()
export class RejectionTally implements BeforeApplicationShutdown {
  private readonly logger = new Logger(RejectionTally.name);
  /** productId → code → rejected attempts not yet written. */
  private pending = new Map<number, Map<PurchaseRejectionCode, number>>();
  private flushTimer: NodeJS.Timeout | undefined;
  /** Flushes run one after another so two never add the same counts twice. */
  private flushing: Promise<void> = Promise.resolve();
  private shuttingDown = false;

  constructor(@Inject(InventoryStore) private readonly store: InventoryStore) {}

  /** Counts one refused purchase; synchronous and cheap, it runs on the purchase path. */
  count(productId: number, code: PurchaseRejection['code']): void {
    // Unknown ids are not tallied: anyone could grow the table with made-up ones. A reused key is
    // not one of the drop's rejections (the summary counts PurchaseRejectionCodes only).
    if (code === ErrorCode.IdempotencyKeyMismatch || code === ErrorCode.ProductNotFound) return;
    this.add(productId, code, 1);
  }

  /** Writes the counted rejections now (also run every second while there are some, and on shutdown). */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.writePending());
    return this.flushing;
  }

  async beforeApplicationShutdown(): Promise<void> {
    // Before the store closes (its own hook runs at onApplicationShutdown), after HTTP has drained.
    this.shuttingDown = true;
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    await this.flush();
  }

  private add(productId: number, code: PurchaseRejectionCode, count: number): void {
    let byCode = this.pending.get(productId);
    if (!byCode) {
      byCode = new Map();
      this.pending.set(productId, byCode);
    }
    byCode.set(code, (byCode.get(code) ?? 0) + count);
    if (!this.flushTimer && !this.shuttingDown) {
      this.flushTimer = setTimeout(() => {
        this.flushTimer = undefined;
        void this.flush();
      }, REJECTION_FLUSH_MS);
      // Counting must never keep a finished process (or a test) alive.
      this.flushTimer.unref();
    }
  }

  private async writePending(): Promise<void> {
    if (this.pending.size === 0) return;
    const pending = this.pending;
    this.pending = new Map();
    const counts: RejectionCount[] = [];
    for (const [productId, byCode] of pending) {
      for (const [code, count] of byCode) counts.push({ productId, code, count });
    }
    try {
      await this.store.recordRejections(counts);
    } catch (error) {
      // Kept for the next flush: the counts are statistics, and a store outage must neither lose
      // them silently nor fail a purchase. At shutdown there is no next flush: say what is lost.
      const reason = error instanceof Error ? error.message : String(error);
      if (this.shuttingDown) {
        this.logger.warn(`Could not record ${counts.length} rejection counts at shutdown: ${reason}`);
        return;
      }
      for (const { productId, code, count } of counts) this.add(productId, code, count);
      this.logger.warn(`Could not record ${counts.length} rejection counts; retrying in a second: ${reason}`);
    }
  }
}
