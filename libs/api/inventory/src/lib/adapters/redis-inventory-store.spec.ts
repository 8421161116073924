import Redis from 'ioredis';
import { Client } from 'pg';
import { setTimeout as sleep } from 'node:timers/promises';
import { clearRedisPrefix, createTestDatabase, describeWithService, TEST_REDIS_URL } from '../../testing';
import { CatalogEntry } from '../catalog';
import { PurchaseOutcome } from '../inventory-store';
import { RedisInventoryStore } from './redis-inventory-store';
import { PERSISTER_GROUP, RedisKeys } from './redis-scripts';

const catalog: CatalogEntry[] = [
  { id: 1, name: 'Golden Ticket', description: '', price: 5000, currency: 'EUR', stock: 200 },
];

async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await condition()) return;
    await sleep(50);
  }
  throw new Error(`Timed out waiting for ${what}`);
}

describeWithService({ name: 'Redis', host: '127.0.0.1', port: 6379 })('RedisInventoryStore', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let keyPrefix: string;
  let redis: Redis;
  let pg: Client;
  const stores: RedisInventoryStore[] = [];

  async function openStore(claimIdleMs = 10_000): Promise<RedisInventoryStore> {
    const store = new RedisInventoryStore({
      redisUrl: TEST_REDIS_URL,
      databaseUrl: database.url,
      keyPrefix,
      claimIdleMs,
    });
    stores.push(store);
    await store.init();
    await store.seedIfEmpty(catalog);
    return store;
  }

  /** Counters built and seeded, then a store that sells but runs no persister: events stay queued. */
  async function sellerWithoutPersister(): Promise<RedisInventoryStore> {
    await (await openStore()).close();
    const seller = new RedisInventoryStore({
      redisUrl: TEST_REDIS_URL,
      databaseUrl: database.url,
      keyPrefix,
    });
    stores.push(seller);
    await seller.init();
    return seller;
  }

  const storedOrders = async () =>
    (
      await pg.query<{ n: number; sold: number }>(
        'SELECT count(*)::int AS n, coalesce(sum(quantity),0)::int AS sold FROM orders',
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
    await redis.quit();
    await pg.end();
    await clearRedisPrefix(keyPrefix);
    await database.drop();
  });

  it('persists every confirmed order to PostgreSQL exactly once and drains its backlog', async () => {
    const store = await openStore();
    const outcomes = await Promise.all(Array.from({ length: 300 }, () => store.purchase(1, 1)));
    expect(outcomes.filter((o) => o.ok)).toHaveLength(200);
    await until(async () => (await store.backlog()) === 0, 'the persister to drain');
    expect(await storedOrders()).toEqual({ n: 200, sold: 200 });
    const { rows } = await pg.query('SELECT available FROM products WHERE id = 1');
    expect(rows[0].available).toBe(0);
    expect(await redis.hlen(RedisKeys.pending)).toBe(0);
  });

  it('rebuilds wiped counters from PostgreSQL on start, never reselling what was sold', async () => {
    const first = await openStore();
    await Promise.all(Array.from({ length: 150 }, () => first.purchase(1, 1)));
    await until(async () => (await first.backlog()) === 0, 'the persister to drain');
    await first.close();
    await clearRedisPrefix(keyPrefix);

    const second = await openStore();
    expect(await second.available(1)).toBe(50);
    const rush = await Promise.all(Array.from({ length: 100 }, () => second.purchase(1, 1)));
    expect(rush.filter((o) => o.ok)).toHaveLength(50);
    await until(async () => (await second.backlog()) === 0, 'the persister to drain');
    expect(await storedOrders()).toEqual({ n: 200, sold: 200 });
  });

  it('counts orders still in the stream when rebuilding (stock − stored − waiting)', async () => {
    const reader = await sellerWithoutPersister();
    const sold = (await Promise.all(Array.from({ length: 30 }, () => reader.purchase(1, 2)))).filter(
      (o) => o.ok,
    );
    expect(sold).toHaveLength(30);
    await redis.del(RedisKeys.available(1), RedisKeys.builtFrom);

    const restarted = await openStore();
    // 200 − 60 waiting in the stream, none stored yet at rebuild time.
    expect(await restarted.available(1)).toBe(140);
    await until(async () => (await restarted.backlog()) === 0, 'the persister to drain');
    expect(await storedOrders()).toEqual({ n: 30, sold: 60 });
    expect(await restarted.available(1)).toBe(140);
  });

  it("takes over a dead worker's unacknowledged order events", async () => {
    // A "worker" that reads events and dies before storing them.
    const orderStore = await sellerWithoutPersister();
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => orderStore.purchase(1, 1)));
    const ids = outcomes.map((o) => (o as Extract<PurchaseOutcome, { ok: true }>).order.orderId);
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
    await until(async () => (await survivor.backlog()) === 0, 'the stream to empty');
    for (const id of ids) expect(await survivor.findOrder(id)).toMatchObject({ orderId: id, quantity: 1 });
  });

  it('recovers by itself when Redis loses its data while running', async () => {
    const store = await openStore();
    await Promise.all(Array.from({ length: 10 }, () => store.purchase(1, 1)));
    await until(async () => (await store.backlog()) === 0, 'the persister to drain');
    await clearRedisPrefix(keyPrefix);
    await expect(store.purchase(1, 1)).resolves.toMatchObject({ ok: true, remaining: 189 });
    await until(async () => (await storedOrders()).n === 11, 'the persister to resume');
  });

  it('reports each dependency and the backlog', async () => {
    const store = await openStore();
    expect(await store.checkHealth()).toEqual([
      { name: 'redis', up: true },
      expect.objectContaining({ name: 'postgres', up: true }),
      { name: 'persister', up: true, details: { backlog: expect.any(Number) } },
    ]);
  });
});
