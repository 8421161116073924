import { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ErrorCode } from '@gtd/shared-contracts';
import { CatalogEntry, CatalogueQueries, InventoryStore } from '@gtd/api-inventory';
import { createFeatureTestApp } from '@gtd/api-testing';
import { FakeClock } from '@gtd/testing';
import { BuyerTokens } from '@gtd/api-buyers';
import request from 'supertest';
import { waitingRoomModules } from '@gtd/api-queue/testing';
import { PurchaseModule } from './purchase.module';
import { PurchaseModuleOptions } from './purchase.options';

const OPENS = '2026-11-25T20:00:00.000Z';
const CLOSES = '2026-11-25T21:00:00.000Z';

const CATALOG: CatalogEntry[] = [
  { id: 1, name: 'Golden Ticket', description: '', price: 5000, currency: 'EUR', stock: 5 },
  { id: 2, name: 'Empty', description: '', price: 100, currency: 'EUR', stock: 0 },
  { id: 3, name: 'Limited', description: '', price: 100, currency: 'EUR', stock: 1000, perBuyerLimit: 2 },
  {
    id: 4,
    name: 'Scheduled',
    description: '',
    price: 100,
    currency: 'EUR',
    stock: 10,
    startsAt: OPENS,
    endsAt: CLOSES,
  },
  { id: 5, name: 'Plenty', description: '', price: 100, currency: 'EUR', stock: 1000 },
];

async function purchaseApp(
  options: Partial<PurchaseModuleOptions> = {},
  clock?: FakeClock,
  inventory: { maxQuantityPerPurchase?: number } = {},
): Promise<INestApplication> {
  return createFeatureTestApp(
    [...waitingRoomModules(), PurchaseModule.forRoot({ buyRateLimitPerMinute: 0, ...options })],
    CATALOG,
    inventory,
    { clock },
  );
}

/** A signed-in buyer's Authorization header, minted directly (sign-up itself is the buyers lib's spec). */
const signedIn = (app: INestApplication, email = `${randomUUID()}@example.com`) =>
  `Bearer ${app.get(BuyerTokens).issue({ id: randomUUID(), email }).accessToken}`;

