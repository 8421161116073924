import { ErrorCode } from '@gtd/shared-contracts';
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { CatalogEntry } from '../catalog';
import {
  checkDependency,
  DependencyHealth,
  InventoryStore,
  OrderRecord,
  ProductRecord,
  PurchaseOutcome,
  SalesSummary,
} from '../inventory-store';
import { migrate } from './sqlite-schema';

export interface SqliteStoreOptions {
  path: string;
  /**
   * FULL: a confirmed order survives power loss (one fsync per commit). NORMAL: survives a process
   * crash but may lose the last commits on power loss. Group commit keeps FULL affordable.
   */
  synchronous?: 'FULL' | 'NORMAL';
  /** How long a write waits for another process's write lock before failing. */
  busyTimeoutMs?: number;
}

interface QueuedPurchase {
  productId: number;
  quantity: number;
  resolve: (outcome: PurchaseOutcome) => void;
  reject: (error: unknown) => void;
}

interface ProductRow {
  id: number;
  name: string;
  description: string;
  price: number;
  currency: string;
  stock: number;
  available: number;
}

interface OrderRow {
  id: string;
  product_id: number;
  quantity: number;
  created_at: string;
}

const toOrder = (row: OrderRow): OrderRecord => ({
  orderId: row.id,
  productId: row.product_id,
  quantity: row.quantity,
  createdAt: row.created_at,
});

/**
 * Durable single-machine store on better-sqlite3 (WAL). Each purchase is a conditional
 * `UPDATE … WHERE available >= ?` plus the order `INSERT` inside one transaction, so the check and
 * the decrement cannot be separated — not by another request, nor by another process on the same
 * file (SQLite serialises writers).
 *
 * Group commit: purchases arriving in the same event-loop turn are committed together in one
 * transaction (one fsync), then all of them are answered. Nobody is told "bought" before the
 * commit that holds their order is on disk.
 */
export class SqliteInventoryStore implements InventoryStore {
  readonly kind = 'sqlite';
  private connection?: SqliteConnection;
  private queue: QueuedPurchase[] = [];
  private flushScheduled = false;

  constructor(private readonly options: SqliteStoreOptions) {}

