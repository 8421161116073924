import { ErrorCode } from '@gtd/shared-contracts';
import { catalogWithStocks, HTTP_ADAPTERS, RequestSpec, send, tally, useServer, volley } from '@gtd/testing';
import { availableOf, BuyBody, buyRequest, fetchOrders } from '../support/drop';

const withKey = (spec: RequestSpec, key: string): RequestSpec => ({
  ...spec,
  headers: { ...spec.headers, 'idempotency-key': key },
});

describe.each(HTTP_ADAPTERS)('Idempotency-Key on POST /buy on %s', (httpAdapter) => {
  const server = useServer(catalogWithStocks(1000, 1), { HTTP_ADAPTER: httpAdapter });

  it('answers 100 concurrent retries of one key with one order, every answer identical', async () => {
    const before = await availableOf(server.baseUrl, 1);
    const { replies } = await volley<BuyBody>(
      server.baseUrl,
      100,
      () => withKey(buyRequest(1, 2), `rush-${httpAdapter}`),
      100,
    );
    expect(tally(replies.map((r) => r.status))).toEqual({ '201': 100 });
    expect(new Set(replies.map((r) => r.text)).size).toBe(1);
    expect(tally(replies.map((r) => String(r.headers['idempotent-replayed'])))).toEqual({
      undefined: 1,
      true: 99,
    });
    const [order] = await fetchOrders(server.baseUrl, [replies[0].body.orderId as string]);
    expect(order.status).toBe(200);
    expect(order.body).toMatchObject({ productId: 1, quantity: 2 });
    expect(await availableOf(server.baseUrl, 1)).toBe(before - 2);
  });

  it('replays the first answer to a later retry, even once the stock is gone', async () => {
    const first = await send<BuyBody>(server.baseUrl, withKey(buyRequest(2, 1), `last-${httpAdapter}`));
    expect(first.status).toBe(201);
    expect(first.body.remaining).toBe(0);
    const retry = await send<BuyBody>(server.baseUrl, withKey(buyRequest(2, 1), `last-${httpAdapter}`));
    expect(retry.status).toBe(201);
    expect(retry.text).toBe(first.text);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    // Without the key the same request is a new purchase, and there is nothing left.
    expect((await send<BuyBody>(server.baseUrl, buyRequest(2, 1))).body.code).toBe(ErrorCode.SoldOut);
  });

  it('answers 422 IDEMPOTENCY_KEY_MISMATCH when the key comes back with another body', async () => {
    const key = `mismatch-${httpAdapter}`;
    expect((await send(server.baseUrl, withKey(buyRequest(1, 1), key))).status).toBe(201);
    const before = await availableOf(server.baseUrl, 1);
    const other = await send<BuyBody>(server.baseUrl, withKey(buyRequest(1, 3), key));
    expect(other.status).toBe(422);
    expect(other.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(other.body).toMatchObject({ code: ErrorCode.IdempotencyKeyMismatch, status: 422 });
    expect(await availableOf(server.baseUrl, 1)).toBe(before);
  });

  it('refuses a malformed key with 400 VALIDATION_FAILED naming the header', async () => {
    for (const key of ['', 'x'.repeat(256)]) {
      const reply = await send<BuyBody>(server.baseUrl, withKey(buyRequest(1, 1), key));
      expect(reply.status).toBe(400);
      expect(reply.body).toMatchObject({
        code: ErrorCode.ValidationFailed,
        errors: [{ field: 'Idempotency-Key', messages: expect.any(Array) }],
      });
    }
  });
});
