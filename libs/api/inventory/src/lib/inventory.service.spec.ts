import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DomainError } from '@gtd/api-platform';
import { DropState, ErrorCode } from '@gtd/shared-contracts';
import { FakeClock, writeTestCatalog } from '../testing';
import { MemoryInventoryStore } from './adapters/memory/memory-inventory-store';
import { CatalogEntry } from './catalog';
import { CLOCK } from './clock';
import { deriveDropState } from './drop-state';
import { InventorySnapshot, InventoryStore } from './inventory-store';
import { InventoryModule } from './inventory.module';
import { StoreHealth } from './stores';
import { InventoryService, PurchaseOutcomeEvent } from './inventory.service';

const OPENS = '2030-01-01T10:00:00.000Z';
const CLOSES = '2030-01-01T12:00:00.000Z';
const BUYER = '7d0c3f7e-8a53-4c55-a1b7-4f5b0d6c0001';

const catalog: CatalogEntry[] = [
  { id: 1, name: 'Open', description: 'Always on', price: 1000, currency: 'EUR', stock: 5 },
  {
    id: 2,
    name: 'Scheduled',
    description: 'Opens at ten',
    price: 2000,
    currency: 'EUR',
    stock: 10,
    startsAt: OPENS,
    endsAt: CLOSES,
    perBuyerLimit: 2,
  },
];

/** The DomainError a call throws (fails the test if it resolves or throws something else). */
async function domainError(call: Promise<unknown>): Promise<DomainError> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe('deriveDropState', () => {
  const at = Date.parse(OPENS);
  const drop = (rules: Partial<InventorySnapshot>): InventorySnapshot => ({
    available: 3,
    startsAtMs: null,
    endsAtMs: null,
    paused: false,
    perBuyerLimit: null,
    ...rules,
  });

  it.each<[string, DropState, Partial<InventorySnapshot>, number]>([
    ['no rules, stock left', 'live', {}, at],
    ['nothing left', 'sold_out', { available: 0 }, at],
    ['1 ms before startsAt', 'upcoming', { startsAtMs: at }, at - 1],
    ['exactly at startsAt', 'live', { startsAtMs: at }, at],
    ['exactly at endsAt', 'ended', { endsAtMs: at }, at],
    ['1 ms before endsAt', 'live', { endsAtMs: at }, at - 1],
    ['paused over upcoming', 'paused', { paused: true, startsAtMs: at }, at - 1],
    ['paused over ended and sold out', 'paused', { paused: true, endsAtMs: at, available: 0 }, at],
    ['upcoming over sold out', 'upcoming', { startsAtMs: at, available: 0 }, at - 1],
    ['ended over sold out', 'ended', { endsAtMs: at, available: 0 }, at],
  ])('%s → %s', (_case, state, rules, nowMs) => {
    expect(deriveDropState(drop(rules), nowMs)).toBe(state);
  });
});

