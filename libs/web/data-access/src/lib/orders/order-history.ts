import { DOCUMENT } from '@angular/common';
import { inject, Injectable, InjectionToken, signal } from '@angular/core';
import type { PurchaseResult } from '@gtd/shared-contracts';

/**
 * Where the device's order history is kept: `localStorage`, so an anonymous buyer's tickets survive
 * a reload and closing the tab (they have no account to find them again). `null` where storage is
 * unavailable: the history then lasts as long as the page.
 */
export const LOCAL_STORAGE = new InjectionToken<Storage | null>('LOCAL_STORAGE', {
  providedIn: 'root',
  factory: () => {
    try {
      return inject(DOCUMENT).defaultView?.localStorage ?? null;
    } catch {
      return null;
    }
  },
});

const STORAGE_KEY = 'gtd.order-history';

/** The newest this many are kept: a device's history, not an archive. */
export const ORDER_HISTORY_LIMIT = 50;

/** One confirmed order this device placed without an account, as it knew it at the time. */
export interface RecordedOrder {
  readonly orderId: string;
  readonly productId: number;
  /** The drop's name when it was bought. */
  readonly productName: string;
  readonly quantity: number;
  /** ISO 8601, this device's clock when the confirmation arrived (the receipt has the server's). */
  readonly confirmedAt: string;
}

function isRecordedOrder(value: unknown): value is RecordedOrder {
  const v = value as Partial<RecordedOrder> | null;
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof v.orderId === 'string' &&
    typeof v.productId === 'number' &&
    typeof v.productName === 'string' &&
    typeof v.quantity === 'number' &&
    typeof v.confirmedAt === 'string'
  );
}

/**
 * The orders bought on this device without signing in, newest first. A signed-in buyer's orders
 * are not kept here: their account lists them (`GET /me/orders`), and an order id is enough to
 * show its ticket, so a shared computer should not keep one longer than it must.
 */
@Injectable({ providedIn: 'root' })
export class OrderHistory {
  private readonly storage = inject(LOCAL_STORAGE);
  private readonly entries = signal<readonly RecordedOrder[]>(this.read());

  readonly orders = this.entries.asReadonly();

  /**
   * An order bought without an account, kept on this device so a reload does not lose its ticket
   * (an account's orders are in `GET /me/orders`; keeping them here would leave bearer order ids on
   * a shared computer). `productName` as the page showed it, else "Drop N".
   */
  recordSale(sale: PurchaseResult, productName: string | undefined): void {
    const { orderId, productId, quantity } = sale;
    this.record({
      orderId,
      productId,
      productName: productName ?? `Drop ${productId}`,
      quantity,
      confirmedAt: new Date().toISOString(),
    });
  }

  /** Keeps a confirmed order; a replayed confirmation of one already kept changes nothing. Newest first. */
  record(order: RecordedOrder): void {
    // Another tab may have recorded since this one read; and what this page could not store
    // (no storage, or full) is still listed here.
    const byId = new Map<string, RecordedOrder>();
    for (const o of [...this.read(), ...this.entries(), order]) {
      if (!byId.has(o.orderId)) byId.set(o.orderId, o);
    }
    const next = [...byId.values()]
      .sort((a, b) => (a.confirmedAt < b.confirmedAt ? 1 : a.confirmedAt > b.confirmedAt ? -1 : 0))
      .slice(0, ORDER_HISTORY_LIMIT);
    this.entries.set(next);
    try {
      this.storage?.setItem(STORAGE_KEY, JSON.stringify(next));
    } catch {
      // Full or blocked storage: the order is still listed until the page reloads.
    }
  }

  private read(): readonly RecordedOrder[] {
    try {
      const parsed: unknown = JSON.parse(this.storage?.getItem(STORAGE_KEY) ?? '[]');
      return Array.isArray(parsed) ? parsed.filter(isRecordedOrder) : [];
    } catch {
      return [];
    }
  }
}
