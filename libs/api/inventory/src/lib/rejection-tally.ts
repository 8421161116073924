import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { ErrorCode } from '@gtd/shared-contracts';
import { InventoryStore, RejectionCount, TalliedRejectionCode } from './inventory-store';
import { PurchaseRejection } from './purchase-rules';

/** Rejections are counted in memory and written at most this often: never a write per rejection. */
export const REJECTION_FLUSH_MS = 1000;

/**
 * Distinct product ids a rate-limited crowd may name between two flushes before the rest go
 * uncounted: the limiter answers before the store is asked, so its ids are unchecked until the
 * flush looks them up, and made-up ids must neither grow memory nor cost a look-up each.
 */
export const MAX_UNCHECKED_PRODUCTS = 64;

/**
 * This process's rejected purchase attempts by product and code, for the operator's summary. The
 * purchase path only adds to a Map; the counts reach the store in one write about once a second,
 * right before a summary is read, and at shutdown.
 */
@Injectable()
export class RejectionTally implements BeforeApplicationShutdown {
  private readonly logger = new Logger(RejectionTally.name);
  /** productId → code → rejected attempts not yet written. */
  private pending = new Map<number, Map<TalliedRejectionCode, number>>();
  /** productId → RATE_LIMITED attempts whose product the store has not yet been asked about. */
  private unchecked = new Map<number, number>();
  /** Ids the store confirmed: products are never deleted, so a confirmation holds for good. */
  private readonly knownProducts = new Set<number>();
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

  /**
   * Counts one attempt the rate limiter refused, before the store was asked (so before anything
   * said the product exists): synchronous and cheap. `productId` is the request body's, unvalidated.
   */
  countRateLimited(productId: unknown): void {
    if (typeof productId !== 'number' || !Number.isSafeInteger(productId) || productId < 1) return;
    if (this.knownProducts.has(productId)) {
      this.add(productId, ErrorCode.RateLimited, 1);
      return;
    }
    const count = this.unchecked.get(productId);
    if (count === undefined && this.unchecked.size >= MAX_UNCHECKED_PRODUCTS) return;
    this.unchecked.set(productId, (count ?? 0) + 1);
    this.scheduleFlush();
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

  private add(productId: number, code: TalliedRejectionCode, count: number): void {
    let byCode = this.pending.get(productId);
    if (!byCode) {
      byCode = new Map();
      this.pending.set(productId, byCode);
    }
    byCode.set(code, (byCode.get(code) ?? 0) + count);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (!this.flushTimer && !this.shuttingDown) {
      this.flushTimer = setTimeout(() => {
        this.flushTimer = undefined;
        void this.flush();
      }, REJECTION_FLUSH_MS);
      // Counting must never keep a finished process (or a test) alive.
      this.flushTimer.unref();
    }
  }

  /** Moves the unchecked RATE_LIMITED counts of products the store knows into `pending`; drops the rest. */
  private async checkProducts(): Promise<void> {
    if (this.unchecked.size === 0) return;
    const unchecked = this.unchecked;
    this.unchecked = new Map();
    try {
      const snapshots = await Promise.all([...unchecked.keys()].map((id) => this.store.inventory(id)));
      [...unchecked].forEach(([productId, count], index) => {
        if (snapshots[index] === undefined) return;
        this.knownProducts.add(productId);
        this.add(productId, ErrorCode.RateLimited, count);
      });
    } catch {
      // Statistics: the store is asked again with the next flush, and writing reports an outage.
      for (const [productId, count] of unchecked) {
        if (this.unchecked.size < MAX_UNCHECKED_PRODUCTS) this.unchecked.set(productId, count);
      }
      this.scheduleFlush();
    }
  }

  private async writePending(): Promise<void> {
    await this.checkProducts();
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
