import Database from 'better-sqlite3';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CatalogEntry } from '../../catalog';
import { InventoryStore, PurchaseCommand, PurchaseOutcome } from '../../inventory-store';
import { Stores } from '../../stores';
import { SqliteStoreOptions } from './sqlite-database';
import { SQLITE_MIGRATIONS } from './sqlite-schema';
import { openSqliteStores } from './sqlite-stores';

const catalog: CatalogEntry[] = [
  {
    id: 1,
    name: 'Golden Ticket',
    description: 'x',
    price: 5000,
    currency: 'EUR',
    stock: 50,
  },
];

const buy = (quantity: number): PurchaseCommand => ({
  productId: 1,
  quantity,
  buyerId: null,
  idempotencyKey: null,
  idempotencyScope: '',
  nowMs: Date.now(),
});

describe('SqliteInventoryStore', () => {
  let dir: string;
  let path: string;
  const open: Stores[] = [];

  /** The inventory port of a freshly opened SQLite store kind, with the kind's own close and health. */
  async function openStore(
    options: Partial<SqliteStoreOptions> = {},
  ): Promise<InventoryStore & Pick<Stores, 'close' | 'checkHealth'>> {
    const stores = await openSqliteStores({ path, ...options });
    open.push(stores);
    return Object.assign(Object.create(stores.inventory) as InventoryStore, {
      close: () => stores.close(),
      checkHealth: () => stores.checkHealth(),
    });
  }

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gtd-sqlite-'));
    path = join(dir, 'nested', 'drop.sqlite');
  });

  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates its folder and schema, and records the schema version', async () => {
    const store = await openStore();
    await store.seedIfEmpty(catalog);
    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(SQLITE_MIGRATIONS.length);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });

  it('keeps stock and orders across a reopen, and never reseeds', async () => {
    const first = await openStore();
    await first.seedIfEmpty(catalog);
    const bought = (await first.purchase(buy(4))) as Extract<PurchaseOutcome, { ok: true }>;
    await first.close();

    const second = await openStore();
    expect(await second.seedIfEmpty(catalog)).toBe(false);
    expect((await second.inventory(1))?.available).toBe(46);
    expect(await second.findOrder(bought.order.orderId)).toEqual({
      ...bought.order,
      unitPrice: 5000,
      currency: 'EUR',
      cancelledAt: null,
    });
  });

  it('upgrades a database of the first schema in place, keeping its products and orders', async () => {
    mkdirSync(dirname(path), { recursive: true });
    const raw = new Database(path);
    raw.exec(SQLITE_MIGRATIONS[0]);
    raw.pragma('user_version = 1');
    raw.exec(`INSERT INTO products VALUES (1, 'Golden Ticket', 'x', 5000, 'EUR', 50, 49);
      INSERT INTO orders VALUES ('5f0c5d1e-1111-4a6b-9b1e-000000000001', 1, 1, '2026-01-01T00:00:00.000Z');`);
    raw.close();

    const store = await openStore();
    expect(await store.seedIfEmpty(catalog)).toBe(false);
    expect(await store.findProduct(1)).toEqual({
      ...catalog[0],
      stock: 50,
      available: 49,
      startsAtMs: null,
      endsAtMs: null,
      paused: false,
      perBuyerLimit: null,
    });
    expect(await store.listOrders(1, 10, null)).toEqual({
      items: [
        {
          orderId: '5f0c5d1e-1111-4a6b-9b1e-000000000001',
          productId: 1,
          quantity: 1,
          buyerId: null,
          createdAt: '2026-01-01T00:00:00.000Z',
          // The product's price when the schema gained the column: the closest record there is.
          unitPrice: 5000,
          currency: 'EUR',
          cancelledAt: null,
        },
      ],
      nextCursor: null,
    });
    await expect(store.purchase(buy(1))).resolves.toMatchObject({ ok: true, remaining: 48 });
  });

  it("prices an order inserted without a price (the previous build's insert) from its product", async () => {
    const store = await openStore();
    await store.seedIfEmpty(catalog);
    const raw = new Database(path);
    try {
      raw
        .prepare(
          'INSERT INTO orders (id, product_id, quantity, buyer_id, created_at) VALUES (?, 1, 1, NULL, ?)',
        )
        .run('5f0c5d1e-1111-4a6b-9b1e-000000000002', '2026-01-01T00:00:00.000Z');
    } finally {
      raw.close();
    }
    expect(await store.findOrder('5f0c5d1e-1111-4a6b-9b1e-000000000002')).toMatchObject({
      unitPrice: 5000,
      currency: 'EUR',
    });
  });

  it('answers a sold-out crowd without the write lock', async () => {
    const store = await openStore({ busyTimeoutMs: 100 });
    await store.seedIfEmpty([{ ...catalog[0], stock: 0 }]);
    // Another process holds the write lock: anything that needs it would fail with SQLITE_BUSY.
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    try {
      const outcomes = await Promise.all(Array.from({ length: 100 }, () => store.purchase(buy(1))));
      expect(outcomes.every((o) => !o.ok && o.code === 'SOLD_OUT')).toBe(true);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
  });

  it('refuses a database written by a newer schema', async () => {
    const raw = new Database(path.replace('nested/', ''));
    raw.pragma(`user_version = ${SQLITE_MIGRATIONS.length + 1}`);
    raw.close();
    path = path.replace('nested/', '');
    await expect(openStore()).rejects.toThrow(/newer than this build/);
  });

  it('two connections on one file rushing together sell exactly the stock', async () => {
    const a = await openStore();
    await a.seedIfEmpty(catalog);
    const b = await openStore();
    const outcomes = await Promise.all(
      Array.from({ length: 400 }, (_, i) => (i % 2 === 0 ? a : b).purchase(buy(1))),
    );
    expect(outcomes.filter((o) => o.ok)).toHaveLength(50);
    expect((await a.inventory(1))?.available).toBe(0);
    expect(await b.salesSummary(1)).toEqual({
      productId: 1,
      stock: 50,
      available: 0,
      sold: 50,
      orders: 50,
      buyers: 0,
      rejects: {},
    });
  });

  it('a batch whose commit fails sells nothing to anyone in it', async () => {
    const store = await openStore();
    await store.seedIfEmpty(catalog);
    const raw = new Database(path);
    raw.exec(
      "CREATE TRIGGER refuse_seven BEFORE INSERT ON orders WHEN NEW.quantity = 7 BEGIN SELECT RAISE(ABORT, 'refused'); END",
    );
    raw.close();
    const results = await Promise.allSettled([
      store.purchase(buy(1)),
      store.purchase(buy(7)),
      store.purchase(buy(2)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(await store.salesSummary(1)).toEqual({
      productId: 1,
      stock: 50,
      available: 50,
      sold: 0,
      orders: 0,
      buyers: 0,
      rejects: {},
    });
    // The next turn's batch is unaffected.
    await expect(store.purchase(buy(1))).resolves.toMatchObject({
      ok: true,
      remaining: 49,
    });
  });

  it('answers purchases queued before close', async () => {
    const store = await openStore();
    await store.seedIfEmpty(catalog);
    const pending = store.purchase(buy(1));
    await store.close();
    await expect(pending).resolves.toMatchObject({ ok: true, remaining: 49 });
    expect(await store.checkHealth()).toEqual([
      { name: 'sqlite', up: false, details: { error: expect.stringMatching(/not open/) } },
    ]);
  });
});