  async init(): Promise<void> {
    if (this.options.path !== ':memory:') mkdirSync(dirname(this.options.path), { recursive: true });
    const db = new Database(this.options.path, { timeout: this.options.busyTimeoutMs ?? 5000 });
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${this.options.synchronous ?? 'FULL'}`);
    db.pragma('foreign_keys = ON');
    migrate(db);
    const statements = prepareStatements(db);
    const commitBatch = db.transaction((batch: QueuedPurchase[]) =>
      batch.map((p) => purchaseInTransaction(statements, p.productId, p.quantity)),
    );
    this.connection = { db, statements, commitBatch };
  }

  async seedIfEmpty(catalog: readonly CatalogEntry[]): Promise<boolean> {
    const { db, statements: s } = this.opened();
    return db
      .transaction(() => {
        if ((s.countProducts.get()?.n ?? 0) > 0) return false;
        for (const e of catalog)
          s.insertProduct.run(e.id, e.name, e.description, e.price, e.currency, e.stock, e.stock);
        return true;
      })
      .immediate();
  }

  async listProducts(): Promise<ProductRecord[]> {
    return this.opened().statements.products.all();
  }

  async findProduct(productId: number): Promise<ProductRecord | undefined> {
    return this.opened().statements.product.get(productId);
  }

  async available(productId: number): Promise<number | undefined> {
    return this.opened().statements.available.get(productId)?.available;
  }

  purchase(productId: number, quantity: number): Promise<PurchaseOutcome> {
    this.opened();
    return new Promise((resolve, reject) => {
      this.queue.push({ productId, quantity, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(this.flush);
      }
    });
  }

  async findOrder(orderId: string): Promise<OrderRecord | undefined> {
    const row = this.opened().statements.order.get(orderId);
    return row && toOrder(row);
  }

  async salesSummary(productId: number): Promise<SalesSummary | undefined> {
    const s = this.opened().statements;
    const product = s.product.get(productId);
    if (!product) return undefined;
    const { orders, sold } = s.sales.get(productId) ?? { orders: 0, sold: 0 };
    return {
      productId,
      stock: product.stock,
      available: product.available,
      sold,
      orders,
    };
  }

  async ping(): Promise<void> {
    this.opened().db.prepare('SELECT 1').get();
  }

  checkHealth(): Promise<DependencyHealth[]> {
    return Promise.all([
      checkDependency('sqlite', async () => {
        await this.ping();
        return { path: this.options.path, queued: this.queue.length };
      }),
    ]);
  }

  async close(): Promise<void> {
    if (!this.connection) return;
    this.flush();
    this.connection.db.close();
    this.connection = undefined;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  private readonly flush = (): void => {
    this.flushScheduled = false;
    const batch = this.queue;
    if (batch.length === 0 || !this.connection) return;
    this.queue = [];
    let outcomes: PurchaseOutcome[];
    try {
      // IMMEDIATE takes the write lock up front, so a second process cannot make this
      // transaction fail half-way with SQLITE_BUSY on upgrade from read to write.
      outcomes = this.connection.commitBatch.immediate(batch);
    } catch (error) {
      // The whole transaction rolled back: nothing was sold to anyone in this batch.
      for (const p of batch) p.reject(error);
      return;
    }
    for (let i = 0; i < batch.length; i++) batch[i].resolve(outcomes[i]);
  };

  private opened(): SqliteConnection {
    if (!this.connection) throw new Error('SQLite store is not open');
    return this.connection;
  }
}

function prepareStatements(db: Database.Database) {
  return {
    decrement: db.prepare<[number, number, number], { available: number }>(
      'UPDATE products SET available = available - ? WHERE id = ? AND available >= ? RETURNING available',
    ),
    insertOrder: db.prepare<[string, number, number, string]>(
      'INSERT INTO orders (id, product_id, quantity, created_at) VALUES (?, ?, ?, ?)',
    ),
    available: db.prepare<[number], { available: number }>('SELECT available FROM products WHERE id = ?'),
    product: db.prepare<[number], ProductRow>('SELECT * FROM products WHERE id = ?'),
    products: db.prepare<[], ProductRow>('SELECT * FROM products ORDER BY id'),
    order: db.prepare<[string], OrderRow>('SELECT * FROM orders WHERE id = ?'),
    sales: db.prepare<[number], { orders: number; sold: number }>(
      'SELECT COUNT(*) AS orders, COALESCE(SUM(quantity), 0) AS sold FROM orders WHERE product_id = ?',
    ),
    insertProduct: db.prepare<[number, string, string, number, string, number, number]>(
      'INSERT INTO products (id, name, description, price, currency, stock, available) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    countProducts: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM products'),
  };
}

type Statements = ReturnType<typeof prepareStatements>;

interface SqliteConnection {
  db: Database.Database;
  statements: Statements;
  commitBatch: Database.Transaction<(batch: QueuedPurchase[]) => PurchaseOutcome[]>;
}

/** The atomic step: the conditional decrement and the order row, inside the caller's transaction. */
function purchaseInTransaction(s: Statements, productId: number, quantity: number): PurchaseOutcome {
  const updated = s.decrement.get(quantity, productId, quantity);
  if (updated) {
    const order: OrderRecord = {
      orderId: randomUUID(),
      productId,
      quantity,
      createdAt: new Date().toISOString(),
    };
    s.insertOrder.run(order.orderId, productId, quantity, order.createdAt);
    return { ok: true, order, remaining: updated.available };
  }
  const current = s.available.get(productId);
  if (!current) return { ok: false, code: ErrorCode.ProductNotFound, available: 0 };
  return {
    ok: false,
    code: current.available === 0 ? ErrorCode.SoldOut : ErrorCode.InsufficientStock,
    available: current.available,
  };
}
