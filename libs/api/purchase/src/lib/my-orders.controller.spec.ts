import { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ErrorCode, MyOrder } from '@gtd/shared-contracts';
import { CatalogEntry, encodeOrderCursor, InventoryStore } from '@gtd/api-inventory';
import { createFeatureTestApp } from '@gtd/api-testing';
import { BuyerTokens } from '@gtd/api-buyers';
import request from 'supertest';
import { waitingRoomModules } from '@gtd/api-queue/testing';
import { PurchaseModule } from './purchase.module';

const CATALOG: CatalogEntry[] = [
  { id: 1, name: 'Golden Ticket', description: '', price: 5000, currency: 'EUR', stock: 100 },
  { id: 2, name: 'Poster', description: '', price: 1500, currency: 'USD', stock: 100 },
];

describe('GET /me/orders', () => {
  let app: INestApplication;
  const http = () => request(app.getHttpServer());
  const tokenOf = (id: string) =>
    `Bearer ${app.get(BuyerTokens).issue({ id, email: `${id}@example.com` }).accessToken}`;
  const ann = randomUUID();
  const bob = randomUUID();

  const buy = (buyerId: string | null, productId: number, quantity: number) => {
    const call = http().post('/buy').send({ productId, quantity });
    return (buyerId === null ? call : call.set('Authorization', tokenOf(buyerId))).expect(201);
  };
  const myOrders = (buyerId: string, query = '') =>
    http().get(`/me/orders${query}`).set('Authorization', tokenOf(buyerId));

  beforeEach(async () => {
    app = await createFeatureTestApp(
      [...waitingRoomModules(), PurchaseModule.forRoot({ buyRateLimitPerMinute: 0 })],
      CATALOG,
    );
  });

  afterEach(() => app.close());

  it("answers only the caller's own orders, oldest first, with the price paid and the product's name", async () => {
    const first = await buy(ann, 1, 2);
    await buy(bob, 1, 1);
    await buy(null, 2, 1);
    const second = await buy(ann, 2, 3);
    const res = await myOrders(ann).expect(200);
    expect(res.headers['cache-control']).toBe('private, no-store');
    expect(res.body).toEqual({
      items: [
        {
          orderId: first.body.orderId,
          productId: 1,
          productName: 'Golden Ticket',
          quantity: 2,
          unitPrice: 5000,
          currency: 'EUR',
          total: 10000,
          createdAt: expect.any(String),
          status: 'sold',
          cancelledAt: null,
        },
        {
          orderId: second.body.orderId,
          productId: 2,
          productName: 'Poster',
          quantity: 3,
          unitPrice: 1500,
          currency: 'USD',
          total: 4500,
          createdAt: expect.any(String),
          status: 'sold',
          cancelledAt: null,
        },
      ],
      nextCursor: null,
    });
    const bobs = (await myOrders(bob).expect(200)).body.items as MyOrder[];
    expect(bobs.map((o) => [o.productId, o.quantity])).toEqual([[1, 1]]);
    expect((await myOrders(randomUUID()).expect(200)).body).toEqual({ items: [], nextCursor: null });
  });

  it('keeps the price paid after a price change; the name is the current one', async () => {
    await buy(ann, 1, 1);
    await app.get<InventoryStore>(InventoryStore).updateProduct(1, { price: 9900, name: 'Platinum Ticket' });
    await buy(ann, 1, 1);
    const items = (await myOrders(ann).expect(200)).body.items as MyOrder[];
    expect(items.map((o) => [o.productName, o.unitPrice, o.total])).toEqual([
      ['Platinum Ticket', 5000, 5000],
      ['Platinum Ticket', 9900, 9900],
    ]);
  });

  it('pages with limit and the nextCursor, each order once', async () => {
    const bought: string[] = [];
    for (let i = 0; i < 5; i++) bought.push((await buy(ann, 1, 1)).body.orderId);
    const seen: string[] = [];
    let query = '?limit=2';
    for (;;) {
      const page = (await myOrders(ann, query).expect(200)).body;
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((o: MyOrder) => o.orderId));
      if (page.nextCursor === null) break;
      query = `?limit=2&after=${page.nextCursor}`;
    }
    expect([...seen].sort()).toEqual([...bought].sort());
    expect(seen).toHaveLength(5);
  });

  it('answers 401 AUTH_REQUIRED without a token and 401 UNAUTHORIZED with a bad one', async () => {
    const anonymous = await http().get('/me/orders').expect(401);
    expect(anonymous.body).toMatchObject({ code: ErrorCode.AuthRequired });
    expect(anonymous.headers['www-authenticate']).toBe('Bearer');
    const forged = await http().get('/me/orders').set('Authorization', 'Bearer not.a.token').expect(401);
    expect(forged.body).toMatchObject({ code: ErrorCode.Unauthorized });
    expect(forged.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
  });

  it.each([
    ['limit 0', '?limit=0', 'limit'],
    ['limit over the maximum', '?limit=101', 'limit'],
    ['limit not a number', '?limit=ten', 'limit'],
    ['a cursor that is not base64url', '?after=not%20a%20cursor', 'after'],
    // Well-formed text, but not a cursor this API produced.
    ['a forged cursor', `?after=${Buffer.from('yesterday|x').toString('base64url')}`, 'after'],
    ['an unknown parameter', '?limt=2', 'limt'],
  ])('answers 400 VALIDATION_FAILED for %s', async (_case, query, field) => {
    const res = await myOrders(ann, query).expect(400);
    expect(res.body).toMatchObject({ code: ErrorCode.ValidationFailed });
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual([field]);
  });

  it('accepts a cursor this API made, even for a position with no order', async () => {
    const after = encodeOrderCursor({ createdAt: new Date(0).toISOString(), orderId: randomUUID() });
    expect((await myOrders(ann, `?after=${after}`).expect(200)).body).toEqual({
      items: [],
      nextCursor: null,
    });
  });
});
