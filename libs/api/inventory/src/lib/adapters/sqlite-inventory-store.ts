import { ErrorCode, PurchaseRejectionCode } from '@gtd/shared-contracts';
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { CatalogEntry, catalogDropRules } from '../catalog';
import {
  AuditRecord,
  BuyerRecord,
  checkDependency,
  DependencyHealth,
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
} from '../inventory-store';
import {
  DEFAULT_IDEMPOTENCY_TTL_MS,
  decodeOrderCursor,
  encodeOrderCursor,
  idempotencyFingerprint,
  idempotencyScope,
  PRODUCT_NOT_FOUND,
  purchaseRejection,
} from '../purchase-rules';
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
  /** How long an idempotency key is remembered (default 24 h). */
  idempotencyTtlMs?: number;
}

interface QueuedPurchase {
  command: PurchaseCommand;
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
  starts_at: number | null;
  ends_at: number | null;
  paused: number;
  per_buyer_limit: number | null;
}

interface SnapshotRow {
  available: number;
  startsAtMs: number | null;
  endsAtMs: number | null;
  paused: number;
  perBuyerLimit: number | null;
}

interface OrderRow {
  id: string;
  product_id: number;
  quantity: number;
  buyer_id: string | null;
  created_at: string;
}

interface KeyRow {
  fingerprint: string;
  order_id: string;
  remaining: number;
  created_at_ms: number;
}

interface AuditRow {
  id: number;
  at: string;
  actor: string;
  action: string;
  product_id: number | null;
  details: string;
}

interface BuyerRow {
  id: string;
  email: string;
  password_hash: string;
  created_at: string;
}

/** Expired keys are swept at most this often, inside a purchase batch (no timer to stop). */
const KEY_SWEEP_INTERVAL_MS = 60_000;
const PRODUCT_COLUMNS =
  'id, name, description, price, currency, stock, available, starts_at, ends_at, paused, per_buyer_limit';

const toOrder = (row: OrderRow): OrderRecord => ({
  orderId: row.id,
  productId: row.product_id,
  quantity: row.quantity,
  buyerId: row.buyer_id,
  createdAt: row.created_at,
});

const toProduct = (row: ProductRow): ProductRecord => ({
  id: row.id,
  name: row.name,
  description: row.description,
  price: row.price,
  currency: row.currency,
  stock: row.stock,
  available: row.available,
  startsAtMs: row.starts_at,
  endsAtMs: row.ends_at,
  paused: row.paused === 1,
  perBuyerLimit: row.per_buyer_limit,
});

const toAudit = (row: AuditRow): AuditRecord => ({
  id: String(row.id),
  at: row.at,
  actor: row.actor,
  action: row.action,
  productId: row.product_id,
  details: JSON.parse(row.details) as Record<string, unknown>,
});

