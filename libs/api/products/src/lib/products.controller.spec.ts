import { INestApplication } from '@nestjs/common';
import { ErrorCode } from '@gtd/shared-contracts';
import { createFeatureTestApp } from '@gtd/api-inventory/testing';
import { InventoryService } from '@gtd/api-inventory';
import request from 'supertest';
import { ProductsModule } from './products.module';

describe('ProductsModule over HTTP', () => {
  let app: INestApplication;
  const http = () => request(app.getHttpServer());

  beforeEach(async () => {
    app = await createFeatureTestApp(
      [ProductsModule],
      [
        {
          id: 2,
          name: 'Sneakers',
          description: 'Shoes',
          price: 18900,
          currency: 'EUR',
          stock: 10,
        },
        {
          id: 1,
          name: 'Golden Ticket',
          description: 'A tour',
          price: 5000,
          currency: 'EUR',
          stock: 3,
        },
      ],
    );
  });

  afterEach(() => app.close());

  it('lists the catalogue by id with live counts and the purchase maximum', async () => {
    await app.get(InventoryService).purchase(1, 2);
    const res = await http().get('/products').expect(200);
    expect(res.body).toEqual([
      {
        id: 1,
        name: 'Golden Ticket',
        description: 'A tour',
        price: 5000,
        currency: 'EUR',
        stock: 3,
        available: 1,
        maxQuantityPerPurchase: 10,
      },
      expect.objectContaining({ id: 2, available: 10 }),
    ]);
  });

  it('reads one product and its inventory', async () => {
    expect((await http().get('/products/2').expect(200)).body).toMatchObject({ id: 2, name: 'Sneakers' });
    const res = await http().get('/products/2/inventory').expect(200);
    expect(res.body).toEqual({ productId: 2, available: 10 });
  });

  it.each(['/products/3', '/products/3/inventory'])('%s → 404 PRODUCT_NOT_FOUND', async (path) => {
    const res = await http().get(path).expect(404);
    expect(res.body).toMatchObject({
      code: ErrorCode.ProductNotFound,
      productId: 3,
    });
  });

  it.each(['abc', '0', '-1', '1.5', '01', '1e3', '99999999999999999'])(
    '/products/%s/inventory → 400 VALIDATION_FAILED',
    async (id) => {
      const res = await http().get(`/products/${id}/inventory`).expect(400);
      expect(res.body).toMatchObject({
        code: ErrorCode.ValidationFailed,
        errors: [{ field: 'id' }],
      });
    },
  );
});
