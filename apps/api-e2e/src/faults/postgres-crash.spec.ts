import { ErrorCode, PurchaseFaultOutcome } from '@gtd/shared-contracts';
import {
  catalogWithStocks,
  createTestDatabase,
  describeWithServices,
  fetchOrders,
  fireConcurrently,
  health,
  OPERATOR_TOKEN,
  send,
  tally,
  TEST_REDIS,
  useOwnPostgres,
  useServer,
  useServices,
} from '@gtd/testing';
import { Client } from 'pg';
import { BuyBody } from '../support/drop';
import { storedSales, waitForEmptyBacklog } from '../support/services';
import {
  Attempt,
  badOutageAnswers,
  keyedPurchase,
  registerBuyers,
  Rush,
  storefrontReads,
} from './outage-rush';

/**
 * PostgreSQL stopped with `pg_ctl stop -m immediate` (every backend killed, no checkpoint: a crash)
 * in the middle of a rush, then started again, on a cluster of the spec's own. The API must answer
 * the outage with the documented 503, never hide a sale behind it, lose no confirmed order, and
 * come back by itself.
 */
const STOCK = 100_000;
const BUYERS = 4;
const CONCURRENCY = 24;
const SALES_BEFORE_CRASH = 150;
const SALES_AFTER_RECOVERY = 150;

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** Runs `query` on a connection of its own (the server may have just restarted). */
async function onCluster<R extends object>(url: string, query: string, values?: unknown[]): Promise<R[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<R>(query, values)).rows;
  } finally {
    await client.end();
  }
}

