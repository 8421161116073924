import { CatalogEntry, catalogDropRules } from '../../catalog';
import { InventorySnapshot, NewProduct, ProductPatch, ProductRecord, Restock } from '../../inventory-store';
import { patchAssignments } from '../sql-columns';
import { PostgresDatabase, timestamp } from './postgres-database';
import { PRODUCT_COLUMNS, ProductRow, RULE_COLUMNS, RuleRow, toProduct, toRules } from './postgres-rows';

/** Any constant: concurrent `createProduct` calls take turns on it, so each sees the other's id. */
const PRODUCT_ID_LOCK = 0x67746402;

/**
 * The products table: catalogue reads, the poll, and the operator's writes. Shared by the
 * PostgreSQL inventory and by the Redis adapter, whose source of truth this is.
 */
export class PostgresCatalogue {
  constructor(private readonly database: PostgresDatabase) {}

  async seedIfEmpty(catalog: readonly CatalogEntry[]): Promise<boolean> {
    return this.database.transaction(async (client) => {
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
    const { rows } = await this.database.query<ProductRow>(
      `SELECT ${PRODUCT_COLUMNS} FROM products ORDER BY id`,
    );
    return rows.map(toProduct);
  }

  async findProduct(productId: number): Promise<ProductRecord | undefined> {
    const { rows } = await this.database.query<ProductRow>(
      `SELECT ${PRODUCT_COLUMNS} FROM products WHERE id = $1`,
      [productId],
    );
    return rows[0] && toProduct(rows[0]);
  }

  async inventory(productId: number): Promise<InventorySnapshot | undefined> {
    const { rows } = await this.database.query<RuleRow & { available: number }>({
      name: 'gtd_inventory',
      text: `SELECT available, ${RULE_COLUMNS} FROM products WHERE id = $1`,
      values: [productId],
    });
    const row = rows[0];
    return row && { available: row.available, ...toRules(row) };
  }

  async createProduct(product: NewProduct): Promise<ProductRecord> {
    return this.database.transaction(async (client) => {
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
    const isInstant = (field: keyof ProductPatch) => field === 'startsAtMs' || field === 'endsAtMs';
    const { assignments, values } = patchAssignments(
      patch,
      // $1 is the product id.
      (index, field) => `$${index + 1}${isInstant(field) ? '::timestamptz' : ''}`,
      (field, value) => (isInstant(field) ? timestamp(value as number | null) : value),
    );
    if (assignments.length === 0) return this.findProduct(productId);
    const { rows } = await this.database.query<ProductRow>(
      `UPDATE products SET ${assignments.join(', ')} WHERE id = $1 RETURNING ${PRODUCT_COLUMNS}`,
      [productId, ...values],
    );
    return rows[0] && toProduct(rows[0]);
  }

  /** One UPDATE: it takes the row lock purchases take, and every right-hand side reads the old row. */
  async restock(productId: number, restock: Restock): Promise<ProductRecord | undefined> {
    const { rows } = await this.database.query<ProductRow>(
      `UPDATE products
          SET stock = CASE WHEN $2 = 'add' THEN stock + $3 ELSE stock - available + $3 END,
              available = CASE WHEN $2 = 'add' THEN available + $3 ELSE $3 END
        WHERE id = $1
       RETURNING ${PRODUCT_COLUMNS}`,
      [productId, restock.mode, restock.quantity],
    );
    return rows[0] && toProduct(rows[0]);
  }
}