/**
 * Durable single-machine store on better-sqlite3 (WAL). A purchase is decided and written inside
 * one IMMEDIATE transaction — key, rules, the buyer's total, stock, then the decrement, the order,
 * the buyer's new total and the key — so nothing can come between the checks and the writes: not
 * another request, nor another process on the same file (SQLite serialises writers).
 *
 * Group commit: purchases arriving in the same event-loop turn are decided one after another in
 * one transaction (one fsync), then all of them are answered. Nobody is told "bought" before the
 * commit that holds their order is on disk.
 *
 * Rejections and replays change nothing, so they are answered from a plain read before queueing:
 * a sold-out crowd never takes the write lock. A purchase that may sell is decided again inside
 * the transaction, where the answer counts.
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
    const deciding = new PurchaseDecider(
      prepareStatements(db),
      this.options.idempotencyTtlMs ?? DEFAULT_IDEMPOTENCY_TTL_MS,
    );
    const commitBatch = db.transaction((batch: QueuedPurchase[]) =>
      batch.map((p) => deciding.decideAndWrite(p.command)),
    );
    this.connection = { db, statements: deciding.statements, decider: deciding, commitBatch };
  }

  async seedIfEmpty(catalog: readonly CatalogEntry[]): Promise<boolean> {
    const { db, statements: s } = this.opened();
    return db
      .transaction(() => {
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
      })
      .immediate();
  }

  async listProducts(): Promise<ProductRecord[]> {
    return this.opened().statements.products.all().map(toProduct);
  }

  async findProduct(productId: number): Promise<ProductRecord | undefined> {
    const row = this.opened().statements.product.get(productId);
    return row && toProduct(row);
  }

  async inventory(productId: number): Promise<InventorySnapshot | undefined> {
    return snapshotOf(this.opened().statements.snapshot.get(productId));
  }

  purchase(command: PurchaseCommand): Promise<PurchaseOutcome> {
    let answer: PurchaseOutcome | undefined;
    try {
      answer = this.opened().decider.decide(command);
    } catch (error) {
      return Promise.reject(error);
    }
    if (answer) return Promise.resolve(answer);
    return new Promise((resolve, reject) => {
      this.queue.push({ command, resolve, reject });
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

  async listOrders(productId: number, limit: number, after: string | null): Promise<OrdersPageRecord> {
    let cursor = { createdAt: '', orderId: '' };
    if (after !== null) {
      const decoded = decodeOrderCursor(after);
      if (!decoded) throw new Error('Invalid orders cursor');
      cursor = decoded;
    }
    // One row more than asked tells whether there is a next page.
    const rows = this.opened().statements.ordersPage.all(
      productId,
      cursor.createdAt,
      cursor.orderId,
      limit + 1,
    );
    const items = rows.slice(0, limit).map(toOrder);
    return { items, nextCursor: rows.length > limit ? encodeOrderCursor(items[items.length - 1]) : null };
  }

  async salesSummary(productId: number): Promise<SalesSummary | undefined> {
    const { db, statements: s } = this.opened();
    // One read transaction: the counts come from the same snapshot as the product.
    return db.transaction((): SalesSummary | undefined => {
      const product = s.product.get(productId);
      if (!product) return undefined;
      const { orders, sold } = s.sales.get(productId) ?? { orders: 0, sold: 0 };
      const rejects: Partial<Record<PurchaseRejectionCode, number>> = {};
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
    })();
  }

  async recordRejections(counts: readonly RejectionCount[]): Promise<void> {
    const { db, statements: s } = this.opened();
    db.transaction(() => {
      for (const { productId, code, count } of counts) s.addRejections.run(productId, code, count);
    }).immediate();
  }

  async createProduct(product: NewProduct): Promise<ProductRecord> {
    const row = this.opened().statements.createProduct.get(
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
    );
    if (!row) throw new Error('INSERT … RETURNING gave no row');
    return toProduct(row);
  }

  async updateProduct(productId: number, patch: ProductPatch): Promise<ProductRecord | undefined> {
    // Each column takes a "given" flag and a value, so `null` can clear a rule and absent keeps it.
    const given = (value: unknown) => (value === undefined ? 0 : 1);
    const row = this.opened().statements.updateProduct.get(
      given(patch.name),
      patch.name ?? null,
      given(patch.description),
      patch.description ?? null,
      given(patch.price),
      patch.price ?? null,
      given(patch.currency),
      patch.currency ?? null,
      given(patch.startsAtMs),
      patch.startsAtMs ?? null,
      given(patch.endsAtMs),
      patch.endsAtMs ?? null,
      given(patch.paused),
      patch.paused === undefined ? null : patch.paused ? 1 : 0,
      given(patch.perBuyerLimit),
      patch.perBuyerLimit ?? null,
      productId,
    );
    return row && toProduct(row);
  }

  async restock(productId: number, restock: Restock): Promise<ProductRecord | undefined> {
    const s = this.opened().statements;
    // One UPDATE: its right-hand sides all read the row as it was, atomically with purchases.
    const row =
      restock.mode === 'add'
        ? s.restockAdd.get(restock.quantity, restock.quantity, productId)
        : s.restockSet.get(restock.quantity, restock.quantity, productId);
    return row && toProduct(row);
  }

  async appendAudit(entry: Omit<AuditRecord, 'id'>): Promise<AuditRecord> {
    const row = this.opened().statements.appendAudit.get(
      entry.at,
      entry.actor,
      entry.action,
      entry.productId,
      JSON.stringify(entry.details),
    );
    if (!row) throw new Error('INSERT … RETURNING gave no row');
    return toAudit(row);
  }

  async listAudit(limit: number, before: string | null): Promise<AuditRecord[]> {
    const beforeId = before === null ? Number.MAX_SAFE_INTEGER : Number(before);
    if (!Number.isSafeInteger(beforeId)) return [];
    return this.opened().statements.auditPage.all(beforeId, limit).map(toAudit);
  }

  async createBuyer(buyer: BuyerRecord): Promise<boolean> {
    const result = this.opened().statements.createBuyer.run(
      buyer.id,
      buyer.email.toLowerCase(),
      buyer.passwordHash,
      buyer.createdAt,
    );
    return result.changes === 1;
  }

  async findBuyerByEmail(email: string): Promise<BuyerRecord | undefined> {
    const row = this.opened().statements.buyerByEmail.get(email.toLowerCase());
    return (
      row && { id: row.id, email: row.email, passwordHash: row.password_hash, createdAt: row.created_at }
    );
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

/** SQLite has no boolean: the row's 0/1 becomes one in place (the poll allocates nothing more). */
function snapshotOf(row: SnapshotRow | undefined): InventorySnapshot | undefined {
  if (!row) return undefined;
  const snapshot = row as unknown as InventorySnapshot;
  snapshot.paused = row.paused === 1;
  return snapshot;
}

