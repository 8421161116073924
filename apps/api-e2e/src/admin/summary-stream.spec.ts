import { join } from 'node:path';
import { ApiRoutes, DropSummary, ErrorCode } from '@gtd/shared-contracts';
import {
  catalogWithStocks,
  cleanup,
  dropFiles,
  makeTempDir,
  RunningApi,
  send,
  startServer,
  volley,
} from '@gtd/testing';
import { buyRequest } from '../support/drop';
import { openEventStream } from '../signals/sse-client';

const TOKEN = 'e2e-operator-token-0123456789';
const STOCK = 200;
const SALES = 120;

/**
 * The console's push channel: an operator watching one instance sees what the other sold, because
 * the stream reads the store's counters (two processes on one SQLite file).
 */
describe('GET /admin/products/{id}/summary/stream across two processes', () => {
  let servers: RunningApi[] = [];
  const stream = (
    server: RunningApi,
    headers: Record<string, string> = { authorization: `Bearer ${TOKEN}` },
  ) => openEventStream<DropSummary>(server.baseUrl, ApiRoutes.admin.summaryStream(1), headers);

  beforeAll(async () => {
    const files = {
      ...dropFiles(catalogWithStocks(STOCK)),
      sqlitePath: join(makeTempDir('gtd-e2e-live'), 'drop.sqlite'),
    };
    const env = { ADMIN_TOKEN: TOKEN };
    servers = [await startServer({ ...files, env }), await startServer({ ...files, env })];
  }, 60_000);

  afterAll(cleanup);

  it('pushes the summary at once, then the other instance’s sales and sold-out rejections as they happen', async () => {
    const watching = await stream(servers[0]);
    try {
      expect(watching.status).toBe(200);
      expect(watching.headers['content-type']).toMatch(/^text\/event-stream/);
      const first = await watching.until(() => true);
      expect(first.data).toMatchObject({ productId: 1, stock: STOCK, sold: 0, available: STOCK });

      // The rush goes to the other process only: 120 sales, then 100 more attempts, 80 of them too late.
      await volley(servers[1].baseUrl, SALES, () => buyRequest(1, 1), 32);
      const midway = await watching.until((s) => s.sold === SALES, 15_000);
      expect(midway.data).toMatchObject({ available: STOCK - SALES, orders: SALES });
      await volley(servers[1].baseUrl, 100, () => buyRequest(1, 1), 32);
      const soldOut = await watching.until((s) => s.rejects.SOLD_OUT === 20 && s.sold === STOCK, 15_000);
      expect(soldOut.data).toMatchObject({ state: 'sold_out', available: 0, sold: STOCK });
      // Each event differs from the one before: nothing is pushed twice while nothing moves.
      const bodies = watching.events.map((e) => JSON.stringify(e.data));
      expect(new Set(bodies).size).toBe(bodies.length);
    } finally {
      watching.close();
    }
  }, 60_000);

  it('refuses a stream without the operator token (401) and for an unknown drop (404) before it starts', async () => {
    const anonymous = await stream(servers[0], {});
    anonymous.close();
    expect(anonymous.status).toBe(401);
    const unknown = await send<{ code: string }>(servers[0].baseUrl, {
      path: ApiRoutes.admin.summaryStream(99),
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect({ status: unknown.status, code: unknown.body.code }).toEqual({
      status: 404,
      code: ErrorCode.ProductNotFound,
    });
  });
});
