import { ErrorCode, PurchaseRejectionCode } from '@gtd/shared-contracts';
import { randomUUID } from 'node:crypto';
import { Pool, PoolClient, types } from 'pg';
import { CatalogEntry, catalogDropRules } from '../catalog';
import {
  AuditRecord,
  BuyerRecord,
  checkDependency,
  DependencyHealth,
  DropRules,
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
} from '../purchase-rules';
import { migratePostgres } from './postgres-schema';

export interface PostgresStoreOptions {
  connectionString: string;
  /** Connections per process; a hot row serialises purchases anyway, so more is rarely faster. */
  poolSize?: number;
  /** How long an idempotency key is remembered (default 24 h). */
  idempotencyTtlMs?: number;
}

/**
 * An order sold elsewhere (the Redis hot path) for `persistOrders`, with what its idempotency key
 * must remember: the key (`null`: none was sent) and the units left as the buyer was told.
 */
export interface PersistedOrder {
  order: OrderRecord;
  idempotencyKey: string | null;
  remaining: number;
}

/** Our bigints (ids, prices, epoch milliseconds) are kept within Number.MAX_SAFE_INTEGER by validation. */
const parseBigint = (value: string): number => Number(value);

/** Type parsers for every connection to our schema: bigints read as numbers (see `parseBigint`). */
export const PG_TYPES = {
  getTypeParser: (oid: number, format?: 'text' | 'binary') =>
    oid === types.builtins.INT8 ? parseBigint : types.getTypeParser(oid, format),
};

/** Expired idempotency keys are deleted at most this often, after a keyed purchase. */
const KEY_SWEEP_INTERVAL_MS = 60_000;

/** Any constant: concurrent `createProduct` calls take turns on it, so each sees the other's id. */
const PRODUCT_ID_LOCK = 0x67746402;

const msOf = (column: string, alias: string): string =>
  `(extract(epoch FROM ${column}) * 1000)::bigint AS ${alias}`;

/** Epoch milliseconds as the exact `timestamptz` literal (ISO 8601, UTC). */
const timestamp = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

const RULE_COLUMNS = `paused, per_buyer_limit, ${msOf('starts_at', 'starts_at_ms')}, ${msOf('ends_at', 'ends_at_ms')}`;
const PRODUCT_COLUMNS = `id, name, description, price, currency, stock, available, ${RULE_COLUMNS}`;

interface RuleRow {
  paused: boolean;
  per_buyer_limit: number | null;
  starts_at_ms: number | null;
  ends_at_ms: number | null;
}

interface ProductRow extends RuleRow {
  id: number;
  name: string;
  description: string;
  price: number;
  currency: string;
  stock: number;
  available: number;
}

const toRules = (row: RuleRow): DropRules => ({
  startsAtMs: row.starts_at_ms,
  endsAtMs: row.ends_at_ms,
  paused: row.paused,
  perBuyerLimit: row.per_buyer_limit,
});

const toProduct = (row: ProductRow): ProductRecord => ({
  id: row.id,
  name: row.name,
  description: row.description,
  price: row.price,
  currency: row.currency,
  stock: row.stock,
  available: row.available,
  ...toRules(row),
});

const ORDER_COLUMNS = 'id, product_id, quantity, buyer_id, created_at';

interface OrderRow {
  id: string;
  product_id: number;
  quantity: number;
  buyer_id: string | null;
  created_at: Date;
}

const toOrder = (row: OrderRow): OrderRecord => ({
  orderId: row.id,
  productId: row.product_id,
  quantity: row.quantity,
  buyerId: row.buyer_id,
  createdAt: row.created_at.toISOString(),
});

/** `updateProduct`'s fields and their columns; anything else in a patch is ignored. */
const PATCH_COLUMNS: { [K in keyof Required<ProductPatch>]: string } = {
  name: 'name',
  description: 'description',
  price: 'price',
  currency: 'currency',
  startsAtMs: 'starts_at',
  endsAtMs: 'ends_at',
  paused: 'paused',
  perBuyerLimit: 'per_buyer_limit',
};

