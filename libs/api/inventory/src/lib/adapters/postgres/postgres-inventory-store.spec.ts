import { ErrorCode } from '@gtd/shared-contracts';
import { Client } from 'pg';
import { createTestDatabase, describeWithService } from '@gtd/testing';
import { CatalogEntry } from '../../catalog';
import {
  InventoryStore,
  OrderRecord,
  PurchaseCommand,
  PurchaseOutcome,
  SoldOrder,
} from '../../inventory-store';
import { DEFAULT_IDEMPOTENCY_TTL_MS, idempotencyScope } from '../../purchase-rules';
import { PostgresDatabase } from './postgres-database';
import { PersistedOrder, PostgresOrderLedger } from './postgres-ledger';
import { PostgresPurchases } from './postgres-purchase';
import { postgresInventory } from './postgres-stores';
import { POSTGRES_MIGRATIONS } from './postgres-schema';

/**
 * What the contract suite cannot see from the port: the migration of an existing database, the
 * Redis persister's entry point, and races that only a shared database has (one key used for two
 * products at once, each purchase holding a different row lock).
 */
const entry = (id: number, stock: number): CatalogEntry => ({
  id,
  name: `Product ${id}`,
  description: '',
  price: 1000,
  currency: 'EUR',
  stock,
});

const NOW = Date.parse('2030-01-01T00:00:00.000Z');
const BUYER = '6a0f8d4e-3b1c-4c55-9a3e-0d7c5b2f1e11';

type Sold = Extract<PurchaseOutcome, { ok: true }>;

const command = (overrides: Partial<PurchaseCommand>): PurchaseCommand => ({
  productId: 1,
  quantity: 1,
  buyerId: null,
  idempotencyKey: null,
  idempotencyScope: idempotencyScope(overrides.buyerId ?? null, '203.0.113.10'),
  nowMs: NOW,
  ...overrides,
});

