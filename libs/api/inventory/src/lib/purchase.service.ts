import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { DomainError } from '@gtd/api-platform';
import { ErrorCode, PurchaseResult } from '@gtd/shared-contracts';
import { Subject } from 'rxjs';
import { Clock, CLOCK } from './clock';
import { InventoryStore, PurchaseOutcome } from './inventory-store';
import { INVENTORY_OPTIONS, InventoryModuleOptions } from './inventory.options';
import {
  PurchaseRefusal,
  purchaseRefusal,
  purchaseUnavailable,
  quantityOverMaximum,
  refusalError,
} from './purchase-errors';
import { idempotencyScope } from './purchase-rules';
import { RejectionTally } from './rejection-tally';

/** One purchase attempt as the HTTP layer knows it; the service adds the clock's time. */
export interface PurchaseAttempt {
  productId: number;
  quantity: number;
  /** The signed-in buyer, if any. */
  buyerId?: string | null;
  /** The `Idempotency-Key` header, if any. */
  idempotencyKey?: string | null;
  /** The client address (as TRUST_PROXY derives it): an anonymous buyer's keys are scoped by it. */
  clientAddress?: string | null;
}

/** A successful purchase; `replayed`: an earlier answer to the same idempotency key, nothing sold now. */
export type PurchaseReceipt = PurchaseResult & { replayed: boolean };

/**
 * How the store decided an attempt: a receipt, or the refusal the buyer is told — a value, not an
 * exception, since under a sold-out crowd refusals are most of the answers (see purchaseRefusal).
 */
export type PurchaseDecision =
  | { readonly ok: true; readonly receipt: PurchaseReceipt }
  | { readonly ok: false; readonly refusal: PurchaseRefusal };

/** Every purchase the store decided: metrics count them by outcome. */
export interface PurchaseOutcomeEvent {
  productId: number;
  outcome: 'sold' | 'replayed' | ErrorCode;
  quantity: number;
}

/**
 * The buyer's purchase: asks the store for its one atomic step (the atomicity lives in the
 * adapters), answers a receipt or the refusal's DomainError, tallies refusals for the operator and
 * tells `purchaseOutcomes$` about every decision.
 */
@Injectable()
export class PurchaseService implements BeforeApplicationShutdown {
  /** Hot: one event per decided purchase. Subscribers must be cheap and synchronous. */
  readonly purchaseOutcomes$ = new Subject<PurchaseOutcomeEvent>();
  private readonly maxQuantityPerPurchase: number;
  private readonly logger = new Logger('Purchase');

  constructor(
    @Inject(InventoryStore) private readonly store: InventoryStore,
    @Inject(INVENTORY_OPTIONS) options: InventoryModuleOptions,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly tally: RejectionTally,
  ) {
    this.maxQuantityPerPurchase = options.maxQuantityPerPurchase;
  }

  /** The receipt, or the refusal thrown as its DomainError. */
  async purchase(attempt: PurchaseAttempt): Promise<PurchaseReceipt> {
    const decision = await this.decide(attempt);
    if (decision.ok) return decision.receipt;
    throw refusalError(decision.refusal);
  }

  /**
   * The store's decision on one attempt. Refusals come back as values; what is not a decision — a
   * quantity over the maximum, a store that did not answer — is still thrown as its DomainError.
   */
  async decide(attempt: PurchaseAttempt): Promise<PurchaseDecision> {
    const { productId, quantity } = attempt;
    if (quantity > this.maxQuantityPerPurchase) throw quantityOverMaximum(this.maxQuantityPerPurchase);
    const idempotencyKey = attempt.idempotencyKey ?? null;
    const buyerId = attempt.buyerId ?? null;
    let outcome: PurchaseOutcome;
    try {
      outcome = await this.store.purchase({
        productId,
        quantity,
        buyerId,
        idempotencyKey,
        // Only a key needs a scope: the keyless rush path computes no digest.
        idempotencyScope:
          idempotencyKey === null ? '' : idempotencyScope(buyerId, attempt.clientAddress ?? null),
        nowMs: this.clock.now(),
      });
    } catch (fault) {
      if (fault instanceof DomainError) throw fault;
      this.logger.warn({ msg: 'The store did not decide a purchase', productId, err: fault });
      this.purchaseOutcomes$.next({ productId, outcome: ErrorCode.ServiceUnavailable, quantity });
      throw purchaseUnavailable(fault, idempotencyKey !== null);
    }
    if (outcome.ok) {
      const { order, remaining, replayed } = outcome;
      this.purchaseOutcomes$.next({ productId, outcome: replayed ? 'replayed' : 'sold', quantity });
      return {
        ok: true,
        receipt: {
          orderId: order.orderId,
          productId: order.productId,
          quantity: order.quantity,
          remaining,
          replayed,
        },
      };
    }
    this.purchaseOutcomes$.next({ productId, outcome: outcome.code, quantity });
    this.tally.count(productId, outcome.code);
    return { ok: false, refusal: purchaseRefusal(outcome, productId, quantity) };
  }

  beforeApplicationShutdown(): void {
    // HTTP has drained: no purchase will be decided any more.
    this.purchaseOutcomes$.complete();
  }
}