describe('POST /buy and GET /orders/:id', () => {
  let app: INestApplication;
  const http = () => request(app.getHttpServer());

  beforeEach(async () => {
    app = await purchaseApp({}, undefined, { maxQuantityPerPurchase: 3 });
  });

  afterEach(() => app.close());

  it('sells and returns the stored order', async () => {
    const bought = await http().post('/buy').send({ productId: 1, quantity: 2 }).expect(201);
    expect(bought.body).toEqual({
      orderId: expect.any(String),
      productId: 1,
      quantity: 2,
      remaining: 3,
    });
    expect(bought.headers['idempotent-replayed']).toBeUndefined();
    const order = await http().get(`/orders/${bought.body.orderId}`).expect(200);
    expect(order.body).toEqual({
      orderId: bought.body.orderId,
      productId: 1,
      quantity: 2,
      unitPrice: 5000,
      currency: 'EUR',
      total: 10000,
      createdAt: expect.any(String),
      status: 'sold',
      cancelledAt: null,
    });
  });

  it('the receipt shows a cancel: status cancelled and when, the units back on sale', async () => {
    const bought = await http().post('/buy').send({ productId: 1, quantity: 2 }).expect(201);
    const cancelled = await app
      .get<InventoryStore>(InventoryStore)
      .cancelOrder(bought.body.orderId, Date.parse(OPENS));
    expect(cancelled).toMatchObject({ ok: true, available: 5 });
    const order = await http().get(`/orders/${bought.body.orderId}`).expect(200);
    expect(order.body).toMatchObject({
      orderId: bought.body.orderId,
      status: 'cancelled',
      cancelledAt: OPENS,
    });
  });

  it('answers 409 INSUFFICIENT_STOCK with what is left, selling nothing', async () => {
    await http().post('/buy').send({ productId: 1, quantity: 3 }).expect(201);
    const res = await http().post('/buy').send({ productId: 1, quantity: 3 }).expect(409);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      code: ErrorCode.InsufficientStock,
      status: 409,
      available: 2,
      productId: 1,
    });
    await http().post('/buy').send({ productId: 1, quantity: 2 }).expect(201);
  });

  it('answers 409 SOLD_OUT, 404 PRODUCT_NOT_FOUND and 404 ORDER_NOT_FOUND', async () => {
    const soldOut = await http().post('/buy').send({ productId: 2, quantity: 1 }).expect(409);
    expect(soldOut.body).toMatchObject({
      code: ErrorCode.SoldOut,
      title: 'Sold out',
      available: 0,
    });
    const missing = await http().post('/buy').send({ productId: 9, quantity: 1 }).expect(404);
    expect(missing.body).toMatchObject({
      code: ErrorCode.ProductNotFound,
      instance: '/buy',
    });
    const noOrder = await http().get('/orders/5b0d8a36-5d1c-4f57-9f5c-7d7c3f0c9a11').expect(404);
    expect(noOrder.body.code).toBe(ErrorCode.OrderNotFound);
  });

  it('enforces the configured per-purchase maximum as a field error', async () => {
    const res = await http().post('/buy').send({ productId: 1, quantity: 4 }).expect(400);
    expect(res.body).toMatchObject({
      code: ErrorCode.ValidationFailed,
      errors: [
        {
          field: 'quantity',
          messages: ['quantity must not be greater than 3'],
        },
      ],
    });
  });

  it.each([1001, 5000, 1e20])(
    'names the configured maximum, not a fixed ceiling, for quantity %d',
    async (quantity) => {
      const res = await http().post('/buy').send({ productId: 1, quantity }).expect(400);
      expect(res.body).toMatchObject({
        code: ErrorCode.ValidationFailed,
        detail: 'quantity: quantity must not be greater than 3',
        errors: [{ field: 'quantity', messages: ['quantity must not be greater than 3'] }],
      });
    },
  );

  it('lists every offending field', async () => {
    const res = await http().post('/buy').send({ productId: '1', quantity: 0, extra: true }).expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'extra',
      'productId',
      'quantity',
    ]);
  });

  it('refuses a present but bad buyer token with 401 UNAUTHORIZED instead of buying anonymously', async () => {
    const res = await http()
      .post('/buy')
      .set('Authorization', 'Bearer not.a.token')
      .send({ productId: 1, quantity: 1 })
      .expect(401);
    expect(res.body.code).toBe(ErrorCode.Unauthorized);
    expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
    expect((await app.get(CatalogueQueries).getLiveInventory(1)).available).toBe(5);
  });
});

describe('per-buyer limits', () => {
  let app: INestApplication;
  const http = () => request(app.getHttpServer());

  beforeEach(async () => {
    app = await purchaseApp();
  });

  afterEach(() => app.close());

  it('answers 401 AUTH_REQUIRED with a Bearer challenge to an anonymous buyer', async () => {
    const res = await http().post('/buy').send({ productId: 3, quantity: 1 }).expect(401);
    expect(res.body).toMatchObject({ code: ErrorCode.AuthRequired, productId: 3 });
    expect(res.headers['www-authenticate']).toBe('Bearer');
  });

  it('sells a buyer up to the limit, then 409 LIMIT_REACHED with the limit and what they hold', async () => {
    const buyer = signedIn(app);
    await http().post('/buy').set('Authorization', buyer).send({ productId: 3, quantity: 1 }).expect(201);
    const over = await http().post('/buy').set('Authorization', buyer).send({ productId: 3, quantity: 2 });
    expect(over.status).toBe(409);
    expect(over.body).toMatchObject({ code: ErrorCode.LimitReached, limit: 2, bought: 1, productId: 3 });
    await http().post('/buy').set('Authorization', buyer).send({ productId: 3, quantity: 1 }).expect(201);
    const done = await http().post('/buy').set('Authorization', buyer).send({ productId: 3, quantity: 1 });
    expect(done.body).toMatchObject({ code: ErrorCode.LimitReached, limit: 2, bought: 2 });
    // Another buyer has a limit of their own.
    await http()
      .post('/buy')
      .set('Authorization', signedIn(app))
      .send({ productId: 3, quantity: 2 })
      .expect(201);
  });

  it('sells exactly the limit to 200 concurrent purchases of one buyer', async () => {
    const buyer = signedIn(app);
    const replies = await Promise.all(
      Array.from({ length: 200 }, () =>
        http().post('/buy').set('Authorization', buyer).send({ productId: 3, quantity: 1 }),
      ),
    );
    const statuses = replies.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(2);
    expect(replies.filter((r) => r.status !== 201).every((r) => r.body.code === ErrorCode.LimitReached)).toBe(
      true,
    );
    expect((await app.get(CatalogueQueries).getLiveInventory(3)).available).toBe(998);
  });

  it('lets anonymous buyers buy drops without a limit', async () => {
    await http().post('/buy').send({ productId: 5, quantity: 3 }).expect(201);
  });
});

