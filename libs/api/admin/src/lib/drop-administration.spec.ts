import { INestApplication } from '@nestjs/common';
import { ErrorCode } from '@gtd/shared-contracts';
import { CatalogEntry, PurchaseService } from '@gtd/api-inventory';
import { createFeatureTestApp } from '@gtd/api-testing';
import { FakeClock } from '@gtd/testing';
import { DomainError } from '@gtd/api-platform';
import { AdminModule } from './admin.module';
import { AuditLog } from './audit-log';
import { DropAdministration } from './drop-administration';
import { waitingRoomModules } from '@gtd/api-queue/testing';
import { TicketsModule } from '@gtd/api-tickets';

const OPENS = '2030-01-01T10:00:00.000Z';
const CLOSES = '2030-01-01T12:00:00.000Z';
const BUYER = '7d0c3f7e-8a53-4c55-a1b7-4f5b0d6c0001';
const ACTOR = 'admin@192.0.2.1';

/** Product 1: open, 5 in stock; each test also has 2, which the operator creates (see beforeEach). */
const CATALOG: CatalogEntry[] = [
  { id: 1, name: 'Open', description: 'Always on', price: 1000, currency: 'EUR', stock: 5 },
];
/** Product 2's rules: on sale from OPENS to CLOSES, at most 2 per buyer. */
const SCHEDULE = { startsAt: OPENS, endsAt: CLOSES, perBuyerLimit: 2 };

