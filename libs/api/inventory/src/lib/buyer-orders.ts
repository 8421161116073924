import { Inject, Injectable } from '@nestjs/common';
import { MyOrdersPage } from '@gtd/shared-contracts';
import { validationFailed } from '@gtd/api-platform';
import { InventoryStore } from './inventory-store';
import { decodeOrderCursor } from './order-cursor';
import { orderOf } from './product-mapping';

/** Orders on one page of a buyer's own orders: the default and the most a page may ask for. */
export const MY_ORDERS_PAGE = { defaultLimit: 20, maxLimit: 100 } as const;

/** A signed-in buyer's own orders, a page at a time, oldest first, each with the price it sold at. */
@Injectable()
export class BuyerOrders {
  constructor(@Inject(InventoryStore) private readonly store: InventoryStore) {}

  /** `buyerId` is the verified token's: nobody can ask for another buyer's orders. */
  async page(buyerId: string, limit: number, after: string | null): Promise<MyOrdersPage> {
    if (!Number.isInteger(limit) || limit < 1 || limit > MY_ORDERS_PAGE.maxLimit) {
      throw validationFailed([
        { field: 'limit', messages: [`limit must be an integer from 1 to ${MY_ORDERS_PAGE.maxLimit}`] },
      ]);
    }
    // Refused here, before any adapter parses it: a forged or truncated cursor is the caller's 400.
    if (after !== null && !decodeOrderCursor(after)) {
      throw validationFailed([
        { field: 'after', messages: ['after must be a nextCursor from a previous page'] },
      ]);
    }
    const page = await this.store.listBuyerOrders(buyerId, limit, after);
    // The product's current name, read once per product on the page (a page spans few products).
    const productIds = [...new Set(page.items.map((o) => o.productId))];
    const products = await Promise.all(productIds.map((id) => this.store.findProduct(id)));
    const names = new Map(productIds.map((id, i) => [id, products[i]?.name ?? '']));
    return {
      items: page.items.map((order) => ({
        ...orderOf(order),
        productName: names.get(order.productId) ?? '',
      })),
      nextCursor: page.nextCursor,
    };
  }
}
