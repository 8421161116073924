import { DependencyUnavailable, DomainError } from '@gtd/api-platform';
import { ErrorCode, PurchaseFaultOutcome } from '@gtd/shared-contracts';
import { FakeClock } from '@gtd/testing';
import { MemoryInventoryStore } from './adapters/memory/memory-inventory-store';
import { CatalogEntry } from './catalog';
import { PurchaseOutcomeEvent, PurchaseService } from './purchase.service';
import { RejectionTally } from './rejection-tally';

const OPENS = '2030-01-01T10:00:00.000Z';
const CLOSES = '2030-01-01T12:00:00.000Z';
const BUYER = '7d0c3f7e-8a53-4c55-a1b7-4f5b0d6c0001';

/** 1: open, 5 in stock. 2: on sale from OPENS to CLOSES, at most 2 per buyer. */
const SCHEDULE = { startsAt: OPENS, endsAt: CLOSES, perBuyerLimit: 2 };
const catalog: CatalogEntry[] = [
  { id: 1, name: 'Open', description: '', price: 1000, currency: 'EUR', stock: 5 },
  { id: 2, name: 'Limited', description: '', price: 2000, currency: 'EUR', stock: 10, ...SCHEDULE },
];

describe('PurchaseService', () => {
  let store: MemoryInventoryStore;
  let clock: FakeClock;
  let tally: RejectionTally;
  let service: PurchaseService;
  let events: PurchaseOutcomeEvent[];

  /** The DomainError a purchase is refused with (fails the test if it sells). */
  const refusal = async (attempt: Parameters<PurchaseService['purchase']>[0]): Promise<DomainError> => {
    const error: unknown = await service.purchase(attempt).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  };

  beforeEach(async () => {
    store = new MemoryInventoryStore();
    await store.seedIfEmpty(catalog);
    clock = new FakeClock(Date.parse(OPENS) - 1);
    tally = new RejectionTally(store);
    service = new PurchaseService(
      store,
      { store: 'memory', catalogPath: 'unused', maxQuantityPerPurchase: 3 },
      clock,
      tally,
    );
    events = [];
    service.purchaseOutcomes$.subscribe((event) => events.push(event));
  });

  afterEach(async () => {
    service.beforeApplicationShutdown();
    await tally.beforeApplicationShutdown();
  });

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

  it("scopes an anonymous key by the client's address: another client's same key and body is its own purchase", async () => {
    const a = { productId: 1, quantity: 1, idempotencyKey: 'k', clientAddress: '203.0.113.10' };
    const b = { ...a, clientAddress: '198.51.100.20' };
    const first = await service.purchase(a);
    const other = await service.purchase(b);
    expect(other).toMatchObject({ replayed: false, remaining: first.remaining - 1 });
    expect(other.orderId).not.toBe(first.orderId);
    expect(await service.purchase(a)).toEqual({ ...first, replayed: true });
    expect(await service.purchase(b)).toEqual({ ...other, replayed: true });
    // A signed-in buyer's keys are the buyer's, from any address.
    const mine = await service.purchase({ ...a, buyerId: BUYER });
    expect(await service.purchase({ ...b, buyerId: BUYER })).toEqual({ ...mine, replayed: true });
  });

  it('refuses more than the configured quantity before asking the store', async () => {
    const purchase = jest.spyOn(store, 'purchase');
    expect(await refusal({ productId: 1, quantity: 4 })).toMatchObject({
      code: ErrorCode.ValidationFailed,
      extensions: { errors: [{ field: 'quantity', messages: ['quantity must not be greater than 3'] }] },
    });
    expect(purchase).not.toHaveBeenCalled();
    expect(events).toEqual([]);
  });

  it('maps every rejection to its code and the members the client acts on', async () => {
    const attempt = (productId: number, quantity: number, extra = {}) =>
      refusal({ productId, quantity, ...extra });

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
    // The operator's pause (the admin lib's use case), set on the store directly.
    await store.updateProduct(2, { paused: true });
    expect(await attempt(2, 1, { buyerId: BUYER })).toMatchObject({
      code: ErrorCode.Paused,
      extensions: { productId: 2 },
    });
    await store.updateProduct(2, { paused: false });
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

  it('tallies each refusal for the operator, but not a sale', async () => {
    const count = jest.spyOn(tally, 'count');
    await service.purchase({ productId: 1, quantity: 1 });
    await service.purchase({ productId: 2, quantity: 1 }).catch(() => undefined);
    await service.purchase({ productId: 9, quantity: 1 }).catch(() => undefined);
    expect(count.mock.calls).toEqual([
      [2, ErrorCode.NotStarted],
      [9, ErrorCode.ProductNotFound],
    ]);
  });

  describe('when the store fails', () => {
    const failWith = (fault: unknown) => jest.spyOn(store, 'purchase').mockRejectedValue(fault);

    it('answers 503 NOT_MADE only for a fault the adapter knows never reached the store', async () => {
      failWith(new DependencyUnavailable('redis', false));
      const error = await refusal({ productId: 1, quantity: 1 });
      expect(error.code).toBe(ErrorCode.ServiceUnavailable);
      expect(error.extensions).toEqual({ purchase: PurchaseFaultOutcome.NotMade, retryAfterSeconds: 2 });
      expect(error.message).toMatch(/nothing was sold/);
    });

    it.each([
      ['a reached dependency', new DependencyUnavailable('postgres', true)],
      ['any other error', new Error('connection reset')],
    ])('answers 503 UNKNOWN for %s, telling how to find out', async (_, fault) => {
      failWith(fault);
      const keyed = await refusal({ productId: 1, quantity: 1, idempotencyKey: 'k' });
      expect(keyed.extensions).toEqual({ purchase: PurchaseFaultOutcome.Unknown, retryAfterSeconds: 2 });
      expect(keyed.message).toMatch(/same Idempotency-Key/);
      const unkeyed = await refusal({ productId: 1, quantity: 1 });
      expect(unkeyed.message).toMatch(/check your orders/);
      expect(events.map((e) => e.outcome)).toEqual([
        ErrorCode.ServiceUnavailable,
        ErrorCode.ServiceUnavailable,
      ]);
    });

    it('passes a refusal the store threw through unchanged', async () => {
      const refused = new DomainError(ErrorCode.IdempotencyKeyMismatch, 'other body');
      failWith(refused);
      expect(await refusal({ productId: 1, quantity: 1 })).toBe(refused);
    });
  });
});
