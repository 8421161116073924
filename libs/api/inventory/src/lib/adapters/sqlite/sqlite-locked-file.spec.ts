import Database from 'better-sqlite3';
import { DependencyUnavailable } from '@gtd/api-platform';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmailKey } from '../../buyer-store';
import { CatalogEntry } from '../../catalog';
import { PurchaseCommand, PurchaseOutcome } from '../../inventory-store';
import { idempotencyScope } from '../../purchase-rules';
import { Stores } from '../../stores';
import { SqliteDatabase, SqliteStoreOptions } from './sqlite-database';
import { openSqliteStores } from './sqlite-stores';

const STOCK = 50;
const catalog: CatalogEntry[] = [
  { id: 1, name: 'Golden Ticket', description: 'x', price: 5000, currency: 'EUR', stock: STOCK },
  { id: 2, name: 'Limited', description: 'y', price: 100, currency: 'EUR', stock: 3, perBuyerLimit: 2 },
];

const buy = (quantity: number, more: Partial<PurchaseCommand> = {}): PurchaseCommand => ({
  productId: 1,
  quantity,
  buyerId: null,
  idempotencyKey: null,
  idempotencyScope: idempotencyScope(more.buyerId ?? null, '127.0.0.1'),
  nowMs: Date.now(),
  ...more,
});

/** A promise's state without waiting for it. */
function track<T>(promise: Promise<T>): { promise: Promise<T>; settled: () => boolean } {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  return { promise, settled: () => settled };
}

/**
 * Another process holds the file's write lock (`BEGIN IMMEDIATE` on a second connection). Writes
 * must wait for it from a timer — the event loop keeps turning, which a `setInterval` proves —
 * and either succeed once it is released or, past the lock wait, fail as "not made".
 */