/** The purchase decision over prepared statements: read-only (`decide`) or in the batch (`decideAndWrite`). */
class PurchaseDecider {
  private lastKeySweepMs = -Infinity;

  constructor(
    readonly statements: Statements,
    private readonly idempotencyTtlMs: number,
  ) {}

  /** The answer if it is a rejection or a replay (nothing to write); undefined if it may sell. */
  decide(command: PurchaseCommand): PurchaseOutcome | undefined {
    const s = this.statements;
    const { productId, quantity, idempotencyKey, nowMs } = command;
    if (idempotencyKey !== null) {
      const stored = s.key.get(idempotencyScope(command.buyerId), idempotencyKey);
      if (stored && nowMs - stored.created_at_ms < this.idempotencyTtlMs) {
        if (stored.fingerprint !== idempotencyFingerprint(productId, quantity)) {
          const available = s.snapshot.get(productId)?.available ?? 0;
          return { ok: false, code: ErrorCode.IdempotencyKeyMismatch, available };
        }
        const order = s.order.get(stored.order_id);
        if (!order) throw new Error(`Idempotency key refers to missing order ${stored.order_id}`);
        return { ok: true, order: toOrder(order), remaining: stored.remaining, replayed: true };
      }
    }
    const product = snapshotOf(s.snapshot.get(productId));
    if (!product) return PRODUCT_NOT_FOUND;
    return purchaseRejection(product, command, this.boughtBy);
  }

  /** Inside the batch's transaction: decide again on the current rows, then write the sale. */
  decideAndWrite(command: PurchaseCommand): PurchaseOutcome {
    const answer = this.decide(command);
    if (answer) return answer;
    const s = this.statements;
    const { productId, quantity, buyerId, idempotencyKey, nowMs } = command;
    const updated = s.decrement.get(quantity, productId, quantity);
    if (!updated) throw new Error(`Product ${productId} changed inside its own transaction`);
    const order: OrderRecord = {
      orderId: randomUUID(),
      productId,
      quantity,
      buyerId,
      createdAt: new Date(nowMs).toISOString(),
    };
    s.insertOrder.run(order.orderId, productId, quantity, buyerId, order.createdAt);
    if (buyerId !== null) s.addToBuyerTotal.run(productId, buyerId, quantity);
    if (idempotencyKey !== null) {
      if (nowMs - this.lastKeySweepMs >= KEY_SWEEP_INTERVAL_MS) {
        this.lastKeySweepMs = nowMs;
        s.sweepKeys.run(nowMs - this.idempotencyTtlMs);
      }
      s.storeKey.run(
        idempotencyScope(buyerId),
        idempotencyKey,
        idempotencyFingerprint(productId, quantity),
        order.orderId,
        updated.available,
        nowMs,
      );
    }
    return { ok: true, order, remaining: updated.available, replayed: false };
  }

  private readonly boughtBy = (productId: number, buyerId: string): number =>
    this.statements.bought.get(productId, buyerId)?.quantity ?? 0;
}

