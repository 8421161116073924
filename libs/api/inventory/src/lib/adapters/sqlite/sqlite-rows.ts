import { InventorySnapshot, OrderRecord, ProductRecord } from '../../inventory-store';

/** Rows as better-sqlite3 returns them, and their mapping to the port's records. */

export interface ProductRow {
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

export interface SnapshotRow {
  available: number;
  startsAtMs: number | null;
  endsAtMs: number | null;
  paused: number;
  perBuyerLimit: number | null;
}

export interface OrderRow {
  id: string;
  product_id: number;
  quantity: number;
  buyer_id: string | null;
  created_at: string;
}

export interface KeyRow {
  fingerprint: string;
  order_id: string;
  remaining: number;
  created_at_ms: number;
}

export const PRODUCT_COLUMNS =
  'id, name, description, price, currency, stock, available, starts_at, ends_at, paused, per_buyer_limit';

export const toOrder = (row: OrderRow): OrderRecord => ({
  orderId: row.id,
  productId: row.product_id,
  quantity: row.quantity,
  buyerId: row.buyer_id,
  createdAt: row.created_at,
});

export const toProduct = (row: ProductRow): ProductRecord => ({
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

/** SQLite has no boolean: the row's 0/1 becomes one in place (the poll allocates nothing more). */
export function snapshotOf(row: SnapshotRow | undefined): InventorySnapshot | undefined {
  if (!row) return undefined;
  const snapshot = row as unknown as InventorySnapshot;
  snapshot.paused = row.paused === 1;
  return snapshot;
}
