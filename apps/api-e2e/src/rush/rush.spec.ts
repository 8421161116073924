import { ErrorCode, Order } from '@gtd/shared-contracts';
import { catalogWithStocks, HTTP_ADAPTERS, Reply, send, tally, useServer, volley } from '@gtd/testing';
import {
  availableOf,
  BuyBody,
  buyRequest,
  expectSerialHistory,
  fetchOrders,
  successes,
  sum,
} from '../support/drop';

/**
 * The drop itself: far more buyers than stock, all at the same moment, over hundreds of
 * connections to one built server on a real SQLite file.
 */
describe.each(HTTP_ADAPTERS)('rush on %s: concurrent POST /buy against one server', (httpAdapter) => {
  const GOLDEN_STOCK = 500;
  const MIXED_STOCK = 300;
  const server = useServer(catalogWithStocks(GOLDEN_STOCK, MIXED_STOCK, 2), { HTTP_ADAPTER: httpAdapter });

  it('2,000 buyers over 256 sockets for 500 tickets: exactly 500 sold, 1,500 SOLD_OUT, every order stored', async () => {
    const REQUESTS = 2000;
    const { replies, sockets } = await volley<BuyBody>(server.baseUrl, REQUESTS, () => buyRequest(1, 1), 256);

    expect(sockets).toBeGreaterThanOrEqual(200);
    expect(tally(replies.map((r) => r.status))).toEqual({ '201': 500, '409': 1500 });

    const sold = successes(replies);
    const rejected = replies.filter((r) => r.status === 409);
    expect(tally(rejected.map((r) => r.body.code))).toEqual({ [ErrorCode.SoldOut]: 1500 });
    for (const r of rejected) {
      expect(r.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(r.body).toMatchObject({ status: 409, code: ErrorCode.SoldOut, available: 0, productId: 1 });
    }

    for (const sale of sold) expect(sale).toMatchObject({ productId: 1, quantity: 1 });
    expect(new Set(sold.map((s) => s.orderId)).size).toBe(GOLDEN_STOCK);
    expect(sold.map((s) => s.remaining).sort((a, b) => a - b)).toEqual(
      Array.from({ length: GOLDEN_STOCK }, (_, i) => i),
    );

    expect(await availableOf(server.baseUrl, 1)).toBe(0);

    const orders = await fetchOrders(
      server.baseUrl,
      sold.map((s) => s.orderId),
    );
    expect(tally(orders.map((o) => o.status))).toEqual({ '200': GOLDEN_STOCK });
    orders.forEach((order: Reply<Order>, i) =>
      expect(order.body).toMatchObject({ orderId: sold[i].orderId, productId: 1, quantity: 1 }),
    );

    console.log(
      `rush: ${REQUESTS} requests over ${sockets} sockets, stock ${GOLDEN_STOCK} → sold ${sold.length}, ` +
        `${rejected.length} × 409 SOLD_OUT, ${orders.length} orders found`,
    );
  });

  it('600 buyers asking 1–3 each for 300 units: all or nothing, stock + sold = 300, never oversold', async () => {
    const REQUESTS = 600;
    // 2+3+1+3+2 = 11 per cycle does not divide 300, so the last units meet larger asks (INSUFFICIENT_STOCK).
    const asked = (i: number) => [2, 3, 1, 3, 2][i % 5];
    const { replies } = await volley<BuyBody>(server.baseUrl, REQUESTS, (i) => buyRequest(2, asked(i)), 256);

    const statuses = tally(replies.map((r) => r.status));
    expect(statuses['201']).toBeGreaterThan(0);
    expect(Object.keys(statuses).filter((status) => status !== '201' && status !== '409')).toEqual([]);

    replies.forEach((r, i) => {
      if (r.status === 201) {
        expect(r.body).toMatchObject({ productId: 2, quantity: asked(i) });
        return;
      }
      expect([ErrorCode.SoldOut, ErrorCode.InsufficientStock]).toContain(r.body.code);
      if (r.body.code === ErrorCode.InsufficientStock) {
        expect(r.body.available).toBeGreaterThan(0);
        expect(r.body.available).toBeLessThan(asked(i));
      } else {
        expect(r.body.available).toBe(0);
      }
    });

    const sold = successes(replies);
    const soldUnits = sum(sold.map((s) => s.quantity));
    expect(soldUnits).toBeLessThanOrEqual(MIXED_STOCK);
    expect(new Set(sold.map((s) => s.orderId)).size).toBe(sold.length);
    const lastRemaining = expectSerialHistory(sold, MIXED_STOCK);

    const available = await availableOf(server.baseUrl, 2);
    expect(available).toBe(lastRemaining);
    expect(available + soldUnits).toBe(MIXED_STOCK);

    const orders = await fetchOrders(
      server.baseUrl,
      sold.map((s) => s.orderId),
    );
    orders.forEach((order, i) => {
      expect(order.status).toBe(200);
      expect(order.body).toMatchObject({ productId: 2, quantity: sold[i].quantity });
    });

    // The golden ticket's count is untouched by the other product's rush.
    expect(await availableOf(server.baseUrl, 1)).toBe(0);

    console.log(
      `rush (mixed 1–3): ${REQUESTS} requests, stock ${MIXED_STOCK} → ${sold.length} orders, ${soldUnits} units sold, ` +
        `${available} left, non-201: ${JSON.stringify(tally(replies.filter((r) => r.status !== 201).map((r) => r.body.code)))}`,
    );
  });

  it('all or nothing: asking for more than is left sells nothing and says how many are left', async () => {
    const tooMany = await send<BuyBody>(server.baseUrl, buyRequest(3, 3));
    expect(tooMany.status).toBe(409);
    expect(tooMany.body).toMatchObject({
      code: ErrorCode.InsufficientStock,
      status: 409,
      available: 2,
      productId: 3,
    });
    expect(await availableOf(server.baseUrl, 3)).toBe(2);

    const rest = await send<BuyBody>(server.baseUrl, buyRequest(3, 2));
    expect(rest.status).toBe(201);
    expect(rest.body).toMatchObject({ productId: 3, quantity: 2, remaining: 0 });

    const late = await send<BuyBody>(server.baseUrl, buyRequest(3, 1));
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ code: ErrorCode.SoldOut, available: 0 });
    expect(await availableOf(server.baseUrl, 3)).toBe(0);
  });
});
