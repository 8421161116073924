import { ApiRoutes, Inventory } from '@gtd/shared-contracts';
import { catalogWithStocks, HTTP_ADAPTERS, Reply, send, useServer } from '@gtd/testing';
import { buyRequest } from '../support/drop';

const CACHE_CONTROL = 'public, max-age=0, s-maxage=1, stale-while-revalidate=2';

/** The cheap poll: strong ETag, bodiless 304 while nothing changed, cache headers a CDN can use. */
describe.each(HTTP_ADAPTERS)('conditional polling of the inventory on %s', (httpAdapter) => {
  const STOCK = 5;
  const server = useServer(catalogWithStocks(STOCK), { HTTP_ADAPTER: httpAdapter });
  const poll = (ifNoneMatch?: string) =>
    send<Inventory>(server.baseUrl, {
      path: ApiRoutes.inventory(1),
      headers: ifNoneMatch === undefined ? {} : { 'if-none-match': ifNoneMatch },
    });

  it('answers the count, the state and the suggested interval, with a strong ETag and CDN-friendly caching', async () => {
    const reply = await poll();
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ productId: 1, available: STOCK, state: 'live', pollAfterMs: 1000 });
    expect(reply.headers['etag']).toMatch(/^"[^"]+"$/);
    expect(reply.headers['cache-control']).toBe(CACHE_CONTROL);
  });

  it('a repeat poll with the ETag gets 304 until the stock changes; after a purchase, the new count and tag', async () => {
    const first = await poll();
    let etag = String(first.headers['etag']);
    let body = first.text;

    // While stock stands still: 304s without a body. (Only a change of the suggested interval under
    // load could change the body meanwhile; then the answer must be a 200 with that other body.)
    let notModified = 0;
    for (let i = 0; i < 5; i++) {
      const again: Reply<Inventory> = await poll(etag);
      if (again.status === 304) {
        notModified++;
        expect(again.text).toBe('');
        expect(again.headers['etag']).toBe(etag);
        expect(again.headers['cache-control']).toBe(CACHE_CONTROL);
      } else {
        expect({ status: again.status, sameBody: again.text === body }).toEqual({
          status: 200,
          sameBody: false,
        });
        expect(again.body.available).toBe(STOCK);
        [etag, body] = [String(again.headers['etag']), again.text];
      }
    }
    expect(notModified).toBeGreaterThan(0);

    const bought = await send(server.baseUrl, buyRequest(1, 1));
    expect(bought.status).toBe(201);

    const changed = await poll(etag);
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ productId: 1, available: STOCK - 1, state: 'live' });
    expect(changed.headers['etag']).not.toBe(etag);
    expect((await poll(String(changed.headers['etag']))).status).toBe(304);
  });
});
