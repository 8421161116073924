import { DropRules, OrderRecord, ProductFields, ProductRecord } from '../inventory-store';

/**
 * The columns the SQLite and PostgreSQL schemas share, and their mapping to the port's records;
 * each adapter adds only what its driver returns differently (times, booleans).
 */

/** Same names in both schemas as in the record. */
export type ProductColumns = ProductFields;

export interface OrderColumns {
  id: string;
  product_id: number;
  quantity: number;
  buyer_id: string | null;
  unit_price: number;
  currency: string;
}

export const productFromRow = (row: ProductColumns, rules: DropRules): ProductRecord => ({
  id: row.id,
  name: row.name,
  description: row.description,
  price: row.price,
  currency: row.currency,
  stock: row.stock,
  available: row.available,
  ...rules,
});

/** Times as ISO 8601: the driver's own type for the columns is the adapter's to convert. */
export const orderFromRow = (
  row: OrderColumns,
  createdAt: string,
  cancelledAt: string | null,
): OrderRecord => ({
  orderId: row.id,
  productId: row.product_id,
  quantity: row.quantity,
  buyerId: row.buyer_id,
  createdAt,
  unitPrice: row.unit_price,
  currency: row.currency,
  cancelledAt,
});
