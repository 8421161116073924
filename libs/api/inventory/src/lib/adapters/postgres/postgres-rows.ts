import { DropRules, OrderRecord, ProductRecord } from '../../inventory-store';

/** Column lists, rows as node-postgres returns them, and their mapping to the port's records. */

const msOf = (column: string, alias: string): string =>
  `(extract(epoch FROM ${column}) * 1000)::bigint AS ${alias}`;

export const RULE_COLUMNS = `paused, per_buyer_limit, ${msOf('starts_at', 'starts_at_ms')}, ${msOf('ends_at', 'ends_at_ms')}`;
export const PRODUCT_COLUMNS = `id, name, description, price, currency, stock, available, ${RULE_COLUMNS}`;
export const ORDER_COLUMNS = 'id, product_id, quantity, buyer_id, created_at';

export interface RuleRow {
  paused: boolean;
  per_buyer_limit: number | null;
  starts_at_ms: number | null;
  ends_at_ms: number | null;
}

export interface ProductRow extends RuleRow {
  id: number;
  name: string;
  description: string;
  price: number;
  currency: string;
  stock: number;
  available: number;
}

export interface OrderRow {
  id: string;
  product_id: number;
  quantity: number;
  buyer_id: string | null;
  created_at: Date;
}

export const toRules = (row: RuleRow): DropRules => ({
  startsAtMs: row.starts_at_ms,
  endsAtMs: row.ends_at_ms,
  paused: row.paused,
  perBuyerLimit: row.per_buyer_limit,
});

export const toProduct = (row: ProductRow): ProductRecord => ({
  id: row.id,
  name: row.name,
  description: row.description,
  price: row.price,
  currency: row.currency,
  stock: row.stock,
  available: row.available,
  ...toRules(row),
});

export const toOrder = (row: OrderRow): OrderRecord => ({
  orderId: row.id,
  productId: row.product_id,
  quantity: row.quantity,
  buyerId: row.buyer_id,
  createdAt: row.created_at.toISOString(),
});

/** Orders as the four arrays `unnest($1::uuid[], $2::bigint[], $3::integer[], $4::uuid[])` takes. */
export const orderColumns = (
  orders: readonly OrderRecord[],
): [string[], number[], number[], (string | null)[]] => [
  orders.map((o) => o.orderId),
  orders.map((o) => o.productId),
  orders.map((o) => o.quantity),
  orders.map((o) => o.buyerId),
];
