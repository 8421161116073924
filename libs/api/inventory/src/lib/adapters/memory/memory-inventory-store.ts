import { CatalogEntry, catalogDropRules } from '../../catalog';
import {
  CancelOutcome,
  InventorySnapshot,
  InventoryStore,
  NewProduct,
  OrderRecord,
  OrdersPageRecord,
  PATCHABLE_FIELDS,
  ProductPatch,
  ProductRecord,
  PurchaseCommand,
  PurchaseOutcome,
  RejectionCount,
  Restock,
  SalesSummary,
  soldOrderOf,
} from '../../inventory-store';
import { alreadyCancelled, CANCEL_ORDER_NOT_FOUND } from '../../order-cancel';
import { compareOrders, nextCursorOf, orderCursorAfter } from '../../order-cursor';
import {
  answerStoredKey,
  DEFAULT_IDEMPOTENCY_TTL_MS,
  idempotencyFingerprint,
  KEY_SWEEP_INTERVAL_MS,
  keyIsLive,
  PRODUCT_NOT_FOUND,
  purchaseRejection,
} from '../../purchase-rules';
import { newOrderId } from '../../order-id';

export interface MemoryStoreOptions {
  idempotencyTtlMs?: number;
}

interface StoredKey {
  fingerprint: string;
  order: OrderRecord;
  remaining: number;
  createdAtMs: number;
}

/**
 * Single-process store. A purchase is atomic because its key lookup, checks and writes run in one
 * synchronous stretch of one event-loop turn: no other request can interleave. Not durable.
 */
export class MemoryInventoryStore implements InventoryStore {
  private readonly idempotencyTtlMs: number;
  private readonly products = new Map<number, ProductRecord>();
  private readonly orders = new Map<string, OrderRecord>();
  /** Per product, sorted by (createdAt, orderId). */
  private readonly ordersByProduct = new Map<number, OrderRecord[]>();
  /** Per buyer, sorted by (createdAt, orderId). */
  private readonly ordersByBuyer = new Map<string, OrderRecord[]>();
  private readonly sold = new Map<number, { quantity: number; orders: number }>();
  /** productId → buyerId → units held. */
  private readonly buyerTotals = new Map<number, Map<string, number>>();
  /** `scope NUL key` → the first success; Map order is creation order, which the sweep relies on. */
  private readonly keys = new Map<string, StoredKey>();
  private lastKeySweepMs = -Infinity;
  private readonly rejections = new Map<number, Map<RejectionCount['code'], number>>();

  constructor(options: MemoryStoreOptions = {}) {
    this.idempotencyTtlMs = options.idempotencyTtlMs ?? DEFAULT_IDEMPOTENCY_TTL_MS;
  }

