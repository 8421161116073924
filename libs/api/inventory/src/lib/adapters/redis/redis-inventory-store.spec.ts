import { ErrorCode } from '@gtd/shared-contracts';
import Redis from 'ioredis';
import { Client } from 'pg';
import { clearRedisPrefix, createTestDatabase, describeWithService, TEST_REDIS_URL } from '@gtd/testing';
import { CatalogEntry } from '../../catalog';
import { InventoryStore } from '../../inventory-store';
import { idempotencyScope } from '../../purchase-rules';
import { expectSold, purchaseCommand as command, Sold, until } from '../../../testing/purchase-fixtures';
import { reconcileRedis } from '../../reconcile';
import { Stores } from '../../stores';
import { ReconcileRow } from './redis-reconcile';
import { PERSISTER_GROUP, RedisKeys } from './redis-scripts';
import { openRedisStores } from './redis-stores';

const catalog: CatalogEntry[] = [
  { id: 1, name: 'Golden Ticket', description: '', price: 5000, currency: 'EUR', stock: 200 },
  { id: 2, name: 'Limited', description: '', price: 900, currency: 'EUR', stock: 50, perBuyerLimit: 2 },
];

const BUYER = '3d0c2a4e-1b7f-4c1e-9a55-0d3c7b9e0001';
const OTHER_BUYER = '3d0c2a4e-1b7f-4c1e-9a55-0d3c7b9e0002';

