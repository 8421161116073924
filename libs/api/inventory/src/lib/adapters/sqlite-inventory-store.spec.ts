import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CatalogEntry } from '../catalog';
import { PurchaseOutcome } from '../inventory-store';
import { SQLITE_MIGRATIONS } from './sqlite-schema';
import { SqliteInventoryStore } from './sqlite-inventory-store';

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

describe('SqliteInventoryStore', () => {
  let dir: string;
  let path: string;
  const open: SqliteInventoryStore[] = [];

  async function openStore(): Promise<SqliteInventoryStore> {
    const store = new SqliteInventoryStore({ path });
    await store.init();
    open.push(store);
    return store;
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
    const bought = (await first.purchase(1, 4)) as Extract<PurchaseOutcome, { ok: true }>;
    await first.close();

    const second = await openStore();
    expect(await second.seedIfEmpty(catalog)).toBe(false);
    expect(await second.available(1)).toBe(46);
    expect(await second.findOrder(bought.order.orderId)).toEqual(bought.order);
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
      Array.from({ length: 400 }, (_, i) => (i % 2 === 0 ? a : b).purchase(1, 1)),
    );
    expect(outcomes.filter((o) => o.ok)).toHaveLength(50);
    expect(await a.available(1)).toBe(0);
    expect(await b.salesSummary(1)).toEqual({
      productId: 1,
      stock: 50,
      available: 0,
      sold: 50,
      orders: 50,
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
      store.purchase(1, 1),
      store.purchase(1, 7),
      store.purchase(1, 2),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(await store.salesSummary(1)).toEqual({
      productId: 1,
      stock: 50,
      available: 50,
      sold: 0,
      orders: 0,
    });
    // The next turn's batch is unaffected.
    await expect(store.purchase(1, 1)).resolves.toMatchObject({
      ok: true,
      remaining: 49,
    });
  });

  it('answers purchases queued before close', async () => {
    const store = await openStore();
    await store.seedIfEmpty(catalog);
    const pending = store.purchase(1, 1);
    await store.close();
    await expect(pending).resolves.toMatchObject({ ok: true, remaining: 49 });
    await expect(store.ping()).rejects.toThrow(/not open/);
  });
});
