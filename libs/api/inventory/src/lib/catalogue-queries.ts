import { Inject, Injectable } from '@nestjs/common';
import { DropState, Order, Product } from '@gtd/shared-contracts';
import { InventoryStore, ProductRecord } from './inventory-store';
import { isoOrNull, orderOf, ProductMapper } from './product-mapping';
import { orderNotFound, productNotFound } from './purchase-errors';

/** The live count a poll (or an SSE event) answers; the products controller adds `pollAfterMs`. */
export interface LiveInventory {
  productId: number;
  available: number;
  state: DropState;
  /** ISO 8601; when an upcoming drop opens (`null`: open since creation). */
  startsAt: string | null;
}

/** What anyone may read: the catalogue, a product, its live count, an order by its id. */
@Injectable()
export class CatalogueQueries {
  constructor(
    @Inject(InventoryStore) private readonly store: InventoryStore,
    private readonly products: ProductMapper,
  ) {}

  async listProducts(): Promise<Product[]> {
    return this.products.toProducts(await this.store.listProducts());
  }

  async getProduct(productId: number): Promise<Product> {
    return this.products.toProduct(await this.productRecord(productId));
  }

  /** The hot poll: one store read, no copies beyond the answer itself. */
  async getLiveInventory(productId: number): Promise<LiveInventory> {
    const snapshot = await this.store.inventory(productId);
    if (!snapshot) throw productNotFound(productId);
    return {
      productId,
      available: snapshot.available,
      state: this.products.stateOf(snapshot),
      startsAt: isoOrNull(snapshot.startsAtMs),
    };
  }

  async getOrder(orderId: string): Promise<Order> {
    const order = await this.store.findOrder(orderId);
    if (!order) throw orderNotFound(orderId);
    return orderOf(order);
  }

  /** The stored product, or 404 PRODUCT_NOT_FOUND; for use cases that work on the record itself. */
  async productRecord(productId: number): Promise<ProductRecord> {
    const product = await this.store.findProduct(productId);
    if (!product) throw productNotFound(productId);
    return product;
  }
}
