import { Order, PurchaseResult } from '@gtd/shared-contracts';
import {
  CatalogEntry,
  catalogWithStocks,
  cleanup,
  dropFiles,
  send,
  StartOptions,
  startServer,
  tally,
  volley,
  writeCatalog,
} from '@gtd/testing';
import { BuyBody, buyRequest, fetchOrders, stockSnapshot, successes, sum } from '../support/drop';

/**
 * A confirmed order is on disk before the buyer hears "bought": `kill -9` right after the answers
 * must lose nothing, and a clean restart must not re-read the catalogue into a store that has data.
 */
describe('durability of the SQLite store across restarts', () => {
  const STOCKS = [200, 150];
  let dir: string;
  let options: StartOptions;
  let catalog: CatalogEntry[];

  beforeAll(() => {
    catalog = catalogWithStocks(...STOCKS);
    ({ dir, ...options } = dropFiles(catalog));
  });

  afterAll(cleanup);

  /** Every confirmed order must be found with its product and quantity. */
  async function expectOrders(baseUrl: string, confirmed: readonly PurchaseResult[]): Promise<void> {
    const orders = await fetchOrders(
      baseUrl,
      confirmed.map((c) => c.orderId),
    );
    expect(tally(orders.map((o) => o.status))).toEqual({ '200': confirmed.length });
    orders.forEach((order, i) => {
      const product = catalog.find((p) => p.id === confirmed[i].productId);
      expect(order.body).toEqual<Order>({
        orderId: confirmed[i].orderId,
        productId: confirmed[i].productId,
        quantity: confirmed[i].quantity,
        unitPrice: product?.price ?? -1,
        currency: product?.currency ?? '',
        total: (product?.price ?? -1) * confirmed[i].quantity,
        createdAt: expect.any(String),
        status: 'sold',
        cancelledAt: null,
      });
    });
  }

  it('kill -9 loses no confirmed order and no sale; a SIGTERM restart (exit 0) does not reset stock', async () => {
    const crashing = await startServer(options);
    const confirmed: PurchaseResult[] = [];

    // 25 sequential purchases, alternating products and quantities.
    for (let i = 0; i < 25; i++) {
      const reply = await send<BuyBody>(crashing.baseUrl, buyRequest((i % 2) + 1, (i % 3) + 1));
      expect(reply.status).toBe(201);
      confirmed.push(reply.body as PurchaseResult);
    }
    // 50 concurrent ones.
    const { replies } = await volley<BuyBody>(
      crashing.baseUrl,
      50,
      (i) => buyRequest((i % 2) + 1, (i % 4) + 1),
      50,
    );
    expect(tally(replies.map((r) => r.status))).toEqual({ '201': 50 });
    confirmed.push(...successes(replies));

    const before = await stockSnapshot(crashing.baseUrl);
    STOCKS.forEach((stock, i) => {
      const units = sum(confirmed.filter((c) => c.productId === i + 1).map((c) => c.quantity));
      expect(before[i + 1]).toBe(stock - units);
    });

    // The crash: no shutdown hook, no close, no checkpoint.
    expect(await crashing.kill()).toBe('SIGKILL');

    const afterCrash = await startServer(options);
    expect(await stockSnapshot(afterCrash.baseUrl)).toEqual(before);
    await expectOrders(afterCrash.baseUrl, confirmed);

    // A clean stop exits 0 …
    expect(await afterCrash.stop()).toBe(0);

    // … and the next start, even with a catalogue that now says otherwise, keeps the store's counts.
    const restockedCatalog = writeCatalog(
      dir,
      catalog.map((p) => ({ ...p, stock: 9999 })),
      'restocked.json',
    );
    const restarted = await startServer({ ...options, catalogPath: restockedCatalog });
    expect(await stockSnapshot(restarted.baseUrl)).toEqual(before);
    await expectOrders(restarted.baseUrl, confirmed);

    // It still sells from where it was.
    const next = await send<BuyBody>(restarted.baseUrl, buyRequest(1, 1));
    expect(next.status).toBe(201);
    expect(next.body.remaining).toBe(before[1] - 1);
    expect(await restarted.stop()).toBe(0);

    console.log(
      `durability: ${confirmed.length} purchases (25 sequential + 50 concurrent), ` +
        `${sum(confirmed.map((c) => c.quantity))} units, stock ${JSON.stringify(STOCKS)} → ` +
        `left ${JSON.stringify(before)} before kill -9 and after both restarts`,
    );
  });
});
