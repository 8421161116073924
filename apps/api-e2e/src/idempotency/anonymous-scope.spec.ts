import { catalogWithStocks, HTTP_ADAPTERS, RequestSpec, send, useServer } from '@gtd/testing';
import { BuyBody, buyRequest } from '../support/drop';

/** An anonymous buyer behind the trusted proxy (loopback), known by the address it forwards. */
const fromClient = (address: string, key: string): RequestSpec => ({
  ...buyRequest(1, 1),
  headers: { 'x-forwarded-for': address, 'idempotency-key': key },
});

describe.each(HTTP_ADAPTERS)('anonymous Idempotency-Keys on %s', (httpAdapter) => {
  const server = useServer(catalogWithStocks(100), { HTTP_ADAPTER: httpAdapter, TRUST_PROXY: 'loopback' });

  it("never answers a second client's key with the first client's order; the first client's retry replays", async () => {
    const key = `shared-${httpAdapter}`;
    const first = await send<BuyBody>(server.baseUrl, fromClient('203.0.113.10', key));
    expect(first.status).toBe(201);

    // Same key, same body, another client: a purchase of its own, not the first one's answer.
    const other = await send<BuyBody>(server.baseUrl, fromClient('198.51.100.20', key));
    expect(other.status).toBe(201);
    expect(other.headers['idempotent-replayed']).toBeUndefined();
    expect(other.body.orderId).not.toBe(first.body.orderId);
    expect(other.body.remaining).toBe((first.body.remaining as number) - 1);

    // Each client's retry replays its own first answer and sells nothing more.
    for (const [address, original] of [
      ['203.0.113.10', first],
      ['198.51.100.20', other],
    ] as const) {
      const retry = await send<BuyBody>(server.baseUrl, fromClient(address, key));
      expect(retry.status).toBe(201);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.text).toBe(original.text);
    }
  });
});
