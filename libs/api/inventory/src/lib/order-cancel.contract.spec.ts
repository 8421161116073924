import { ErrorCode } from '@gtd/shared-contracts';
import { CancelOutcome, InventoryStore, NewProduct, OrderRecord, PurchaseCommand } from './inventory-store';
import { Stores } from './stores';
import { Cancelled, expectCancelled, expectSold, purchaseCommand, Sold } from '../testing/purchase-fixtures';
import { AdapterUnderTest, describeEveryStoreKind } from '../testing/store-kinds';

/**
 * `InventoryStore.cancelOrder` on every store kind: the units back on sale, the buyer's total down
 * and the order marked, as one step atomic with purchases and with other cancels.
 */
const T = Date.parse('2030-01-01T00:00:00.000Z');
const RUSH_TIMEOUT_MS = 30_000;
const BUYER_A = '0b6f1c9e-3f3a-4a53-9d55-6f2f8e0a0101';
const BUYER_B = '0b6f1c9e-3f3a-4a53-9d55-6f2f8e0a0102';
const UNKNOWN_ORDER = '00000000-0000-4000-8000-000000000000';

const iso = (ms: number) => new Date(ms).toISOString();

/** Decided at T: the store reads time only from the command. */
const command = (
  productId: number,
  quantity: number,
  extra: Partial<PurchaseCommand> = {},
): PurchaseCommand => purchaseCommand(productId, quantity, { nowMs: T, ...extra });

const drop = (extra: Partial<NewProduct> = {}): NewProduct => ({
  name: 'Drop',
  description: '',
  price: 1000,
  currency: 'EUR',
  stock: 10,
  startsAtMs: null,
  endsAtMs: null,
  paused: false,
  perBuyerLimit: null,
  ...extra,
});

/** Every order of a product, through the pages. */
async function allOrders(store: InventoryStore, productId: number): Promise<OrderRecord[]> {
  const orders: OrderRecord[] = [];
  let after: string | null = null;
  do {
    const page = await store.listOrders(productId, 500, after);
    orders.push(...page.items);
    after = page.nextCursor;
  } while (after !== null);
  return orders;
}

