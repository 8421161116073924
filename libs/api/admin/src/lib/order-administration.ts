import { Inject, Injectable, Logger } from '@nestjs/common';
import { AdminOrder, ErrorCode, OrderCancellation, PurchaseFaultOutcome } from '@gtd/shared-contracts';
import { Clock, CLOCK, InventoryStore, OrderRecord, orderNotFound, orderOf } from '@gtd/api-inventory';
import { DEPENDENCY_RETRY_AFTER_SECONDS, DependencyUnavailable, DomainError } from '@gtd/api-platform';
import { AuditAction, AuditLog } from './audit-log';

/** The operator's view of an order: the buyer's, plus who bought it. */
export const adminOrderOf = (order: OrderRecord): AdminOrder => ({
  ...orderOf(order),
  buyerId: order.buyerId,
});

export const orderAlreadyCancelled = (order: OrderRecord): DomainError =>
  new DomainError(
    ErrorCode.OrderAlreadyCancelled,
    `Order ${order.orderId} was cancelled at ${order.cancelledAt}; nothing changed.`,
    { productId: order.productId, cancelledAt: order.cancelledAt ?? undefined },
  );

/**
 * The 503 for a cancel the store could not confirm, told as a purchase's is: NOT_MADE only when
 * the adapter knows the store was not reached; otherwise it may have happened, and the order (or
 * a second cancel, 409 if the first took effect) says which.
 */
export function cancelUnavailable(fault: unknown, orderId: string): DomainError {
  const retryAfterSeconds = DEPENDENCY_RETRY_AFTER_SECONDS;
  if (fault instanceof DependencyUnavailable && !fault.reached) {
    return new DomainError(
      ErrorCode.ServiceUnavailable,
      `The ${fault.dependency} store could not be reached; order ${orderId} was not cancelled. Try again shortly.`,
      { cancel: PurchaseFaultOutcome.NotMade, retryAfterSeconds },
    );
  }
  return new DomainError(
    ErrorCode.ServiceUnavailable,
    `The store did not confirm the cancel of order ${orderId}; it may have been made. Look the order up, ` +
      'or cancel again: a cancel that took effect answers 409 ORDER_ALREADY_CANCELLED, never a second one.',
    { cancel: PurchaseFaultOutcome.Unknown, retryAfterSeconds },
  );
}

/** The operator's order use cases: each change made in the store, then recorded in the audit log. */
@Injectable()
export class OrderAdministration {
  private readonly logger = new Logger(OrderAdministration.name);

  constructor(
    @Inject(InventoryStore) private readonly store: InventoryStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly audit: AuditLog,
  ) {}

  /**
   * The store's one atomic step puts the units back and lowers the buyer's total; `available`
   * before is derived from after, since nothing can come between inside that step.
   */
  async cancel(orderId: string, actor: string): Promise<OrderCancellation> {
    let outcome;
    try {
      outcome = await this.store.cancelOrder(orderId, this.clock.now());
    } catch (fault) {
      this.logger.warn({ msg: 'The store did not confirm an order cancel', orderId, err: fault });
      throw cancelUnavailable(fault, orderId);
    }
    if (!outcome.ok) {
      if (outcome.code === ErrorCode.OrderNotFound) throw orderNotFound(orderId);
      throw orderAlreadyCancelled(outcome.order);
    }
    const { order, available } = outcome;
    await this.audit.record(actor, AuditAction.orderCancel, order.productId, {
      orderId: order.orderId,
      quantity: order.quantity,
      buyerId: order.buyerId,
      available: { before: available - order.quantity, after: available },
    });
    return { order: adminOrderOf(order), available };
  }
}
