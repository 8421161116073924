import { ErrorCode } from '@gtd/shared-contracts';
import { randomUUID } from 'node:crypto';
import { Pool, types } from 'pg';
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
import { migratePostgres } from './postgres-schema';

export interface PostgresStoreOptions {
  connectionString: string;
  /** Connections per process; a hot row serialises purchases anyway, so more is rarely faster. */
  poolSize?: number;
}

/** Our bigints (ids, prices) are kept within Number.MAX_SAFE_INTEGER by validation. */
const parseBigint = (value: string): number => Number(value);

interface ProductRow {
  id: number;
  name: string;
  description: string;
  price: number;
  currency: string;
  stock: number;
  available: number;
}

const PRODUCT_COLUMNS = 'id, name, description, price, currency, stock, available';

/** Orders passed as $1..$3 (ids, product ids, quantities) that are not in `orders` yet. */
const UNSTORED_CTE = `unstored AS (
  SELECT t.product_id, t.quantity
    FROM unnest($1::uuid[], $2::bigint[], $3::integer[]) AS t(id, product_id, quantity)
   WHERE NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = t.id))`;

const orderColumns = (orders: readonly OrderRecord[]): [string[], number[], number[]] => [
  orders.map((o) => o.orderId),
  orders.map((o) => o.productId),
  orders.map((o) => o.quantity),
];

/**
 * The purchase in ONE statement, hence one implicit transaction and one round trip: the
 * conditional decrement, and the order insert that only happens when the decrement matched.
 * Under READ COMMITTED a concurrent buyer's UPDATE waits on the row lock and then re-checks
 * `available >= $2` against the committed value, so two buyers can never both take the last one.
 * `snapshot` (the row as this statement first saw it) only chooses between SOLD_OUT and
 * INSUFFICIENT_STOCK when nothing was sold.
 */
const PURCHASE_SQL = `
  WITH sold AS (
    UPDATE products SET available = available - $2
     WHERE id = $1 AND available >= $2
    RETURNING available
  ), ordered AS (
    INSERT INTO orders (id, product_id, quantity)
    SELECT $3, $1, $2 FROM sold
    RETURNING created_at
  )
  SELECT (SELECT available FROM sold) AS remaining,
         (SELECT created_at FROM ordered) AS created_at,
         (SELECT available FROM products WHERE id = $1) AS snapshot`;

/**
 * Durable store shared by many API processes and hosts. Atomicity comes from PostgreSQL's row
 * lock and the conditional UPDATE; the order row commits in the same statement.
 */
export class PostgresInventoryStore implements InventoryStore {
  readonly kind = 'postgres';
  private readonly pool: Pool;

