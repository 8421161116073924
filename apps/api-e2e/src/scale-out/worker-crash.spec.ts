import { ErrorCode, PurchaseResult } from '@gtd/shared-contracts';
import {
  answeringPids,
  catalogWithStocks,
  describeWithServices,
  isAlive,
  signalPid,
  tally,
  trackPids,
  useServer,
  useServices,
  volley,
  waitForWorkers,
} from '@gtd/testing';
import { availableOf, BuyBody, buyRequest, expectSerialHistory, successes } from '../support/drop';
import { storedSales, waitForEmptyBacklog } from '../support/services';

/**
 * A worker `kill -9`ed in the middle of a rush on Redis + PostgreSQL. Buyers on its connections
 * may get no answer (they were told nothing), but whatever was confirmed must reach PostgreSQL
 * exactly once — including order events the dead worker had read but not stored, which another
 * worker claims after REDIS_CLAIM_IDLE_MS — and the cluster must replace it and keep selling.
 */
describeWithServices()('WORKERS=2 on Redis + PostgreSQL: a worker SIGKILLed mid-rush', () => {
  const STOCK = 2000;
  const AFTER_STOCK = 200;
  const REQUESTS = 4000;
  const KILL_AFTER_ANSWERS = 300;
  const RUSH_SOCKET_TIMEOUT_MS = 5000;
  const services = useServices('crash');
  // Product 2 is only bought after the crash, to show the replacement worker selling.
  const server = useServer(
    catalogWithStocks(STOCK, AFTER_STOCK),
    () => ({ ...services.env, REDIS_CLAIM_IDLE_MS: '1000' }),
    { workers: 2 },
  );

  it('loses no confirmed order, never oversells, and the cluster keeps serving', async () => {
    const { pid: primaryPid, workers } = server;
    const victim = workers[0];
    let killedAt: number | undefined;
    const rush = await volley<BuyBody>(
      server.baseUrl,
      REQUESTS,
      // A request on a keep-alive connection of the dying worker may get no answer: give up on a
      // silent socket after 5 s, not the default 30 s (the hand-off hang of a new connection is
      // worker-kill-handoff.spec's).
      () => ({ ...buyRequest(1, 1), timeoutMs: RUSH_SOCKET_TIMEOUT_MS }),
      256,
      (_reply, answered) => {
        if (answered === KILL_AFTER_ANSWERS) {
          killedAt = answered;
          signalPid(victim, 'SIGKILL');
        }
      },
    );
    expect(killedAt).toBe(KILL_AFTER_ANSWERS);
    expect(isAlive(victim)).toBe(false);

    const statuses = tally(rush.replies.map((r) => r.status));
    const confirmed = successes(rush.replies);
    const refused = rush.replies.filter((r) => r.status === 409);
    const failed = rush.replies.filter((r) => r.status === 0);
    // Only three outcomes: sold, sold out, or no answer (a connection of the dead worker).
    expect(Object.keys(statuses).sort()).toEqual(
      ['0', '201', '409'].filter((status) => statuses[status] !== undefined),
    );
    expect(confirmed.length + refused.length + failed.length).toBe(REQUESTS);
    expect(tally(refused.map((r) => r.body.code))).toEqual(
      refused.length > 0 ? { [ErrorCode.SoldOut]: refused.length } : {},
    );
    expect(new Set(confirmed.map((c) => c.orderId)).size).toBe(confirmed.length);
    expect(confirmed.length).toBeLessThanOrEqual(STOCK);
    // Confirmed sales still form one serial history; purchases whose answer was lost with the
    // worker leave gaps in it, so only the chain from the top is checked, not that it reaches 0.
    expectSerialChainWithGaps(confirmed, STOCK);
    // The sockets of the dead worker carried at most one request each when it died: the rush
    // (4,000 on stock 2,000) still sells out.
    expect(failed.length).toBeLessThan(REQUESTS - STOCK);

    // The primary replaces the dead worker; both (old survivor and new one) answer.
    const after = await waitForWorkers(primaryPid, server.baseUrl, 2);
    trackPids(after);
    expect(after).not.toContain(victim);
    expect(after).toContain(workers[1]);
    const replacement = after.find((pid) => pid !== workers[1]) as number;

    // Order events the dead worker held are claimed by a live one; then PostgreSQL has them all.
    const polls = await waitForEmptyBacklog(server.baseUrl);
    const stored = await storedSales(services, 1);
    const storedIds = new Set(stored.orderIds);
    expect(storedIds.size).toBe(stored.orders);
    expect(confirmed.filter((c) => !storedIds.has(c.orderId))).toEqual([]);
    expect(stored.sold).toBeLessThanOrEqual(STOCK);
    expect(stored.available + stored.sold).toBe(STOCK);
    // Sold out: every unit went to a confirmed buyer or to one whose answer died with the worker.
    expect(stored.sold).toBe(STOCK);
    expect(stored.sold - confirmed.length).toBeLessThanOrEqual(failed.length);
    const redisAvailable = await services.redis.get(services.key('available:1'));
    expect(Number(redisAvailable)).toBe(stored.available);
    expect(await availableOf(server.baseUrl, 1)).toBe(stored.available);

    // Still serving: product 2 sells exactly its stock, on both workers including the new one.
    const later = await volley<BuyBody>(server.baseUrl, AFTER_STOCK + 50, () => buyRequest(2, 1), 64);
    expect(tally(later.replies.map((r) => r.status))).toEqual({ '201': AFTER_STOCK, '409': 50 });
    expect(expectSerialHistory(successes(later.replies), AFTER_STOCK)).toBe(0);
    const pids = await answeringPids(server.baseUrl, 24);
    expect([...pids].sort((a, b) => a - b)).toEqual(after);
    await waitForEmptyBacklog(server.baseUrl);
    const laterStored = await storedSales(services, 2);
    expect(laterStored).toMatchObject({ stock: AFTER_STOCK, available: 0, orders: AFTER_STOCK });
    expect([...laterStored.orderIds].sort()).toEqual(
      successes(later.replies)
        .map((s) => s.orderId)
        .sort(),
    );

    console.log(
      `worker crash: ${REQUESTS} requests over ${rush.sockets} sockets, workers ${workers.join(', ')}; ` +
        `killed ${victim} after ${KILL_AFTER_ANSWERS} answers; 201 × ${confirmed.length}, ` +
        `409 × ${refused.length}, no answer × ${failed.length} ${JSON.stringify(tally(failed.map((r) => r.error)))}; replacement ${replacement}; ` +
        `backlog empty after ${polls} polls; PostgreSQL: ${stored.orders} orders (${stored.sold} units, ` +
        `${stored.sold - confirmed.length} sold whose answer was lost), available ${stored.available} ` +
        `of ${stored.stock}; Redis counter ${redisAvailable}; afterwards product 2 sold ` +
        `${laterStored.sold}/${AFTER_STOCK} on workers ${after.join(', ')}`,
    );

    expect(await server.stop()).toBe(0);
  });
});

/**
 * Like `expectSerialHistory`, but for a history with holes: sorted by `remaining`, each confirmed
 * sale must leave strictly less than the one before, by at least its own quantity, starting from
 * the stock — no two confirmations for the same unit, never below zero.
 */
function expectSerialChainWithGaps(sales: readonly PurchaseResult[], stock: number): void {
  const ordered = [...sales].sort((a, b) => b.remaining - a.remaining);
  let left = stock;
  const broken: string[] = [];
  for (const sale of ordered) {
    if (sale.remaining > left - sale.quantity || sale.remaining < 0) {
      broken.push(`${left} then ${sale.remaining} after ${sale.quantity} (order ${sale.orderId})`);
    }
    left = sale.remaining;
  }
  expect(broken).toEqual([]);
}
