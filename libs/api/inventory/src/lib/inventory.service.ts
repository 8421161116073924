import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode, Inventory, Order, Product, PurchaseResult } from '@gtd/shared-contracts';
import { DomainError, validationFailed } from '@gtd/api-platform';
import { DependencyHealth, InventoryStore, ProductRecord } from './inventory-store';
import { INVENTORY_OPTIONS, InventoryModuleOptions } from './inventory.options';

/**
 * The use cases over the store port: what the HTTP features call. It turns the store's outcomes
 * into contract answers and domain errors; the atomicity itself lives in the adapters.
 */
@Injectable()
export class InventoryService {
  readonly maxQuantityPerPurchase: number;

  constructor(
    @Inject(InventoryStore) private readonly store: InventoryStore,
    @Inject(INVENTORY_OPTIONS) options: InventoryModuleOptions,
  ) {
    this.maxQuantityPerPurchase = options.maxQuantityPerPurchase;
  }

  get storeKind(): string {
    return this.store.kind;
  }

  async listProducts(): Promise<Product[]> {
    const products = await this.store.listProducts();
    return products.map((p) => this.toProduct(p));
  }

  async getProduct(productId: number): Promise<Product> {
    const product = await this.store.findProduct(productId);
    if (!product) throw this.productNotFound(productId);
    return this.toProduct(product);
  }

  async getInventory(productId: number): Promise<Inventory> {
    const available = await this.store.available(productId);
    if (available === undefined) throw this.productNotFound(productId);
    return { productId, available };
  }

  async purchase(productId: number, quantity: number): Promise<PurchaseResult> {
    if (quantity > this.maxQuantityPerPurchase) {
      throw validationFailed([
        {
          field: 'quantity',
          messages: [`quantity must not be greater than ${this.maxQuantityPerPurchase}`],
        },
      ]);
    }
    const outcome = await this.store.purchase(productId, quantity);
    if (outcome.ok) {
      const { order, remaining } = outcome;
      return { orderId: order.orderId, productId, quantity, remaining };
    }
    switch (outcome.code) {
      case ErrorCode.ProductNotFound:
        throw this.productNotFound(productId);
      case ErrorCode.SoldOut:
        throw new DomainError(ErrorCode.SoldOut, `Product ${productId} is sold out.`, {
          productId,
          available: 0,
        });
      case ErrorCode.InsufficientStock:
        throw new DomainError(
          ErrorCode.InsufficientStock,
          `Only ${outcome.available} of product ${productId} left; asked for ${quantity}. Nothing was sold.`,
          { productId, available: outcome.available },
        );
    }
  }

  async getOrder(orderId: string): Promise<Order> {
    const order = await this.store.findOrder(orderId);
    if (!order) throw new DomainError(ErrorCode.OrderNotFound, `No order ${orderId}.`);
    return order;
  }

  /** Each dependency of the store, checked on its own; used by the health check. */
  checkHealth(): Promise<DependencyHealth[]> {
    return this.store.checkHealth();
  }

  private toProduct(record: ProductRecord): Product {
    return { ...record, maxQuantityPerPurchase: this.maxQuantityPerPurchase };
  }

  private productNotFound(productId: number): DomainError {
    return new DomainError(ErrorCode.ProductNotFound, `No product ${productId}.`, { productId });
  }
}