describe('SQLite store while another connection holds the write lock', () => {
  let dir: string;
  let path: string;
  let other: Database.Database;
  let ticks: number;
  let ticker: NodeJS.Timeout;
  const open: Stores[] = [];

  async function openStores(options: Partial<SqliteStoreOptions> = {}): Promise<Stores> {
    const stores = await openSqliteStores({ path, ...options });
    open.push(stores);
    await stores.inventory.seedIfEmpty(catalog);
    return stores;
  }

  /** Resolves after the event loop ran `n` more timer ticks (a frozen loop never gets there). */
  function ticksLater(n: number): Promise<void> {
    const target = ticks + n;
    return new Promise((resolve) => {
      const check = setInterval(() => {
        if (ticks >= target) {
          clearInterval(check);
          resolve();
        }
      }, 1);
    });
  }

  const lock = () => {
    other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
  };
  const release = () => {
    if (other?.inTransaction) other.exec('ROLLBACK');
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gtd-sqlite-lock-'));
    path = join(dir, 'drop.sqlite');
    ticks = 0;
    ticker = setInterval(() => ticks++, 2);
  });

  afterEach(async () => {
    clearInterval(ticker);
    release();
    other?.close();
    await Promise.all(open.splice(0).map((s) => s.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('purchases wait while the loop keeps turning, and succeed in arrival order once it is released', async () => {
    const { inventory } = await openStores({ lockWaitMs: 10_000 });
    lock();
    const pending = [buy(1), buy(2), buy(3)].map((c) => track(inventory.purchase(c)));

    await ticksLater(20);
    expect(pending.map((p) => p.settled())).toEqual([false, false, false]);
    // Reads are not blocked by the writer (WAL): the poll answers the committed stock.
    expect((await inventory.inventory(1))?.available).toBe(STOCK);
    // A newcomer queues behind the waiting ones.
    pending.push(track(inventory.purchase(buy(4))));
    await ticksLater(5);
    expect(pending.some((p) => p.settled())).toBe(false);

    release();
    const outcomes = await Promise.all(pending.map((p) => p.promise));
    expect(outcomes.map((o) => o.ok && o.remaining)).toEqual([49, 47, 44, 40]);
    expect((await inventory.salesSummary(1))?.sold).toBe(10);
  });

  it('past the lock wait, purchases fail as not made (reached=false) and the stock is unchanged', async () => {
    const { inventory } = await openStores({ lockWaitMs: 200 });
    lock();
    const ticksBefore = ticks;
    const results = await Promise.allSettled([inventory.purchase(buy(1)), inventory.purchase(buy(2))]);
    // The loop turned while they waited.
    expect(ticks - ticksBefore).toBeGreaterThan(10);
    for (const result of results) {
      expect(result.status).toBe('rejected');
      const fault = (result as PromiseRejectedResult).reason;
      expect(fault).toBeInstanceOf(DependencyUnavailable);
      expect(fault).toMatchObject({ dependency: 'sqlite', reached: false });
      expect((fault as Error).cause).toMatchObject({ code: 'SQLITE_BUSY' });
    }
    release();
    expect(await inventory.salesSummary(1)).toMatchObject({ stock: STOCK, available: STOCK, sold: 0 });
    // The next purchase, the lock gone, sells.
    await expect(inventory.purchase(buy(1))).resolves.toMatchObject({ ok: true, remaining: STOCK - 1 });
  });

  it('keeps limits, keys and stock across the wait: one decision per buyer, in arrival order, never oversold', async () => {
    const { inventory } = await openStores({ lockWaitMs: 10_000 });
    lock();
    const limited = (quantity: number, buyerId: string, idempotencyKey: string | null = null) =>
      track(inventory.purchase(buy(quantity, { productId: 2, buyerId, idempotencyKey })));
    const first = limited(2, 'ana', 'k1');
    await ticksLater(5);
    // Arrive later, while the first still waits: the same buyer again, her retry, two others.
    const overLimit = limited(1, 'ana');
    const retry = limited(2, 'ana', 'k1');
    const bea = limited(1, 'bea');
    const cid = limited(1, 'cid');
    await ticksLater(5);
    release();

    const [a, b, c, d, e] = await Promise.all([first, overLimit, retry, bea, cid].map((p) => p.promise));
    expect(a).toMatchObject({ ok: true, remaining: 1, replayed: false });
    expect(b).toMatchObject({ ok: false, code: 'LIMIT_REACHED', bought: 2 });
    expect(c).toMatchObject({ ok: true, remaining: 1, replayed: true });
    expect((c as Extract<PurchaseOutcome, { ok: true }>).order.orderId).toBe(
      (a as Extract<PurchaseOutcome, { ok: true }>).order.orderId,
    );
    expect(d).toMatchObject({ ok: true, remaining: 0 });
    expect(e).toMatchObject({ ok: false, code: 'SOLD_OUT' });
    expect(await inventory.salesSummary(2)).toMatchObject({ stock: 3, available: 0, sold: 3, orders: 2 });
  });

  it('registration, operator writes and the rejection counts wait for the lock too, then fail as not made', async () => {
    const stores = await openStores({ lockWaitMs: 200 });
    lock();
    const buyer = {
      id: 'b1',
      email: 'ana@example.com' as EmailKey,
      passwordHash: 'h',
      createdAt: new Date().toISOString(),
    };
    const attempts = await Promise.allSettled([
      stores.buyers.create(buyer),
      stores.inventory.restock(1, { mode: 'add', quantity: 5 }),
      stores.inventory.recordRejections([{ productId: 1, code: 'SOLD_OUT', count: 3 }]),
      stores.audit.append({ at: buyer.createdAt, actor: 'admin', action: 'x', productId: 1, details: {} }),
    ]);
    for (const attempt of attempts) {
      expect((attempt as PromiseRejectedResult).reason).toMatchObject({
        dependency: 'sqlite',
        reached: false,
      });
    }
    release();
    expect(await stores.buyers.findByEmail(buyer.email)).toBeUndefined();
    expect(await stores.inventory.salesSummary(1)).toMatchObject({ stock: STOCK, rejects: {} });
    expect(await stores.audit.list(10, null)).toEqual([]);

    // Released within the wait, the same writes go through.
    lock();
    const created = track(stores.buyers.create(buyer));
    const restocked = track(stores.inventory.restock(1, { mode: 'add', quantity: 5 }));
    await ticksLater(5);
    expect(created.settled() || restocked.settled()).toBe(false);
    release();
    await expect(created.promise).resolves.toBe(true);
    await expect(restocked.promise).resolves.toMatchObject({ stock: STOCK + 5 });
  });

  it('writes waiting for the lock wait in one line and commit in the order they came', async () => {
    const { inventory } = await openStores({ lockWaitMs: 10_000 });
    lock();
    // The operator sets the stock to 10, then a buyer buys 1: the sale must see the new stock.
    const restocked = track(inventory.restock(1, { mode: 'set', quantity: 10 }));
    await ticksLater(3);
    const bought = track(inventory.purchase(buy(1)));
    const topUp = track(inventory.restock(1, { mode: 'add', quantity: 5 }));
    await ticksLater(10);
    expect([restocked, bought, topUp].some((p) => p.settled())).toBe(false);
    release();
    await expect(restocked.promise).resolves.toMatchObject({ available: 10 });
    await expect(bought.promise).resolves.toMatchObject({ ok: true, remaining: 9 });
    await expect(topUp.promise).resolves.toMatchObject({ available: 14 });
  });

  it('closing answers the purchases and writes waiting for the lock: not made, none left hanging', async () => {
    const stores = await openStores({ lockWaitMs: 10_000 });
    lock();
    const purchase = track(stores.inventory.purchase(buy(1)));
    const restock = track(stores.inventory.restock(1, { mode: 'add', quantity: 1 }));
    await ticksLater(5);
    await stores.close();
    await expect(purchase.promise).rejects.toMatchObject({ dependency: 'sqlite', reached: false });
    await expect(restock.promise).rejects.toMatchObject({ dependency: 'sqlite', reached: false });
  });

  it('a read SQLite answers BUSY is a DependencyUnavailable (a 503), not a raw error (a 500)', async () => {
    const database = new SqliteDatabase({ path });
    try {
      const busy = new Database.SqliteError('database is locked', 'SQLITE_BUSY');
      expect(() =>
        database.read(() => {
          throw busy;
        }),
      ).toThrow(expect.objectContaining({ dependency: 'sqlite', reached: false, cause: busy }));
      // Any other error stays what it is.
      const corrupt = new Database.SqliteError('malformed', 'SQLITE_CORRUPT');
      expect(() =>
        database.read(() => {
          throw corrupt;
        }),
      ).toThrow(corrupt);
    } finally {
      database.close();
    }
  });
});
