import { ErrorCode } from '@gtd/shared-contracts';
import { AuditRecord } from './audit-store';
import { EmailKey } from './buyer-store';
import { CatalogEntry } from './catalog';
import {
  InventoryStore,
  NewProduct,
  OrderRecord,
  OrdersPageRecord,
  PurchaseCommand,
  PurchaseOutcome,
} from './inventory-store';
import { idempotencyScope, PURCHASE_DECISION_ORDER, PurchaseCheck } from './purchase-rules';
import { Stores } from './stores';
import { expectSold, purchaseCommand, Sold } from '../testing/purchase-fixtures';
import { AdapterUnderTest, describeEveryStoreKind } from '../testing/store-kinds';

/**
 * The one contract every store kind keeps, for each of its ports (inventory, audit log, buyer
 * accounts). New kinds join `describeEveryStoreKind` and must pass unchanged.
 */
const entry = (id: number, stock: number, extra: Partial<CatalogEntry> = {}): CatalogEntry => ({
  id,
  name: `Product ${id}`,
  description: '',
  price: 1000,
  currency: 'EUR',
  stock,
  ...extra,
});

/** A fixed instant for schedule and expiry cases: the store reads time only from the command. */
const T = Date.parse('2030-01-01T00:00:00.000Z');
const DAY_MS = 24 * 3600 * 1000;
/** Rushes take seconds on a networked store on a busy CI machine: room, not a speed assertion. */
const RUSH_TIMEOUT_MS = 30_000;
/** Version 7, RFC 9562 variant. */
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const BUYER_A = '0b6f1c9e-3f3a-4a53-9d55-6f2f8e0a0001';
const BUYER_B = '0b6f1c9e-3f3a-4a53-9d55-6f2f8e0a0002';
const NO_ORDERS_BUYER = '0b6f1c9e-3f3a-4a53-9d55-6f2f8e0a0003';

/** A second anonymous client's address (IPv6: its ':' must not break a Redis key name); commands buy as SPEC_CLIENT. */
const CLIENT_B = '2001:db8::20';

/** Decided at T: the store reads time only from the command. */
const command = (
  productId: number,
  quantity: number,
  extra: Partial<PurchaseCommand> = {},
): PurchaseCommand => purchaseCommand(productId, quantity, { nowMs: T, ...extra });

const newProduct = (extra: Partial<NewProduct> = {}): NewProduct => ({
  name: 'Drop',
  description: 'A scheduled drop',
  price: 2500,
  currency: 'EUR',
  stock: 10,
  startsAtMs: null,
  endsAtMs: null,
  paused: false,
  perBuyerLimit: null,
  ...extra,
});

/** The stored order of a sale at the catalogue's price (`entry`'s). */
const atCataloguePrice = (sold: Sold): OrderRecord => ({
  ...sold.order,
  unitPrice: 1000,
  currency: 'EUR',
  cancelledAt: null,
});

