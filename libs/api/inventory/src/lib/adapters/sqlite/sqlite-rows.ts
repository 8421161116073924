import { InventorySnapshot, OrderRecord, ProductRecord, SoldOrder, soldOrderOf } from '../../inventory-store';
import { OrderColumns, orderFromRow, ProductColumns, productFromRow } from '../sql-rows';

/** Rows as better-sqlite3 returns them, and their mapping to the port's records. */

export interface ProductRow extends ProductColumns {
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

export interface OrderRow extends OrderColumns {
  created_at: string;
  cancelled_at: string | null;
}

export interface KeyRow {
  fingerprint: string;
  order_id: string;
  remaining: number;
  created_at_ms: number;
}

export const ORDER_COLUMNS =
  'id, product_id, quantity, buyer_id, created_at, unit_price, currency, cancelled_at';

export const PRODUCT_COLUMNS =
  'id, name, description, price, currency, stock, available, starts_at, ends_at, paused, per_buyer_limit';

export const toOrder = (row: OrderRow): OrderRecord => orderFromRow(row, row.created_at, row.cancelled_at);

/** A stored order as a replayed purchase answers it (no price: see `PurchaseOutcome`). */
export const toSoldOrder = (row: OrderRow): SoldOrder => soldOrderOf(toOrder(row));

export const toProduct = (row: ProductRow): ProductRecord =>
  productFromRow(row, {
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
