import { ErrorCode } from '@gtd/shared-contracts';
import { randomUUID } from 'node:crypto';
import { CatalogEntry } from '../catalog';
import {
  DependencyHealth,
  InventoryStore,
  OrderRecord,
  ProductRecord,
  PurchaseOutcome,
  SalesSummary,
} from '../inventory-store';

/**
 * Single-process store. A purchase is atomic because its check and decrement run in one
 * synchronous stretch of one event-loop turn: no other request can interleave. Not durable.
 */
export class MemoryInventoryStore implements InventoryStore {
  readonly kind = 'memory';
  private readonly products = new Map<number, ProductRecord>();
  private readonly orders = new Map<string, OrderRecord>();
  private readonly sold = new Map<number, { quantity: number; orders: number }>();

  async init(): Promise<void> {
    // Nothing to create.
  }

  async seedIfEmpty(catalog: readonly CatalogEntry[]): Promise<boolean> {
    if (this.products.size > 0) return false;
    for (const entry of catalog) {
      const { id, name, description, price, currency, stock } = entry;
      this.products.set(id, { id, name, description, price, currency, stock, available: stock });
      this.sold.set(entry.id, { quantity: 0, orders: 0 });
    }
    return true;
  }

  async listProducts(): Promise<ProductRecord[]> {
    return [...this.products.values()].map((p) => ({ ...p })).sort((a, b) => a.id - b.id);
  }

  async findProduct(productId: number): Promise<ProductRecord | undefined> {
    const product = this.products.get(productId);
    return product && { ...product };
  }

  async available(productId: number): Promise<number | undefined> {
    return this.products.get(productId)?.available;
  }

  async purchase(productId: number, quantity: number): Promise<PurchaseOutcome> {
    const product = this.products.get(productId);
    if (!product) return { ok: false, code: ErrorCode.ProductNotFound, available: 0 };
    if (product.available < quantity) {
      const code = product.available === 0 ? ErrorCode.SoldOut : ErrorCode.InsufficientStock;
      return { ok: false, code, available: product.available };
    }
    product.available -= quantity;
    const order: OrderRecord = {
      orderId: randomUUID(),
      productId,
      quantity,
      createdAt: new Date().toISOString(),
    };
    this.orders.set(order.orderId, order);
    const sold = this.sold.get(productId) ?? { quantity: 0, orders: 0 };
    sold.quantity += quantity;
    sold.orders += 1;
    this.sold.set(productId, sold);
    return { ok: true, order: { ...order }, remaining: product.available };
  }

  async findOrder(orderId: string): Promise<OrderRecord | undefined> {
    const order = this.orders.get(orderId);
    return order && { ...order };
  }

  async salesSummary(productId: number): Promise<SalesSummary | undefined> {
    const product = this.products.get(productId);
    if (!product) return undefined;
    const sold = this.sold.get(productId) ?? { quantity: 0, orders: 0 };
    return {
      productId,
      stock: product.stock,
      available: product.available,
      sold: sold.quantity,
      orders: sold.orders,
    };
  }

  async ping(): Promise<void> {
    // Always answers while the process lives.
  }

  async checkHealth(): Promise<DependencyHealth[]> {
    return [{ name: 'memory', up: true }];
  }

  async close(): Promise<void> {
    // Nothing to release.
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}
