import type { Statement } from 'better-sqlite3';
import { CatalogEntry, catalogDropRules } from '../../catalog';
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
import { alreadyCancelled, CANCEL_ORDER_NOT_FOUND } from '../../order-cancel';
import { nextCursorOf, orderCursorAfter } from '../../order-cursor';
import { DEFAULT_IDEMPOTENCY_TTL_MS } from '../../purchase-rules';
import { patchAssignments } from '../sql-columns';
import { SqliteDatabase } from './sqlite-database';
import { SqlitePurchaseBatcher } from './sqlite-purchase-batcher';
import { SqlitePurchaseDecider } from './sqlite-purchase-decider';
import { OrderRow, PRODUCT_COLUMNS, ProductRow, snapshotOf, toOrder, toProduct } from './sqlite-rows';
import { InventoryStatements, prepareInventoryStatements } from './sqlite-statements';

/**
 * Durable single-machine inventory on better-sqlite3 (WAL). A purchase is decided and written
 * inside one IMMEDIATE transaction — key, rules, the buyer's total, stock, then the decrement, the
 * order, the buyer's new total and the key — so nothing can come between the checks and the
 * writes: not another request, nor another process on the same file (SQLite serialises writers).
 *
 * Purchases that may sell go through the group commit (`SqlitePurchaseBatcher`). Rejections and
 * replays change nothing, so they are answered from a plain read before queueing: a sold-out crowd
 * never takes the write lock. A purchase that may sell is decided again inside the transaction,
 * where the answer counts.
 *
 * Another process holding the file's lock never freezes this one: reads are not blocked by a
 * writer in WAL mode, and every write waits for the lock from a timer (`SqliteDatabase.write`,
 * the batcher), up to `SQLITE_LOCK_WAIT_MS`, then fails as `DependencyUnavailable` — not made.
 */
export class SqliteInventoryStore implements InventoryStore {
  private readonly statements: InventoryStatements;
  private readonly decider: SqlitePurchaseDecider;
  readonly batcher: SqlitePurchaseBatcher;

  constructor(private readonly database: SqliteDatabase) {
    this.statements = prepareInventoryStatements(database.db);
    this.decider = new SqlitePurchaseDecider(
      this.statements,
      database.options.idempotencyTtlMs ?? DEFAULT_IDEMPOTENCY_TTL_MS,
    );
    this.batcher = new SqlitePurchaseBatcher(database, this.decider);
  }

  seedIfEmpty(catalog: readonly CatalogEntry[]): Promise<boolean> {
    const s = this.statements;
    return this.database.write(() => {
      if ((s.countProducts.get()?.n ?? 0) > 0) return false;
      for (const e of catalog) {
        const rules = catalogDropRules(e);
        s.seedProduct.run(
          e.id,
          e.name,
          e.description,
          e.price,
          e.currency,
          e.stock,
          e.stock,
          rules.startsAtMs,
          rules.endsAtMs,
          rules.perBuyerLimit,
        );
      }
      return true;
    });
  }

  async listProducts(): Promise<ProductRecord[]> {
    return this.database.read(() => this.statements.products.all()).map(toProduct);
  }

  async findProduct(productId: number): Promise<ProductRecord | undefined> {
    const row = this.database.read(() => this.statements.product.get(productId));
    return row && toProduct(row);
  }

  async inventory(productId: number): Promise<InventorySnapshot | undefined> {
    return snapshotOf(this.database.read(() => this.statements.snapshot.get(productId)));
  }

  purchase(command: PurchaseCommand): Promise<PurchaseOutcome> {
    let answer: PurchaseOutcome | undefined;
    try {
      // A read: a BUSY here is "not made" at once (nothing is written before the batch).
      answer = this.database.read(() => this.decider.decide(command));
    } catch (error) {
      return Promise.reject(error);
    }
    return answer ? Promise.resolve(answer) : this.batcher.enqueue(command);
  }

  async findOrder(orderId: string): Promise<OrderRecord | undefined> {
    const row = this.database.read(() => this.statements.order.get(orderId));
    return row && toOrder(row);
  }

  listOrders(productId: number, limit: number, after: string | null): Promise<OrdersPageRecord> {
    return this.page(this.statements.ordersPage, productId, limit, after);
  }

  listBuyerOrders(buyerId: string, limit: number, after: string | null): Promise<OrdersPageRecord> {
    return this.page(this.statements.buyerOrdersPage, buyerId, limit, after);
  }