/** Orders passed as $1..$4 (ids, product ids, quantities, buyers) that are not in `orders` yet. */
const UNSTORED_CTE = `unstored AS (
  SELECT t.product_id, t.quantity, t.buyer_id
    FROM unnest($1::uuid[], $2::bigint[], $3::integer[], $4::uuid[]) AS t(id, product_id, quantity, buyer_id)
   WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = t.id))`;

const orderColumns = (orders: readonly OrderRecord[]): [string[], number[], number[], (string | null)[]] => [
  orders.map((o) => o.orderId),
  orders.map((o) => o.productId),
  orders.map((o) => o.quantity),
  orders.map((o) => o.buyerId),
];

/** One round trip; the whole decision runs in `gtd_purchase` (see postgres-schema.ts). */
const PURCHASE_SQL = `SELECT outcome, available, order_id, created_at, bought, ${RULE_COLUMNS}
  FROM gtd_purchase($1, $2, $3, $4, $5, $6, $7::timestamptz, $8::bigint * interval '1 millisecond', $9)`;

interface PurchaseRow extends RuleRow {
  outcome: 'SOLD' | 'REPLAYED' | typeof ErrorCode.IdempotencyKeyMismatch | PurchaseRejectionCode;
  available: number;
  order_id: string | null;
  created_at: Date | null;
  bought: number | null;
}

/** Rejections that carry the product's rules, as `purchaseRejection` answers them (Redis adapter too). */
export const ANSWERED_WITH_RULES: ReadonlySet<string> = new Set([
  ErrorCode.Paused,
  ErrorCode.NotStarted,
  ErrorCode.Ended,
  ErrorCode.LimitReached,
]);

/**
 * Durable store shared by many API processes and hosts. A purchase is one call of the
 * `gtd_purchase` function, so one implicit transaction and one round trip; its atomicity comes
 * from the product's row lock. Operator writes are single statements on the same row.
 */
export class PostgresInventoryStore implements InventoryStore {
  readonly kind = 'postgres';
  private readonly pool: Pool;
  private readonly idempotencyTtlMs: number;
  private lastKeySweepMs = -Infinity;

  constructor(options: PostgresStoreOptions) {
    this.idempotencyTtlMs = options.idempotencyTtlMs ?? DEFAULT_IDEMPOTENCY_TTL_MS;
    this.pool = new Pool({
      connectionString: options.connectionString,
      max: options.poolSize ?? 10,
      types: PG_TYPES,
    });
    // An idle client losing its connection must not crash the process; the pool replaces it.
    this.pool.on('error', () => undefined);
  }

