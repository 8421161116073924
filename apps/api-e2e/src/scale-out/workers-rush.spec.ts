import { ErrorCode } from '@gtd/shared-contracts';
import {
  answeringPids,
  catalogWithStocks,
  describeWithServices,
  runApiCommand,
  tally,
  useServer,
  useServices,
  volley,
} from '@gtd/testing';
import { availableOf, BuyBody, buyRequest, expectSerialHistory, successes } from '../support/drop';
import { storedSales, waitForEmptyBacklog } from '../support/services';

/**
 * Two API workers (node:cluster, one port) on Redis + PostgreSQL: one Lua script per purchase
 * across both processes, a persister that moves every confirmed order into PostgreSQL.
 */
describeWithServices()('WORKERS=2 on Redis + PostgreSQL: a rush of 5,000 on stock 1,000', () => {
  const STOCK = 1000;
  const REQUESTS = 5000;
  const SOCKETS = 256;
  const services = useServices('rush');
  const server = useServer(
    catalogWithStocks(STOCK),
    () => ({ ...services.env, REDIS_CLAIM_IDLE_MS: '1000' }),
    { workers: 2 },
  );

  it('sells exactly the stock, stores exactly those orders in PostgreSQL, and both workers serve', async () => {
    const { workers } = server;
    const { replies, sockets } = await volley<BuyBody>(
      server.baseUrl,
      REQUESTS,
      () => buyRequest(1, 1),
      SOCKETS,
    );
    expect(sockets).toBeGreaterThanOrEqual(SOCKETS);
    expect(tally(replies.map((r) => r.status))).toEqual({ '201': STOCK, '409': REQUESTS - STOCK });
    expect(tally(replies.filter((r) => r.status === 409).map((r) => r.body.code))).toEqual({
      [ErrorCode.SoldOut]: REQUESTS - STOCK,
    });
    const sold = successes(replies);
    const soldIds = sold.map((s) => s.orderId);
    expect(new Set(soldIds).size).toBe(STOCK);
    // One serial history across both workers: remaining takes every value 999..0 exactly once.
    expect(expectSerialHistory(sold, STOCK)).toBe(0);

    const polls = await waitForEmptyBacklog(server.baseUrl);
    const stored = await storedSales(services, 1);
    expect(stored).toMatchObject({ stock: STOCK, available: 0, orders: STOCK, sold: STOCK });
    expect([...stored.orderIds].sort()).toEqual([...soldIds].sort());
    expect(await availableOf(server.baseUrl, 1)).toBe(0);
    expect(await services.redis.get(services.key('available:1'))).toBe('0');

    // Both workers answer: health checks on fresh connections are spread over the cluster.
    const pids = await answeringPids(server.baseUrl, 24);
    expect([...pids].sort((a, b) => a - b)).toEqual(workers);

    const reconcile = await runApiCommand(['reconcile'], services.env);
    expect({ code: reconcile.code, stderr: reconcile.stderr }).toEqual({ code: 0, stderr: '' });
    expect(reconcile.stdout).toMatch(/agree/);
    expect(reconcile.stdout).not.toMatch(/DISAGREEMENT/);

    console.log(
      `workers rush: ${REQUESTS} requests over ${sockets} sockets, workers ${workers.join(', ')} ` +
        `(both answered), 201 × ${sold.length}, 409 × ${REQUESTS - sold.length}; backlog empty after ` +
        `${polls} polls; PostgreSQL: ${stored.orders} orders, sold ${stored.sold}, available ` +
        `${stored.available} of ${stored.stock}`,
    );

    expect(await server.stop()).toBe(0);
  });
});
