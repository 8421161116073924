import { ErrorCode } from '@gtd/shared-contracts';
import { randomUUID } from 'node:crypto';
import { Pool, types } from 'pg';
import { CatalogEntry } from '../catalog';
import {
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

  async salesSummary(productId: number): Promise<SalesSummary | undefined> {
    const { rows } = await this.pool.query<{
      stock: number;
      available: number;
      orders: number;
      sold: number;
    }>(
      `SELECT p.stock, p.available,
              (SELECT count(*)::int FROM orders o WHERE o.product_id = p.id) AS orders,
              (SELECT coalesce(sum(quantity), 0)::int FROM orders o WHERE o.product_id = p.id) AS sold
         FROM products p WHERE p.id = $1`,
      [productId],
    );
    const row = rows[0];
    return row && { productId, ...row };
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }
}