describeWithService({ name: 'PostgreSQL', host: '127.0.0.1', port: 5432 })('PostgresInventoryStore', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: PostgresDatabase | undefined;
  let store: InventoryStore;
  let purchases: PostgresPurchases;
  let ledger: PostgresOrderLedger;
  let sql: Client;

  beforeEach(async () => {
    database = await createTestDatabase();
    sql = new Client({ connectionString: database.url });
    await sql.connect();
  });

  afterEach(async () => {
    await pool?.close();
    pool = undefined;
    await sql.end();
    await database.drop();
  });

  async function openStore(idempotencyTtlMs?: number): Promise<InventoryStore> {
    pool = new PostgresDatabase({ connectionString: database.url, poolSize: 20 });
    await pool.migrate();
    purchases = new PostgresPurchases(pool, idempotencyTtlMs ?? DEFAULT_IDEMPOTENCY_TTL_MS);
    store = postgresInventory(pool, idempotencyTtlMs, purchases);
    ledger = new PostgresOrderLedger(pool, idempotencyTtlMs ?? DEFAULT_IDEMPOTENCY_TTL_MS);
    return store;
  }

  it('migrates a version-2 database in place: stock, orders and the schedule defaults', async () => {
    await sql.query(
      'CREATE TABLE schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())',
    );
    for (const [index, migration] of POSTGRES_MIGRATIONS.slice(0, 2).entries()) {
      await sql.query(migration);
      await sql.query('INSERT INTO schema_migrations (version) VALUES ($1)', [index + 1]);
    }
    await sql.query(`INSERT INTO products VALUES (1, 'Old', '', 100, 'EUR', 10, 7)`);
    // Version 2 stamped orders with microseconds; three within one millisecond.
    await sql.query(`INSERT INTO orders (id, product_id, quantity, created_at) VALUES
      ('00000000-0000-4000-8000-000000000003', 1, 1, '2029-01-01T00:00:00.123456Z'),
      ('00000000-0000-4000-8000-000000000001', 1, 1, '2029-01-01T00:00:00.123999Z'),
      ('00000000-0000-4000-8000-000000000002', 1, 1, '2029-01-01T00:00:00.123001Z')`);

    await openStore();
    expect(await store.seedIfEmpty([entry(1, 999)])).toBe(false);
    expect(await store.findProduct(1)).toEqual({
      id: 1,
      name: 'Old',
      description: '',
      price: 100,
      currency: 'EUR',
      stock: 10,
      available: 7,
      startsAtMs: null,
      endsAtMs: null,
      paused: false,
      perBuyerLimit: null,
    });
    const seen: OrderRecord[] = [];
    let after: string | null = null;
    do {
      const page = await store.listOrders(1, 1, after);
      seen.push(...page.items);
      after = page.nextCursor;
    } while (after !== null);
    expect(seen.map((o) => o.orderId)).toEqual([
      '00000000-0000-4000-8000-000000000001',
      '00000000-0000-4000-8000-000000000002',
      '00000000-0000-4000-8000-000000000003',
    ]);
    expect(seen.every((o) => o.createdAt === '2029-01-01T00:00:00.123Z' && o.buyerId === null)).toBe(true);
    // Orders older than the price column take the product's price of the moment of migrating.
    expect(seen.every((o) => o.unitPrice === 100 && o.currency === 'EUR')).toBe(true);
    const { rows } = await sql.query('SELECT max(version) AS version FROM schema_migrations');
    expect(rows[0].version).toBe(POSTGRES_MIGRATIONS.length);
  });

  it("prices the orders of the previous build's gtd_purchase from the row it locked", async () => {
    await openStore();
    await store.seedIfEmpty([entry(1, 10)]);
    // A process of the previous build during a rolling deploy still calls the one-purchase function.
    const { rows } = await sql.query<{ outcome: string; order_id: string }>(
      `SELECT outcome, order_id FROM gtd_purchase(1, 2, NULL, '', NULL, 'f', now(), interval '1 day', gen_random_uuid())`,
    );
    expect(rows[0].outcome).toBe('SOLD');
    await store.updateProduct(1, { price: 1 });
    expect(await store.findOrder(rows[0].order_id)).toMatchObject({
      quantity: 2,
      unitPrice: 1000,
      currency: 'EUR',
    });
  });

  it('persistOrders stores each order once, with its stock, buyer total and key, and a key it stored replays', async () => {
    await openStore();
    await store.seedIfEmpty([entry(1, 10), entry(2, 10)]);
    const order = (id: string, productId: number, quantity: number, buyerId: string | null): SoldOrder => ({
      orderId: id,
      productId,
      quantity,
      buyerId,
      createdAt: '2030-01-01T00:00:00.000Z',
    });
    const events: PersistedOrder[] = [
      {
        order: order('00000000-0000-4000-8000-00000000000a', 1, 2, BUYER),
        // Sold in Redis at a price PostgreSQL's product row no longer has: the order keeps it.
        price: { unitPrice: 777, currency: 'USD' },
        idempotencyKey: 'k1',
        scope: BUYER,
        remaining: 8,
      },
      {
        order: order('00000000-0000-4000-8000-00000000000b', 1, 1, BUYER),
        // An older build's event without a price: the trigger records the product's.
        price: null,
        idempotencyKey: null,
        scope: '',
        remaining: 7,
      },
      {
        order: order('00000000-0000-4000-8000-00000000000c', 2, 3, null),
        price: { unitPrice: 1000, currency: 'EUR' },
        idempotencyKey: 'k1',
        // The anonymous client of `command`: stored in its scope, so its retry below replays.
        scope: idempotencyScope(null, '203.0.113.10'),
        remaining: 7,
      },
    ];
    expect(await ledger.persistOrders(events.slice(0, 2))).toBe(2);
    // A retry after a crash: the first two are already stored and must not count again.
    expect(await ledger.persistOrders(events)).toBe(1);
    expect(await ledger.persistOrders(events)).toBe(0);

    expect(await store.salesSummary(1)).toMatchObject({
      stock: 10,
      available: 7,
      sold: 3,
      orders: 2,
      buyers: 1,
    });
    expect(await store.salesSummary(2)).toMatchObject({
      stock: 10,
      available: 7,
      sold: 3,
      orders: 1,
      buyers: 0,
    });
    expect(await store.findOrder('00000000-0000-4000-8000-00000000000a')).toEqual({
      ...events[0].order,
      unitPrice: 777,
      currency: 'USD',
      cancelledAt: null,
    });
    expect(await store.findOrder('00000000-0000-4000-8000-00000000000b')).toMatchObject({
      unitPrice: 1000,
      currency: 'EUR',
    });

    const replay = await store.purchase(
      command({ productId: 1, quantity: 2, buyerId: BUYER, idempotencyKey: 'k1' }),
    );
    expect(replay).toEqual({ ok: true, order: events[0].order, remaining: 8, replayed: true });
    const anonymous = await store.purchase(command({ productId: 2, quantity: 3, idempotencyKey: 'k1' }));
    expect(anonymous).toMatchObject({
      ok: true,
      order: { orderId: events[2].order.orderId },
      replayed: true,
    });

    await store.updateProduct(1, { perBuyerLimit: 4 });
    expect(await store.purchase(command({ productId: 1, quantity: 2, buyerId: BUYER }))).toMatchObject({
      ok: false,
      code: ErrorCode.LimitReached,
      bought: 3,
    });
  });

  it('one key sent for two products at once: one sale, every other answer replays it or is a mismatch', async () => {
    await openStore();
    await store.seedIfEmpty([entry(1, 100), entry(2, 100)]);
    const outcomes = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        store.purchase(command({ productId: (i % 2) + 1, buyerId: BUYER, idempotencyKey: 'shared' })),
      ),
    );
    const sold = outcomes.filter((o): o is Sold => o.ok && !o.replayed);
    expect(sold).toHaveLength(1);
    const winner = sold[0].order;
    for (const [i, outcome] of outcomes.entries()) {
      if ((i % 2) + 1 === winner.productId) {
        expect(outcome).toMatchObject({ ok: true, order: { orderId: winner.orderId } });
      } else {
        expect(outcome).toMatchObject({ ok: false, code: ErrorCode.IdempotencyKeyMismatch });
      }
    }
    const [one, two] = await Promise.all([store.salesSummary(1), store.salesSummary(2)]);
    expect((one?.sold ?? 0) + (two?.sold ?? 0)).toBe(1);
  });

  it('restocks racing a rush of sales: none is lost, stock = sold + available', async () => {
    await openStore();
    await store.seedIfEmpty([entry(1, 50)]);
    const rush = Promise.all(Array.from({ length: 300 }, () => store.purchase(command({}))));
    const restocks = Promise.all([
      store.restock(1, { mode: 'add', quantity: 30 }),
      store.restock(1, { mode: 'add', quantity: 20 }),
    ]);
    const [outcomes] = await Promise.all([rush, restocks]);
    const soldCount = outcomes.filter((o) => o.ok).length;
    const summary = await store.salesSummary(1);
    expect(summary).toMatchObject({ stock: 100, sold: soldCount, orders: soldCount });
    expect(summary?.available).toBe(100 - soldCount);
  });

  it('purchases sent together are one batch, decided in arrival order: keys, limits and stock as if one by one', async () => {
    await openStore();
    await store.seedIfEmpty([entry(1, 100), entry(2, 100), entry(3, 1)]);
    await store.updateProduct(2, { perBuyerLimit: 2 });
    const OTHER = '6a0f8d4e-3b1c-4c55-9a3e-0d7c5b2f1e12';
    const before = purchases.batches.stats.batches;
    const outcomes = await Promise.all([
      store.purchase(command({ productId: 1, quantity: 2, idempotencyKey: 'k' })),
      store.purchase(command({ productId: 1, quantity: 2, idempotencyKey: 'k' })),
      store.purchase(command({ productId: 1, quantity: 3, idempotencyKey: 'k' })),
      store.purchase(command({ productId: 2, buyerId: BUYER })),
      store.purchase(command({ productId: 2, buyerId: BUYER })),
      store.purchase(command({ productId: 2, buyerId: BUYER })),
      store.purchase(command({ productId: 2, buyerId: OTHER, quantity: 2 })),
      store.purchase(command({ productId: 2 })),
      store.purchase(command({ productId: 3 })),
      store.purchase(command({ productId: 3 })),
      store.purchase(command({ productId: 99 })),
    ]);
    expect(purchases.batches.stats.batches - before).toBe(1);
    const first = outcomes[0] as Sold;
    expect(first).toMatchObject({ ok: true, replayed: false, remaining: 98 });
    // The key repeated inside the batch replays the first's order: nothing sold twice.
    expect(outcomes[1]).toEqual({ ...first, replayed: true });
    expect(outcomes[2]).toMatchObject({ ok: false, code: ErrorCode.IdempotencyKeyMismatch });
    expect(outcomes.slice(3, 8)).toMatchObject([
      { ok: true, remaining: 99 },
      { ok: true, remaining: 98 },
      { ok: false, code: ErrorCode.LimitReached, bought: 2 },
      { ok: true, remaining: 96 },
      { ok: false, code: ErrorCode.AuthRequired },
    ]);
    expect(outcomes.slice(8)).toMatchObject([
      { ok: true, remaining: 0 },
      { ok: false, code: ErrorCode.SoldOut },
      { ok: false, code: ErrorCode.ProductNotFound },
    ]);
    expect(await store.salesSummary(1)).toMatchObject({ sold: 2, orders: 1 });
    expect(await store.salesSummary(2)).toMatchObject({ sold: 4, orders: 3, buyers: 2 });
    expect(await store.salesSummary(3)).toMatchObject({ sold: 1, available: 0 });
  });

  it('a rush is decided in batches, none larger than the maximum', async () => {
    await openStore();
    await store.seedIfEmpty([entry(1, 1000)]);
    const bounded = new PostgresPurchases(pool as PostgresDatabase, DEFAULT_IDEMPOTENCY_TTL_MS, 50);
    const outcomes = await Promise.all(Array.from({ length: 600 }, () => bounded.purchase(command({}))));
    expect(outcomes.filter((o) => o.ok)).toHaveLength(600);
    const { batches, commands, largest } = bounded.batches.stats;
    expect(commands).toBe(600);
    expect(largest).toBe(50);
    expect(batches).toBeGreaterThanOrEqual(12);
    expect(batches).toBeLessThan(600);
    expect(await store.salesSummary(1)).toMatchObject({ sold: 600, orders: 600, available: 400 });
  });

  it('two pools (two processes) batching across products in opposite orders: no deadlock, exact stock', async () => {
    await openStore();
    await store.seedIfEmpty([entry(1, 300), entry(2, 300), entry(3, 300)]);
    const other = new PostgresDatabase({ connectionString: database.url, poolSize: 5 });
    try {
      const second = postgresInventory(other);
      const rush = (target: InventoryStore, order: number[]) =>
        Promise.all(
          Array.from({ length: 600 }, (_, i) =>
            target.purchase(
              command({
                productId: order[i % 3],
                // Some keyed, some limited-free buyers: every path takes its turn under the locks.
                idempotencyKey: i % 5 === 0 ? `k-${order.join('')}-${i}` : null,
              }),
            ),
          ),
        );
      const [a, b] = await Promise.all([rush(store, [1, 2, 3]), rush(second, [3, 2, 1])]);
      const sold = [...a, ...b].filter((o): o is Sold => o.ok);
      expect(sold).toHaveLength(900);
      expect(new Set(sold.map((o) => o.order.orderId)).size).toBe(900);
      for (const id of [1, 2, 3]) {
        expect(await store.salesSummary(id)).toMatchObject({
          stock: 300,
          available: 0,
          sold: 300,
          orders: 300,
        });
      }
    } finally {
      await other.close();
    }
  });

  it('deletes expired keys only', async () => {
    await openStore(60_000);
    await store.seedIfEmpty([entry(1, 10)]);
    await store.purchase(command({ idempotencyKey: 'old', nowMs: NOW }));
    await store.purchase(command({ idempotencyKey: 'young', nowMs: NOW + 30_000 }));
    expect(await ledger.deleteExpiredKeys(NOW + 60_000)).toBe(1);
    const { rows } = await sql.query('SELECT key FROM idempotency_keys');
    expect(rows).toEqual([{ key: 'young' }]);
  });
});
