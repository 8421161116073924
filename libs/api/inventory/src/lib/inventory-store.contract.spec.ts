import { ErrorCode } from '@gtd/shared-contracts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryInventoryStore } from './adapters/memory-inventory-store';
import { SqliteInventoryStore } from './adapters/sqlite-inventory-store';
import { CatalogEntry } from './catalog';
import { InventoryStore, PurchaseOutcome } from './inventory-store';
import { PostgresInventoryStore } from './adapters/postgres-inventory-store';
import { RedisInventoryStore } from './adapters/redis-inventory-store';
import { clearRedisPrefix, createTestDatabase, describeWithService, TEST_REDIS_URL } from '../testing';

/**
 * The one contract every adapter keeps. New adapters join the table below and must pass unchanged.
 */
interface AdapterUnderTest {
  open(): Promise<InventoryStore>;
  cleanup(): void | Promise<void>;
}

function memoryAdapter(): AdapterUnderTest {
  return {
    open: async () => new MemoryInventoryStore(),
    cleanup: () => undefined,
  };
}

function sqliteAdapter(): AdapterUnderTest {
  const dir = mkdtempSync(join(tmpdir(), 'gtd-contract-'));
  return {
    open: async () => new SqliteInventoryStore({ path: join(dir, 'drop.sqlite') }),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

function postgresAdapter(): AdapterUnderTest {
  let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  return {
    open: async () => {
      database = await createTestDatabase();
      return new PostgresInventoryStore({ connectionString: database.url, poolSize: 20 });
    },
    cleanup: () => database?.drop(),
  };
}

function redisAdapter(): AdapterUnderTest {
  let database: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  const keyPrefix = `gtd_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}:`;
  return {
    open: async () => {
      database = await createTestDatabase();
      return new RedisInventoryStore({ redisUrl: TEST_REDIS_URL, databaseUrl: database.url, keyPrefix });
    },
    cleanup: async () => {
      await clearRedisPrefix(keyPrefix);
      await database?.drop();
    },
  };
}

const entry = (id: number, stock: number): CatalogEntry => ({
  id,
  name: `Product ${id}`,
  description: '',
  price: 1000,
  currency: 'EUR',
  stock,
});

function contract(makeAdapter: () => AdapterUnderTest): void {
  let adapter: AdapterUnderTest;
  let store: InventoryStore;

  beforeEach(async () => {
    adapter = makeAdapter();
    store = await adapter.open();
    await store.init();
    await store.seedIfEmpty([entry(1, 100), entry(2, 1000), entry(3, 5)]);
  });

  afterEach(async () => {
    await store.close();
    await adapter.cleanup();
  });

  it('seeds only an empty store', async () => {
    expect(await store.seedIfEmpty([entry(1, 999), entry(9, 1)])).toBe(false);
    expect(await store.available(1)).toBe(100);
    expect(await store.findProduct(9)).toBeUndefined();
    expect((await store.listProducts()).map((p) => p.id)).toEqual([1, 2, 3]);
  });

  it('sells one and records the order', async () => {
    const outcome = await store.purchase(1, 3);
    expect(outcome).toMatchObject({ ok: true, remaining: 97 });
    const { order } = outcome as Extract<PurchaseOutcome, { ok: true }>;
    expect(await store.findOrder(order.orderId)).toEqual(order);
    expect(order).toMatchObject({ productId: 1, quantity: 3 });
    expect(new Date(order.createdAt).toISOString()).toBe(order.createdAt);
    expect(await store.available(1)).toBe(97);
  });

  it('answers not found, sold out and insufficient stock without changing anything', async () => {
    expect(await store.purchase(42, 1)).toEqual({
      ok: false,
      code: ErrorCode.ProductNotFound,
      available: 0,
    });
    expect(await store.purchase(3, 6)).toEqual({
      ok: false,
      code: ErrorCode.InsufficientStock,
      available: 5,
    });
    expect(await store.available(3)).toBe(5);
    await store.purchase(3, 5);
    expect(await store.purchase(3, 1)).toEqual({
      ok: false,
      code: ErrorCode.SoldOut,
      available: 0,
    });
    expect(await store.salesSummary(3)).toEqual({
      productId: 3,
      stock: 5,
      available: 0,
      sold: 5,
      orders: 1,
    });
    expect(await store.findOrder('00000000-0000-4000-8000-000000000000')).toBeUndefined();
  });

  it('10,000 purchases started together against stock 100: exactly 100 succeed', async () => {
    const outcomes = await Promise.all(Array.from({ length: 10_000 }, () => store.purchase(1, 1)));
    const sold = outcomes.filter((o): o is Extract<PurchaseOutcome, { ok: true }> => o.ok);
    const rejected = outcomes.filter((o) => !o.ok);
    expect(sold).toHaveLength(100);
    expect(rejected).toHaveLength(9_900);
    expect(rejected.every((o) => !o.ok && o.code === ErrorCode.SoldOut)).toBe(true);
    expect(await store.available(1)).toBe(0);
    expect(new Set(sold.map((o) => o.order.orderId)).size).toBe(100);
    expect(sold.map((o) => o.remaining).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 100 }, (_, i) => i),
    );
    expect(await store.salesSummary(1)).toEqual({
      productId: 1,
      stock: 100,
      available: 0,
      sold: 100,
      orders: 100,
    });
    const stored = await Promise.all(sold.map((o) => store.findOrder(o.order.orderId)));
    expect(stored.every((order) => order?.productId === 1 && order.quantity === 1)).toBe(true);
  });

  it('mixed quantities above the stock: sold + available = stock, never negative', async () => {
    const observed: number[] = [];
    let rushing = true;
    const sampler = (async () => {
      while (rushing) {
        observed.push((await store.available(2)) ?? -1);
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const asked = Array.from({ length: 1_500 }, (_, i) => (i % 3) + 1);
    const outcomes = await Promise.all(asked.map((q) => store.purchase(2, q)));
    rushing = false;
    await sampler;

    const soldQuantity = outcomes.reduce((sum, o) => sum + (o.ok ? o.order.quantity : 0), 0);
    const available = (await store.available(2)) as number;
    expect(soldQuantity).toBeLessThanOrEqual(1000);
    expect(soldQuantity + available).toBe(1000);
    // Demand (3,000) is far above stock, and 1 is always asked for again: it must sell out.
    expect(available).toBe(0);
    expect(observed.length).toBeGreaterThan(0);
    expect(Math.min(...observed)).toBeGreaterThanOrEqual(0);
    for (const o of outcomes) {
      if (!o.ok) expect([ErrorCode.SoldOut, ErrorCode.InsufficientStock]).toContain(o.code);
      if (!o.ok && o.code === ErrorCode.InsufficientStock) expect(o.available).toBeGreaterThan(0);
    }
    const summary = await store.salesSummary(2);
    expect(summary).toMatchObject({
      stock: 1000,
      available: 0,
      sold: soldQuantity,
    });
    expect(summary?.orders).toBe(outcomes.filter((o) => o.ok).length);
  });

  it('answers ping while open', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });
}

describe.each([
  ['memory', memoryAdapter],
  ['sqlite', sqliteAdapter],
])('InventoryStore contract: %s', (_name, makeAdapter) => contract(makeAdapter));

describeWithService({ name: 'PostgreSQL', host: '127.0.0.1', port: 5432 })(
  'InventoryStore contract: postgres',
  () => contract(postgresAdapter),
);

describeWithService({ name: 'Redis', host: '127.0.0.1', port: 6379 })('InventoryStore contract: redis', () =>
  contract(redisAdapter),
);
