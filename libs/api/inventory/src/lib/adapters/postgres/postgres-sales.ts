import { OrderRecord, OrdersPageRecord, RejectionCount, SalesSummary } from '../../inventory-store';
import { nextCursorOf, orderCursorAfter } from '../../order-cursor';
import { PostgresDatabase } from './postgres-database';
import { ORDER_COLUMNS, OrderRow, toOrder } from './postgres-rows';

/**
 * What was sold: orders, order pages, the sales summary and the rejection tallies. Shared by the
 * PostgreSQL inventory and by the Redis adapter (whose summary, which must count the sales and
 * cancels still waiting in Redis, is `PostgresOrderLedger.salesSummary`).
 */
export class PostgresSales {
  constructor(private readonly database: PostgresDatabase) {}

  async findOrder(orderId: string): Promise<OrderRecord | undefined> {
    const { rows } = await this.database.query<OrderRow>(
      `SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1`,
      [orderId],
    );
    return rows[0] && toOrder(rows[0]);
  }

  listOrders(productId: number, limit: number, after: string | null): Promise<OrdersPageRecord> {
    return this.page('product_id = $1', productId, limit, after);
  }

  /** The buyer's stored orders (orders_by_buyer_time); the Redis adapter merges its waiting ones. */
  listBuyerOrders(buyerId: string, limit: number, after: string | null): Promise<OrdersPageRecord> {
    return this.page('buyer_id = $1::uuid AND buyer_id IS NOT NULL', buyerId, limit, after);
  }

  /** `owner`: the condition on $1 that picks whose orders (one of the two above, never input). */
  private async page(
    owner: string,
    value: number | string,
    limit: number,
    after: string | null,
  ): Promise<OrdersPageRecord> {
    const cursor = orderCursorAfter(after);
    // One row more than asked says whether another page follows.
    const { rows } = cursor
      ? await this.database.query<OrderRow>(
          `SELECT ${ORDER_COLUMNS} FROM orders
            WHERE ${owner} AND (created_at, id) > ($3::timestamptz, $4::uuid)
            ORDER BY created_at, id LIMIT $2`,
          [value, limit + 1, cursor.createdAt, cursor.orderId],
        )
      : await this.database.query<OrderRow>(
          `SELECT ${ORDER_COLUMNS} FROM orders WHERE ${owner} ORDER BY created_at, id LIMIT $2`,
          [value, limit + 1],
        );
    const items = rows.slice(0, limit).map(toOrder);
    return { items, nextCursor: nextCursorOf(items, rows.length > limit) };
  }

  /** One statement, so stock = available + sold holds within the answer. */
  async salesSummary(productId: number): Promise<SalesSummary | undefined> {
    const { rows } = await this.database.query<Omit<SalesSummary, 'productId'>>(
      `SELECT p.stock, p.available,
              -- A cancelled order stays as the record of the sale, but no longer counts.
              (SELECT count(*) FROM orders o WHERE o.product_id = p.id AND o.cancelled_at IS NULL)::integer AS orders,
              (SELECT coalesce(sum(quantity), 0) FROM orders o
                WHERE o.product_id = p.id AND o.cancelled_at IS NULL)::integer AS sold,
              -- buyer_totals holds one row per buyer who holds some.
              (SELECT count(*) FROM buyer_totals t WHERE t.product_id = p.id)::integer AS buyers,
              (SELECT coalesce(jsonb_object_agg(r.code, r.count), '{}'::jsonb)
                 FROM rejections r WHERE r.product_id = p.id) AS rejects
         FROM products p WHERE p.id = $1`,
      [productId],
    );
    const row = rows[0];
    return row && { productId, ...row };
  }

  /** Adds the batch in one statement; the same product and code twice in it are summed first. */
  async recordRejections(counts: readonly RejectionCount[]): Promise<void> {
    if (counts.length === 0) return;
    await this.database.query(
      `INSERT INTO rejections AS r (product_id, code, count)
       SELECT product_id, code, sum(count) FROM unnest($1::bigint[], $2::text[], $3::bigint[])
         AS t(product_id, code, count) GROUP BY product_id, code
       ON CONFLICT (product_id, code) DO UPDATE SET count = r.count + excluded.count`,
      [counts.map((c) => c.productId), counts.map((c) => c.code), counts.map((c) => c.count)],
    );
  }
}