  async salesSummary(productId: number): Promise<SalesSummary | undefined> {
    const { db } = this.database;
    const s = this.statements;
    // One read transaction: the counts come from the same snapshot as the product.
    const summary = db.transaction((): SalesSummary | undefined => {
      const product = s.product.get(productId);
      if (!product) return undefined;
      const { orders, sold } = s.sales.get(productId) ?? { orders: 0, sold: 0 };
      const rejects: SalesSummary['rejects'] = {};
      for (const row of s.rejects.all(productId)) rejects[row.code] = row.count;
      return {
        productId,
        stock: product.stock,
        available: product.available,
        sold,
        orders,
        buyers: s.buyerCount.get(productId)?.n ?? 0,
        rejects,
      };
    });
    return this.database.read(summary);
  }

  async recordRejections(counts: readonly RejectionCount[]): Promise<void> {
    const s = this.statements;
    await this.database.write(() => {
      for (const { productId, code, count } of counts) s.addRejections.run(productId, code, count);
    });
  }

  async createProduct(product: NewProduct): Promise<ProductRecord> {
    const row = await this.database.write(() =>
      this.statements.createProduct.get(
        product.name,
        product.description,
        product.price,
        product.currency,
        product.stock,
        product.stock,
        product.startsAtMs,
        product.endsAtMs,
        product.paused ? 1 : 0,
        product.perBuyerLimit,
      ),
    );
    if (!row) throw new Error('INSERT … RETURNING gave no row');
    return toProduct(row);
  }

  async updateProduct(productId: number, patch: ProductPatch): Promise<ProductRecord | undefined> {
    const { assignments, values } = patchAssignments(
      patch,
      () => '?',
      (field, value) => (field === 'paused' ? (value ? 1 : 0) : value),
    );
    if (assignments.length === 0) return this.findProduct(productId);
    const { db } = this.database;
    // Operator-only and rare: prepared per call, since its column list varies.
    const row = await this.database.write(() =>
      db
        .prepare<
          unknown[],
          ProductRow
        >(`UPDATE products SET ${assignments.join(', ')} WHERE id = ? RETURNING ${PRODUCT_COLUMNS}`)
        .get(...values, productId),
    );
    return row && toProduct(row);
  }

  private async page<K extends number | string>(
    statement: Statement<[K, string, string, number], OrderRow>,
    owner: K,
    limit: number,
    after: string | null,
  ): Promise<OrdersPageRecord> {
    const cursor = orderCursorAfter(after) ?? { createdAt: '', orderId: '' };
    // One row more than asked tells whether there is a next page.
    const rows = this.database.read(() => statement.all(owner, cursor.createdAt, cursor.orderId, limit + 1));
    const items = rows.slice(0, limit).map(toOrder);
    return { items, nextCursor: nextCursorOf(items, rows.length > limit) };
  }

  async restock(productId: number, restock: Restock): Promise<ProductRecord | undefined> {
    const s = this.statements;
    // One UPDATE: its right-hand sides all read the row as it was, atomically with purchases.
    const row = await this.database.write(() =>
      restock.mode === 'add'
        ? s.restockAdd.get(restock.quantity, restock.quantity, productId)
        : s.restockSet.get(restock.quantity, restock.quantity, productId),
    );
    return row && toProduct(row);
  }

  /**
   * One IMMEDIATE transaction, as a purchase's batch is: the mark (only a standing order matches,
   * so of concurrent cancels one changes it), the units back and the buyer's total down.
   */
  cancelOrder(orderId: string, nowMs: number): Promise<CancelOutcome> {
    const s = this.statements;
    return this.database.write((): CancelOutcome => {
      const row = s.markCancelled.get(new Date(nowMs).toISOString(), orderId);
      if (!row) {
        const stored = s.order.get(orderId);
        return stored ? alreadyCancelled(toOrder(stored)) : CANCEL_ORDER_NOT_FOUND;
      }
      const product = s.putBack.get(row.quantity, row.product_id);
      if (!product) throw new Error(`Order ${orderId} has no product ${row.product_id}`);
      if (row.buyer_id !== null) {
        s.dropBuyerTotal.run(row.product_id, row.buyer_id, row.quantity);
        s.lowerBuyerTotal.run(row.quantity, row.product_id, row.buyer_id);
      }
      return { ok: true, order: toOrder(row), available: product.available };
    });
  }
}
