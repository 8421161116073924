import { DropRules, OrderRecord, ProductRecord, SoldOrder } from '../../inventory-store';
import { OrderColumns, orderFromRow, ProductColumns, productFromRow } from '../sql-rows';

/** Column lists, rows as node-postgres returns them, and their mapping to the port's records. */

const msOf = (column: string, alias: string): string =>
  `(extract(epoch FROM ${column}) * 1000)::bigint AS ${alias}`;

export const RULE_COLUMNS = `paused, per_buyer_limit, ${msOf('starts_at', 'starts_at_ms')}, ${msOf('ends_at', 'ends_at_ms')}`;
export const PRODUCT_COLUMNS = `id, name, description, price, currency, stock, available, ${RULE_COLUMNS}`;
export const ORDER_COLUMNS =
  'id, product_id, quantity, buyer_id, created_at, unit_price, currency, cancelled_at';

export interface RuleRow {
  paused: boolean;
  per_buyer_limit: number | null;
  starts_at_ms: number | null;
  ends_at_ms: number | null;
}

export interface ProductRow extends RuleRow, ProductColumns {}

export interface OrderRow extends OrderColumns {
  created_at: Date;
  cancelled_at: Date | null;
}

export const toRules = (row: RuleRow): DropRules => ({
  startsAtMs: row.starts_at_ms,
  endsAtMs: row.ends_at_ms,
  paused: row.paused,
  perBuyerLimit: row.per_buyer_limit,
});

export const toProduct = (row: ProductRow): ProductRecord => productFromRow(row, toRules(row));

export const toOrder = (row: OrderRow): OrderRecord =>
  orderFromRow(row, row.created_at.toISOString(), row.cancelled_at?.toISOString() ?? null);

/** Orders as the four arrays `unnest($1::uuid[], $2::bigint[], $3::integer[], $4::uuid[])` takes. */
export const orderColumns = (
  orders: readonly SoldOrder[],
): [string[], number[], number[], (string | null)[]] => [
  orders.map((o) => o.orderId),
  orders.map((o) => o.productId),
  orders.map((o) => o.quantity),
  orders.map((o) => o.buyerId),
];