  async seedIfEmpty(catalog: readonly CatalogEntry[]): Promise<boolean> {
    if (this.products.size > 0) return false;
    for (const entry of catalog) {
      const { id, name, description, price, currency, stock } = entry;
      this.products.set(id, {
        id,
        name,
        description,
        price,
        currency,
        stock,
        available: stock,
        ...catalogDropRules(entry),
      });
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

  async inventory(productId: number): Promise<InventorySnapshot | undefined> {
    const product = this.products.get(productId);
    if (!product) return undefined;
    // A copy: a caller keeping the previous snapshot (to see a change) must not see it move.
    const { available, startsAtMs, endsAtMs, paused, perBuyerLimit } = product;
    return { available, startsAtMs, endsAtMs, paused, perBuyerLimit };
  }

  async purchase(command: PurchaseCommand): Promise<PurchaseOutcome> {
    const { productId, quantity, buyerId, idempotencyKey, nowMs } = command;
    let keyId: string | undefined;
    if (idempotencyKey !== null) {
      keyId = `${command.idempotencyScope}\u0000${idempotencyKey}`;
      const stored = this.keys.get(keyId);
      if (stored && keyIsLive(stored.createdAtMs, nowMs, this.idempotencyTtlMs)) {
        return answerStoredKey(
          stored,
          command,
          () => this.products.get(productId)?.available ?? 0,
          () => soldOrderOf(stored.order),
        );
      }
    }
    const product = this.products.get(productId);
    if (!product) return PRODUCT_NOT_FOUND;
    const rejection = purchaseRejection(product, command, this.boughtBy);
    if (rejection) return rejection;

    product.available -= quantity;
    const order: OrderRecord = {
      orderId: newOrderId(),
      productId,
      quantity,
      buyerId,
      createdAt: new Date(nowMs).toISOString(),
      // The product as this same synchronous stretch sold it: no price change can come between.
      unitPrice: product.price,
      currency: product.currency,
      cancelledAt: null,
    };
    this.orders.set(order.orderId, order);
    insertSorted(this.ordersByProduct, productId, order);
    if (buyerId !== null) insertSorted(this.ordersByBuyer, buyerId, order);
    const sold = this.sold.get(productId);
    if (sold) {
      sold.quantity += quantity;
      sold.orders += 1;
    } else {
      this.sold.set(productId, { quantity, orders: 1 });
    }
    if (buyerId !== null) {
      let totals = this.buyerTotals.get(productId);
      if (!totals) this.buyerTotals.set(productId, (totals = new Map()));
      totals.set(buyerId, (totals.get(buyerId) ?? 0) + quantity);
    }
    if (keyId !== undefined) {
      this.sweepExpiredKeys(nowMs);
      // Delete first so an overwritten expired key moves to the end: creation order is kept.
      this.keys.delete(keyId);
      this.keys.set(keyId, {
        fingerprint: idempotencyFingerprint(productId, quantity),
        order: { ...order },
        remaining: product.available,
        createdAtMs: nowMs,
      });
    }
    return { ok: true, order: soldOrderOf(order), remaining: product.available, replayed: false };
  }

  async findOrder(orderId: string): Promise<OrderRecord | undefined> {
    const order = this.orders.get(orderId);
    return order && { ...order };
  }

  async listOrders(productId: number, limit: number, after: string | null): Promise<OrdersPageRecord> {
    return pageOf(this.ordersByProduct.get(productId) ?? [], limit, after);
  }

  async listBuyerOrders(buyerId: string, limit: number, after: string | null): Promise<OrdersPageRecord> {
    return pageOf(this.ordersByBuyer.get(buyerId) ?? [], limit, after);
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
      buyers: this.buyerTotals.get(productId)?.size ?? 0,
      rejects: Object.fromEntries(this.rejections.get(productId) ?? []),
    };
  }

  async recordRejections(counts: readonly RejectionCount[]): Promise<void> {
    for (const { productId, code, count } of counts) {
      let byCode = this.rejections.get(productId);
      if (!byCode) this.rejections.set(productId, (byCode = new Map()));
      byCode.set(code, (byCode.get(code) ?? 0) + count);
    }
  }

  async createProduct(product: NewProduct): Promise<ProductRecord> {
    let id = 1;
    for (const existing of this.products.keys()) if (existing >= id) id = existing + 1;
    const created: ProductRecord = { ...product, id, available: product.stock };
    this.products.set(id, created);
    return { ...created };
  }

  async updateProduct(productId: number, patch: ProductPatch): Promise<ProductRecord | undefined> {
    const product = this.products.get(productId);
    if (!product) return undefined;
    // Field by field: a patch object carrying `stock` or `id` at run time must not slip through.
    for (const field of PATCHABLE_FIELDS) {
      const value = patch[field];
      if (value !== undefined) (product as Record<typeof field, unknown>)[field] = value;
    }
    return { ...product };
  }

  async restock(productId: number, restock: Restock): Promise<ProductRecord | undefined> {
    const product = this.products.get(productId);
    if (!product) return undefined;
    if (restock.mode === 'add') {
      product.stock += restock.quantity;
      product.available += restock.quantity;
    } else {
      product.stock += restock.quantity - product.available;
      product.available = restock.quantity;
    }
    return { ...product };
  }

  /**
   * Synchronous from lookup to the last write, like `purchase`: no purchase or other cancel can
   * come between. The order object is the one every list holds, so they all show the mark.
   */
  async cancelOrder(orderId: string, nowMs: number): Promise<CancelOutcome> {
    const order = this.orders.get(orderId);
    if (!order) return CANCEL_ORDER_NOT_FOUND;
    if (order.cancelledAt !== null) return alreadyCancelled({ ...order });
    const product = this.products.get(order.productId);
    const sold = this.sold.get(order.productId);
    if (!product || !sold) throw new Error(`Order ${orderId} has no product ${order.productId}`);
    product.available += order.quantity;
    sold.quantity -= order.quantity;
    sold.orders -= 1;
    if (order.buyerId !== null) {
      const totals = this.buyerTotals.get(order.productId);
      const left = (totals?.get(order.buyerId) ?? 0) - order.quantity;
      // A buyer holding nothing any more is no longer one of the drop's buyers.
      if (left > 0) totals?.set(order.buyerId, left);
      else totals?.delete(order.buyerId);
    }
    order.cancelledAt = new Date(nowMs).toISOString();
    return { ok: true, order: { ...order }, available: product.available };
  }

  private readonly boughtBy = (productId: number, buyerId: string): number =>
    this.buyerTotals.get(productId)?.get(buyerId) ?? 0;

  private sweepExpiredKeys(nowMs: number): void {
    if (nowMs - this.lastKeySweepMs < KEY_SWEEP_INTERVAL_MS) return;
    this.lastKeySweepMs = nowMs;
    for (const [id, stored] of this.keys) {
      if (keyIsLive(stored.createdAtMs, nowMs, this.idempotencyTtlMs)) break;
      this.keys.delete(id);
    }
  }
}

/** Adds the order to its list in `lists`, kept sorted by (createdAt, orderId). */
function insertSorted<K>(lists: Map<K, OrderRecord[]>, key: K, order: OrderRecord): void {
  let list = lists.get(key);
  if (!list) lists.set(key, (list = []));
  // Orders nearly always arrive in time order: walk back from the end.
  let index = list.length;
  while (index > 0 && compareOrders(list[index - 1], order) > 0) index--;
  if (index === list.length) list.push(order);
  else list.splice(index, 0, order);
}

/** A page of a sorted list: the orders strictly after the cursor's sort key. */
function pageOf(list: readonly OrderRecord[], limit: number, after: string | null): OrdersPageRecord {
  const cursor = orderCursorAfter(after);
  let start = 0;
  if (cursor) {
    // First order strictly after the cursor's sort key.
    let high = list.length;
    while (start < high) {
      const mid = (start + high) >>> 1;
      if (compareOrders(list[mid], cursor) <= 0) start = mid + 1;
      else high = mid;
    }
  }
  const items = list.slice(start, start + limit).map((o) => ({ ...o }));
  return { items, nextCursor: nextCursorOf(items, start + limit < list.length) };
}
