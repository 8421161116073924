import type { MyOrder, Order } from '@gtd/shared-contracts';
import type { RecordedOrder } from '@gtd/web-data-access';

/** One line of My tickets, whichever list it comes from. */
export interface OrderRow {
  readonly orderId: string;
  readonly productName: string;
  readonly quantity: number;
  /** `null` while the store has not confirmed the figures (a device's order not yet refreshed). */
  readonly price: { readonly unit: number; readonly total: number; readonly currency: string } | null;
  /** ISO 8601. */
  readonly at: string;
  /** `cancelled`: the organiser cancelled it (its units went back on sale; the ticket admits no one). */
  readonly state: 'confirmed' | 'cancelled' | 'unknown';
}

const stateOf = (order: Order): OrderRow['state'] =>
  order.status === 'cancelled' ? 'cancelled' : 'confirmed';

export function accountRow(order: MyOrder): OrderRow {
  return {
    orderId: order.orderId,
    productName: order.productName,
    quantity: order.quantity,
    price: { unit: order.unitPrice, total: order.total, currency: order.currency },
    at: order.createdAt,
    state: stateOf(order),
  };
}

/**
 * A device's order as the store answers it now: `undefined` when it could not be asked (the
 * recorded confirmation stands), `null` when the store no longer knows the order.
 */
export function deviceRow(kept: RecordedOrder, stored: Order | null | undefined): OrderRow {
  return {
    orderId: kept.orderId,
    productName: kept.productName,
    quantity: stored?.quantity ?? kept.quantity,
    price: stored ? { unit: stored.unitPrice, total: stored.total, currency: stored.currency } : null,
    at: stored?.createdAt ?? kept.confirmedAt,
    state: stored === null ? 'unknown' : stored === undefined ? 'confirmed' : stateOf(stored),
  };
}
