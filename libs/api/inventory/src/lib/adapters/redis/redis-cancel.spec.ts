import { DependencyUnavailable } from '@gtd/api-platform';
import { ErrorCode } from '@gtd/shared-contracts';
import {
  clearRedisPrefix,
  createTestDatabase,
  describeWithRedisServer,
  describeWithService,
  OwnRedis,
  startOwnRedis,
  TEST_REDIS_URL,
} from '@gtd/testing';
import Redis from 'ioredis';
import { Client } from 'pg';
import { CatalogEntry } from '../../catalog';
import { CancelOutcome, InventoryStore, PurchaseOutcome } from '../../inventory-store';
import {
  Cancelled,
  expectCancelled,
  expectSold,
  purchaseCommand as command,
  Sold,
  until,
} from '../../../testing/purchase-fixtures';
import { reconcileRedis } from '../../reconcile';
import { Stores } from '../../stores';
import { PostgresDatabase } from '../postgres/postgres-database';
import { PersistedCancel, PersistedOrder, PostgresOrderLedger } from '../postgres/postgres-ledger';
import { ReconcileRow } from './redis-reconcile';
import { decodeStreamEvent, QueuedOrder } from './redis-records';
import { PERSISTER_GROUP, RedisKeys } from './redis-scripts';
import { openRedisStores } from './redis-stores';

/**
 * The operator's cancel on the Redis store: decided by one script atomic with purchases, shown
 * at once by every read, moved into PostgreSQL by the persister exactly once whichever reaches it
 * first (the sale or its cancel), and kept by a rebuild.
 */

const catalog: CatalogEntry[] = [
  { id: 1, name: 'Golden Ticket', description: '', price: 5000, currency: 'EUR', stock: 200 },
  { id: 2, name: 'Limited', description: '', price: 900, currency: 'EUR', stock: 50, perBuyerLimit: 2 },
];