describe('InventoryService', () => {
  let store: MemoryInventoryStore;
  let clock: FakeClock;
  let service: InventoryService;
  let events: PurchaseOutcomeEvent[];

  beforeEach(async () => {
    store = new MemoryInventoryStore();
    await store.seedIfEmpty(catalog);
    clock = new FakeClock(Date.parse(OPENS) - 1);
    service = new InventoryService(
      store,
      { store: 'memory', catalogPath: 'unused', maxQuantityPerPurchase: 3 },
      clock,
      { kind: 'memory', checkHealth: async () => [{ name: 'memory', up: true }] },
    );
    events = [];
    service.purchaseOutcomes$.subscribe((event) => events.push(event));
  });

  afterEach(async () => {
    jest.useRealTimers();
    await service.beforeApplicationShutdown();
  });

  describe('reads', () => {
    it('maps a product with its schedule as ISO 8601 and its state at the clock’s time', async () => {
      expect(await service.getProduct(2)).toEqual({
        id: 2,
        name: 'Scheduled',
        description: 'Opens at ten',
        price: 2000,
        currency: 'EUR',
        stock: 10,
        available: 10,
        maxQuantityPerPurchase: 3,
        startsAt: OPENS,
        endsAt: CLOSES,
        perBuyerLimit: 2,
        state: 'upcoming',
      });
      expect((await service.listProducts()).map((p) => [p.id, p.state, p.startsAt])).toEqual([
        [1, 'live', null],
        [2, 'upcoming', OPENS],
      ]);
      expect((await domainError(service.getProduct(9))).code).toBe(ErrorCode.ProductNotFound);
    });

    it('the live inventory turns from upcoming to live when the clock passes startsAt', async () => {
      expect(await service.getLiveInventory(2)).toEqual({
        productId: 2,
        available: 10,
        state: 'upcoming',
        startsAt: OPENS,
      });
      clock.advance(1);
      expect(await service.getLiveInventory(2)).toMatchObject({ state: 'live' });
      clock.set(CLOSES);
      expect(await service.getLiveInventory(2)).toMatchObject({ state: 'ended' });
      expect(await domainError(service.getLiveInventory(9))).toMatchObject({
        code: ErrorCode.ProductNotFound,
        extensions: { productId: 9 },
      });
    });

    it('an order read by id does not reveal its buyer', async () => {
      clock.set(OPENS);
      const receipt = await service.purchase({ productId: 2, quantity: 1, buyerId: BUYER });
      expect(await service.getOrder(receipt.orderId)).toEqual({
        orderId: receipt.orderId,
        productId: 2,
        quantity: 1,
        createdAt: OPENS,
      });
      expect((await domainError(service.getOrder('nope'))).code).toBe(ErrorCode.OrderNotFound);
    });
  });

  describe('purchase', () => {
    it('answers a receipt, and the first answer again for a retried key', async () => {
      const first = await service.purchase({ productId: 1, quantity: 2, idempotencyKey: 'k' });
      expect(first).toEqual({
        orderId: expect.any(String),
        productId: 1,
        quantity: 2,
        remaining: 3,
        replayed: false,
      });
      expect(await service.purchase({ productId: 1, quantity: 2, idempotencyKey: 'k' })).toEqual({
        ...first,
        replayed: true,
      });
      expect(events).toEqual([
        { productId: 1, outcome: 'sold', quantity: 2 },
        { productId: 1, outcome: 'replayed', quantity: 2 },
      ]);
    });

    it('refuses more than the configured quantity before asking the store', async () => {
      const purchase = jest.spyOn(store, 'purchase');
      expect(await domainError(service.purchase({ productId: 1, quantity: 4 }))).toMatchObject({
        code: ErrorCode.ValidationFailed,
        extensions: { errors: [{ field: 'quantity', messages: ['quantity must not be greater than 3'] }] },
      });
      expect(purchase).not.toHaveBeenCalled();
      expect(events).toEqual([]);
    });

    it('maps every rejection to its code and the members the client acts on', async () => {
      const attempt = (productId: number, quantity: number, extra = {}) =>
        domainError(service.purchase({ productId, quantity, ...extra }));

      expect(await attempt(2, 1, { buyerId: BUYER })).toMatchObject({
        code: ErrorCode.NotStarted,
        message: `Product 2 goes on sale at ${OPENS}.`,
        extensions: { productId: 2, startsAt: OPENS },
      });
      clock.set(OPENS);
      expect(await attempt(2, 1)).toMatchObject({
        code: ErrorCode.AuthRequired,
        extensions: { productId: 2 },
      });
      await service.purchase({ productId: 2, quantity: 2, buyerId: BUYER });
      expect(await attempt(2, 1, { buyerId: BUYER })).toMatchObject({
        code: ErrorCode.LimitReached,
        extensions: { productId: 2, limit: 2, bought: 2 },
      });
      await service.purchase({ productId: 1, quantity: 3, idempotencyKey: 'once' });
      expect(await attempt(1, 2, { idempotencyKey: 'once' })).toMatchObject({
        code: ErrorCode.IdempotencyKeyMismatch,
        extensions: { productId: 1 },
      });
      expect(await attempt(1, 3)).toMatchObject({
        code: ErrorCode.InsufficientStock,
        extensions: { productId: 1, available: 2 },
      });
      await service.purchase({ productId: 1, quantity: 2 });
      expect(await attempt(1, 1)).toMatchObject({
        code: ErrorCode.SoldOut,
        extensions: { productId: 1, available: 0 },
      });
      expect(await attempt(9, 1)).toMatchObject({
        code: ErrorCode.ProductNotFound,
        extensions: { productId: 9 },
      });
      await service.setPaused(2, true);
      expect(await attempt(2, 1, { buyerId: BUYER })).toMatchObject({
        code: ErrorCode.Paused,
        extensions: { productId: 2 },
      });
      await service.setPaused(2, false);
      clock.set(CLOSES);
      expect(await attempt(2, 1, { buyerId: BUYER })).toMatchObject({
        code: ErrorCode.Ended,
        extensions: { productId: 2, endsAt: CLOSES },
      });

      expect(events.map((e) => e.outcome)).toEqual([
        ErrorCode.NotStarted,
        ErrorCode.AuthRequired,
        'sold',
        ErrorCode.LimitReached,
        'sold',
        ErrorCode.IdempotencyKeyMismatch,
        ErrorCode.InsufficientStock,
        'sold',
        ErrorCode.SoldOut,
        ErrorCode.ProductNotFound,
        ErrorCode.Paused,
        ErrorCode.Ended,
      ]);
    });
  });

  describe('rejection tally', () => {
    async function rejectSome(): Promise<void> {
      for (let i = 0; i < 3; i++)
        await service.purchase({ productId: 2, quantity: 1 }).catch(() => undefined);
      await service.purchase({ productId: 9, quantity: 1 }).catch(() => undefined);
      clock.set(OPENS);
      await service.purchase({ productId: 2, quantity: 1 }).catch(() => undefined);
    }

    it('writes the counts about once a second, in one call, never per rejection', async () => {
      jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
      const record = jest.spyOn(store, 'recordRejections');
      await rejectSome();
      expect(record).not.toHaveBeenCalled();
      await jest.advanceTimersByTimeAsync(999);
      expect(record).not.toHaveBeenCalled();
      await jest.advanceTimersByTimeAsync(1);
      expect(record).toHaveBeenCalledTimes(1);
      // Unknown products are not counted: made-up ids must not grow the table.
      expect(record).toHaveBeenCalledWith([
        { productId: 2, code: ErrorCode.NotStarted, count: 3 },
        { productId: 2, code: ErrorCode.AuthRequired, count: 1 },
      ]);
      // Nothing new: no timer, no write.
      await jest.advanceTimersByTimeAsync(5000);
      expect(record).toHaveBeenCalledTimes(1);
      expect((await store.salesSummary(2))?.rejects).toEqual({
        [ErrorCode.NotStarted]: 3,
        [ErrorCode.AuthRequired]: 1,
      });
    });

    it('keeps the counts when the store fails, and writes them with the next flush', async () => {
      jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
      const record = jest.spyOn(store, 'recordRejections').mockRejectedValueOnce(new Error('store down'));
      const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
      await rejectSome();
      await jest.advanceTimersByTimeAsync(1000);
      expect(record).toHaveBeenCalledTimes(1);
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('retrying in a second: store down'));
      warn.mockRestore();
      await service.purchase({ productId: 2, quantity: 1 }).catch(() => undefined);
      await jest.advanceTimersByTimeAsync(1000);
      expect(record).toHaveBeenCalledTimes(2);
      expect((await store.salesSummary(2))?.rejects).toEqual({
        [ErrorCode.NotStarted]: 3,
        [ErrorCode.AuthRequired]: 2,
      });
    });

    it('flushes on shutdown and before a summary', async () => {
      await rejectSome();
      expect((await service.summary(2)).rejects).toEqual({
        [ErrorCode.NotStarted]: 3,
        [ErrorCode.AuthRequired]: 1,
      });
      await service.purchase({ productId: 2, quantity: 1 }).catch(() => undefined);
      await service.beforeApplicationShutdown();
      expect((await store.salesSummary(2))?.rejects).toMatchObject({ [ErrorCode.AuthRequired]: 2 });
    });
  });

  describe('operator use cases', () => {
    it('creates a drop, scheduled and limited, with the next id', async () => {
      const created = await service.createDrop({
        name: 'New drop',
        price: 4200,
        currency: 'EUR',
        stock: 7,
        startsAt: '2030-01-02T00:00:00+02:00',
        perBuyerLimit: 1,
      });
      expect(created).toEqual({
        id: 3,
        name: 'New drop',
        description: '',
        price: 4200,
        currency: 'EUR',
        stock: 7,
        available: 7,
        maxQuantityPerPurchase: 3,
        startsAt: '2030-01-01T22:00:00.000Z',
        endsAt: null,
        perBuyerLimit: 1,
        state: 'upcoming',
        paused: false,
      });
      expect(await service.getAdminProduct(3)).toEqual(created);
    });

    it('checks that a drop ends after it starts, against the stored bound when only one changes', async () => {
      const request = { name: 'x', price: 1, currency: 'EUR', stock: 1 };
      expect(
        await domainError(service.createDrop({ ...request, startsAt: CLOSES, endsAt: OPENS })),
      ).toMatchObject({
        code: ErrorCode.ValidationFailed,
        extensions: { errors: [{ field: 'endsAt', messages: ['endsAt must be after startsAt'] }] },
      });
      expect(await domainError(service.createDrop({ ...request, startsAt: 'soon' }))).toMatchObject({
        code: ErrorCode.ValidationFailed,
        extensions: { errors: [{ field: 'startsAt' }] },
      });
      // Product 2 opens at OPENS: an endsAt at that instant is refused, the product unchanged.
      expect((await domainError(service.updateDrop(2, { endsAt: OPENS }))).code).toBe(
        ErrorCode.ValidationFailed,
      );
      expect((await service.getAdminProduct(2)).endsAt).toBe(CLOSES);
      // Clearing the start makes any end acceptable.
      expect(await service.updateDrop(2, { startsAt: null, endsAt: OPENS })).toMatchObject({
        startsAt: null,
        endsAt: OPENS,
      });
      expect((await domainError(service.updateDrop(9, { name: 'x' }))).code).toBe(ErrorCode.ProductNotFound);
    });

    it('updates only the fields given; pausing shows in the state and in purchases', async () => {
      expect(await service.updateDrop(1, { name: 'Renamed', perBuyerLimit: 4 })).toMatchObject({
        name: 'Renamed',
        description: 'Always on',
        perBuyerLimit: 4,
        stock: 5,
      });
      expect(await service.setPaused(1, true)).toMatchObject({ paused: true, state: 'paused' });
      expect((await service.listAdminProducts()).map((p) => [p.id, p.paused, p.state])).toEqual([
        [1, true, 'paused'],
        [2, false, 'upcoming'],
      ]);
      expect((await domainError(service.purchase({ productId: 1, quantity: 1, buyerId: BUYER }))).code).toBe(
        ErrorCode.Paused,
      );
      expect(await service.setPaused(1, false)).toMatchObject({ paused: false, state: 'live' });
      expect((await domainError(service.setPaused(9, true))).code).toBe(ErrorCode.ProductNotFound);
    });

    it('restocks by adding or setting, and refuses a stock beyond what can be stored', async () => {
      await service.purchase({ productId: 1, quantity: 2 });
      expect(await service.restock(1, { mode: 'add', quantity: 10 })).toMatchObject({
        stock: 15,
        available: 13,
      });
      expect(await service.restock(1, { mode: 'set', quantity: 1 })).toMatchObject({
        stock: 3,
        available: 1,
      });
      expect(await domainError(service.restock(1, { mode: 'add', quantity: 2_147_483_647 }))).toMatchObject({
        code: ErrorCode.ValidationFailed,
        extensions: { errors: [{ field: 'quantity' }] },
      });
      expect((await domainError(service.restock(9, { mode: 'add', quantity: 1 }))).code).toBe(
        ErrorCode.ProductNotFound,
      );
    });

    it('pages orders with the buyer, and refuses a bad limit or cursor', async () => {
      clock.set(OPENS);
      await service.purchase({ productId: 2, quantity: 1, buyerId: BUYER });
      clock.advance(1);
      await service.purchase({ productId: 2, quantity: 1, buyerId: '7d0c3f7e-8a53-4c55-a1b7-4f5b0d6c0002' });
      const first = await service.listOrders(2, 1, null);
      expect(first.items).toEqual([
        { orderId: expect.any(String), productId: 2, quantity: 1, buyerId: BUYER, createdAt: OPENS },
      ]);
      const second = await service.listOrders(2, 1, first.nextCursor);
      expect(second).toMatchObject({ items: [{ createdAt: '2030-01-01T10:00:00.001Z' }], nextCursor: null });

      expect(await domainError(service.listOrders(2, 0, 'garbage!'))).toMatchObject({
        code: ErrorCode.ValidationFailed,
        extensions: { errors: [{ field: 'limit' }, { field: 'after' }] },
      });
      expect((await domainError(service.listOrders(2, 501, null))).code).toBe(ErrorCode.ValidationFailed);
      expect((await domainError(service.listOrders(9, 10, null))).code).toBe(ErrorCode.ProductNotFound);
    });

    it('summarises sell-through with its state, buyers and rejects', async () => {
      clock.set(OPENS);
      await service.purchase({ productId: 2, quantity: 2, buyerId: BUYER });
      await service.purchase({ productId: 2, quantity: 1 }).catch(() => undefined);
      expect(await service.summary(2)).toEqual({
        productId: 2,
        state: 'live',
        stock: 10,
        sold: 2,
        available: 8,
        orders: 1,
        buyers: 1,
        rejects: { [ErrorCode.AuthRequired]: 1 },
      });
      expect((await domainError(service.summary(9))).code).toBe(ErrorCode.ProductNotFound);
    });
  });
});

describe('InventoryModule', () => {
  it('exports the service, the store and a clock tests can replace', async () => {
    const clock = new FakeClock(OPENS);
    const moduleRef = await Test.createTestingModule({
      imports: [
        InventoryModule.forRoot({
          store: 'memory',
          catalogPath: writeTestCatalog(catalog),
          maxQuantityPerPurchase: 10,
        }),
      ],
    })
      .overrideProvider(CLOCK)
      .useValue(clock)
      .compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    const service = app.get(InventoryService);
    const store = app.get<InventoryStore>(InventoryStore);
    expect(app.get(CLOCK)).toBe(clock);
    expect(app.get<StoreHealth>(StoreHealth).kind).toBe('memory');
    expect((await service.getLiveInventory(2)).state).toBe('live');

    await service.purchase({ productId: 2, quantity: 1 }).catch(() => undefined);
    const record = jest.spyOn(store, 'recordRejections');
    await app.close();
    expect(record).toHaveBeenCalledWith([{ productId: 2, code: ErrorCode.AuthRequired, count: 1 }]);
  });
});