function contract(makeAdapter: () => AdapterUnderTest): void {
  let adapter: AdapterUnderTest;
  let stores: Stores;
  let store: InventoryStore;

  const available = async (productId: number) => (await store.inventory(productId))?.available;

  beforeEach(async () => {
    adapter = makeAdapter();
    stores = await adapter.open();
    store = stores.inventory;
    await store.seedIfEmpty([
      entry(1, 100),
      entry(2, 1000),
      entry(3, 5),
      entry(4, 20, {
        startsAt: '2030-01-01T00:00:00.000Z',
        endsAt: '2030-01-02T00:00:00.000Z',
        perBuyerLimit: 3,
      }),
    ]);
  });

  afterEach(async () => {
    await stores.close();
    await adapter.cleanup();
  });

  it('seeds only an empty store, with the schedule and limit a catalogue sets', async () => {
    expect(await store.seedIfEmpty([entry(1, 999), entry(9, 1)])).toBe(false);
    expect(await available(1)).toBe(100);
    expect(await store.findProduct(9)).toBeUndefined();
    expect((await store.listProducts()).map((p) => p.id)).toEqual([1, 2, 3, 4]);
    expect(await store.findProduct(1)).toMatchObject({
      startsAtMs: null,
      endsAtMs: null,
      paused: false,
      perBuyerLimit: null,
    });
    expect(await store.findProduct(4)).toEqual({
      id: 4,
      name: 'Product 4',
      description: '',
      price: 1000,
      currency: 'EUR',
      stock: 20,
      available: 20,
      startsAtMs: T,
      endsAtMs: T + DAY_MS,
      paused: false,
      perBuyerLimit: 3,
    });
    expect(await store.inventory(4)).toMatchObject({
      available: 20,
      startsAtMs: T,
      endsAtMs: T + DAY_MS,
      paused: false,
      perBuyerLimit: 3,
    });
    expect(await store.inventory(42)).toBeUndefined();
  });

  it('sells one and records the order', async () => {
    const { order, remaining, replayed } = expectSold(await store.purchase(command(1, 3)));
    expect(remaining).toBe(97);
    expect(replayed).toBe(false);
    expect(await store.findOrder(order.orderId)).toEqual({
      ...order,
      unitPrice: 1000,
      currency: 'EUR',
      cancelledAt: null,
    });
    expect(order).toMatchObject({ productId: 1, quantity: 3, buyerId: null });
    expect(new Date(order.createdAt).toISOString()).toBe(order.createdAt);
    expect(await available(1)).toBe(97);
  });

  it('answers not found, sold out and insufficient stock without changing anything', async () => {
    expect(await store.purchase(command(42, 1))).toEqual({
      ok: false,
      code: ErrorCode.ProductNotFound,
      available: 0,
    });
    expect(await store.purchase(command(3, 6))).toEqual({
      ok: false,
      code: ErrorCode.InsufficientStock,
      available: 5,
    });
    expect(await available(3)).toBe(5);
    await store.purchase(command(3, 5));
    expect(await store.purchase(command(3, 1))).toEqual({
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
      buyers: 0,
      rejects: {},
    });
    expect(await store.salesSummary(42)).toBeUndefined();
    expect(await store.findOrder('00000000-0000-4000-8000-000000000000')).toBeUndefined();
  });

  it(
    '10,000 purchases started together against stock 100: exactly 100 succeed',
    async () => {
      const outcomes = await Promise.all(Array.from({ length: 10_000 }, () => store.purchase(command(1, 1))));
      const sold = outcomes.filter((o): o is Sold => o.ok);
      const rejected = outcomes.filter((o) => !o.ok);
      expect(sold).toHaveLength(100);
      expect(rejected).toHaveLength(9_900);
      expect(rejected.every((o) => !o.ok && o.code === ErrorCode.SoldOut)).toBe(true);
      expect(await available(1)).toBe(0);
      expect(new Set(sold.map((o) => o.order.orderId)).size).toBe(100);
      // Time-ordered ids (UUIDv7, see newOrderId): a later sale's id sorts after an earlier one's.
      expect(sold.every((o) => UUID_V7.test(o.order.orderId))).toBe(true);
      const inSaleOrder = [...sold].sort((a, b) => b.remaining - a.remaining).map((o) => o.order.orderId);
      expect(inSaleOrder).toEqual([...inSaleOrder].sort());
      expect(sold.map((o) => o.remaining).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 100 }, (_, i) => i),
      );
      expect(await store.salesSummary(1)).toEqual({
        productId: 1,
        stock: 100,
        available: 0,
        sold: 100,
        orders: 100,
        buyers: 0,
        rejects: {},
      });
      const stored = await Promise.all(sold.map((o) => store.findOrder(o.order.orderId)));
      expect(stored.every((order) => order?.productId === 1 && order.quantity === 1)).toBe(true);
    },
    RUSH_TIMEOUT_MS,
  );

  it(
    'mixed quantities above the stock: sold + available = stock, never negative',
    async () => {
      const observed: number[] = [];
      let rushing = true;
      const sampler = (async () => {
        while (rushing) {
          observed.push((await available(2)) ?? -1);
          await new Promise((resolve) => setImmediate(resolve));
        }
      })();
      const asked = Array.from({ length: 1_500 }, (_, i) => (i % 3) + 1);
      const outcomes = await Promise.all(asked.map((q) => store.purchase(command(2, q))));
      rushing = false;
      await sampler;

      const soldQuantity = outcomes.reduce((sum, o) => sum + (o.ok ? o.order.quantity : 0), 0);
      const left = (await available(2)) as number;
      expect(soldQuantity).toBeLessThanOrEqual(1000);
      expect(soldQuantity + left).toBe(1000);
      // Demand (3,000) is far above stock, and 1 is always asked for again: it must sell out.
      expect(left).toBe(0);
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
    },
    RUSH_TIMEOUT_MS,
  );

  describe('schedule and pause', () => {
    it('1 ms before startsAt is NOT_STARTED (with the rules), at and after it sells', async () => {
      const buyer = { buyerId: BUYER_A };
      const early = await store.purchase(command(4, 1, { ...buyer, nowMs: T - 1 }));
      expect(early).toMatchObject({
        ok: false,
        code: ErrorCode.NotStarted,
        available: 20,
        rules: { startsAtMs: T, endsAtMs: T + DAY_MS, paused: false, perBuyerLimit: 3 },
      });
      expect(await available(4)).toBe(20);
      expectSold(await store.purchase(command(4, 1, { ...buyer, nowMs: T })));
      expect(expectSold(await store.purchase(command(4, 1, { ...buyer, nowMs: T + 1 }))).remaining).toBe(18);
    });

    it('at endsAt and after it is ENDED; 1 ms before it still sells', async () => {
      const buyer = { buyerId: BUYER_A };
      expectSold(await store.purchase(command(4, 1, { ...buyer, nowMs: T + DAY_MS - 1 })));
      for (const nowMs of [T + DAY_MS, T + DAY_MS + 1]) {
        expect(await store.purchase(command(4, 1, { ...buyer, nowMs }))).toMatchObject({
          ok: false,
          code: ErrorCode.Ended,
          available: 19,
          rules: { endsAtMs: T + DAY_MS },
        });
      }
      expect(await store.salesSummary(4)).toMatchObject({ sold: 1, available: 19 });
    });

    it('pause answers PAUSED (before the schedule and the stock) until resumed through updateProduct', async () => {
      expect(await store.updateProduct(3, { paused: true })).toMatchObject({ id: 3, paused: true });
      expect(await store.purchase(command(3, 1))).toMatchObject({
        ok: false,
        code: ErrorCode.Paused,
        available: 5,
      });
      // Paused outranks NOT_STARTED and INSUFFICIENT_STOCK.
      await store.updateProduct(4, { paused: true });
      expect(await store.purchase(command(4, 1, { buyerId: BUYER_A, nowMs: T - 1 }))).toMatchObject({
        code: ErrorCode.Paused,
      });
      expect(await store.purchase(command(3, 50))).toMatchObject({ code: ErrorCode.Paused });
      expect(await store.inventory(3)).toMatchObject({ paused: true, available: 5 });

      expect(await store.updateProduct(3, { paused: false })).toMatchObject({ paused: false });
      expect(expectSold(await store.purchase(command(3, 1))).remaining).toBe(4);
    });
  });

  describe('per-buyer limits', () => {
    it('a limited drop needs a buyer: AUTH_REQUIRED for an anonymous attempt, nothing sold', async () => {
      expect(await store.purchase(command(4, 1, { nowMs: T + 1 }))).toMatchObject({
        ok: false,
        code: ErrorCode.AuthRequired,
        available: 20,
      });
      expect(await available(4)).toBe(20);
    });

    it('LIMIT_REACHED says what the buyer holds; a smaller ask that fits still sells', async () => {
      await store.updateProduct(1, { perBuyerLimit: 2 });
      const first = expectSold(await store.purchase(command(1, 1, { buyerId: BUYER_A })));
      expect(first.order.buyerId).toBe(BUYER_A);
      expect(await store.purchase(command(1, 2, { buyerId: BUYER_A }))).toMatchObject({
        ok: false,
        code: ErrorCode.LimitReached,
        available: 99,
        bought: 1,
        rules: { perBuyerLimit: 2 },
      });
      expectSold(await store.purchase(command(1, 1, { buyerId: BUYER_A })));
      expect(await store.purchase(command(1, 1, { buyerId: BUYER_A }))).toMatchObject({
        code: ErrorCode.LimitReached,
        bought: 2,
      });
      // Another buyer has their own allowance.
      expectSold(await store.purchase(command(1, 2, { buyerId: BUYER_B })));
      expect(await store.salesSummary(1)).toMatchObject({ sold: 4, orders: 3, buyers: 2 });
    });

    it(
      '200 concurrent purchases from one buyer against a limit of 2: exactly 2 units sold',
      async () => {
        await store.updateProduct(2, { perBuyerLimit: 2 });
        const outcomes = await Promise.all(
          Array.from({ length: 200 }, () => store.purchase(command(2, 1, { buyerId: BUYER_A }))),
        );
        const sold = outcomes.filter((o): o is Sold => o.ok);
        expect(sold).toHaveLength(2);
        expect(new Set(sold.map((o) => o.order.orderId)).size).toBe(2);
        for (const o of outcomes)
          if (!o.ok) expect(o).toMatchObject({ code: ErrorCode.LimitReached, bought: 2 });
        expect(await store.salesSummary(2)).toMatchObject({ sold: 2, available: 998, orders: 2, buyers: 1 });
      },
      RUSH_TIMEOUT_MS,
    );
  });

  describe('idempotency keys', () => {
    it(
      '100 concurrent attempts with one key: one order, every answer the same order',
      async () => {
        const outcomes = await Promise.all(
          Array.from({ length: 100 }, () => store.purchase(command(1, 2, { idempotencyKey: 'retry-me' }))),
        );
        const sold = outcomes.map(expectSold);
        expect(new Set(sold.map((o) => o.order.orderId)).size).toBe(1);
        expect(sold.filter((o) => !o.replayed)).toHaveLength(1);
        expect(sold.every((o) => o.remaining === 98)).toBe(true);
        expect(sold.every((o) => o.order.quantity === 2 && o.order.productId === 1)).toBe(true);
        expect(await store.salesSummary(1)).toMatchObject({ sold: 2, available: 98, orders: 1 });
        // A later retry answers the first result again, even after more sales moved the count.
        await store.purchase(command(1, 5));
        const later = expectSold(await store.purchase(command(1, 2, { idempotencyKey: 'retry-me' })));
        expect(later).toEqual({ ok: true, order: sold[0].order, remaining: 98, replayed: true });
      },
      RUSH_TIMEOUT_MS,
    );

    it('the same key with another product or quantity is IDEMPOTENCY_KEY_MISMATCH and sells nothing', async () => {
      const first = expectSold(await store.purchase(command(1, 1, { idempotencyKey: 'k1' })));
      expect(await store.purchase(command(1, 2, { idempotencyKey: 'k1' }))).toMatchObject({
        ok: false,
        code: ErrorCode.IdempotencyKeyMismatch,
      });
      expect(await store.purchase(command(2, 1, { idempotencyKey: 'k1' }))).toMatchObject({
        ok: false,
        code: ErrorCode.IdempotencyKeyMismatch,
      });
      expect(await store.salesSummary(1)).toMatchObject({ sold: 1, orders: 1 });
      expect(await store.salesSummary(2)).toMatchObject({ sold: 0, orders: 0 });
      expect(await store.findOrder(first.order.orderId)).toEqual(atCataloguePrice(first));
    });

    it('a key expires after the TTL (24 h by default): the next attempt is a new purchase', async () => {
      const first = expectSold(await store.purchase(command(1, 1, { idempotencyKey: 'k2', nowMs: T })));
      const replay = expectSold(
        await store.purchase(command(1, 1, { idempotencyKey: 'k2', nowMs: T + DAY_MS - 1 })),
      );
      expect(replay).toMatchObject({ replayed: true, order: first.order });
      const fresh = expectSold(
        await store.purchase(command(1, 1, { idempotencyKey: 'k2', nowMs: T + DAY_MS })),
      );
      expect(fresh.replayed).toBe(false);
      expect(fresh.order.orderId).not.toBe(first.order.orderId);
      expect(fresh.remaining).toBe(98);
      // The overwritten key now replays the new order, and its new lifetime counts from its use.
      const again = expectSold(
        await store.purchase(command(1, 1, { idempotencyKey: 'k2', nowMs: T + 2 * DAY_MS - 1 })),
      );
      expect(again).toMatchObject({ replayed: true, order: fresh.order });
    });

    it('keys are scoped per buyer, and per client address when anonymous', async () => {
      const a = expectSold(await store.purchase(command(1, 1, { idempotencyKey: 'same', buyerId: BUYER_A })));
      const b = expectSold(await store.purchase(command(1, 1, { idempotencyKey: 'same', buyerId: BUYER_B })));
      const anonymous = expectSold(await store.purchase(command(1, 1, { idempotencyKey: 'same' })));
      // Another anonymous client with the same key and body buys for itself: it never gets `anonymous`'s order.
      const otherClient = { idempotencyKey: 'same', idempotencyScope: idempotencyScope(null, CLIENT_B) };
      const other = expectSold(await store.purchase(command(1, 1, otherClient)));
      expect(new Set([a, b, anonymous, other].map((o) => o.order.orderId)).size).toBe(4);
      expect([a, b, anonymous, other].every((o) => !o.replayed)).toBe(true);
      expect(await store.purchase(command(1, 1, otherClient))).toMatchObject({
        replayed: true,
        order: other.order,
      });
      expect(await store.purchase(command(1, 1, { idempotencyKey: 'same', buyerId: BUYER_B }))).toMatchObject(
        {
          replayed: true,
          order: b.order,
        },
      );
      expect(await store.purchase(command(1, 1, { idempotencyKey: 'same' }))).toMatchObject({
        replayed: true,
        order: anonymous.order,
      });
      expect(await available(1)).toBe(96);
    });

    it('a rejection is not remembered: the same key sells once the drop can', async () => {
      await store.updateProduct(3, { paused: true });
      expect(await store.purchase(command(3, 1, { idempotencyKey: 'k3' }))).toMatchObject({
        code: ErrorCode.Paused,
      });
      await store.updateProduct(3, { paused: false });
      expect(expectSold(await store.purchase(command(3, 1, { idempotencyKey: 'k3' }))).replayed).toBe(false);
    });
  });

  describe('operator writes', () => {
    it('restock add raises stock and available; set makes available exact and stock = sold + it', async () => {
      expect(await store.restock(3, { mode: 'add', quantity: 10 })).toMatchObject({
        stock: 15,
        available: 15,
      });
      expectSold(await store.purchase(command(3, 3)));
      expect(await store.restock(3, { mode: 'set', quantity: 4 })).toMatchObject({ stock: 7, available: 4 });
      expect(await store.restock(3, { mode: 'set', quantity: 0 })).toMatchObject({ stock: 3, available: 0 });
      expect(await store.purchase(command(3, 1))).toMatchObject({ code: ErrorCode.SoldOut });
      expect(await store.salesSummary(3)).toMatchObject({ stock: 3, sold: 3, available: 0 });
      expect(await store.restock(42, { mode: 'add', quantity: 1 })).toBeUndefined();
    });

    it(
      'restocks during a rush are atomic with it: sold + available = stock',
      async () => {
        const rush = Promise.all(
          Array.from({ length: 1_500 }, (_, i) => store.purchase(command(2, (i % 3) + 1))),
        );
        // Spread over several turns, so they land between (and, on a server, inside) purchase batches.
        const restocks = (async () => {
          for (const restock of [
            { mode: 'add', quantity: 100 },
            { mode: 'set', quantity: 50 },
            { mode: 'add', quantity: 7 },
            { mode: 'set', quantity: 3 },
          ] as const) {
            await new Promise((resolve) => setImmediate(resolve));
            await store.restock(2, restock);
          }
        })();
        const [outcomes] = await Promise.all([rush, restocks]);
        const soldQuantity = outcomes.reduce((sum, o) => sum + (o.ok ? o.order.quantity : 0), 0);
        const summary = await store.salesSummary(2);
        expect(summary?.sold).toBe(soldQuantity);
        expect(summary?.orders).toBe(outcomes.filter((o) => o.ok).length);
        expect((summary?.sold ?? 0) + (summary?.available ?? 0)).toBe(summary?.stock);
        expect(summary?.available).toBeGreaterThanOrEqual(0);
      },
      RUSH_TIMEOUT_MS,
    );

    it('createProduct assigns the next free id and stores the rules', async () => {
      const created = await store.createProduct(
        newProduct({ startsAtMs: T, endsAtMs: T + 1000, perBuyerLimit: 1, paused: true }),
      );
      expect(created).toEqual({
        id: 5,
        name: 'Drop',
        description: 'A scheduled drop',
        price: 2500,
        currency: 'EUR',
        stock: 10,
        available: 10,
        startsAtMs: T,
        endsAtMs: T + 1000,
        paused: true,
        perBuyerLimit: 1,
      });
      expect(await store.findProduct(5)).toEqual(created);
      expect((await store.createProduct(newProduct())).id).toBe(6);
      expect((await store.listProducts()).map((p) => p.id)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(expectSold(await store.purchase(command(6, 4))).remaining).toBe(6);
    });

    it('updateProduct patches the given fields only; null clears a rule; stock is untouched', async () => {
      const updated = await store.updateProduct(4, {
        name: 'Renamed',
        description: 'New words',
        price: 1234,
        currency: 'USD',
        startsAtMs: null,
        perBuyerLimit: null,
      });
      expect(updated).toEqual({
        id: 4,
        name: 'Renamed',
        description: 'New words',
        price: 1234,
        currency: 'USD',
        stock: 20,
        available: 20,
        startsAtMs: null,
        endsAtMs: T + DAY_MS,
        paused: false,
        perBuyerLimit: null,
      });
      expect(await store.findProduct(4)).toEqual(updated);
      expect(await store.updateProduct(4, { endsAtMs: T + 5 })).toMatchObject({
        endsAtMs: T + 5,
        name: 'Renamed',
      });
      expect(await store.updateProduct(4, {})).toMatchObject({ endsAtMs: T + 5, startsAtMs: null });
      // Open now (no start), anonymous allowed (no limit).
      expectSold(await store.purchase(command(4, 1, { nowMs: T })));
      expect(await store.updateProduct(42, { name: 'x' })).toBeUndefined();
    });
  });

  describe('the price paid', () => {
    it('an order records the price at sale; a later price change prices only the next ones', async () => {
      const before = expectSold(await store.purchase(command(1, 2, { buyerId: BUYER_A })));
      expect(await store.findOrder(before.order.orderId)).toMatchObject({ unitPrice: 1000, currency: 'EUR' });
      await store.updateProduct(1, { price: 1250, currency: 'USD' });
      const after = expectSold(await store.purchase(command(1, 1, { buyerId: BUYER_A, nowMs: T + 1 })));
      await store.updateProduct(1, { price: 9999 });
      expect(await store.findOrder(before.order.orderId)).toEqual({
        ...before.order,
        unitPrice: 1000,
        currency: 'EUR',
        cancelledAt: null,
      });
      expect(await store.findOrder(after.order.orderId)).toEqual({
        ...after.order,
        unitPrice: 1250,
        currency: 'USD',
        cancelledAt: null,
      });
      // Every read of an order says the same: the page of a product, a buyer's page.
      const byProduct = (await store.listOrders(1, 10, null)).items;
      const byBuyer = (await store.listBuyerOrders(BUYER_A, 10, null)).items;
      expect(byProduct).toEqual(byBuyer);
      expect(byProduct.map((o) => [o.unitPrice, o.currency])).toEqual([
        [1000, 'EUR'],
        [1250, 'USD'],
      ]);
    });

    it(
      'price changes during a rush from two instances: each order has the price of its moment of sale',
      async () => {
        const other = await adapter.open();
        const prices = [1000, 1100, 1200, 1300];
        try {
          // In each wave, purchases from both instances race a price change; the next wave starts
          // once the change has answered, so every kind sees each price (and the changes land in
          // their order). Nothing else is awaited until the end.
          let changed = 0;
          const attempts: Promise<{ outcome: PurchaseOutcome; changedBefore: number }>[] = [];
          const buy = (count: number) => {
            for (let i = 0; i < count; i++) {
              const changedBefore = changed;
              const seller = i % 2 === 0 ? store : other.inventory;
              attempts.push(seller.purchase(command(2, 1)).then((outcome) => ({ outcome, changedBefore })));
            }
          };
          for (let wave = 1; wave < prices.length; wave++) {
            buy(50);
            const writer = wave % 2 === 0 ? other.inventory : store;
            const change = writer.updateProduct(2, { price: prices[wave] }).then(() => (changed = wave));
            buy(50);
            await change;
          }
          buy(50);
          const settled = await Promise.all(attempts);
          const sold = settled.map((a) => expectSold(a.outcome));
          const stored = await Promise.all(sold.map((o) => store.findOrder(o.order.orderId)));
          const sales = sold.map((o, i) => ({
            remaining: o.remaining,
            price: prices.indexOf(stored[i]?.unitPrice ?? -1),
            changedBefore: settled[i].changedBefore,
          }));
          expect(sales.every((sale) => sale.price >= 0)).toBe(true);
          // A purchase started after a change had answered pays at least that price.
          expect(sales.filter((sale) => sale.price < sale.changedBefore)).toEqual([]);
          // `remaining` orders the sales (each took one unit): the price only ever moves forward
          // through them, so no order got a price from before or after its own sale.
          const inSaleOrder = sales.sort((a, b) => b.remaining - a.remaining).map((sale) => sale.price);
          expect(inSaleOrder).toEqual([...inSaleOrder].sort((a, b) => a - b));
          // A sale after the last change has the last price.
          const last = expectSold(await other.inventory.purchase(command(2, 1)));
          expect(await store.findOrder(last.order.orderId)).toMatchObject({ unitPrice: 1300 });
        } finally {
          if (other !== stores) await other.close();
        }
      },
      RUSH_TIMEOUT_MS,
    );
  });

  describe('reading sales', () => {
    it('lists orders oldest first in pages, with the buyer, and null after the last page', async () => {
      const placed: Sold[] = [];
      for (let i = 0; i < 5; i++) {
        const buyerId = i % 2 === 0 ? BUYER_A : null;
        placed.push(expectSold(await store.purchase(command(1, i + 1, { buyerId, nowMs: T + i * 1000 }))));
      }
      const first = await store.listOrders(1, 2, null);
      expect(first.items).toEqual(placed.slice(0, 2).map(atCataloguePrice));
      expect(first.nextCursor).toEqual(expect.any(String));
      const second = await store.listOrders(1, 2, first.nextCursor);
      expect(second.items).toEqual(placed.slice(2, 4).map(atCataloguePrice));
      const third = await store.listOrders(1, 2, second.nextCursor);
      expect(third).toEqual({ items: [atCataloguePrice(placed[4])], nextCursor: null });
      expect(placed.map((o) => o.order.buyerId)).toEqual([BUYER_A, null, BUYER_A, null, BUYER_A]);
      // A page that ends exactly at the last order says so.
      expect((await store.listOrders(1, 5, null)).nextCursor).toBeNull();
      expect(await store.listOrders(2, 10, null)).toEqual({ items: [], nextCursor: null });
    });

    it('pages through orders placed in the same millisecond exactly once each', async () => {
      const outcomes = await Promise.all(Array.from({ length: 25 }, () => store.purchase(command(1, 1))));
      const ids = outcomes.map((o) => expectSold(o).order.orderId);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: OrdersPageRecord = await store.listOrders(1, 7, cursor);
        seen.push(...page.items.map((o) => o.orderId));
        cursor = page.nextCursor;
      } while (cursor !== null);
      expect(seen).toHaveLength(25);
      expect([...seen].sort()).toEqual([...ids].sort());
      // Same createdAt: the order id breaks the tie.
      expect(seen).toEqual([...seen].sort());
    });

    it("lists a buyer's own orders of every product, oldest first, in pages", async () => {
      const mine: Sold[] = [];
      for (let i = 0; i < 5; i++) {
        const nowMs = T + i * 1000;
        // Interleaved in time with another buyer's and anonymous sales, across three products.
        mine.push(expectSold(await store.purchase(command((i % 3) + 1, 1, { buyerId: BUYER_A, nowMs }))));
        await store.purchase(command(1, 1, { buyerId: BUYER_B, nowMs }));
        await store.purchase(command(2, 2, { nowMs }));
      }
      const pages: OrdersPageRecord[] = [await store.listBuyerOrders(BUYER_A, 2, null)];
      while (pages[pages.length - 1].nextCursor !== null) {
        pages.push(await store.listBuyerOrders(BUYER_A, 2, pages[pages.length - 1].nextCursor));
      }
      expect(pages.map((p) => p.items.length)).toEqual([2, 2, 1]);
      expect(pages.flatMap((p) => p.items)).toEqual(mine.map(atCataloguePrice));
      const theirs = await store.listBuyerOrders(BUYER_B, 10, null);
      expect(theirs.items.map((o) => [o.buyerId, o.productId])).toEqual(Array(5).fill([BUYER_B, 1]));
      expect(theirs.nextCursor).toBeNull();
      expect(await store.listBuyerOrders(NO_ORDERS_BUYER, 10, null)).toEqual({ items: [], nextCursor: null });
    });

    it(
      "pages through a buyer's orders placed at once, from two instances, exactly once each",
      async () => {
        const other = await adapter.open();
        try {
          const outcomes = await Promise.all(
            Array.from({ length: 30 }, (_, i) =>
              (i % 2 === 0 ? store : other.inventory).purchase(command(2, 1, { buyerId: BUYER_A })),
            ),
          );
          const ids = outcomes.map((o) => expectSold(o).order.orderId);
          const seen: string[] = [];
          let cursor: string | null = null;
          do {
            const page: OrdersPageRecord = await store.listBuyerOrders(BUYER_A, 7, cursor);
            seen.push(...page.items.map((o) => o.orderId));
            cursor = page.nextCursor;
          } while (cursor !== null);
          expect(seen).toHaveLength(30);
          expect([...seen].sort()).toEqual([...ids].sort());
          expect(seen).toEqual([...seen].sort());
        } finally {
          if (other !== stores) await other.close();
        }
      },
      RUSH_TIMEOUT_MS,
    );

    it('the summary counts distinct buyers and the recorded rejections', async () => {
      await store.purchase(command(1, 1, { buyerId: BUYER_A }));
      await store.purchase(command(1, 1, { buyerId: BUYER_A }));
      await store.purchase(command(1, 1, { buyerId: BUYER_B }));
      await store.purchase(command(1, 1));
      await store.recordRejections([
        { productId: 1, code: ErrorCode.SoldOut, count: 3 },
        { productId: 1, code: ErrorCode.Paused, count: 1 },
        { productId: 2, code: ErrorCode.LimitReached, count: 4 },
      ]);
      await store.recordRejections([{ productId: 1, code: ErrorCode.SoldOut, count: 2 }]);
      await store.recordRejections([]);
      expect(await store.salesSummary(1)).toEqual({
        productId: 1,
        stock: 100,
        available: 96,
        sold: 4,
        orders: 4,
        buyers: 2,
        rejects: { [ErrorCode.SoldOut]: 5, [ErrorCode.Paused]: 1 },
      });
      expect(await store.salesSummary(2)).toMatchObject({
        buyers: 0,
        rejects: { [ErrorCode.LimitReached]: 4 },
      });
      expect(await store.salesSummary(3)).toMatchObject({ rejects: {} });
    });
  });

  it('keeps an audit log, newest first, paged with `before`', async () => {
    const appended: AuditRecord[] = [];
    for (const [i, action] of ['product.create', 'product.restock', 'product.pause'].entries()) {
      appended.push(
        await stores.audit.append({
          at: new Date(T + i).toISOString(),
          actor: 'admin@127.0.0.1',
          action,
          productId: i === 0 ? null : 3,
          details: { step: i, nested: { mode: 'add' } },
        }),
      );
    }
    expect(new Set(appended.map((a) => a.id)).size).toBe(3);
    expect(appended[2]).toEqual({
      id: expect.any(String),
      at: new Date(T + 2).toISOString(),
      actor: 'admin@127.0.0.1',
      action: 'product.pause',
      productId: 3,
      details: { step: 2, nested: { mode: 'add' } },
    });
    const newest = await stores.audit.list(2, null);
    expect(newest).toEqual([appended[2], appended[1]]);
    expect(await stores.audit.list(2, newest[1].id)).toEqual([appended[0]]);
    expect(await stores.audit.list(10, appended[0].id)).toEqual([]);
  });

  it('registers buyers by their exact email key, once', async () => {
    // Keys come canonical from the buyers feature; a store adds no folding of its own (one rule).
    const key = (email: string) => email as EmailKey;
    const buyer = {
      id: BUYER_A,
      email: key('ann.buyer@example.com'),
      passwordHash: '$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA',
      createdAt: new Date(T).toISOString(),
    };
    expect(await stores.buyers.create(buyer)).toBe(true);
    expect(await stores.buyers.findByEmail(key('ann.buyer@example.com'))).toEqual(buyer);
    expect(await stores.buyers.create({ ...buyer, id: BUYER_B })).toBe(false);
    expect(await stores.buyers.findByEmail(key('ann.buyer@example.com'))).toMatchObject({ id: BUYER_A });
    // Another key is another account, even one a person would read as the same address.
    expect(await stores.buyers.findByEmail(key('ANN.BUYER@example.com'))).toBeUndefined();
    expect(await stores.buyers.create({ ...buyer, id: BUYER_B, email: key('annbuyer@example.com') })).toBe(
      true,
    );
    expect(await stores.buyers.findByEmail(key('nobody@example.com'))).toBeUndefined();
  });

  describe('decision order: the first failing check of PURCHASE_DECISION_ORDER answers', () => {
    const KEY = 'precedence-key';

    /** A fresh drop failing exactly the given checks (a signed-in buyer's sale first, if needed). */
    async function arrange(failing: ReadonlySet<PurchaseCheck>, buyerId: string | null): Promise<number> {
      const { id } = await store.createProduct(newProduct({ stock: 5 }));
      if (failing.has('key') || failing.has('limit')) {
        expectSold(
          await store.purchase(command(id, 1, { buyerId, idempotencyKey: failing.has('key') ? KEY : null })),
        );
      }
      if (failing.has('stock')) await store.restock(id, { mode: 'set', quantity: 0 });
      await store.updateProduct(id, {
        paused: failing.has('pause'),
        startsAtMs: failing.has('schedule') ? T + DAY_MS : null,
        perBuyerLimit: failing.has('limit') || failing.has('auth') ? 1 : null,
      });
      return id;
    }

    // Every check from the one under test onwards fails at once; auth and limit exclude each other
    // (a limit needs a buyer), so each case runs signed in (limit) and anonymous (auth) where it can.
    const cases = PURCHASE_DECISION_ORDER.flatMap(({ check, codes }, index) =>
      [BUYER_A, null].flatMap((buyerId) => {
        const excluded: PurchaseCheck = buyerId === null ? 'limit' : 'auth';
        if (check === excluded) return [];
        const failing = new Set<PurchaseCheck>(
          PURCHASE_DECISION_ORDER.slice(index)
            .map((c) => c.check)
            .filter((c) => c !== excluded),
        );
        return [
          { check, expected: codes[0], failing, buyerId, who: buyerId === null ? 'anonymous' : 'signed in' },
        ];
      }),
    );

    it.each(cases)(
      '$check first ($who): every later check failing too',
      async ({ check, expected, failing, buyerId }) => {
        const id = await arrange(failing, buyerId);
        const before = await available(id);
        const attempt = (productId: number, quantity: number) =>
          store.purchase(
            command(productId, quantity, { buyerId, idempotencyKey: check === 'key' ? KEY : null }),
          );
        if (check === 'key') {
          // The same request replays its first answer; another product or quantity is a mismatch,
          // even for a product that does not exist.
          expect(await attempt(id, 1)).toMatchObject({ ok: true, replayed: true, remaining: 4 });
          expect(await attempt(id, 2)).toMatchObject({ ok: false, code: expected });
          expect(await attempt(999, 1)).toMatchObject({ ok: false, code: expected });
        } else {
          expect(await attempt(check === 'product' ? 999 : id, 1)).toMatchObject({
            ok: false,
            code: expected,
          });
        }
        expect(await available(id)).toBe(before);
      },
    );

    it('within the schedule, not started answers before ended', async () => {
      const { id } = await store.createProduct(newProduct({ startsAtMs: T + DAY_MS, endsAtMs: T - 1 }));
      expect(await store.purchase(command(id, 1))).toMatchObject({ ok: false, code: ErrorCode.NotStarted });
    });
  });

  it('reports every dependency up while open', async () => {
    const health = await stores.checkHealth();
    expect(health.length).toBeGreaterThan(0);
    expect(health).toEqual(
      health.map((dependency) => expect.objectContaining({ name: dependency.name, up: true })),
    );
  });
}

describeEveryStoreKind('InventoryStore', contract);
