import { DropServices, health, Health, Reply } from '@gtd/testing';

/** What PostgreSQL holds for one product: its row and the orders stored for it. */
export interface StoredSales {
  stock: number;
  available: number;
  orders: number;
  sold: number;
  orderIds: string[];
}

export async function storedSales(services: DropServices, productId: number): Promise<StoredSales> {
  const [product] = await services.sql<{ stock: number; available: number }>(
    'SELECT stock, available FROM products WHERE id = $1',
    [productId],
  );
  if (!product) throw new Error(`PostgreSQL has no product ${productId}`);
  const orders = await services.sql<{ id: string; quantity: number }>(
    'SELECT id::text AS id, quantity FROM orders WHERE product_id = $1',
    [productId],
  );
  return {
    stock: product.stock,
    available: product.available,
    orders: orders.length,
    sold: orders.reduce((total, o) => total + o.quantity, 0),
    orderIds: orders.map((o) => o.id),
  };
}

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/**
 * Polls `/health` until the persister reports an empty backlog (every confirmed order is in
 * PostgreSQL); resolves with how many polls it took, or fails with the last answer.
 */
export async function waitForEmptyBacklog(baseUrl: string, timeoutMs = 30_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last: Reply<Health> | undefined;
  for (let polls = 1; ; polls++) {
    last = await health(baseUrl);
    if (last.status === 200 && last.body.details.persister?.backlog === 0) return polls;
    if (Date.now() > deadline) {
      throw new Error(`persister backlog not empty after ${timeoutMs} ms: ${last.status} ${last.text}`);
    }
    await sleep(100);
  }
}