function contract(makeAdapter: () => AdapterUnderTest): void {
  let adapter: AdapterUnderTest;
  let stores: Stores;
  let store: InventoryStore;

  const available = async (productId: number) => (await store.inventory(productId))?.available;

  beforeEach(async () => {
    adapter = makeAdapter();
    stores = await adapter.open();
    store = stores.inventory;
  });

  afterEach(async () => {
    await stores.close();
    await adapter.cleanup();
  });

  it("puts the units back, lowers the buyer's total (a buyer at the limit buys again) and marks the order", async () => {
    const { id } = await store.createProduct(drop({ perBuyerLimit: 3 }));
    const first = expectSold(await store.purchase(command(id, 2, { buyerId: BUYER_A })));
    const second = expectSold(await store.purchase(command(id, 1, { buyerId: BUYER_A, nowMs: T + 1 })));
    expect(await store.purchase(command(id, 1, { buyerId: BUYER_A, nowMs: T + 2 }))).toMatchObject({
      code: ErrorCode.LimitReached,
      bought: 3,
    });

    const cancelled = expectCancelled(await store.cancelOrder(first.order.orderId, T + 1000));
    const marked: OrderRecord = {
      ...first.order,
      unitPrice: 1000,
      currency: 'EUR',
      cancelledAt: iso(T + 1000),
    };
    expect(cancelled).toEqual({ ok: true, order: marked, available: 9 });
    expect(await available(id)).toBe(9);
    // Every read of the order shows the mark; the standing one shows none.
    expect(await store.findOrder(first.order.orderId)).toEqual(marked);
    expect(await store.findOrder(second.order.orderId)).toMatchObject({ cancelledAt: null });
    expect((await store.listOrders(id, 10, null)).items.map((o) => o.cancelledAt)).toEqual([
      iso(T + 1000),
      null,
    ]);
    expect((await store.listBuyerOrders(BUYER_A, 10, null)).items.map((o) => o.cancelledAt)).toEqual([
      iso(T + 1000),
      null,
    ]);
    expect(await store.salesSummary(id)).toMatchObject({
      stock: 10,
      available: 9,
      sold: 1,
      orders: 1,
      buyers: 1,
    });

    // The limit counts only what stands: 1 held, so 2 more fit and a third does not.
    expectSold(await store.purchase(command(id, 2, { buyerId: BUYER_A, nowMs: T + 2000 })));
    expect(await store.purchase(command(id, 1, { buyerId: BUYER_A, nowMs: T + 2001 }))).toMatchObject({
      code: ErrorCode.LimitReached,
      bought: 3,
    });
    expect(await store.salesSummary(id)).toMatchObject({
      stock: 10,
      available: 7,
      sold: 3,
      orders: 2,
      buyers: 1,
    });
  });

  it('a buyer whose every order is cancelled is no longer counted among the buyers', async () => {
    const { id } = await store.createProduct(drop({ perBuyerLimit: 2 }));
    const a = expectSold(await store.purchase(command(id, 2, { buyerId: BUYER_A })));
    expectSold(await store.purchase(command(id, 1, { buyerId: BUYER_B })));
    const anonymousDrop = await store.createProduct(drop());
    const anonymous = expectSold(await store.purchase(command(anonymousDrop.id, 4)));
    expect(await store.salesSummary(id)).toMatchObject({ sold: 3, orders: 2, buyers: 2 });

    expectCancelled(await store.cancelOrder(a.order.orderId, T + 1));
    expect(await store.salesSummary(id)).toMatchObject({ available: 9, sold: 1, orders: 1, buyers: 1 });
    // The full allowance again.
    expectSold(await store.purchase(command(id, 2, { buyerId: BUYER_A, nowMs: T + 2 })));

    // An anonymous order has no buyer's total to lower.
    expect(await store.cancelOrder(anonymous.order.orderId, T + 3)).toMatchObject({
      ok: true,
      available: 10,
    });
    expect(await store.salesSummary(anonymousDrop.id)).toMatchObject({
      stock: 10,
      available: 10,
      sold: 0,
      orders: 0,
      buyers: 0,
    });
  });

  it('a second cancel is ORDER_ALREADY_CANCELLED with the first one’s time, and changes nothing', async () => {
    const { id } = await store.createProduct(drop());
    const sold = expectSold(await store.purchase(command(id, 3)));
    expectCancelled(await store.cancelOrder(sold.order.orderId, T + 10));
    expect(await store.cancelOrder(sold.order.orderId, T + 20)).toEqual({
      ok: false,
      code: ErrorCode.OrderAlreadyCancelled,
      order: { ...sold.order, unitPrice: 1000, currency: 'EUR', cancelledAt: iso(T + 10) },
    });
    expect(await available(id)).toBe(10);
    expect(await store.salesSummary(id)).toMatchObject({ stock: 10, available: 10, sold: 0, orders: 0 });
  });

  it('an unknown order is ORDER_NOT_FOUND', async () => {
    expect(await store.cancelOrder(UNKNOWN_ORDER, T)).toEqual({ ok: false, code: ErrorCode.OrderNotFound });
  });

  it('pause, the end of the schedule and a set restock do not stop a cancel', async () => {
    const { id } = await store.createProduct(drop({ stock: 5, endsAtMs: T + 100 }));
    const paused = expectSold(await store.purchase(command(id, 2)));
    const ended = expectSold(await store.purchase(command(id, 1)));
    await store.updateProduct(id, { paused: true });
    expect(await store.cancelOrder(paused.order.orderId, T + 1)).toMatchObject({ ok: true, available: 4 });
    await store.restock(id, { mode: 'set', quantity: 0 });
    // Stock = sold + 0 = 1 now; the cancel puts that unit back, after the end of the drop.
    expect(await store.cancelOrder(ended.order.orderId, T + 500)).toMatchObject({ ok: true, available: 1 });
    expect(await store.salesSummary(id)).toMatchObject({ stock: 1, available: 1, sold: 0, orders: 0 });
  });

  it("a cancelled sale's idempotency key still replays the sale, and sells nothing", async () => {
    const { id } = await store.createProduct(drop());
    const keyed = command(id, 2, { buyerId: BUYER_A, idempotencyKey: 'cancel-then-retry' });
    const sold = expectSold(await store.purchase(keyed));
    expectCancelled(await store.cancelOrder(sold.order.orderId, T + 1));
    expect(await store.purchase({ ...keyed, nowMs: T + 2 })).toMatchObject({
      ok: true,
      order: sold.order,
      replayed: true,
    });
    expect(await store.salesSummary(id)).toMatchObject({ available: 10, sold: 0, orders: 0 });
  });

  it(
    '50 concurrent cancels of one order: exactly one succeeds, the units go back once',
    async () => {
      const { id } = await store.createProduct(drop());
      const sold = expectSold(await store.purchase(command(id, 3, { buyerId: BUYER_A })));
      const outcomes = await Promise.all(
        Array.from({ length: 50 }, (_, i) => store.cancelOrder(sold.order.orderId, T + 1 + i)),
      );
      const won = outcomes.filter((o): o is Cancelled => o.ok);
      expect(won).toHaveLength(1);
      expect(won[0].available).toBe(10);
      for (const o of outcomes) {
        if (!o.ok) {
          expect(o).toEqual({
            ok: false,
            code: ErrorCode.OrderAlreadyCancelled,
            order: won[0].order,
          });
        }
      }
      expect(await available(id)).toBe(10);
      expect(await store.salesSummary(id)).toMatchObject({ sold: 0, orders: 0, buyers: 0 });
    },
    RUSH_TIMEOUT_MS,
  );

  it(
    'a rush of purchases and cancels, from two instances: stock = available + sold, sold = the standing orders, limits hold',
    async () => {
      const other = await adapter.open();
      try {
        const limit = 3;
        const { id } = await store.createProduct(drop({ stock: 100, perBuyerLimit: limit }));
        const buyers = Array.from(
          { length: 40 },
          (_, i) => `0b6f1c9e-3f3a-4a53-9d55-${(0x6f2f8e0a1000 + i).toString(16).padStart(12, '0')}`,
        );
        const cancels: Promise<CancelOutcome>[] = [];
        // 400 attempts (10 per buyer) for 100 units; every second sale is cancelled as soon as it
        // answers, through the other instance, while the rush goes on: its units sell again.
        let sales = 0;
        const attempts = Array.from({ length: 400 }, (_, i) => {
          const seller = i % 2 === 0 ? store : other.inventory;
          const buyerId = buyers[i % buyers.length];
          return seller.purchase(command(id, 1 + (i % 2), { buyerId, nowMs: T + i })).then((outcome) => {
            if (outcome.ok && sales++ % 2 === 0) {
              const canceller = i % 2 === 0 ? other.inventory : store;
              cancels.push(canceller.cancelOrder(outcome.order.orderId, T + 10_000 + i));
            }
            return outcome;
          });
        });
        const outcomes = await Promise.all(attempts);
        const cancelled = await Promise.all(cancels);
        // Cancels may answer after the last purchase; every one of them found a standing order.
        expect(cancelled.every((c) => c.ok)).toBe(true);
        for (const o of outcomes) {
          if (!o.ok) {
            expect([ErrorCode.SoldOut, ErrorCode.InsufficientStock, ErrorCode.LimitReached]).toContain(
              o.code,
            );
          }
        }

        const orders = await allOrders(store, id);
        const standing = orders.filter((o) => o.cancelledAt === null);
        const soldOrderIds = outcomes.filter((o): o is Sold => o.ok).map((o) => o.order.orderId);
        expect(orders.map((o) => o.orderId).sort()).toEqual([...soldOrderIds].sort());
        expect(orders.length - standing.length).toBe(cancels.length);
        const standingUnits = standing.reduce((sum, o) => sum + o.quantity, 0);
        const summary = await store.salesSummary(id);
        expect(summary).toMatchObject({
          stock: 100,
          sold: standingUnits,
          available: 100 - standingUnits,
          orders: standing.length,
          buyers: new Set(standing.map((o) => o.buyerId)).size,
        });
        expect(await available(id)).toBe(100 - standingUnits);

        // Each buyer's total is exactly what their standing orders hold: asking for more than the
        // limit is refused with that total, on either instance.
        for (const [i, buyerId] of buyers.entries()) {
          const held = standing.filter((o) => o.buyerId === buyerId).reduce((sum, o) => sum + o.quantity, 0);
          expect(held).toBeLessThanOrEqual(limit);
          const asker = i % 2 === 0 ? store : other.inventory;
          expect(await asker.purchase(command(id, limit + 1, { buyerId, nowMs: T + 50_000 }))).toMatchObject({
            code: ErrorCode.LimitReached,
            bought: held,
          });
        }
      } finally {
        if (other !== stores) await other.close();
      }
    },
    RUSH_TIMEOUT_MS,
  );
}

describeEveryStoreKind('order cancel', contract);
