import { ErrorCode } from '@gtd/shared-contracts';
import {
  catalogWithStocks,
  describeWithServices,
  dropFiles,
  runApiCommand,
  StartOptions,
  startServer,
  tally,
  useServices,
  volley,
} from '@gtd/testing';
import {
  availableOf,
  BuyBody,
  buyRequest,
  expectSerialHistory,
  stockSnapshot,
  successes,
} from '../support/drop';
import { storedSales, waitForEmptyBacklog } from '../support/services';

/**
 * Redis is a cache of PostgreSQL: wiped after a drop (FLUSHDB), the API rebuilds the counters from
 * the orders PostgreSQL holds, so the stock comes back exactly as it was and nothing is resold.
 */
describeWithServices()('Redis wiped (FLUSHDB) after a drop, then the API restarted', () => {
  const STOCKS = [500, 80];
  const FIRST_BUYS = 300;
  const services = useServices('wiped');
  let options: StartOptions;

  beforeAll(() => {
    options = {
      ...dropFiles(catalogWithStocks(...STOCKS)),
      env: { ...services.env, WORKERS: '2', REDIS_CLAIM_IDLE_MS: '1000' },
    };
  });

  /** FLUSHDB on this spec's own Redis database index (no other spec uses it). */
  async function wipeRedis(): Promise<void> {
    expect(await services.redis.flushdb()).toBe('OK');
    expect(await services.redis.dbsize()).toBe(0);
  }

  it('comes back with exactly the stock that was left and resells nothing', async () => {
    // The drop: 300 of product 1 (stock 500), product 2 sold out (120 buyers, stock 80).
    const first = await startServer(options);
    const drop = await volley<BuyBody>(
      first.baseUrl,
      FIRST_BUYS + 120,
      (i) => (i < FIRST_BUYS ? buyRequest(1, 1) : buyRequest(2, 1)),
      128,
    );
    expect(
      tally(drop.replies.map((r) => `${r.status} ${r.status === 201 ? r.body.productId : r.body.code}`)),
    ).toEqual({
      '201 1': FIRST_BUYS,
      '201 2': STOCKS[1],
      [`409 ${ErrorCode.SoldOut}`]: 120 - STOCKS[1],
    });
    const firstSold = successes(drop.replies);
    await waitForEmptyBacklog(first.baseUrl);
    const before = await stockSnapshot(first.baseUrl);
    expect(before).toEqual({ 1: STOCKS[0] - FIRST_BUYS, 2: 0 });
    expect(await first.stop()).toBe(0);

    await wipeRedis();
    const second = await startServer(options);
    // Exactly as before, from PostgreSQL alone.
    expect(await availableOf(second.baseUrl, 1)).toBe(before[1]);
    expect(await availableOf(second.baseUrl, 2)).toBe(before[2]);
    expect(await stockSnapshot(second.baseUrl)).toEqual(before);

    // A rush sells exactly what was left, continuing the same serial history.
    const rush = await volley<BuyBody>(second.baseUrl, 600, () => buyRequest(1, 1), 128);
    expect(tally(rush.replies.map((r) => r.status))).toEqual({ '201': before[1], '409': 600 - before[1] });
    const resold = successes(rush.replies);
    expect(expectSerialHistory(resold, before[1])).toBe(0);
    const product2 = await volley<BuyBody>(second.baseUrl, 20, () => buyRequest(2, 1), 20);
    expect(tally(product2.replies.map((r) => `${r.status} ${r.body.code}`))).toEqual({
      [`409 ${ErrorCode.SoldOut}`]: 20,
    });

    await waitForEmptyBacklog(second.baseUrl);
    const allIds = [...firstSold, ...resold].map((s) => s.orderId);
    expect(new Set(allIds).size).toBe(allIds.length);
    const stored1 = await storedSales(services, 1);
    const stored2 = await storedSales(services, 2);
    expect(stored1).toMatchObject({ stock: STOCKS[0], available: 0, orders: STOCKS[0], sold: STOCKS[0] });
    expect(stored2).toMatchObject({ stock: STOCKS[1], available: 0, orders: STOCKS[1], sold: STOCKS[1] });
    expect([...stored1.orderIds, ...stored2.orderIds].sort()).toEqual([...allIds].sort());
    expect(await second.stop()).toBe(0);

    console.log(
      `redis wiped: drop sold ${FIRST_BUYS} + ${STOCKS[1]}; available before the wipe ` +
        `${JSON.stringify(before)}, after FLUSHDB + restart ${JSON.stringify(before)}; the rush of 600 ` +
        `sold ${resold.length}; PostgreSQL: product 1 ${stored1.orders} orders / stock ${stored1.stock}, ` +
        `product 2 ${stored2.orders} / ${stored2.stock}`,
    );
  });

  it('reconcile reports a counter that disagrees with PostgreSQL (exit 2), leaves it, and --repair fixes it', async () => {
    const agree = await runApiCommand(['reconcile'], services.env);
    expect({ code: agree.code, stderr: agree.stderr }).toEqual({ code: 0, stderr: '' });
    expect(agree.stdout).toMatch(/agree/);
    const expected = String((await storedSales(services, 1)).available);
    expect(await services.redis.get(services.key('available:1'))).toBe(expected);

    // A counter that says more is left than PostgreSQL knows: selling it would oversell.
    await services.redis.set(services.key('available:1'), '7');
    const wrong = await runApiCommand(['reconcile'], services.env);
    expect(wrong.code).toBe(2);
    expect(wrong.stdout).toMatch(/DISAGREEMENT/);
    expect(await services.redis.get(services.key('available:1'))).toBe('7');

    const repaired = await runApiCommand(['reconcile', '--repair'], services.env);
    expect(repaired.code).toBe(0);
    expect(repaired.stdout).toMatch(/agree/);
    expect(repaired.stdout).not.toMatch(/DISAGREEMENT/);
    expect(await services.redis.get(services.key('available:1'))).toBe(expected);
  });

  // A report must show a wiped Redis as it is, not heal it while reading.
  it('reconcile without --repair reports a wiped Redis as a disagreement (exit 2) and leaves it empty', async () => {
    await wipeRedis();
    const wiped = await runApiCommand(['reconcile'], services.env);
    const keysAfter = await services.redis.dbsize();
    // Whatever the verdict, a wiped Redis must end up repaired for the next spec run.
    const repaired = await runApiCommand(['reconcile', '--repair'], services.env);
    expect(repaired.code).toBe(0);
    expect({ code: wiped.code, disagreement: /DISAGREEMENT/.test(wiped.stdout), keysAfter }).toEqual({
      code: 2,
      disagreement: true,
      keysAfter: 0,
    });
  });
});
