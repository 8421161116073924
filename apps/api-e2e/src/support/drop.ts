import { PurchaseResult } from '@gtd/shared-contracts';
import { BuyBody, Reply } from '@gtd/testing';

/** The drop vocabulary of the specs: the shared client of the API (see @gtd/testing) … */
export {
  asBuyer,
  availableOf,
  BuyBody,
  buyRequest,
  fetchOrders,
  listProducts,
  register,
  stockSnapshot,
} from '@gtd/testing';

/** … and the assertions on what was sold. */

/** The 201 bodies among the replies. */
export const successes = (replies: readonly Reply<BuyBody>[]): PurchaseResult[] =>
  replies.filter((r) => r.status === 201).map((r) => r.body as PurchaseResult);

/**
 * The sales of one product must form one serial history: sorted by `remaining`, each sale takes
 * exactly its quantity from what the previous one left, starting from the full stock. Any lost
 * update, double sale or oversell breaks the chain. Returns the last `remaining`.
 */
export function expectSerialHistory(sales: readonly PurchaseResult[], stock: number): number {
  const ordered = [...sales].sort((a, b) => b.remaining - a.remaining);
  let left = stock;
  const broken: string[] = [];
  for (const sale of ordered) {
    if (left - sale.quantity !== sale.remaining) {
      broken.push(`${left} - ${sale.quantity} != ${sale.remaining} (order ${sale.orderId})`);
    }
    left = sale.remaining;
  }
  expect(broken).toEqual([]);
  expect(left).toBeGreaterThanOrEqual(0);
  return left;
}

export const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);