  constructor(options: PostgresStoreOptions) {
    this.pool = new Pool({
      connectionString: options.connectionString,
      max: options.poolSize ?? 10,
      types: {
        getTypeParser: (oid, format) =>
          oid === types.builtins.INT8 ? parseBigint : types.getTypeParser(oid, format),
      },
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
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // The table lock makes concurrent first starts seed once: the second sees the rows.
      await client.query('LOCK TABLE products IN SHARE ROW EXCLUSIVE MODE');
      const { rows } = await client.query<{ any: boolean }>('SELECT EXISTS (SELECT 1 FROM products) AS any');
      if (rows[0]?.any) {
        await client.query('ROLLBACK');
        return false;
      }
      for (const e of catalog) {
        await client.query(`INSERT INTO products (${PRODUCT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $6)`, [
          e.id,
          e.name,
          e.description,
          e.price,
          e.currency,
          e.stock,
        ]);
      }
      await client.query('COMMIT');
      return true;
    } catch (error) {
      await client.query('ROLLBACK');
      throw error;
    } finally {
      client.release();
    }
  }

  async listProducts(): Promise<ProductRecord[]> {
    const { rows } = await this.pool.query<ProductRow>(`SELECT ${PRODUCT_COLUMNS} FROM products ORDER BY id`);
    return rows;
  }

  async findProduct(productId: number): Promise<ProductRecord | undefined> {
    const { rows } = await this.pool.query<ProductRow>(
      `SELECT ${PRODUCT_COLUMNS} FROM products WHERE id = $1`,
      [productId],
    );
    return rows[0];
  }

  async available(productId: number): Promise<number | undefined> {
    const { rows } = await this.pool.query<{ available: number }>(
      'SELECT available FROM products WHERE id = $1',
      [productId],
    );
    return rows[0]?.available;
  }

  async purchase(productId: number, quantity: number): Promise<PurchaseOutcome> {
    const orderId = randomUUID();
    const { rows } = await this.pool.query<{
      remaining: number | null;
      created_at: Date | null;
      snapshot: number | null;
    }>(PURCHASE_SQL, [productId, quantity, orderId]);
    const { remaining, created_at, snapshot } = rows[0];
    if (remaining !== null && created_at !== null) {
      return {
        ok: true,
        order: { orderId, productId, quantity, createdAt: created_at.toISOString() },
        remaining,
      };
    }
    if (snapshot === null) return { ok: false, code: ErrorCode.ProductNotFound, available: 0 };
    // The snapshot predates a concurrent sale that beat us; read what is really left.
    const available = snapshot >= quantity ? ((await this.available(productId)) ?? 0) : snapshot;
    return {
      ok: false,
      code: available === 0 ? ErrorCode.SoldOut : ErrorCode.InsufficientStock,
      available,
    };
  }

  async findOrder(orderId: string): Promise<OrderRecord | undefined> {
    const { rows } = await this.pool.query<{
      id: string;
      product_id: number;
      quantity: number;
      created_at: Date;
    }>('SELECT id, product_id, quantity, created_at FROM orders WHERE id = $1', [orderId]);
    const row = rows[0];
    return (
      row && {
        orderId: row.id,
        productId: row.product_id,
        quantity: row.quantity,
        createdAt: row.created_at.toISOString(),
      }
    );
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
    }>(
      `WITH ${UNSTORED_CTE}
       SELECT p.stock,
              p.available - coalesce((SELECT sum(quantity) FROM unstored u WHERE u.product_id = p.id), 0)::integer AS available,
              (SELECT count(*) FROM orders o WHERE o.product_id = p.id)::integer
                + (SELECT count(*) FROM unstored u WHERE u.product_id = p.id)::integer AS orders,
              (SELECT coalesce(sum(quantity), 0) FROM orders o WHERE o.product_id = p.id)::integer
                + (SELECT coalesce(sum(quantity), 0) FROM unstored u WHERE u.product_id = p.id)::integer AS sold
         FROM products p WHERE p.id = $4`,
      [...orderColumns(waiting), productId],
    );
    const row = rows[0];
    return row && { productId, ...row };
  }

  /** Every product's stock left once the `waiting` orders not stored yet are taken off (one snapshot). */
  async availableAfter(waiting: readonly OrderRecord[]): Promise<Map<number, number>> {
    const { rows } = await this.pool.query<{ id: number; available: number }>(
      `WITH ${UNSTORED_CTE}
       SELECT p.id, p.available - coalesce((SELECT sum(quantity) FROM unstored u WHERE u.product_id = p.id), 0)::integer AS available
         FROM products p`,
      orderColumns(waiting),
    );
    return new Map(rows.map((r) => [r.id, r.available]));
  }

  /**
   * Stores orders sold elsewhere (the Redis hot path), idempotently: an order id already stored is
   * skipped, and stock is decremented only for the rows this call inserted — one statement, so a
   * crash or a retry can never count an order twice. Returns how many were new.
   */
  async persistOrders(orders: readonly OrderRecord[]): Promise<number> {
    if (orders.length === 0) return 0;
    const { rows } = await this.pool.query<{ inserted: number }>(
      `WITH incoming AS (
         SELECT * FROM unnest($1::uuid[], $2::bigint[], $3::integer[], $4::timestamptz[])
           AS t(id, product_id, quantity, created_at)
       ), inserted AS (
         INSERT INTO orders (id, product_id, quantity, created_at)
         SELECT id, product_id, quantity, created_at FROM incoming
         ON CONFLICT (id) DO NOTHING
         RETURNING product_id, quantity
       ), totals AS (
         SELECT product_id, sum(quantity)::integer AS quantity, count(*)::integer AS n FROM inserted GROUP BY product_id
       ), updated AS (
         UPDATE products p SET available = p.available - totals.quantity FROM totals WHERE p.id = totals.product_id
         RETURNING totals.n
       )
       SELECT coalesce(sum(n), 0)::integer AS inserted FROM updated`,
      [...orderColumns(orders), orders.map((o) => o.createdAt)],
    );
    return rows[0]?.inserted ?? 0;
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
}
