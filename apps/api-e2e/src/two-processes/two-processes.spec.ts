import { ErrorCode } from '@gtd/shared-contracts';
import { catalogWithStocks, cleanup, dropFiles, RunningApi, startServer, tally, volley } from '@gtd/testing';
import {
  availableOf,
  BuyBody,
  buyRequest,
  expectSerialHistory,
  fetchOrders,
  listProducts,
  successes,
} from '../support/drop';

/**
 * Two API processes on one SQLite file: the file, not either process, is the single source of
 * truth, so together they must sell exactly the stock and see each other's orders.
 */
describe('two API processes on the same SQLite file', () => {
  const STOCK = 300;
  const REQUESTS_PER_SERVER = 600;
  let first: RunningApi;
  let second: RunningApi;

  beforeAll(async () => {
    const options = dropFiles(catalogWithStocks(STOCK));
    // One after the other: the first creates and seeds the file, the second opens it as it is.
    first = await startServer(options);
    second = await startServer(options);
  });

  afterAll(cleanup);

  it('rushed at once, they sell exactly the stock between them', async () => {
    const [a, b] = await Promise.all([
      volley<BuyBody>(first.baseUrl, REQUESTS_PER_SERVER, () => buyRequest(1, 1), 128),
      volley<BuyBody>(second.baseUrl, REQUESTS_PER_SERVER, () => buyRequest(1, 1), 128),
    ]);
    const replies = [...a.replies, ...b.replies];

    expect(tally(replies.map((r) => r.status))).toEqual({
      '201': STOCK,
      '409': 2 * REQUESTS_PER_SERVER - STOCK,
    });
    expect(tally(replies.filter((r) => r.status === 409).map((r) => r.body.code))).toEqual({
      [ErrorCode.SoldOut]: 2 * REQUESTS_PER_SERVER - STOCK,
    });

    const soldByFirst = successes(a.replies);
    const soldBySecond = successes(b.replies);
    const sold = [...soldByFirst, ...soldBySecond];
    expect(new Set(sold.map((s) => s.orderId)).size).toBe(STOCK);
    // One serial history across both processes: remaining takes every value 299..0 exactly once.
    expect(expectSerialHistory(sold, STOCK)).toBe(0);

    expect(await availableOf(first.baseUrl, 1)).toBe(0);
    expect(await availableOf(second.baseUrl, 1)).toBe(0);

    // Each process finds every order, including the ones the other one took.
    for (const server of [first, second]) {
      const orders = await fetchOrders(
        server.baseUrl,
        sold.map((s) => s.orderId),
      );
      expect(tally(orders.map((o) => o.status))).toEqual({ '200': STOCK });
      orders.forEach((order, i) =>
        expect(order.body).toMatchObject({ orderId: sold[i].orderId, productId: 1 }),
      );
    }

    console.log(
      `two processes: ${2 * REQUESTS_PER_SERVER} requests (${REQUESTS_PER_SERVER} each, ${a.sockets}+${b.sockets} sockets), ` +
        `stock ${STOCK} → sold ${soldByFirst.length} + ${soldBySecond.length} = ${sold.length}`,
    );
  });

  it('a second process opening a seeded file does not re-seed it', async () => {
    // Both processes read the same, sold-out counts; neither restored the catalogue's stock.
    for (const server of [first, second]) {
      expect(await listProducts(server.baseUrl)).toEqual([
        expect.objectContaining({ id: 1, stock: STOCK, available: 0 }),
      ]);
    }
  });
});