describe('PostgreSQL stopped -m immediate mid-rush and started again', () => {
  const cluster = useOwnPostgres('gtd-e2e-pg-crash');

  describe('STORE=postgres', () => {
    let databaseUrl = '';
    beforeAll(async () => {
      // Dropped with the whole cluster at the end.
      databaseUrl = (await createTestDatabase({ label: 'gtd_e2e_pg_crash', adminUrl: cluster.adminUrl })).url;
    });
    const server = useServer(catalogWithStocks(STOCK), () => ({
      STORE: 'postgres',
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_SIZE: '5',
      ADMIN_TOKEN: OPERATOR_TOKEN,
    }));

    it('answers 503 NOT_MADE / UNKNOWN, loses no confirmed order, hides no sale, recovers alone', async () => {
      const pid = server.pid;
      const buyers = await registerBuyers(server.baseUrl, BUYERS);
      const rush = new Rush(server.baseUrl, buyers, 1, CONCURRENCY);
      rush.start();
      await rush.waitForSales(SALES_BEFORE_CRASH);
      const someOrder = rush.attempts.find((a) => a.reply.status === 201)?.reply.body.orderId as string;
      await cluster.stopImmediate();
      // The rush goes on against the stopped server; reads and health are tried too.
      await sleep(1000);
      const downReads = (await fireConcurrently<BuyBody>(server.baseUrl, storefrontReads(1, someOrder)))
        .replies;
      const downHealth = await send(server.baseUrl, { path: '/health' });
      const soldBeforeRestart = rush.sold();
      await cluster.start();
      await rush.waitForSales(soldBeforeRestart + SALES_AFTER_RECOVERY);
      const attempts = await rush.stop();

      // Only sales and the documented 503: no 500, no hung request, no other refusal.
      const statuses = tally(attempts.map((a) => a.reply.status));
      expect(Object.keys(statuses).filter((s) => s !== '201' && s !== '503')).toStrictEqual([]);
      expect(
        badOutageAnswers(
          attempts.map((a) => a.reply),
          true,
        ),
      ).toStrictEqual([]);
      const outcome = (a: Attempt) => a.reply.body?.purchase;
      const notMade = attempts.filter((a) => outcome(a) === PurchaseFaultOutcome.NotMade);
      const unknown = attempts.filter((a) => outcome(a) === PurchaseFaultOutcome.Unknown);
      expect(notMade.length).toBeGreaterThan(0);
      expect(downReads.map((r) => r.status)).toEqual([503, 503, 503, 503]);
      expect(badOutageAnswers(downReads, false)).toStrictEqual([]);
      expect(downHealth.status).toBe(503);

      // Every UNKNOWN, retried with its key once PostgreSQL is back, gets one answer: the sale it
      // made (replayed) or, if it made none, this one; a second retry replays that.
      const retried = [];
      for (const attempt of unknown) {
        const first = await send<BuyBody>(server.baseUrl, keyedPurchase(1, attempt.buyer, attempt.key));
        const again = await send<BuyBody>(server.baseUrl, keyedPurchase(1, attempt.buyer, attempt.key));
        expect([first.status, again.status]).toEqual([201, 201]);
        expect(again.headers['idempotent-replayed']).toBe('true');
        expect(again.body.orderId).toBe(first.body.orderId);
        retried.push({ attempt, reply: first, replayed: first.headers['idempotent-replayed'] === 'true' });
      }

      // No confirmed order lost: each is found through the API and in PostgreSQL.
      const confirmed = attempts
        .filter((a) => a.reply.status === 201)
        .map((a) => a.reply.body.orderId as string);
      const found = await fetchOrders(server.baseUrl, confirmed);
      expect(tally(found.map((r) => r.status))).toEqual({ '200': confirmed.length });
      const orders = await onCluster<{ id: string; quantity: number }>(
        databaseUrl,
        'SELECT id::text AS id, quantity FROM orders WHERE product_id = 1',
      );
      const [product] = await onCluster<{ stock: number; available: number }>(
        databaseUrl,
        'SELECT stock, available FROM products WHERE id = 1',
      );
      const sold = orders.reduce((units, o) => units + o.quantity, 0);
      expect(product.available + sold).toBe(STOCK);
      // No hidden sale: every order in PostgreSQL was told to a buyer (a 201, or a retry's 201),
      // so no NOT_MADE was a sale, and no UNKNOWN became two.
      const told = new Set([...confirmed, ...retried.map((r) => r.reply.body.orderId as string)]);
      expect(orders.filter((o) => !told.has(o.id))).toStrictEqual([]);
      expect(orders.length).toBe(told.size);
      const storedKeys = new Set(
        (await onCluster<{ key: string }>(databaseUrl, 'SELECT key FROM idempotency_keys')).map((k) => k.key),
      );
      expect(notMade.filter((a) => storedKeys.has(a.key)).map((a) => a.key)).toStrictEqual([]);

      // Recovered without a restart: the same process answers, healthy.
      expect(server.alive()).toBe(true);
      const healthy = await health(server.baseUrl);
      expect(healthy.status).toBe(200);
      expect(healthy.body.details.instance?.pid).toBe(pid);

      console.log(
        `postgres crash: ${attempts.length} purchases ${JSON.stringify(statuses)}; 503 NOT_MADE × ${notMade.length}, ` +
          `UNKNOWN × ${unknown.length} (retried: ${retried.filter((r) => r.replayed).length} had been made, ` +
          `${retried.filter((r) => !r.replayed).length} had not); PostgreSQL ${orders.length} orders, ${sold} sold + ` +
          `${product.available} available = ${STOCK}; reads while down ${downReads.map((r) => r.status).join(',')}`,
      );
    });
  });

  describeWithServices(TEST_REDIS)('STORE=redis (only PostgreSQL stopped)', () => {
    const services = useServices('pg-crash', () => cluster.adminUrl);
    const server = useServer(catalogWithStocks(STOCK), () => ({ ...services.env }));

    it('keeps selling, shows the persister down with its backlog all through, then drains it', async () => {
      const buyers = await registerBuyers(server.baseUrl, BUYERS);
      const rush = new Rush(server.baseUrl, buyers, 1, CONCURRENCY);
      rush.start();
      await rush.waitForSales(SALES_BEFORE_CRASH);
      await cluster.stopImmediate();
      // Sampled while it is down, first during the rush, then with no new sale (the persister's
      // loop then idles, which used to clear its error): down, with its backlog, every time.
      const samples = [];
      for (let i = 0; i < 12; i++) {
        if (i === 5) await rush.stop();
        await sleep(250);
        samples.push(await health(server.baseUrl));
      }
      await cluster.start();
      // Selling goes on after the recovery too.
      const after = new Rush(server.baseUrl, buyers, 1, CONCURRENCY);
      after.start();
      await after.waitForSales(SALES_AFTER_RECOVERY);
      const attempts = [...rush.attempts, ...(await after.stop())];

      const persisterSamples = samples.map((s) => ({
        status: s.status,
        persister: s.body?.details?.persister,
      }));
      expect(
        persisterSamples.filter((s) => s.status !== 503 || s.persister?.status !== 'down'),
      ).toStrictEqual([]);
      const backlogs = persisterSamples.map((s) => s.persister?.backlog);
      expect(backlogs.filter((b) => typeof b !== 'number')).toStrictEqual([]);
      // Sales went on in Redis, so the backlog grew while PostgreSQL was away.
      expect(Math.max(...(backlogs as number[]))).toBeGreaterThan(0);

      const statuses = tally(attempts.map((a) => a.reply.status));
      expect(Object.keys(statuses).filter((s) => s !== '201' && s !== '503')).toStrictEqual([]);
      expect(
        badOutageAnswers(
          attempts.map((a) => a.reply),
          true,
        ),
      ).toStrictEqual([]);

      await waitForEmptyBacklog(server.baseUrl, 60_000);
      const stored = await storedSales(services, 1);
      const confirmed = attempts
        .filter((a) => a.reply.status === 201)
        .map((a) => a.reply.body.orderId as string);
      const storedIds = new Set(stored.orderIds);
      expect(confirmed.filter((id) => !storedIds.has(id))).toStrictEqual([]);
      expect(stored.available + stored.sold).toBe(STOCK);
      expect(Number(await services.redis.get(services.key('available:1')))).toBe(stored.available);
      expect(server.alive()).toBe(true);

      console.log(
        `redis + postgres crash: ${attempts.length} purchases ${JSON.stringify(statuses)}; persister backlog while ` +
          `down ${backlogs.join(',')}; PostgreSQL ${stored.orders} orders, ${stored.sold} sold + ` +
          `${stored.available} available = ${STOCK}`,
      );
      expect(tally(attempts.map((a) => a.reply.body?.code ?? 'sold'))).not.toHaveProperty(
        ErrorCode.InternalError,
      );
    });
  });
});
