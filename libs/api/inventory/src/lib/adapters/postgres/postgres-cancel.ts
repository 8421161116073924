import { CancelOutcome } from '../../inventory-store';
import { alreadyCancelled, CANCEL_ORDER_NOT_FOUND } from '../../order-cancel';
import { PostgresDatabase, timestamp } from './postgres-database';
import { ORDER_COLUMNS, OrderRow, toOrder } from './postgres-rows';

/**
 * The operator's cancel as one transaction, atomic with purchases:
 * 1. the mark, on the order row: a concurrent cancel of the same order waits for this row's lock,
 *    then finds it marked (READ COMMITTED re-checks `cancelled_at IS NULL`) and changes nothing;
 * 2. the units back, on the product row: the lock every purchase batch sells under, so a batch
 *    sells the returned units only after this commits, from the row as it then is;
 * 3. the buyer's total down: purchases write buyer_totals only while holding that same product
 *    lock, which this transaction now holds, so the total read here is final.
 * Locks are taken order row first, product row second; purchases take only product rows (and
 * insert new orders), so no cycle can form between cancels and purchases.
 */
export class PostgresCancels {
  constructor(private readonly database: PostgresDatabase) {}

  cancelOrder(orderId: string, nowMs: number): Promise<CancelOutcome> {
    return this.database.transaction(async (client): Promise<CancelOutcome> => {
      const marked = await client.query<OrderRow>(
        `UPDATE orders SET cancelled_at = $2::timestamptz WHERE id = $1 AND cancelled_at IS NULL
         RETURNING ${ORDER_COLUMNS}`,
        [orderId, timestamp(nowMs)],
      );
      const row = marked.rows[0];
      if (!row) {
        const { rows } = await client.query<OrderRow>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE id = $1`, [
          orderId,
        ]);
        return rows[0] ? alreadyCancelled(toOrder(rows[0])) : CANCEL_ORDER_NOT_FOUND;
      }
      const product = await client.query<{ available: number }>(
        'UPDATE products SET available = available + $2 WHERE id = $1 RETURNING available',
        [row.product_id, row.quantity],
      );
      if (product.rows.length === 0) throw new Error(`Order ${orderId} has no product ${row.product_id}`);
      if (row.buyer_id !== null) {
        // buyer_totals holds only buyers who hold some (CHECK quantity > 0): an emptied total goes.
        // The two conditions are disjoint, so one of the CTEs changes the row.
        await client.query(
          `WITH dropped AS (
             DELETE FROM buyer_totals WHERE product_id = $1 AND buyer_id = $2 AND quantity <= $3
           )
           UPDATE buyer_totals SET quantity = quantity - $3
            WHERE product_id = $1 AND buyer_id = $2 AND quantity > $3`,
          [row.product_id, row.buyer_id, row.quantity],
        );
      }
      return { ok: true, order: toOrder(row), available: product.rows[0].available };
    });
  }
}