const BUYER = '3d0c2a4e-1b7f-4c1e-9a55-0d3c7b9e0001';
const OTHER_BUYER = '3d0c2a4e-1b7f-4c1e-9a55-0d3c7b9e0002';
const AT = Date.parse('2026-06-01T12:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

describeWithService({ name: 'Redis', host: '127.0.0.1', port: 6379 })(
  'RedisInventoryStore.cancelOrder',
  () => {
    let database: Awaited<ReturnType<typeof createTestDatabase>>;
    let keyPrefix: string;
    let redis: Redis;
    let pg: Client;
    const stores: RedisUnderTest[] = [];
    const closers: (() => Promise<void>)[] = [];

    type RedisUnderTest = InventoryStore &
      Pick<Stores, 'close'> & { reconcile(repair: boolean): Promise<ReconcileRow[]> };

    /** Connected, but not seeded: no persister runs until `seedIfEmpty`. */
    async function connect(claimIdleMs = 10_000): Promise<RedisUnderTest> {
      const options = {
        redisUrl: TEST_REDIS_URL,
        databaseUrl: database.url,
        keyPrefix,
        claimIdleMs,
        durability: 'accept-loss' as const,
      };
      const opened = await openRedisStores(options);
      const store: RedisUnderTest = Object.assign(Object.create(opened.inventory) as InventoryStore, {
        close: () => opened.close(),
        reconcile: (repair: boolean) =>
          reconcileRedis(
            {
              ...options,
              store: 'redis',
              redisPrefix: keyPrefix,
              catalogPath: '',
              maxQuantityPerPurchase: 10,
            },
            repair,
          ),
      });
      stores.push(store);
      return store;
    }

    async function openStore(claimIdleMs = 10_000): Promise<RedisUnderTest> {
      const store = await connect(claimIdleMs);
      await store.seedIfEmpty(catalog);
      return store;
    }

    /** Redis built and PostgreSQL seeded, then a store that sells but runs no persister: events stay queued. */
    async function sellerWithoutPersister(): Promise<RedisUnderTest> {
      await (await openStore()).close();
      return connect();
    }

    function ledger(): PostgresOrderLedger {
      const db = new PostgresDatabase({ connectionString: database.url });
      closers.push(() => db.close());
      return new PostgresOrderLedger(db, 86_400_000);
    }

    const drained = () =>
      until(async () => (await redis.xlen(RedisKeys.orders)) === 0, 'the persister to drain');
    const available = async (store: InventoryStore, productId: number) =>
      (await store.inventory(productId))?.available;
    const pgAvailable = async (productId: number) =>
      (await pg.query<{ available: number }>('SELECT available FROM products WHERE id = $1', [productId]))
        .rows[0].available;
    const pgTotals = async (productId: number) =>
      (
        await pg.query<{ buyer_id: string; quantity: number }>(
          'SELECT buyer_id, quantity FROM buyer_totals WHERE product_id = $1 ORDER BY buyer_id',
          [productId],
        )
      ).rows;
    const pgCancelledAt = async (orderId: string) =>
      (
        await pg.query<{ cancelled_at: Date | null }>('SELECT cancelled_at FROM orders WHERE id = $1', [
          orderId,
        ])
      ).rows.map((r) => r.cancelled_at?.toISOString() ?? null);
    const waitingCancels = async () =>
      Number((await pg.query<{ n: string }>('SELECT count(*) AS n FROM order_cancels')).rows[0].n);
    const standingInPostgres = async (productId: number) =>
      (
        await pg.query<{ n: number; sold: number }>(
          `SELECT count(*)::int AS n, coalesce(sum(quantity), 0)::int AS sold FROM orders
          WHERE product_id = $1 AND cancelled_at IS NULL`,
          [productId],
        )
      ).rows[0];

    beforeEach(async () => {
      database = await createTestDatabase();
      keyPrefix = `gtd_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}:`;
      redis = new Redis(TEST_REDIS_URL, { keyPrefix });
      pg = new Client({ connectionString: database.url });
      await pg.connect();
    });

    afterEach(async () => {
      await Promise.all(stores.splice(0).map((s) => s.close()));
      await Promise.all(closers.splice(0).map((close) => close()));
      await redis.quit();
      await pg.end();
      await clearRedisPrefix(keyPrefix);
      await database.drop();
    });

    it('cancels a sale still waiting in Redis: every read at once, PostgreSQL once the persister runs', async () => {
      const seller = await sellerWithoutPersister();
      const first = expectSold(
        await seller.purchase(command(2, 1, { buyerId: BUYER, idempotencyKey: 'k1' })),
      );
      const second = expectSold(await seller.purchase(command(2, 1, { buyerId: BUYER })));
      expect(await seller.purchase(command(2, 1, { buyerId: BUYER }))).toMatchObject({
        code: ErrorCode.LimitReached,
      });

      const cancelled = await seller.cancelOrder(first.order.orderId, AT);
      const order = { ...first.order, unitPrice: 900, currency: 'EUR', cancelledAt: iso(AT) };
      expect(cancelled).toEqual({ ok: true, order, available: 49 });
      expect(await seller.cancelOrder(first.order.orderId, AT + 1000)).toEqual({
        ok: false,
        code: ErrorCode.OrderAlreadyCancelled,
        order,
      });
      expect(await seller.findOrder(first.order.orderId)).toEqual(order);
      expect(await seller.findOrder(second.order.orderId)).toMatchObject({ cancelledAt: null });
      expect((await seller.listBuyerOrders(BUYER, 10, null)).items.map((o) => o.cancelledAt)).toEqual([
        iso(AT),
        null,
      ]);
      expect((await seller.listOrders(2, 10, null)).items).toHaveLength(2);
      expect(await seller.salesSummary(2)).toMatchObject({
        stock: 50,
        available: 49,
        sold: 1,
        orders: 1,
        buyers: 1,
      });
      // The cancelled sale's key replays it (history, not a sale); the limit counts only what stands.
      expect(await seller.purchase(command(2, 1, { buyerId: BUYER, idempotencyKey: 'k1' }))).toEqual({
        ...first,
        replayed: true,
      });
      const third = expectSold(await seller.purchase(command(2, 1, { buyerId: BUYER })));
      expect(third.remaining).toBe(48);

      await openStore();
      await drained();
      expect(await pgCancelledAt(first.order.orderId)).toEqual([iso(AT)]);
      expect(await pgCancelledAt(second.order.orderId)).toEqual([null]);
      expect(await standingInPostgres(2)).toEqual({ n: 2, sold: 2 });
      expect(await pgAvailable(2)).toBe(48);
      expect(await pgTotals(2)).toEqual([{ buyer_id: BUYER, quantity: 2 }]);
      expect(await waitingCancels()).toBe(0);
      expect(await redis.hlen(RedisKeys.pendingCancels)).toBe(0);
      expect(await seller.findOrder(first.order.orderId)).toEqual(order);
      expect(await seller.salesSummary(2)).toMatchObject({
        stock: 50,
        available: 48,
        sold: 2,
        orders: 2,
        buyers: 1,
      });
    });

    it("cancels a stored sale: its units back and the buyer's emptied total gone, in Redis and PostgreSQL", async () => {
      const store = await openStore();
      const sold = expectSold(await store.purchase(command(2, 2, { buyerId: OTHER_BUYER })));
      await drained();
      expect(await redis.hget(RedisKeys.pending, sold.order.orderId)).toBeNull();
      expect(await pgTotals(2)).toEqual([{ buyer_id: OTHER_BUYER, quantity: 2 }]);

      const cancelled = expectCancelled(await store.cancelOrder(sold.order.orderId, AT));
      expect(cancelled).toMatchObject({
        available: 50,
        order: { quantity: 2, buyerId: OTHER_BUYER, cancelledAt: iso(AT) },
      });
      expect(await redis.hexists(RedisKeys.buyers(2), OTHER_BUYER)).toBe(0);
      expect(await store.salesSummary(2)).toMatchObject({ available: 50, sold: 0, orders: 0, buyers: 0 });
      await drained();
      expect(await pgCancelledAt(sold.order.orderId)).toEqual([iso(AT)]);
      expect(await pgAvailable(2)).toBe(50);
      expect(await pgTotals(2)).toEqual([]);
      expect(await waitingCancels()).toBe(0);
      expect(await store.findOrder(sold.order.orderId)).toMatchObject({ cancelledAt: iso(AT) });
      expect(await store.salesSummary(2)).toMatchObject({ available: 50, sold: 0, orders: 0, buyers: 0 });
      expect(await store.cancelOrder(sold.order.orderId, AT + 1)).toMatchObject({
        code: ErrorCode.OrderAlreadyCancelled,
        order: { cancelledAt: iso(AT) },
      });
      // The buyer may buy up to the limit again.
      expectSold(await store.purchase(command(2, 2, { buyerId: OTHER_BUYER })));

      expect(await store.cancelOrder('6a0f8d4e-3b1c-4c55-9a3e-0d7c5b2f1e11', AT)).toEqual({
        ok: false,
        code: ErrorCode.OrderNotFound,
      });
      expect(await store.cancelOrder('not-an-order', AT)).toEqual({
        ok: false,
        code: ErrorCode.OrderNotFound,
      });
    });

    it('50 concurrent cancels of one order from two processes: one succeeds, its units come back once', async () => {
      const [one, two] = [await openStore(), await openStore()];
      const sold = expectSold(await one.purchase(command(1, 3)));
      const outcomes = await Promise.all(
        Array.from({ length: 50 }, (_, i) => (i % 2 ? one : two).cancelOrder(sold.order.orderId, AT + i)),
      );
      const won = outcomes.filter((o): o is Cancelled => o.ok);
      expect(won).toHaveLength(1);
      const firstAt = won[0].order.cancelledAt;
      expect(outcomes.filter((o) => !o.ok)).toEqual(
        Array.from({ length: 49 }, () => ({
          ok: false,
          code: ErrorCode.OrderAlreadyCancelled,
          order: won[0].order,
        })),
      );
      expect(await available(one, 1)).toBe(200);
      await drained();
      expect(await pgCancelledAt(sold.order.orderId)).toEqual([firstAt]);
      expect(await pgAvailable(1)).toBe(200);
    });

    it('purchases and cancels racing in two processes: stock = available + sold in Redis, and in PostgreSQL once stored', async () => {
      const [one, two] = [await openStore(), await openStore()];
      const outcomes: PurchaseOutcome[] = [];
      const cancels: CancelOutcome[] = [];
      // 20 buyers in a row each: demand (about 450 units, a third given back) outruns the 200 in
      // stock, and units given back sell again to the purchases that follow.
      await Promise.all(
        Array.from({ length: 20 }, async (_, w) => {
          for (let i = 0; i < 15; i++) {
            const outcome = await (i % 2 ? one : two).purchase(command(1, 1 + ((w + i) % 2)));
            outcomes.push(outcome);
            if (outcome.ok && (w + i) % 3 === 0) {
              cancels.push(await (i % 2 ? two : one).cancelOrder(outcome.order.orderId, AT));
            }
          }
        }),
      );
      const sold = outcomes.filter((o): o is Sold => o.ok);
      expect(outcomes.some((o) => !o.ok)).toBe(true);
      expect(cancels.length).toBeGreaterThan(0);
      expect(cancels.every((c) => c.ok)).toBe(true);
      const cancelledIds = new Set(cancels.map((c) => (c as Cancelled).order.orderId));
      const standing = sold.filter((o) => !cancelledIds.has(o.order.orderId));
      const standingUnits = standing.reduce((n, o) => n + o.order.quantity, 0);
      expect(standingUnits).toBeGreaterThan(sold.length / 2);

      expect((await available(one, 1)) ?? 0).toBe(200 - standingUnits);
      // Read while the persisters store: each event counted once, whichever side it is on.
      const summary = await one.salesSummary(1);
      expect(summary).toMatchObject({ stock: 200, sold: standingUnits, orders: standing.length });
      expect(summary?.available).toBe(200 - standingUnits);

      await drained();
      expect(await standingInPostgres(1)).toEqual({ n: standing.length, sold: standingUnits });
      expect(await pgAvailable(1)).toBe(200 - standingUnits);
      expect(await waitingCancels()).toBe(0);
      expect((await one.reconcile(false)).find((r) => r.productId === 1)).toMatchObject({
        sold: standingUnits,
        redisAvailable: 200 - standingUnits,
        postgresAvailable: 200 - standingUnits,
        agree: true,
      });
    });

    describe('a rebuild after cancels gives the same counters, buyer totals and cancels', () => {
      async function redisState() {
        const [one, two] = await redis.mget(RedisKeys.available(1), RedisKeys.available(2));
        return {
          available: [one, two],
          buyers: await redis.hgetall(RedisKeys.buyers(2)),
          cancelled: await redis.hgetall(RedisKeys.cancelled),
        };
      }

      it('with some cancels stored and some still waiting in the stream', async () => {
        const store = await openStore();
        const a = expectSold(await store.purchase(command(2, 1, { buyerId: BUYER })));
        const b = expectSold(await store.purchase(command(2, 1, { buyerId: BUYER })));
        expectSold(await store.purchase(command(2, 2, { buyerId: OTHER_BUYER })));
        const d = await Promise.all(Array.from({ length: 5 }, () => store.purchase(command(1, 1))));
        expectCancelled(await store.cancelOrder(a.order.orderId, AT));
        expectCancelled(await store.cancelOrder(expectSold(d[0]).order.orderId, AT));
        await drained();
        await store.close();

        const seller = await connect();
        expectCancelled(await seller.cancelOrder(b.order.orderId, AT + 1));
        expectCancelled(await seller.cancelOrder(expectSold(d[1]).order.orderId, AT + 1));
        const e = expectSold(await seller.purchase(command(2, 1, { buyerId: BUYER })));
        expectCancelled(await seller.cancelOrder(e.order.orderId, AT + 2));
        expectSold(await seller.purchase(command(2, 1, { buyerId: BUYER })));
        const before = await redisState();
        expect(before).toEqual({
          available: ['197', '47'],
          buyers: { [BUYER]: '1', [OTHER_BUYER]: '2' },
          cancelled: expect.any(Object),
        });
        expect(Object.keys(before.cancelled)).toHaveLength(5);
        const summaries = [await seller.salesSummary(1), await seller.salesSummary(2)];
        expect(await redis.hlen(RedisKeys.pendingCancels)).toBe(3);

        // Everything derived is lost, the cancelled hash too; the stream and its pending hashes stay.
        await redis.del(
          RedisKeys.builtFrom,
          RedisKeys.available(1),
          RedisKeys.available(2),
          RedisKeys.buyers(2),
          RedisKeys.cancelled,
        );
        const restarted = await connect();
        expect(await available(restarted, 1)).toBe(197);
        expect(await redisState()).toEqual(before);
        expect(await restarted.cancelOrder(b.order.orderId, AT + 9)).toMatchObject({
          code: ErrorCode.OrderAlreadyCancelled,
          order: { cancelledAt: iso(AT + 1) },
        });
        expect([await restarted.salesSummary(1), await restarted.salesSummary(2)]).toEqual(summaries);

        // Stored, then Redis wiped whole: PostgreSQL alone gives the same again.
        await restarted.seedIfEmpty(catalog);
        await drained();
        expect(await waitingCancels()).toBe(0);
        await Promise.all(stores.splice(0).map((s) => s.close()));
        await clearRedisPrefix(keyPrefix);
        const rebuilt = await openStore();
        expect(await available(rebuilt, 2)).toBe(47);
        expect(await redisState()).toEqual(before);
        expect([await rebuilt.salesSummary(1), await rebuilt.salesSummary(2)]).toEqual(summaries);
        expect(await pgTotals(2)).toEqual([
          { buyer_id: BUYER, quantity: 1 },
          { buyer_id: OTHER_BUYER, quantity: 2 },
        ]);
        expect((await rebuilt.reconcile(false)).every((r) => r.agree)).toBe(true);
      });
    });

    describe('the persister applies each cancel once, whichever of sale and cancel reaches PostgreSQL first', () => {
      it('a dead worker holds the sale: the cancel waits in order_cancels, and the sale is stored cancelled', async () => {
        const seller = await sellerWithoutPersister();
        const sold = expectSold(await seller.purchase(command(2, 1, { buyerId: BUYER })));
        await redis.xreadgroup(
          'GROUP',
          PERSISTER_GROUP,
          'dead-worker',
          'COUNT',
          100,
          'STREAMS',
          RedisKeys.orders,
          '>',
        );
        expectCancelled(await seller.cancelOrder(sold.order.orderId, AT));

        // Claims nothing in this spec's time: only the cancel reaches PostgreSQL.
        const live = await openStore(600_000);
        await until(async () => (await waitingCancels()) === 1, 'the cancel to be stored');
        await until(async () => (await redis.xlen(RedisKeys.orders)) === 1, 'the cancel to be acknowledged');
        expect(await pgCancelledAt(sold.order.orderId)).toEqual([]);
        expect(await pgAvailable(2)).toBe(50);
        expect(await live.salesSummary(2)).toMatchObject({ available: 50, sold: 0, orders: 0, buyers: 0 });
        expect(await live.findOrder(sold.order.orderId)).toMatchObject({ cancelledAt: iso(AT) });
        await live.close();

        await openStore(1);
        await drained();
        expect(await pgCancelledAt(sold.order.orderId)).toEqual([iso(AT)]);
        expect(await pgAvailable(2)).toBe(50);
        expect(await pgTotals(2)).toEqual([]);
        expect(await waitingCancels()).toBe(0);
      });

      it('a resale whose cancel another worker holds waits for it, and holds up nothing else of its batch', async () => {
        const seller = await sellerWithoutPersister();
        const all = expectSold(await seller.purchase(command(1, 200)));
        const other = expectSold(await seller.purchase(command(2, 1, { buyerId: BUYER })));
        const stored = await openStore();
        await drained();
        await stored.close();
        expect(await pgAvailable(1)).toBe(0);

        expectCancelled(await seller.cancelOrder(all.order.orderId, AT));
        await redis.xreadgroup(
          'GROUP',
          PERSISTER_GROUP,
          'dead-worker',
          'COUNT',
          100,
          'STREAMS',
          RedisKeys.orders,
          '>',
        );
        // Sold from the units the cancel gave back, which PostgreSQL does not have yet.
        const resale = expectSold(await seller.purchase(command(1, 1)));
        expectCancelled(await seller.cancelOrder(other.order.orderId, AT));

        // One batch [resale, cancel]: the resale cannot be stored yet, the cancel is.
        await openStore(600_000);
        await until(
          async () => (await pgCancelledAt(other.order.orderId))[0] === iso(AT),
          'the cancel to be stored',
        );
        expect(await pgAvailable(2)).toBe(50);
        expect(await pgCancelledAt(resale.order.orderId)).toEqual([]);
        await Promise.all(stores.splice(0).map((s) => s.close()));

        await openStore(1);
        await drained();
        expect(await pgCancelledAt(all.order.orderId)).toEqual([iso(AT)]);
        expect(await pgCancelledAt(resale.order.orderId)).toEqual([null]);
        expect(await pgAvailable(1)).toBe(199);
      });

      it('a worker that stored a batch and died before acknowledging it: redelivered, nothing counts twice', async () => {
        const seller = await sellerWithoutPersister();
        const cancelledSale = expectSold(await seller.purchase(command(2, 2, { buyerId: BUYER })));
        const standing = expectSold(await seller.purchase(command(2, 1, { buyerId: OTHER_BUYER })));
        expectCancelled(await seller.cancelOrder(cancelledSale.order.orderId, AT));
        const read = (await redis.xreadgroup(
          'GROUP',
          PERSISTER_GROUP,
          'dead-worker',
          'COUNT',
          100,
          'STREAMS',
          RedisKeys.orders,
          '>',
        )) as [string, [string, string[]][]][];
        const events = read[0][1].map(([, fields]) => decodeStreamEvent(fields));
        const sales = events.flatMap((e) => (e.sale ? [e.sale] : []));
        const cancels = events.flatMap((e) => (e.cancel ? [e.cancel] : []));
        expect([sales.length, cancels.length]).toEqual([2, 1]);
        // What the dead worker committed before it died.
        expect(await ledger().persistEvents(sales, cancels)).toEqual({ inserted: 2, cancelled: 0 });

        await openStore(1);
        await drained();
        expect(await standingInPostgres(2)).toEqual({ n: 1, sold: 1 });
        expect(await pgCancelledAt(cancelledSale.order.orderId)).toEqual([iso(AT)]);
        expect(await pgAvailable(2)).toBe(49);
        expect(await pgTotals(2)).toEqual([{ buyer_id: OTHER_BUYER, quantity: 1 }]);
        expect(await seller.findOrder(standing.order.orderId)).toMatchObject({ cancelledAt: null });
      });

      it('sales and their cancels stored by concurrent workers: every cancel applied once, none lost', async () => {
        await (await openStore()).close();
        const persist = ledger();
        const pairs = Array.from({ length: 40 }, (_, n) => {
          const orderId = `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
          const sale: PersistedOrder = {
            order: {
              orderId,
              productId: 1,
              quantity: 1,
              buyerId: n % 2 ? BUYER : null,
              createdAt: iso(AT + n),
            },
            price: { unitPrice: 5000, currency: 'EUR' },
            idempotencyKey: null,
            scope: '',
            remaining: 0,
          };
          const cancel: PersistedCancel = {
            orderId,
            productId: 1,
            quantity: 1,
            buyerId: sale.order.buyerId,
            cancelledAt: iso(AT),
          };
          return { sale, cancel };
        });
        // Each sale and its cancel in separate transactions at the same moment, as two workers would.
        await Promise.all(
          pairs.flatMap(({ sale, cancel }) => [
            persist.persistEvents([sale], []),
            persist.persistEvents([], [cancel]),
          ]),
        );
        expect(await standingInPostgres(1)).toEqual({ n: 0, sold: 0 });
        expect(await pgAvailable(1)).toBe(200);
        expect(await pgTotals(1)).toEqual([]);
        expect(await waitingCancels()).toBe(0);
      });

      it('in every order of arrival and any number of repeats, the rows end the same', async () => {
        await (await openStore()).close();
        const persist = ledger();
        const sale = (n: number, buyerId: string | null, quantity = 1): PersistedOrder => ({
          order: {
            orderId: `00000000-0000-4000-8000-00000000000${n}`,
            productId: 2,
            quantity,
            buyerId,
            createdAt: iso(AT + n),
          },
          price: { unitPrice: 900, currency: 'EUR' },
          idempotencyKey: `key-${n}`,
          scope: buyerId ?? '',
          remaining: 0,
        });
        const cancelOf = ({ order }: QueuedOrder): PersistedCancel => ({
          orderId: order.orderId,
          productId: order.productId,
          quantity: order.quantity,
          buyerId: order.buyerId,
          cancelledAt: iso(AT + 100),
        });
        const [saleFirst, cancelFirst, together, kept] = [
          sale(1, BUYER, 2),
          sale(2, OTHER_BUYER),
          sale(3, BUYER),
          sale(4, OTHER_BUYER),
        ];

        expect(await persist.persistEvents([saleFirst, kept], [])).toEqual({ inserted: 2, cancelled: 0 });
        expect(await persist.persistEvents([], [cancelOf(saleFirst), cancelOf(cancelFirst)])).toEqual({
          inserted: 0,
          cancelled: 1,
        });
        expect(await waitingCancels()).toBe(1);
        expect(await persist.persistEvents([cancelFirst], [cancelOf(cancelFirst)])).toEqual({
          inserted: 1,
          cancelled: 0,
        });
        expect(await persist.persistEvents([together], [cancelOf(together)])).toEqual({
          inserted: 1,
          cancelled: 0,
        });
        const rows = async () => ({
          standing: await standingInPostgres(2),
          available: await pgAvailable(2),
          totals: await pgTotals(2),
          waiting: await waitingCancels(),
          keys: Number(
            (await pg.query<{ n: string }>('SELECT count(*) AS n FROM idempotency_keys')).rows[0].n,
          ),
        });
        const settled = await rows();
        expect(settled).toEqual({
          standing: { n: 1, sold: 1 },
          available: 49,
          totals: [{ buyer_id: OTHER_BUYER, quantity: 1 }],
          waiting: 0,
          keys: 4,
        });
        for (const o of [saleFirst, cancelFirst, together]) {
          expect(await pgCancelledAt(o.order.orderId)).toEqual([iso(AT + 100)]);
        }

        const all = [saleFirst, cancelFirst, together, kept];
        const cancels = [saleFirst, cancelFirst, together].map(cancelOf);
        expect(await persist.persistEvents(all, cancels)).toEqual({ inserted: 0, cancelled: 0 });
        expect(await persist.persistEvents([], cancels)).toEqual({ inserted: 0, cancelled: 0 });
        expect(await persist.persistOrders(all)).toBe(0);
        expect(await rows()).toEqual(settled);
      });
    });
  },
);

describeWithRedisServer()('cancelOrder while Redis is down', () => {
  let server: OwnRedis;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let stores: Stores;

  beforeAll(async () => {
    // Durable, so what Redis held before its crash is there again after the restart.
    server = await startOwnRedis({
      settings: { appendonly: 'yes', appendfsync: 'always' },
      label: 'cancel-fault',
    });
    database = await createTestDatabase({ label: 'gtd_cancel_fault' });
    stores = await openRedisStores({ redisUrl: server.url, databaseUrl: database.url, keyPrefix: 'gtd:' });
    await stores.inventory.seedIfEmpty(catalog);
  });

  afterAll(async () => {
    await stores?.close();
    await server?.dispose();
    await database?.drop();
  });

  it('is a store fault (the caller answers 503) and changes nothing', async () => {
    const { inventory } = stores;
    const sold = expectSold(await inventory.purchase(command(2, 2, { buyerId: BUYER })));
    await server.crash();
    let fault: unknown;
    try {
      await inventory.cancelOrder(sold.order.orderId, AT);
    } catch (error) {
      fault = error;
    }
    expect(fault).toBeInstanceOf(DependencyUnavailable);
    expect(fault).toMatchObject({ dependency: 'redis' });

    await server.restart();
    await until(async () => (await inventory.inventory(2)) !== undefined, 'a reconnect');
    expect(await inventory.inventory(2)).toMatchObject({ available: 48 });
    expect(await inventory.findOrder(sold.order.orderId)).toMatchObject({ cancelledAt: null });
    expect(await inventory.purchase(command(2, 1, { buyerId: BUYER }))).toMatchObject({
      code: ErrorCode.LimitReached,
    });
    expect(await inventory.cancelOrder(sold.order.orderId, AT)).toMatchObject({ ok: true, available: 50 });
  });
});
