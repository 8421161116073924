import { ApiRoutes, ErrorCode, Inventory } from '@gtd/shared-contracts';
import {
  catalogWithStocks,
  cleanup,
  dropFiles,
  HTTP_ADAPTERS,
  RunningApi,
  send,
  startServer,
  tally,
  volley,
} from '@gtd/testing';
import { BuyBody, buyRequest } from '../support/drop';
import { openEventStream } from './sse-client';

/** What the server promises: at most about four updates a second (it reads every 250 ms). */
const MAX_UPDATES_PER_SECOND = 4;

describe.each(HTTP_ADAPTERS)('inventory server-sent events on %s', (httpAdapter) => {
  const STOCK = 100;
  const RUSH = 50;
  let server: RunningApi;
  let other: RunningApi;

  beforeAll(async () => {
    const options = { ...dropFiles(catalogWithStocks(STOCK, 10)), env: { HTTP_ADAPTER: httpAdapter } };
    // Two API processes on one SQLite file: a subscriber of one must see what the other sells.
    server = await startServer(options);
    other = await startServer(options);
  });

  afterAll(cleanup);

  it('a subscriber sees the count fall during a rush, in a few coalesced updates a second', async () => {
    const stream = await openEventStream<Inventory>(server.baseUrl, ApiRoutes.inventoryStream(1));
    try {
      expect(stream.status).toBe(200);
      expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
      const first = await stream.until(() => true);
      expect(first.data).toEqual({ productId: 1, available: STOCK, state: 'live', pollAfterMs: 1000 });

      const { replies } = await volley<BuyBody>(server.baseUrl, RUSH, () => buyRequest(1, 1), 50);
      expect(tally(replies.map((r) => r.status))).toEqual({ '201': RUSH });
      const last = await stream.until((data) => data.available === STOCK - RUSH);

      const counts = stream.events.map((e) => e.data.available);
      expect(new Set(counts).size).toBe(counts.length); // only changes are sent
      expect([...counts].sort((a, b) => b - a)).toEqual(counts); // and here they only fall
      const seconds = (last.at - first.at) / 1000;
      expect(stream.events.length - 1).toBeLessThanOrEqual(Math.ceil(seconds * MAX_UPDATES_PER_SECOND) + 1);
      console.log(
        `sse (${httpAdapter}): ${RUSH} purchases seen as ${stream.events.length} events over ${seconds.toFixed(2)} s: ${counts.join(' → ')}`,
      );
    } finally {
      stream.close();
    }
  });

  it('sees purchases made through another API process', async () => {
    const before = (await send<Inventory>(server.baseUrl, { path: ApiRoutes.inventory(2) })).body.available;
    const stream = await openEventStream<Inventory>(server.baseUrl, ApiRoutes.inventoryStream(2));
    try {
      await stream.until((data) => data.available === before);
      const reply = await send(other.baseUrl, buyRequest(2, 3));
      expect(reply.status).toBe(201);
      await stream.until((data) => data.available === before - 3);
    } finally {
      stream.close();
    }
  });

  it.each([
    ['an unknown product', ApiRoutes.inventoryStream(999), 404, ErrorCode.ProductNotFound],
    ['a malformed id', '/products/01/inventory/stream', 400, ErrorCode.ValidationFailed],
  ])('answers %s with a problem before any stream starts', async (_, path, status, code) => {
    const reply = await send<{ code: string }>(server.baseUrl, {
      path,
      headers: { accept: 'text/event-stream' },
    });
    expect(reply.status).toBe(status);
    expect(reply.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(reply.body.code).toBe(code);
  });
});
