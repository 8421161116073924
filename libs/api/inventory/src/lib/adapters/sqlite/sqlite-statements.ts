import Database from 'better-sqlite3';
import type { TalliedRejectionCode } from '../../inventory-store';
import { KeyRow, ORDER_COLUMNS, OrderRow, PRODUCT_COLUMNS, ProductRow, SnapshotRow } from './sqlite-rows';

/** Every statement the inventory port runs, prepared once per connection. */
export function prepareInventoryStatements(db: Database.Database) {
  const returningProduct = `RETURNING ${PRODUCT_COLUMNS}`;
  return {
    // The price comes from the very row the sale decrements, in the same statement.
    decrement: db.prepare<[number, number, number], { available: number; price: number; currency: string }>(
      'UPDATE products SET available = available - ? WHERE id = ? AND available >= ? RETURNING available, price, currency',
    ),
    insertOrder: db.prepare<[string, number, number, string | null, string, number, string]>(
      `INSERT INTO orders (id, product_id, quantity, buyer_id, created_at, unit_price, currency)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
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
    order: db.prepare<[string], OrderRow>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = ?`),
    ordersPage: db.prepare<[number, string, string, number], OrderRow>(
      `SELECT ${ORDER_COLUMNS} FROM orders
       WHERE product_id = ? AND (created_at, id) > (?, ?) ORDER BY created_at, id LIMIT ?`,
    ),
    buyerOrdersPage: db.prepare<[string, string, string, number], OrderRow>(
      `SELECT ${ORDER_COLUMNS} FROM orders
       WHERE buyer_id = ? AND (created_at, id) > (?, ?) ORDER BY created_at, id LIMIT ?`,
    ),
    sales: db.prepare<[number], { orders: number; sold: number }>(
      `SELECT COUNT(*) AS orders, COALESCE(SUM(quantity), 0) AS sold FROM orders
       WHERE product_id = ? AND cancelled_at IS NULL`,
    ),
    // The cancel's writes (SqliteInventoryStore.cancelOrder), run together in one transaction.
    markCancelled: db.prepare<[string, string], OrderRow>(
      `UPDATE orders SET cancelled_at = ? WHERE id = ? AND cancelled_at IS NULL RETURNING ${ORDER_COLUMNS}`,
    ),
    putBack: db.prepare<[number, number], { available: number }>(
      'UPDATE products SET available = available + ? WHERE id = ? RETURNING available',
    ),
    // A total the cancel empties is removed (the table holds only buyers who hold some).
    dropBuyerTotal: db.prepare<[number, string, number]>(
      'DELETE FROM buyer_totals WHERE product_id = ? AND buyer_id = ? AND quantity <= ?',
    ),
    lowerBuyerTotal: db.prepare<[number, number, string]>(
      'UPDATE buyer_totals SET quantity = quantity - ? WHERE product_id = ? AND buyer_id = ?',
    ),
    buyerCount: db.prepare<[number], { n: number }>(
      'SELECT COUNT(*) AS n FROM buyer_totals WHERE product_id = ?',
    ),
    rejects: db.prepare<[number], { code: TalliedRejectionCode; count: number }>(
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
    restockAdd: db.prepare<[number, number, number], ProductRow>(
      `UPDATE products SET stock = stock + ?, available = available + ? WHERE id = ? ${returningProduct}`,
    ),
    restockSet: db.prepare<[number, number, number], ProductRow>(
      `UPDATE products SET stock = stock + (? - available), available = ? WHERE id = ? ${returningProduct}`,
    ),
    countProducts: db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM products'),
  };
}

export type InventoryStatements = ReturnType<typeof prepareInventoryStatements>;