/** The DomainError a call throws (fails the test if it resolves or throws something else). */
async function domainError(call: Promise<unknown>): Promise<DomainError> {
  const error: unknown = await call.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe('DropAdministration', () => {
  let app: INestApplication;
  let clock: FakeClock;
  let drops: DropAdministration;
  let purchases: PurchaseService;

  beforeEach(async () => {
    clock = new FakeClock(Date.parse(OPENS) - 1);
    app = await createFeatureTestApp(
      [...waitingRoomModules(), TicketsModule.forRoot({}), AdminModule.forRoot({})],
      CATALOG,
      { maxQuantityPerPurchase: 3 },
      { clock },
    );
    drops = app.get(DropAdministration);
    purchases = app.get(PurchaseService);
    await drops.create({ name: 'Scheduled', price: 2000, currency: 'EUR', stock: 10, ...SCHEDULE }, ACTOR);
  });

  afterEach(() => app.close());

  it('creates a drop, scheduled and limited, with the next id', async () => {
    const created = await drops.create(
      {
        name: 'New drop',
        price: 4200,
        currency: 'EUR',
        stock: 7,
        startsAt: '2030-01-02T00:00:00+02:00',
        perBuyerLimit: 1,
      },
      ACTOR,
    );
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
    expect(await drops.getProduct(3)).toEqual(created);
  });

  it('checks that a drop ends after it starts, against the stored bound when only one changes', async () => {
    const request = { name: 'x', price: 1, currency: 'EUR', stock: 1 };
    expect(
      await domainError(drops.create({ ...request, startsAt: CLOSES, endsAt: OPENS }, ACTOR)),
    ).toMatchObject({
      code: ErrorCode.ValidationFailed,
      extensions: { errors: [{ field: 'endsAt', messages: ['endsAt must be after startsAt'] }] },
    });
    expect(await domainError(drops.create({ ...request, startsAt: 'soon' }, ACTOR))).toMatchObject({
      code: ErrorCode.ValidationFailed,
      extensions: { errors: [{ field: 'startsAt' }] },
    });
    // Product 2 opens at OPENS: an endsAt at that instant is refused, the product unchanged.
    expect((await domainError(drops.update(2, { endsAt: OPENS }, ACTOR))).code).toBe(
      ErrorCode.ValidationFailed,
    );
    expect((await drops.getProduct(2)).endsAt).toBe(CLOSES);
    // Clearing the start makes any end acceptable.
    expect(await drops.update(2, { startsAt: null, endsAt: OPENS }, ACTOR)).toMatchObject({
      startsAt: null,
      endsAt: OPENS,
    });
    expect((await domainError(drops.update(9, { name: 'x' }, ACTOR))).code).toBe(ErrorCode.ProductNotFound);
  });

  it('updates only the fields given; pausing shows in the state and in purchases', async () => {
    expect(await drops.update(1, { name: 'Renamed', perBuyerLimit: 4 }, ACTOR)).toMatchObject({
      name: 'Renamed',
      description: 'Always on',
      perBuyerLimit: 4,
      stock: 5,
    });
    expect(await drops.pause(1, ACTOR)).toMatchObject({ paused: true, state: 'paused' });
    expect((await drops.listProducts()).map((p) => [p.id, p.paused, p.state])).toEqual([
      [1, true, 'paused'],
      [2, false, 'upcoming'],
    ]);
    expect((await domainError(purchases.purchase({ productId: 1, quantity: 1, buyerId: BUYER }))).code).toBe(
      ErrorCode.Paused,
    );
    expect(await drops.resume(1, ACTOR)).toMatchObject({ paused: false, state: 'live' });
    expect((await domainError(drops.pause(9, ACTOR))).code).toBe(ErrorCode.ProductNotFound);
  });

  it('restocks by adding or setting, and refuses a stock beyond what can be stored', async () => {
    await purchases.purchase({ productId: 1, quantity: 2 });
    expect(await drops.restock(1, { mode: 'add', quantity: 10 }, ACTOR)).toMatchObject({
      stock: 15,
      available: 13,
    });
    expect(await drops.restock(1, { mode: 'set', quantity: 1 }, ACTOR)).toMatchObject({
      stock: 3,
      available: 1,
    });
    expect(
      await domainError(drops.restock(1, { mode: 'add', quantity: 2_147_483_647 }, ACTOR)),
    ).toMatchObject({
      code: ErrorCode.ValidationFailed,
      extensions: { errors: [{ field: 'quantity' }] },
    });
    expect((await domainError(drops.restock(9, { mode: 'add', quantity: 1 }, ACTOR))).code).toBe(
      ErrorCode.ProductNotFound,
    );
  });

  it('pages orders with the buyer, and refuses a bad limit or cursor', async () => {
    clock.set(OPENS);
    await purchases.purchase({ productId: 2, quantity: 1, buyerId: BUYER });
    clock.advance(1);
    await purchases.purchase({ productId: 2, quantity: 1, buyerId: '7d0c3f7e-8a53-4c55-a1b7-4f5b0d6c0002' });
    const first = await drops.orders(2, { limit: 1 });
    expect(first.items).toEqual([
      {
        orderId: expect.any(String),
        productId: 2,
        quantity: 1,
        unitPrice: 2000,
        currency: 'EUR',
        total: 2000,
        buyerId: BUYER,
        createdAt: OPENS,
        status: 'sold',
        cancelledAt: null,
      },
    ]);
    const second = await drops.orders(2, { limit: 1, after: first.nextCursor });
    expect(second).toMatchObject({ items: [{ createdAt: '2030-01-01T10:00:00.001Z' }], nextCursor: null });

    expect(await domainError(drops.orders(2, { limit: 0, after: 'garbage!' }))).toMatchObject({
      code: ErrorCode.ValidationFailed,
      extensions: { errors: [{ field: 'limit' }, { field: 'after' }] },
    });
    expect((await domainError(drops.orders(2, { limit: 501 }))).code).toBe(ErrorCode.ValidationFailed);
    expect((await domainError(drops.orders(9, { limit: 10 }))).code).toBe(ErrorCode.ProductNotFound);
  });

  it('summarises sell-through with its state, buyers and rejects', async () => {
    clock.set(OPENS);
    await purchases.purchase({ productId: 2, quantity: 2, buyerId: BUYER });
    await purchases.purchase({ productId: 2, quantity: 1 }).catch(() => undefined);
    expect(await drops.summary(2)).toEqual({
      productId: 2,
      state: 'live',
      stock: 10,
      sold: 2,
      available: 8,
      orders: 1,
      buyers: 1,
      rejects: { [ErrorCode.AuthRequired]: 1 },
    });
    expect((await domainError(drops.summary(9))).code).toBe(ErrorCode.ProductNotFound);
  });

  it('writes this process’s rejection counts before a summary reads them', async () => {
    for (let i = 0; i < 3; i++)
      await purchases.purchase({ productId: 2, quantity: 1 }).catch(() => undefined);
    await purchases.purchase({ productId: 9, quantity: 1 }).catch(() => undefined);
    clock.set(OPENS);
    await purchases.purchase({ productId: 2, quantity: 1 }).catch(() => undefined);
    expect((await drops.summary(2)).rejects).toEqual({
      [ErrorCode.NotStarted]: 3,
      [ErrorCode.AuthRequired]: 1,
    });
  });

  it('records who changed what once each change succeeded, and nothing for a refused one', async () => {
    await drops.update(1, { name: 'Renamed', description: undefined }, ACTOR);
    await drops.pause(1, ACTOR);
    await drops.resume(1, 'admin@198.51.100.7');
    await domainError(drops.pause(9, ACTOR));
    await domainError(drops.update(1, {}, ACTOR));
    expect(await app.get(AuditLog).list(3, null)).toEqual([
      expect.objectContaining({
        actor: 'admin@198.51.100.7',
        action: 'product.resume',
        productId: 1,
        details: {},
      }),
      expect.objectContaining({ actor: ACTOR, action: 'product.pause', productId: 1, details: {} }),
      expect.objectContaining({ actor: ACTOR, action: 'product.update', details: { name: 'Renamed' } }),
    ]);
    expect(await drops.auditEntries({ limit: 1 })).toEqual([
      expect.objectContaining({ action: 'product.resume' }),
    ]);
  });
});