function prepareStatements(db: Database.Database) {
  const returningProduct = `RETURNING ${PRODUCT_COLUMNS}`;
  return {
    decrement: db.prepare<[number, number, number], { available: number }>(
      'UPDATE products SET available = available - ? WHERE id = ? AND available >= ? RETURNING available',
    ),
    insertOrder: db.prepare<[string, number, number, string | null, string]>(
      'INSERT INTO orders (id, product_id, quantity, buyer_id, created_at) VALUES (?, ?, ?, ?, ?)',
    ),
    snapshot: db.prepare<[number], SnapshotRow>(
      `SELECT available, starts_at AS startsAtMs, ends_at AS endsAtMs, paused, per_buyer_limit AS perBuyerLimit
       FROM products WHERE id = ?`,
    ),
    bought: db.prepare<[number, string], { quantity: number }>(
      'SELECT quantity FROM buyer_totals WHERE product_id = ? AND buyer_id = ?',
    ),
    addToBuyerTotal: db.prepare<[number, string, number]>(
      `INSERT INTO buyer_totals (product_id, buyer_id, quantity) VALUES (?, ?, ?)
       ON CONFLICT (product_id, buyer_id) DO UPDATE SET quantity = quantity + excluded.quantity`,
    ),
    key: db.prepare<[string, string], KeyRow>(
      'SELECT fingerprint, order_id, remaining, created_at_ms FROM idempotency_keys WHERE scope = ? AND key = ?',
    ),
    // An expired key with the same name is overwritten by the new attempt.
    storeKey: db.prepare<[string, string, string, string, number, number]>(
      `INSERT INTO idempotency_keys (scope, key, fingerprint, order_id, remaining, created_at_ms)
       VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (scope, key) DO UPDATE SET fingerprint = excluded.fingerprint,
         order_id = excluded.order_id, remaining = excluded.remaining, created_at_ms = excluded.created_at_ms`,
    ),
    sweepKeys: db.prepare<[number]>('DELETE FROM idempotency_keys WHERE created_at_ms <= ?'),
    product: db.prepare<[number], ProductRow>(`SELECT ${PRODUCT_COLUMNS} FROM products WHERE id = ?`),
    products: db.prepare<[], ProductRow>(`SELECT ${PRODUCT_COLUMNS} FROM products ORDER BY id`),
    order: db.prepare<[string], OrderRow>(
      'SELECT id, product_id, quantity, buyer_id, created_at FROM orders WHERE id = ?',
    ),
    ordersPage: db.prepare<[number, string, string, number], OrderRow>(
      `SELECT id, product_id, quantity, buyer_id, created_at FROM orders
       WHERE product_id = ? AND (created_at, id) > (?, ?) ORDER BY created_at, id LIMIT ?`,
    ),
    sales: db.prepare<[number], { orders: number; sold: number }>(
      'SELECT COUNT(*) AS orders, COALESCE(SUM(quantity), 0) AS sold FROM orders WHERE product_id = ?',
    ),
    buyerCount: db.prepare<[number], { n: number }>(
      'SELECT COUNT(*) AS n FROM buyer_totals WHERE product_id = ?',
    ),
    rejects: db.prepare<[number], { code: PurchaseRejectionCode; count: number }>(
      'SELECT code, count FROM rejections WHERE product_id = ?',
    ),
    addRejections: db.prepare<[number, string, number]>(
      `INSERT INTO rejections (product_id, code, count) VALUES (?, ?, ?)
       ON CONFLICT (product_id, code) DO UPDATE SET count = count + excluded.count`,
    ),
    seedProduct: db.prepare<
      [number, string, string, number, string, number, number, number | null, number | null, number | null]
    >(
      `INSERT INTO products (id, name, description, price, currency, stock, available, starts_at, ends_at, per_buyer_limit)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    // The id is computed inside the INSERT: two operators creating at once cannot get the same one.
    createProduct: db.prepare<
      [string, string, number, string, number, number, number | null, number | null, number, number | null],
      ProductRow
    >(
      `INSERT INTO products (id, name, description, price, currency, stock, available, starts_at, ends_at, paused, per_buyer_limit)
       VALUES ((SELECT COALESCE(MAX(id), 0) + 1 FROM products), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ${returningProduct}`,
    ),
    updateProduct: db.prepare<
      [
        number,
        string | null,
        number,
        string | null,
        number,
        number | null,
        number,
        string | null,
        number,
        number | null,
        number,
        number | null,
        number,
        number | null,
        number,
        number | null,
        number,
      ],
      ProductRow
    >(
      `UPDATE products SET
         name = CASE WHEN ? THEN ? ELSE name END,
         description = CASE WHEN ? THEN ? ELSE description END,
         price = CASE WHEN ? THEN ? ELSE price END,
         currency = CASE WHEN ? THEN ? ELSE currency END,
         starts_at = CASE WHEN ? THEN ? ELSE starts_at END,
         ends_at = CASE WHEN ? THEN ? ELSE ends_at END,
         paused = CASE WHEN ? THEN ? ELSE paused END,
         per_buyer_limit = CASE WHEN ? THEN ? ELSE per_buyer_limit END
       WHERE id = ? ${returningProduct}`,
    ),
    restockAdd: db.prepare<[number, number, number], ProductRow>(
      `UPDATE products SET stock = stock + ?, available = available + ? WHERE id = ? ${returningProduct}`,
    ),
    restockSet: db.prepare<[number, number, number], ProductRow>(
      `UPDATE products SET stock = stock + (? - available), available = ? WHERE id = ? ${returningProduct}`,
    ),
    appendAudit: db.prepare<[string, string, string, number | null, string], AuditRow>(
      `INSERT INTO audit_log (at, actor, action, product_id, details) VALUES (?, ?, ?, ?, ?)
       RETURNING id, at, actor, action, product_id, details`,
    ),
    auditPage: db.prepare<[number, number], AuditRow>(
      'SELECT id, at, actor, action, product_id, details FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?',
    ),
    createBuyer: db.prepare<[string, string, string, string]>(
      `INSERT INTO buyers (id, email, password_hash, created_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (email) DO NOTHING`,
    ),
    buyerByEmail: db.prepare<[string], BuyerRow>(
      'SELECT id, email, password_hash, created_at FROM buyers WHERE email = ?',
    ),
    countProducts: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM products'),
  };
}

type Statements = ReturnType<typeof prepareStatements>;

interface SqliteConnection {
  db: Database.Database;
  statements: Statements;
  decider: PurchaseDecider;
  commitBatch: Database.Transaction<(batch: QueuedPurchase[]) => PurchaseOutcome[]>;
}