describeWithService({ name: 'Redis', host: '127.0.0.1', port: 6379 })('RedisInventoryStore', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let keyPrefix: string;
  let redis: Redis;
  let pg: Client;
  const stores: RedisUnderTest[] = [];

  /** One API process's Redis store kind: its inventory port, plus what the specs look at from outside. */
  type RedisUnderTest = InventoryStore &
    Pick<Stores, 'close' | 'checkHealth'> & { reconcile(repair: boolean): Promise<ReconcileRow[]> };

  /** Connected, but not seeded: no persister runs until `seedIfEmpty`. */
  async function connect(claimIdleMs = 10_000): Promise<RedisUnderTest> {
    // The shared test Redis runs without AOF: these specs accept that, the durability spec does not.
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
      checkHealth: () => opened.checkHealth(),
      reconcile: (repair: boolean) =>
        reconcileRedis(
          { ...options, store: 'redis', redisPrefix: keyPrefix, catalogPath: '', maxQuantityPerPurchase: 10 },
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

  const backlog = () => redis.xlen(RedisKeys.orders);
  /** Every persister on this Redis has stored what was sold (the stream is shared by all of them). */
  const drained = () => until(async () => (await backlog()) === 0, 'the persister to drain');

  const storedOrders = async () =>
    (
      await pg.query<{ n: number; sold: number }>(
        'SELECT count(*)::int AS n, coalesce(sum(quantity),0)::int AS sold FROM orders',
      )
    ).rows[0];

  const available = async (store: RedisUnderTest, productId: number) =>
    (await store.inventory(productId))?.available;

  beforeEach(async () => {
    database = await createTestDatabase();
    keyPrefix = `gtd_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}:`;
    redis = new Redis(TEST_REDIS_URL, { keyPrefix });
    pg = new Client({ connectionString: database.url });
    await pg.connect();
  });

  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
    await redis.quit();
    await pg.end();
    await clearRedisPrefix(keyPrefix);
    await database.drop();
  });

  it('persists every confirmed order to PostgreSQL exactly once, with buyer totals and keys', async () => {
    const store = await openStore();
    const outcomes = await Promise.all(Array.from({ length: 300 }, () => store.purchase(command(1, 1))));
    expect(outcomes.filter((o) => o.ok)).toHaveLength(200);
    const limited = expectSold(
      await store.purchase(command(2, 2, { buyerId: BUYER, idempotencyKey: 'checkout-1' })),
    );
    await drained();
    expect(await storedOrders()).toEqual({ n: 201, sold: 202 });
    const { rows } = await pg.query('SELECT id, available FROM products ORDER BY id');
    expect(rows).toEqual([
      { id: '1', available: 0 },
      { id: '2', available: 48 },
    ]);
    expect((await pg.query('SELECT product_id, buyer_id, quantity FROM buyer_totals')).rows).toEqual([
      { product_id: '2', buyer_id: BUYER, quantity: 2 },
    ]);
    expect(
      (await pg.query('SELECT scope, key, fingerprint, order_id, remaining FROM idempotency_keys')).rows,
    ).toEqual([
      { scope: BUYER, key: 'checkout-1', fingerprint: '2:2', order_id: limited.order.orderId, remaining: 48 },
    ]);
    expect(
      (await pg.query('SELECT buyer_id FROM orders WHERE id = $1', [limited.order.orderId])).rows,
    ).toEqual([{ buyer_id: BUYER }]);
    expect(await redis.hlen(RedisKeys.pending)).toBe(0);
  });

  it('rebuilds wiped counters from PostgreSQL on start, never reselling what was sold', async () => {
    const first = await openStore();
    await Promise.all(Array.from({ length: 150 }, () => first.purchase(command(1, 1))));
    await drained();
    await first.close();
    await clearRedisPrefix(keyPrefix);

    const second = await openStore();
    expect(await available(second, 1)).toBe(50);
    const rush = await Promise.all(Array.from({ length: 100 }, () => second.purchase(command(1, 1))));
    expect(rush.filter((o) => o.ok)).toHaveLength(50);
    await drained();
    expect(await storedOrders()).toEqual({ n: 200, sold: 200 });
  });

  it('counts orders still in the stream when rebuilding (stock − stored − waiting)', async () => {
    const reader = await sellerWithoutPersister();
    const sold = (await Promise.all(Array.from({ length: 30 }, () => reader.purchase(command(1, 2))))).filter(
      (o) => o.ok,
    );
    expect(sold).toHaveLength(30);
    await redis.del(RedisKeys.available(1), RedisKeys.builtFrom);

    const restarted = await openStore();
    // 200 − 60 waiting in the stream, none stored yet at rebuild time.
    expect(await available(restarted, 1)).toBe(140);
    await drained();
    expect(await storedOrders()).toEqual({ n: 30, sold: 60 });
    expect(await available(restarted, 1)).toBe(140);
  });

  describe('a wiped Redis keeps limits and keys', () => {
    /** Buyer at the limit of 2 on product 2 through two keyed purchases; the other buyer bought 1. */
    async function buyUpToTheLimit(store: RedisUnderTest): Promise<[Sold, Sold]> {
      const first = expectSold(await store.purchase(command(2, 1, { buyerId: BUYER, idempotencyKey: 'a' })));
      const second = expectSold(await store.purchase(command(2, 1, { buyerId: BUYER, idempotencyKey: 'b' })));
      expectSold(await store.purchase(command(2, 1, { buyerId: OTHER_BUYER })));
      expect(await store.purchase(command(2, 1, { buyerId: BUYER }))).toMatchObject({
        code: ErrorCode.LimitReached,
        bought: 2,
      });
      return [first, second];
    }

    async function expectLimitAndKeysKept(store: RedisUnderTest, [first, second]: [Sold, Sold]) {
      expect(await available(store, 2)).toBe(47);
      expect(await store.purchase(command(2, 1, { buyerId: BUYER }))).toMatchObject({
        ok: false,
        code: ErrorCode.LimitReached,
        bought: 2,
      });
      // The retried keys answer their first success again and sell nothing.
      expect(await store.purchase(command(2, 1, { buyerId: BUYER, idempotencyKey: 'a' }))).toEqual({
        ...first,
        replayed: true,
      });
      expect(await store.purchase(command(2, 1, { buyerId: BUYER, idempotencyKey: 'b' }))).toEqual({
        ...second,
        replayed: true,
      });
      expect(await store.purchase(command(2, 2, { buyerId: BUYER, idempotencyKey: 'a' }))).toMatchObject({
        code: ErrorCode.IdempotencyKeyMismatch,
      });
      // The other buyer still has one unit of allowance, no more.
      expectSold(await store.purchase(command(2, 1, { buyerId: OTHER_BUYER })));
      expect(await store.purchase(command(2, 1, { buyerId: OTHER_BUYER }))).toMatchObject({
        code: ErrorCode.LimitReached,
        bought: 2,
      });
      expect(await available(store, 2)).toBe(46);
    }

    it('after the orders were stored in PostgreSQL', async () => {
      const first = await openStore();
      const sold = await buyUpToTheLimit(first);
      await drained();
      await first.close();
      await clearRedisPrefix(keyPrefix);

      await expectLimitAndKeysKept(await openStore(), sold);
    });

    it('while the orders were still waiting in the stream', async () => {
      const seller = await sellerWithoutPersister();
      const sold = await buyUpToTheLimit(seller);
      // Everything but the order stream and its pending hash is lost.
      for (const key of [
        RedisKeys.builtFrom,
        RedisKeys.available(2),
        RedisKeys.rules(2),
        RedisKeys.buyers(2),
      ]) {
        await redis.del(key);
      }
      await redis.del(RedisKeys.idempotency(BUYER, 'a'), RedisKeys.idempotency(BUYER, 'b'));
      expect(await storedOrders()).toEqual({ n: 0, sold: 0 });

      const restarted = await openStore();
      await expectLimitAndKeysKept(restarted, sold);
      await drained();
      expect(await storedOrders()).toEqual({ n: 4, sold: 4 });
    });
  });

  it.each(['after it was stored in PostgreSQL', 'while it was still waiting in the stream'])(
    "a wiped Redis keeps an anonymous client's key in that client's scope, %s",
    async (when) => {
      const inStream = when.includes('stream');
      // Two anonymous clients, the second on IPv6, sending the same key and body.
      const clientA = { idempotencyKey: 'anon', idempotencyScope: idempotencyScope(null, '203.0.113.10') };
      const clientB = { idempotencyKey: 'anon', idempotencyScope: idempotencyScope(null, '2001:db8::20') };
      const seller = inStream ? await sellerWithoutPersister() : await openStore();
      const sold = expectSold(await seller.purchase(command(1, 1, clientA)));
      if (inStream) {
        await redis.del(RedisKeys.builtFrom, RedisKeys.idempotency(clientA.idempotencyScope, 'anon'));
      } else {
        await drained();
        await seller.close();
        await clearRedisPrefix(keyPrefix);
      }

      const restarted = await openStore();
      expect(await restarted.purchase(command(1, 1, clientA))).toEqual({ ...sold, replayed: true });
      const other = expectSold(await restarted.purchase(command(1, 1, clientB)));
      expect(other.replayed).toBe(false);
      expect(other.order.orderId).not.toBe(sold.order.orderId);
    },
  );

  it("takes over a dead worker's unacknowledged order events", async () => {
    // A "worker" that reads events and dies before storing them.
    const orderStore = await sellerWithoutPersister();
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => orderStore.purchase(command(1, 1))));
    const ids = outcomes.map((o) => expectSold(o).order.orderId);
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
    expect(await redis.xpending(RedisKeys.orders, PERSISTER_GROUP)).toEqual(expect.arrayContaining([20]));

    const survivor = await openStore(200);
    await until(async () => (await storedOrders()).n === 20, 'the abandoned events to be stored');
    await drained();
    for (const id of ids) expect(await survivor.findOrder(id)).toMatchObject({ orderId: id, quantity: 1 });
  });

  it('recovers by itself when Redis loses its data while running', async () => {
    const store = await openStore();
    await Promise.all(Array.from({ length: 10 }, () => store.purchase(command(1, 1))));
    await drained();
    await clearRedisPrefix(keyPrefix);
    await expect(store.purchase(command(1, 1))).resolves.toMatchObject({ ok: true, remaining: 189 });
    await until(async () => (await storedOrders()).n === 11, 'the persister to resume');
  });

  it("makes one process's operator writes rule every other process's next purchase", async () => {
    const operator = await openStore();
    const seller = await openStore();
    await operator.updateProduct(1, { paused: true });
    expect(await seller.purchase(command(1, 1))).toMatchObject({ code: ErrorCode.Paused });
    expect(await seller.inventory(1)).toMatchObject({ paused: true, available: 200 });
    await operator.updateProduct(1, { paused: false, perBuyerLimit: 1 });
    expect(await seller.purchase(command(1, 1))).toMatchObject({ code: ErrorCode.AuthRequired });
    expectSold(await seller.purchase(command(1, 1, { buyerId: BUYER })));

    await operator.restock(1, { mode: 'set', quantity: 3 });
    expect(await available(seller, 1)).toBe(3);
    const created = await operator.createProduct({
      name: 'Encore',
      description: '',
      price: 100,
      currency: 'EUR',
      stock: 4,
      startsAtMs: null,
      endsAtMs: null,
      paused: false,
      perBuyerLimit: null,
    });
    expect(expectSold(await seller.purchase(command(created.id, 4))).remaining).toBe(0);
  });

  it('moves PostgreSQL stock by the same delta as the counter, so both agree once stored', async () => {
    const store = await openStore();
    await Promise.all(Array.from({ length: 30 }, () => store.purchase(command(1, 1))));
    await store.restock(1, { mode: 'set', quantity: 10 }); // fewer: Redis first
    await Promise.all(Array.from({ length: 4 }, () => store.purchase(command(1, 1))));
    await store.restock(1, { mode: 'set', quantity: 25 }); // more: PostgreSQL first
    await store.restock(1, { mode: 'add', quantity: 5 });
    await drained();
    const { rows } = await pg.query<{ stock: number; available: number }>(
      'SELECT stock, available FROM products WHERE id = 1',
    );
    expect(rows[0]).toEqual({ stock: 64, available: 30 });
    expect(await available(store, 1)).toBe(30);
    expect((await store.reconcile(false)).find((r) => r.productId === 1)).toMatchObject({
      stock: 64,
      sold: 34,
      redisAvailable: 30,
      expectedAvailable: 30,
      agree: true,
    });
  });

  it('lists orders still waiting in Redis together with stored ones, each once', async () => {
    const seller = await sellerWithoutPersister();
    const stored = await Promise.all(
      Array.from({ length: 6 }, (_, i) => seller.purchase(command(1, 1, { nowMs: 1000 + i }))),
    );
    const persister = await openStore();
    await drained();
    await persister.close();
    // Sold while no persister runs: these stay in Redis, interleaved in time with the stored ones.
    const waiting = await Promise.all(
      Array.from({ length: 6 }, (_, i) => seller.purchase(command(1, 1, { nowMs: 1000 + i }))),
    );
    expect(await storedOrders()).toEqual({ n: 6, sold: 6 });
    const byTime = (a: Sold['order'], b: Sold['order']) =>
      a.createdAt === b.createdAt ? (a.orderId < b.orderId ? -1 : 1) : a.createdAt < b.createdAt ? -1 : 1;
    const expected = [...stored, ...waiting]
      .map((o) => ({ ...expectSold(o).order, unitPrice: 5000, currency: 'EUR', cancelledAt: null }))
      .sort(byTime);
    const seen: Sold['order'][] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<typeof seller.listOrders>> = await seller.listOrders(1, 5, cursor);
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual(expected);
    expect(await seller.salesSummary(1)).toMatchObject({ stock: 200, sold: 12, orders: 12, available: 188 });
  });

  it("lists a buyer's orders still waiting in Redis at the price they sold at, and stores that price", async () => {
    const seller = await sellerWithoutPersister();
    const early = expectSold(await seller.purchase(command(1, 1, { buyerId: BUYER, nowMs: 1000 })));
    // The price changes while the order waits: it keeps the price it was sold at.
    await seller.updateProduct(1, { price: 6000 });
    const late = expectSold(await seller.purchase(command(1, 2, { buyerId: BUYER, nowMs: 2000 })));
    await seller.purchase(command(1, 1, { buyerId: OTHER_BUYER, nowMs: 1500 }));
    expect(await storedOrders()).toEqual({ n: 0, sold: 0 });
    const first = await seller.listBuyerOrders(BUYER, 1, null);
    const second = await seller.listBuyerOrders(BUYER, 1, first.nextCursor);
    const expected = [
      { ...early.order, unitPrice: 5000, currency: 'EUR', cancelledAt: null },
      { ...late.order, unitPrice: 6000, currency: 'EUR', cancelledAt: null },
    ];
    expect([...first.items, ...second.items]).toEqual(expected);
    expect(second.nextCursor).toBeNull();
    expect(await seller.findOrder(early.order.orderId)).toEqual(expected[0]);

    await openStore();
    await drained();
    const { rows } = await pg.query<{ id: string; unit_price: number }>(
      'SELECT id, unit_price::int FROM orders WHERE buyer_id = $1 ORDER BY created_at',
      [BUYER],
    );
    expect(rows).toEqual([
      { id: early.order.orderId, unit_price: 5000 },
      { id: late.order.orderId, unit_price: 6000 },
    ]);
    expect((await seller.listBuyerOrders(BUYER, 10, null)).items).toEqual(expected);
  });

  it("copies the price into an older build's rules hash at start-up; its waiting orders show the current price", async () => {
    await (await openStore()).close();
    // As an older build left Redis: rules without a price, and a waiting order that carries none.
    await redis.hdel(RedisKeys.rules(1), 'price', 'currency');
    const legacy = '00000000-0000-4000-8000-0000000000aa';
    await redis.hset(RedisKeys.pending, legacy, `~|1|1|2030-01-01T00:00:00.000Z|${BUYER}|5|`);
    const seller = await sellerWithoutPersister();
    expect(await redis.hmget(RedisKeys.rules(1), 'price', 'currency')).toEqual(['5000', 'EUR']);
    const sold = expectSold(await seller.purchase(command(1, 1, { buyerId: BUYER })));
    await seller.updateProduct(1, { price: 5500 });
    expect(await seller.findOrder(sold.order.orderId)).toMatchObject({ unitPrice: 5000, currency: 'EUR' });
    // What PostgreSQL's trigger will record when it stores it: the price of that moment.
    expect(await seller.findOrder(legacy)).toMatchObject({ unitPrice: 5500, currency: 'EUR', quantity: 1 });
    expect((await seller.listBuyerOrders(BUYER, 10, null)).items.map((o) => o.unitPrice)).toEqual([
      5000, 5500,
    ]);
  });

  it('reconcile reports rules that differ from PostgreSQL and --repair restores them', async () => {
    const store = await openStore();
    await redis.hset(RedisKeys.rules(2), 'limit', '');
    expect((await store.reconcile(false)).find((r) => r.productId === 2)).toMatchObject({
      rulesAgree: false,
      agree: false,
    });
    const repaired = await store.reconcile(true);
    expect(repaired.every((r) => r.agree && r.rulesAgree)).toBe(true);
    expect(await store.inventory(2)).toMatchObject({ perBuyerLimit: 2 });
  });

  it('reports each dependency and the backlog', async () => {
    const store = await openStore();
    expect(await store.checkHealth()).toEqual([
      {
        name: 'redis',
        up: true,
        // The durability in effect, as read at start-up: the shared test Redis runs without AOF.
        details: { durability: expect.objectContaining({ mode: 'accept-loss', durable: false }) },
      },
      expect.objectContaining({ name: 'postgres', up: true }),
      { name: 'persister', up: true, details: { backlog: expect.any(Number) } },
    ]);
  });
});