  async init(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await migratePostgres(client);
    } finally {
      client.release();
    }
  }

  async seedIfEmpty(catalog: readonly CatalogEntry[]): Promise<boolean> {
    return this.transaction(async (client) => {
      // The table lock makes concurrent first starts seed once: the second sees the rows.
      await client.query('LOCK TABLE products IN SHARE ROW EXCLUSIVE MODE');
      const { rows } = await client.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM products) AS any');
      if (rows[0]?.any) return false;
      for (const e of catalog) {
        const rules = catalogDropRules(e);
        await client.query(
          `INSERT INTO products (id, name, description, price, currency, stock, available, starts_at, ends_at,
             paused, per_buyer_limit)
           VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8, $9, $10)`,
          [
            e.id,
            e.name,
            e.description,
            e.price,
            e.currency,
            e.stock,
            timestamp(rules.startsAtMs),
            timestamp(rules.endsAtMs),
            rules.paused,
            rules.perBuyerLimit,
          ],
        );
      }
      return true;
    });
  }

  async listProducts(): Promise<ProductRecord[]> {
    const { rows } = await this.pool.query<ProductRow>(`SELECT ${PRODUCT_COLUMNS} FROM products ORDER BY id`);
    return rows.map(toProduct);
  }

  async findProduct(productId: number): Promise<ProductRecord | undefined> {
    const { rows } = await this.pool.query<ProductRow>(
      `SELECT ${PRODUCT_COLUMNS} FROM products WHERE id = $1`,
      [productId],
    );
    return rows[0] && toProduct(rows[0]);
  }

  async inventory(productId: number): Promise<InventorySnapshot | undefined> {
    const { rows } = await this.pool.query<RuleRow & { available: number }>({
      name: 'gtd_inventory',
      text: `SELECT available, ${RULE_COLUMNS} FROM products WHERE id = $1`,
      values: [productId],
    });
    const row = rows[0];
    return row && { available: row.available, ...toRules(row) };
  }

  async purchase(command: PurchaseCommand): Promise<PurchaseOutcome> {
    const { productId, quantity, buyerId, idempotencyKey, nowMs } = command;
    const orderId = randomUUID();
    const { rows } = await this.pool.query<PurchaseRow>({
      name: 'gtd_purchase',
      text: PURCHASE_SQL,
      values: [
        productId,
        quantity,
        buyerId,
        idempotencyScope(buyerId),
        idempotencyKey,
        idempotencyFingerprint(productId, quantity),
        timestamp(nowMs),
        this.idempotencyTtlMs,
        orderId,
      ],
    });
    const row = rows[0];
    if (idempotencyKey !== null) this.sweepExpiredKeys(nowMs);
    switch (row.outcome) {
      case 'SOLD':
      case 'REPLAYED':
        return {
          ok: true,
          order: {
            orderId: row.order_id as string,
            productId,
            quantity,
            buyerId,
            createdAt: (row.created_at as Date).toISOString(),
          },
          remaining: row.available,
          replayed: row.outcome === 'REPLAYED',
        };
      case ErrorCode.ProductNotFound:
        return PRODUCT_NOT_FOUND;
      case ErrorCode.IdempotencyKeyMismatch:
        return { ok: false, code: row.outcome, available: row.available };
      case ErrorCode.LimitReached:
        return {
          ok: false,
          code: row.outcome,
          available: row.available,
          bought: row.bought ?? 0,
          rules: toRules(row),
        };
      default:
        return ANSWERED_WITH_RULES.has(row.outcome)
          ? { ok: false, code: row.outcome, available: row.available, rules: toRules(row) }
          : { ok: false, code: row.outcome, available: row.available };
    }
  }

  async findOrder(orderId: string): Promise<OrderRecord | undefined> {
    const { rows } = await this.pool.query<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1`, [
      orderId,
    ]);
    return rows[0] && toOrder(rows[0]);
  }

  async listOrders(productId: number, limit: number, after: string | null): Promise<OrdersPageRecord> {
    let rows: OrderRow[];
    // One row more than asked says whether another page follows.
    if (after === null) {
      ({ rows } = await this.pool.query<OrderRow>(
        `SELECT ${ORDER_COLUMNS} FROM orders WHERE product_id = $1 ORDER BY created_at, id LIMIT $2`,
        [productId, limit + 1],
      ));
    } else {
      const cursor = decodeOrderCursor(after);
      if (!cursor) throw new Error('Invalid orders cursor');
      ({ rows } = await this.pool.query<OrderRow>(
        `SELECT ${ORDER_COLUMNS} FROM orders
          WHERE product_id = $1 AND (created_at, id) > ($3::timestamptz, $4::uuid)
          ORDER BY created_at, id LIMIT $2`,
        [productId, limit + 1, cursor.createdAt, cursor.orderId],
      ));
    }
    const items = rows.slice(0, limit).map(toOrder);
    return {
      items,
      nextCursor: rows.length > limit ? encodeOrderCursor(items[items.length - 1]) : null,
    };
  }

  /**
   * `waiting`: orders sold elsewhere (the Redis hot path) that may not be stored yet; those not in
   * `orders` are counted too. One statement, so an order stored while this runs is seen exactly
   * once: either as a stored row or as a waiting one, never both and never neither.
   */
  async salesSummary(
    productId: number,
    waiting: readonly OrderRecord[] = [],
  ): Promise<SalesSummary | undefined> {
    const { rows } = await this.pool.query<{
      stock: number;
      available: number;
      orders: number;
      sold: number;
      buyers: number;
      rejects: SalesSummary['rejects'];
    }>(
      `WITH ${UNSTORED_CTE}
       SELECT p.stock,
              p.available - coalesce((SELECT sum(quantity) FROM unstored u WHERE u.product_id = p.id), 0)::integer AS available,
              (SELECT count(*) FROM orders o WHERE o.product_id = p.id)::integer
                + (SELECT count(*) FROM unstored u WHERE u.product_id = p.id)::integer AS orders,
              (SELECT coalesce(sum(quantity), 0) FROM orders o WHERE o.product_id = p.id)::integer
                + (SELECT coalesce(sum(quantity), 0) FROM unstored u WHERE u.product_id = p.id)::integer AS sold,
              -- buyer_totals holds one row per buyer who bought; waiting buyers not in it yet add to them.
              (SELECT count(*) FROM buyer_totals t WHERE t.product_id = p.id)::integer
                + (SELECT count(DISTINCT u.buyer_id) FROM unstored u
                    WHERE u.product_id = p.id AND u.buyer_id IS NOT NULL
                      AND NOT EXISTS (SELECT 1 FROM buyer_totals t
                                       WHERE t.product_id = p.id AND t.buyer_id = u.buyer_id))::integer AS buyers,
              (SELECT coalesce(jsonb_object_agg(r.code, r.count), '{}'::jsonb)
                 FROM rejections r WHERE r.product_id = p.id) AS rejects
         FROM products p WHERE p.id = $5`,
      [...orderColumns(waiting), productId],
    );
    const row = rows[0];
    return row && { productId, ...row };
  }

  /** Adds the batch in one statement; the same product and code twice in it are summed first. */
  async recordRejections(counts: readonly RejectionCount[]): Promise<void> {
    if (counts.length === 0) return;
    await this.pool.query(
      `INSERT INTO rejections AS r (product_id, code, count)
       SELECT product_id, code, sum(count) FROM unnest($1::bigint[], $2::text[], $3::bigint[])
         AS t(product_id, code, count) GROUP BY product_id, code
       ON CONFLICT (product_id, code) DO UPDATE SET count = r.count + excluded.count`,
      [counts.map((c) => c.productId), counts.map((c) => c.code), counts.map((c) => c.count)],
    );
  }

  async createProduct(product: NewProduct): Promise<ProductRecord> {
    return this.transaction(async (client) => {
      // The lock is taken before the INSERT's snapshot, so max(id) includes a concurrent create.
      await client.query('SELECT pg_advisory_xact_lock($1)', [PRODUCT_ID_LOCK]);
      const { rows } = await client.query<ProductRow>(
        `INSERT INTO products (id, name, description, price, currency, stock, available, starts_at, ends_at,
           paused, per_buyer_limit)
         SELECT coalesce(max(id), 0) + 1, $1, $2, $3, $4, $5, $5, $6::timestamptz, $7::timestamptz, $8, $9
           FROM products
         RETURNING ${PRODUCT_COLUMNS}`,
        [
          product.name,
          product.description,
          product.price,
          product.currency,
          product.stock,
          timestamp(product.startsAtMs),
          timestamp(product.endsAtMs),
          product.paused,
          product.perBuyerLimit,
        ],
      );
      return toProduct(rows[0]);
    });
  }

  async updateProduct(productId: number, patch: ProductPatch): Promise<ProductRecord | undefined> {
    const assignments: string[] = [];
    const values: unknown[] = [productId];
    for (const [field, column] of Object.entries(PATCH_COLUMNS) as [keyof ProductPatch, string][]) {
      const value = patch[field];
      if (value === undefined) continue;
      values.push(field === 'startsAtMs' || field === 'endsAtMs' ? timestamp(value as number | null) : value);
      const cast = column === 'starts_at' || column === 'ends_at' ? '::timestamptz' : '';
      assignments.push(`${column} = $${values.length}${cast}`);
    }
    if (assignments.length === 0) return this.findProduct(productId);
    const { rows } = await this.pool.query<ProductRow>(
      `UPDATE products SET ${assignments.join(', ')} WHERE id = $1 RETURNING ${PRODUCT_COLUMNS}`,
      values,
    );
    return rows[0] && toProduct(rows[0]);
  }

  /** One UPDATE: it takes the row lock purchases take, and every right-hand side reads the old row. */
  async restock(productId: number, restock: Restock): Promise<ProductRecord | undefined> {
    const { rows } = await this.pool.query<ProductRow>(
      `UPDATE products
          SET stock = CASE WHEN $2 = 'add' THEN stock + $3 ELSE stock - available + $3 END,
              available = CASE WHEN $2 = 'add' THEN available + $3 ELSE $3 END
        WHERE id = $1
       RETURNING ${PRODUCT_COLUMNS}`,
      [productId, restock.mode, restock.quantity],
    );
    return rows[0] && toProduct(rows[0]);
  }

  async appendAudit(entry: Omit<AuditRecord, 'id'>): Promise<AuditRecord> {
    const { rows } = await this.pool.query<{ id: number }>(
      `INSERT INTO audit_log (at, actor, action, product_id, details)
       VALUES ($1::timestamptz, $2, $3, $4, $5::jsonb) RETURNING id`,
      [entry.at, entry.actor, entry.action, entry.productId, JSON.stringify(entry.details)],
    );
    return { ...entry, id: String(rows[0].id), details: { ...entry.details } };
  }

  async listAudit(limit: number, before: string | null): Promise<AuditRecord[]> {
    // Ids are positive integers: anything else is before none of them.
    if (before !== null && !/^[1-9][0-9]{0,14}$/.test(before)) return [];
    const { rows } = await this.pool.query<{
      id: number;
      at: Date;
      actor: string;
      action: string;
      product_id: number | null;
      details: Record<string, unknown>;
    }>(
      `SELECT id, at, actor, action, product_id, details FROM audit_log
        WHERE $2::bigint IS NULL OR id < $2::bigint ORDER BY id DESC LIMIT $1`,
      [limit, before],
    );
    return rows.map((r) => ({
      id: String(r.id),
      at: r.at.toISOString(),
      actor: r.actor,
      action: r.action,
      productId: r.product_id,
      details: r.details,
    }));
  }

  async createBuyer(buyer: BuyerRecord): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `INSERT INTO buyers (id, email, password_hash, created_at) VALUES ($1, $2, $3, $4::timestamptz)
       ON CONFLICT DO NOTHING`,
      [buyer.id, buyer.email.toLowerCase(), buyer.passwordHash, buyer.createdAt],
    );
    return rowCount === 1;
  }

  async findBuyerByEmail(email: string): Promise<BuyerRecord | undefined> {
    const { rows } = await this.pool.query<{
      id: string;
      email: string;
      password_hash: string;
      created_at: Date;
    }>('SELECT id, email, password_hash, created_at FROM buyers WHERE email = $1', [email.toLowerCase()]);
    const row = rows[0];
    return (
      row && {
        id: row.id,
        email: row.email,
        passwordHash: row.password_hash,
        createdAt: row.created_at.toISOString(),
      }
    );
  }

  /**
   * Stores orders sold elsewhere (the Redis hot path), idempotently, in one statement (so one
   * transaction): an order id already stored is skipped, and only for the orders this call
   * inserted is stock decremented, the buyer's total raised and the idempotency key stored — a
   * crash or a retry can never count an order twice. Returns how many were new.
   */
  async persistOrders(events: readonly PersistedOrder[]): Promise<number> {
    if (events.length === 0) return 0;
    const orders = events.map((e) => e.order);
    const { rows } = await this.pool.query<{ inserted: number }>(
      `WITH incoming AS (
         SELECT DISTINCT ON (id) *
           FROM unnest($1::uuid[], $2::bigint[], $3::integer[], $4::uuid[], $5::timestamptz[], $6::text[],
                       $7::text[], $8::text[], $9::integer[])
             AS t(id, product_id, quantity, buyer_id, created_at, scope, key, fingerprint, remaining)
       ), inserted AS (
         INSERT INTO orders (id, product_id, quantity, buyer_id, created_at)
         SELECT id, product_id, quantity, buyer_id, created_at FROM incoming
         ON CONFLICT (id) DO NOTHING
         RETURNING id
       ), fresh AS (
         SELECT incoming.* FROM incoming JOIN inserted USING (id)
       ), stock AS (
         UPDATE products p SET available = p.available - s.quantity
           FROM (SELECT product_id, sum(quantity)::integer AS quantity FROM fresh GROUP BY product_id) s
          WHERE p.id = s.product_id
       ), totals AS (
         INSERT INTO buyer_totals AS t (product_id, buyer_id, quantity)
         SELECT product_id, buyer_id, sum(quantity) FROM fresh WHERE buyer_id IS NOT NULL
          GROUP BY product_id, buyer_id
         ON CONFLICT (product_id, buyer_id) DO UPDATE SET quantity = t.quantity + excluded.quantity
       ), keys AS (
         -- The hot path already decided this key was new (or expired): the latest use wins.
         INSERT INTO idempotency_keys AS k (scope, key, fingerprint, order_id, remaining, created_at)
         SELECT DISTINCT ON (scope, key) scope, key, fingerprint, id, remaining, created_at
           FROM fresh WHERE key IS NOT NULL ORDER BY scope, key, created_at DESC
         ON CONFLICT (scope, key) DO UPDATE
           SET fingerprint = excluded.fingerprint, order_id = excluded.order_id,
               remaining = excluded.remaining, created_at = excluded.created_at
       )
       SELECT count(*)::integer AS inserted FROM inserted`,
      [
        ...orderColumns(orders),
        orders.map((o) => o.createdAt),
        orders.map((o) => idempotencyScope(o.buyerId)),
        events.map((e) => e.idempotencyKey),
        orders.map((o) => idempotencyFingerprint(o.productId, o.quantity)),
        events.map((e) => e.remaining),
      ],
    );
    return rows[0]?.inserted ?? 0;
  }

  /**
   * Deletes the keys expired at `nowMs`. Purchases call it at most once a minute; a key it races
   * with is either still valid (kept) or overwritten by the purchase's upsert (locked row).
   */
  async deleteExpiredKeys(nowMs: number): Promise<number> {
    const { rowCount } = await this.pool.query(
      `DELETE FROM idempotency_keys WHERE created_at <= $1::timestamptz - $2::bigint * interval '1 millisecond'`,
      [timestamp(nowMs), this.idempotencyTtlMs],
    );
    return rowCount ?? 0;
  }

  /** A value unique to this database, fixed when its schema was created. */
  async epoch(): Promise<string> {
    const { rows } = await this.pool.query<{ value: string }>(
      "SELECT value FROM store_meta WHERE key = 'epoch'",
    );
    if (!rows[0]) throw new Error('PostgreSQL store has no epoch; was it migrated?');
    return rows[0].value;
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  checkHealth(): Promise<DependencyHealth[]> {
    return Promise.all([
      checkDependency('postgres', async () => {
        await this.ping();
        return {
          connections: this.pool.totalCount,
          idle: this.pool.idleCount,
          waiting: this.pool.waitingCount,
        };
      }),
    ]);
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  /** Off the purchase's answer: a failed sweep only leaves expired keys for the next one. */
  private sweepExpiredKeys(nowMs: number): void {
    if (nowMs - this.lastKeySweepMs < KEY_SWEEP_INTERVAL_MS || this.pool.ended) return;
    this.lastKeySweepMs = nowMs;
    this.deleteExpiredKeys(nowMs).catch(() => undefined);
  }

  private async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }
}