describe('schedule and pause', () => {
  let app: INestApplication;
  let clock: FakeClock;
  const buy = () => request(app.getHttpServer()).post('/buy').send({ productId: 4, quantity: 1 });

  beforeEach(async () => {
    clock = new FakeClock(OPENS);
    app = await purchaseApp({}, clock);
  });

  afterEach(() => app.close());

  it('answers 409 NOT_STARTED with the opening time 1 ms before startsAt, and sells at startsAt', async () => {
    clock.advance(-1);
    const early = await buy().expect(409);
    expect(early.body).toMatchObject({ code: ErrorCode.NotStarted, startsAt: OPENS, productId: 4 });
    clock.advance(1);
    await buy().expect(201);
  });

  it('sells 1 ms before endsAt and answers 409 ENDED with the closing time at endsAt', async () => {
    clock.set(Date.parse(CLOSES) - 1);
    await buy().expect(201);
    clock.advance(1);
    const late = await buy().expect(409);
    expect(late.body).toMatchObject({ code: ErrorCode.Ended, endsAt: CLOSES });
  });

  it('answers 409 PAUSED while paused and sells again once resumed', async () => {
    // The operator's pause is the admin lib's route; here the store is set directly.
    const store = app.get<InventoryStore>(InventoryStore);
    await store.updateProduct(4, { paused: true });
    expect((await buy().expect(409)).body.code).toBe(ErrorCode.Paused);
    await store.updateProduct(4, { paused: false });
    await buy().expect(201);
  });
});

