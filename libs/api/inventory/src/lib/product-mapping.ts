import { Inject, Injectable } from '@nestjs/common';
import { AdminProduct, DropState, Order, Product } from '@gtd/shared-contracts';
import { Clock, CLOCK } from './clock';
import { deriveDropState } from './drop-state';
import { InventorySnapshot, OrderRecord, ProductRecord } from './inventory-store';
import { INVENTORY_OPTIONS, InventoryModuleOptions } from './inventory.options';

/** Stored epoch milliseconds as the contract's ISO 8601; `null` (no bound) stays `null`. */
export const isoOrNull = (ms: number | null): string | null =>
  ms === null ? null : new Date(ms).toISOString();

/**
 * A stored order as the contract shows it, with the price it sold at. The buyer id stays out: an
 * order id alone must not reveal who bought (the operator's view adds it).
 */
export const orderOf = (order: OrderRecord): Order => ({
  orderId: order.orderId,
  productId: order.productId,
  quantity: order.quantity,
  unitPrice: order.unitPrice,
  currency: order.currency,
  total: order.unitPrice * order.quantity,
  createdAt: order.createdAt,
  status: order.cancelledAt === null ? 'sold' : 'cancelled',
  cancelledAt: order.cancelledAt,
});

/**
 * Store records as the contract shows them, to buyers and to the operator: the schedule in ISO 8601,
 * the state at the clock's time, the configured per-purchase maximum. A list is mapped at one
 * instant, so every product in it is judged against the same time.
 */
@Injectable()
export class ProductMapper {
  private readonly maxQuantityPerPurchase: number;

  constructor(
    @Inject(INVENTORY_OPTIONS) options: InventoryModuleOptions,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.maxQuantityPerPurchase = options.maxQuantityPerPurchase;
  }

  /** The drop's state now (see deriveDropState). */
  stateOf(drop: InventorySnapshot, nowMs = this.clock.now()): DropState {
    return deriveDropState(drop, nowMs);
  }

  toProduct(record: ProductRecord, nowMs = this.clock.now()): Product {
    return {
      id: record.id,
      name: record.name,
      description: record.description,
      price: record.price,
      currency: record.currency,
      stock: record.stock,
      available: record.available,
      maxQuantityPerPurchase: this.maxQuantityPerPurchase,
      startsAt: isoOrNull(record.startsAtMs),
      endsAt: isoOrNull(record.endsAtMs),
      perBuyerLimit: record.perBuyerLimit,
      state: this.stateOf(record, nowMs),
    };
  }

  /** The operator also sees the pause flag (buyers see it only as the `paused` state). */
  toAdminProduct(record: ProductRecord, nowMs = this.clock.now()): AdminProduct {
    return { ...this.toProduct(record, nowMs), paused: record.paused };
  }

  toProducts(records: ProductRecord[]): Product[] {
    const nowMs = this.clock.now();
    return records.map((record) => this.toProduct(record, nowMs));
  }

  toAdminProducts(records: ProductRecord[]): AdminProduct[] {
    const nowMs = this.clock.now();
    return records.map((record) => this.toAdminProduct(record, nowMs));
  }
}
