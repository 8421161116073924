import { CatalogEntry } from '../../catalog';
import {
  CancelOutcome,
  InventorySnapshot,
  InventoryStore,
  NewProduct,
  OrderRecord,
  OrdersPageRecord,
  ProductPatch,
  ProductRecord,
  PurchaseCommand,
  PurchaseOutcome,
  RejectionCount,
  Restock,
  SalesSummary,
} from '../../inventory-store';
import { PostgresCancels } from './postgres-cancel';
import { PostgresCatalogue } from './postgres-catalogue';
import { PostgresPurchases } from './postgres-purchase';
import { PostgresSales } from './postgres-sales';

/**
 * Durable inventory shared by many API processes and hosts: the products table
 * (`PostgresCatalogue`), the batched `gtd_purchase_batch` call (`PostgresPurchases`) and what was sold
 * (`PostgresSales`). Operator writes are single statements on the row purchases lock; a cancel is
 * one short transaction that takes that row lock too (`PostgresCancels`).
 */
export class PostgresInventoryStore implements InventoryStore {
  constructor(
    private readonly catalogue: PostgresCatalogue,
    private readonly purchases: PostgresPurchases,
    private readonly sales: PostgresSales,
    private readonly cancels: PostgresCancels,
  ) {}

  seedIfEmpty(catalog: readonly CatalogEntry[]): Promise<boolean> {
    return this.catalogue.seedIfEmpty(catalog);
  }

  listProducts(): Promise<ProductRecord[]> {
    return this.catalogue.listProducts();
  }

  findProduct(productId: number): Promise<ProductRecord | undefined> {
    return this.catalogue.findProduct(productId);
  }

  inventory(productId: number): Promise<InventorySnapshot | undefined> {
    return this.catalogue.inventory(productId);
  }

  purchase(command: PurchaseCommand): Promise<PurchaseOutcome> {
    return this.purchases.purchase(command);
  }

  findOrder(orderId: string): Promise<OrderRecord | undefined> {
    return this.sales.findOrder(orderId);
  }

  listOrders(productId: number, limit: number, after: string | null): Promise<OrdersPageRecord> {
    return this.sales.listOrders(productId, limit, after);
  }

  listBuyerOrders(buyerId: string, limit: number, after: string | null): Promise<OrdersPageRecord> {
    return this.sales.listBuyerOrders(buyerId, limit, after);
  }

  salesSummary(productId: number): Promise<SalesSummary | undefined> {
    return this.sales.salesSummary(productId);
  }

  recordRejections(counts: readonly RejectionCount[]): Promise<void> {
    return this.sales.recordRejections(counts);
  }

  createProduct(product: NewProduct): Promise<ProductRecord> {
    return this.catalogue.createProduct(product);
  }

  updateProduct(productId: number, patch: ProductPatch): Promise<ProductRecord | undefined> {
    return this.catalogue.updateProduct(productId, patch);
  }

  restock(productId: number, restock: Restock): Promise<ProductRecord | undefined> {
    return this.catalogue.restock(productId, restock);
  }

  cancelOrder(orderId: string, nowMs: number): Promise<CancelOutcome> {
    return this.cancels.cancelOrder(orderId, nowMs);
  }
}
