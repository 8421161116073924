import { INestApplication } from '@nestjs/common';
import { ErrorCode } from '@gtd/shared-contracts';
import { createFeatureTestApp } from '@gtd/api-inventory/testing';
import request from 'supertest';
import { PurchaseModule } from './purchase.module';

describe('PurchaseModule over HTTP', () => {
  let app: INestApplication;
  const http = () => request(app.getHttpServer());

  beforeEach(async () => {
    app = await createFeatureTestApp(
      [PurchaseModule],
      [
        {
          id: 1,
          name: 'Golden Ticket',
          description: '',
          price: 5000,
          currency: 'EUR',
          stock: 5,
        },
        {
          id: 2,
          name: 'Empty',
          description: '',
          price: 100,
          currency: 'EUR',
          stock: 0,
        },
      ],
      { maxQuantityPerPurchase: 3 },
    );
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
    const order = await http().get(`/orders/${bought.body.orderId}`).expect(200);
    expect(order.body).toEqual({
      orderId: bought.body.orderId,
      productId: 1,
      quantity: 2,
      createdAt: expect.any(String),
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

  it('lists every offending field', async () => {
    const res = await http().post('/buy').send({ productId: '1', quantity: 0, extra: true }).expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'extra',
      'productId',
      'quantity',
    ]);
  });
});