describe('Idempotency-Key', () => {
  let app: INestApplication;
  let clock: FakeClock;
  const http = () => request(app.getHttpServer());
  const buy = (key: string | undefined, body = { productId: 5, quantity: 1 }, authorization?: string) => {
    let req = http().post('/buy');
    if (key !== undefined) req = req.set('Idempotency-Key', key);
    if (authorization) req = req.set('Authorization', authorization);
    return req.send(body);
  };
  const available = async () => (await app.get(CatalogueQueries).getLiveInventory(5)).available;

  beforeEach(async () => {
    clock = new FakeClock();
    app = await purchaseApp({}, clock);
  });

  afterEach(() => app.close());

  it('answers a retry with the first answer, marked replayed, and sells nothing more', async () => {
    const first = await buy('attempt-1').expect(201);
    const retry = await buy('attempt-1').expect(201);
    expect(retry.body).toEqual(first.body);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(await available()).toBe(999);
  });

  it('answers 100 concurrent retries of one key with one order, every answer the same', async () => {
    const replies = await Promise.all(Array.from({ length: 100 }, () => buy('one-key')));
    expect(new Set(replies.map((r) => r.status))).toEqual(new Set([201]));
    expect(new Set(replies.map((r) => JSON.stringify(r.body))).size).toBe(1);
    expect(replies.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(99);
    expect(await available()).toBe(999);
  });

  it('answers 422 IDEMPOTENCY_KEY_MISMATCH for the same key with another body, selling nothing', async () => {
    await buy('attempt-2').expect(201);
    const other = await buy('attempt-2', { productId: 5, quantity: 2 }).expect(422);
    expect(other.body).toMatchObject({ code: ErrorCode.IdempotencyKeyMismatch, status: 422 });
    const otherProduct = await buy('attempt-2', { productId: 1, quantity: 1 }).expect(422);
    expect(otherProduct.body.code).toBe(ErrorCode.IdempotencyKeyMismatch);
    expect(await available()).toBe(999);
  });

  it('scopes keys per buyer: two buyers with one key buy twice', async () => {
    const [a, b] = [signedIn(app), signedIn(app)];
    const first = await buy('shared-key', undefined, a).expect(201);
    const second = await buy('shared-key', undefined, b).expect(201);
    expect(second.body.orderId).not.toBe(first.body.orderId);
    await buy('shared-key').expect(201);
    expect(await available()).toBe(997);
  });

  it('forgets a key after 24 hours', async () => {
    const first = await buy('old-key').expect(201);
    clock.advance(24 * 3600 * 1000 - 1);
    expect((await buy('old-key').expect(201)).body.orderId).toBe(first.body.orderId);
    clock.advance(1);
    const fresh = await buy('old-key').expect(201);
    expect(fresh.body.orderId).not.toBe(first.body.orderId);
    expect(fresh.headers['idempotent-replayed']).toBeUndefined();
  });

  it('does not remember rejections: a retry after a restock buys', async () => {
    await buy('sold-out', { productId: 2, quantity: 1 }).expect(409);
    await app.get<InventoryStore>(InventoryStore).restock(2, { mode: 'add', quantity: 1 });
    await buy('sold-out', { productId: 2, quantity: 1 }).expect(201);
  });

  it.each([
    ['empty', ''],
    ['longer than 255 characters', 'k'.repeat(256)],
    ['not ASCII', 'clé'],
    ['a control character', 'key\tone'],
  ])('refuses a key that is %s with 400 VALIDATION_FAILED naming the header', async (_name, key) => {
    const res = await http()
      .post('/buy')
      .set('Idempotency-Key', key)
      .send({ productId: 5, quantity: 1 })
      .expect(400);
    expect(res.body).toMatchObject({
      code: ErrorCode.ValidationFailed,
      errors: [{ field: 'Idempotency-Key' }],
    });
    expect(await available()).toBe(1000);
  });

  it('accepts a key of exactly 255 printable characters', async () => {
    await buy('~'.repeat(255)).expect(201);
  });
});

describe('rate limit', () => {
  let app: INestApplication;
  const buy = (authorization?: string) => {
    const req = request(app.getHttpServer()).post('/buy');
    return (authorization ? req.set('Authorization', authorization) : req).send({
      productId: 5,
      quantity: 1,
    });
  };

  afterEach(() => app.close());

  it('answers 429 RATE_LIMITED with Retry-After over BUY_RATE_LIMIT attempts a minute', async () => {
    app = await purchaseApp({ buyRateLimitPerMinute: 3 });
    for (let i = 0; i < 3; i++) await buy().expect(201);
    const limited = await buy().expect(429);
    expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(limited.body).toMatchObject({ code: ErrorCode.RateLimited, status: 429 });
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(limited.body.retryAfterSeconds).toBe(retryAfter);
    expect((await app.get(CatalogueQueries).getLiveInventory(5)).available).toBe(997);
  });

  it('counts each signed-in buyer apart from the address they share', async () => {
    app = await purchaseApp({ buyRateLimitPerMinute: 2 });
    const [a, b] = [signedIn(app), signedIn(app)];
    await buy(a).expect(201);
    await buy(a).expect(201);
    await buy(a).expect(429);
    await buy(b).expect(201);
    await buy().expect(201);
    await buy().expect(201);
    await buy().expect(429);
    await buy(b).expect(201);
  });

  it('counts rejected and invalid attempts too', async () => {
    app = await purchaseApp({ buyRateLimitPerMinute: 2 });
    await request(app.getHttpServer()).post('/buy').send({ productId: 2, quantity: 1 }).expect(409);
    await request(app.getHttpServer()).post('/buy').send({ productId: 'x' }).expect(400);
    await buy().expect(429);
  });

  it('is off at 0', async () => {
    app = await purchaseApp({ buyRateLimitPerMinute: 0 });
    const replies = await Promise.all(Array.from({ length: 100 }, () => buy()));
    expect(replies.every((r) => r.status === 201)).toBe(true);
  });
});
