import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ErrorCode, Inventory } from '@gtd/shared-contracts';
import { writeTestCatalog } from '@gtd/testing';
import { CatalogEntry, CLOCK, InventoryModule, PurchaseService } from '@gtd/api-inventory';
import { HttpPlatformModule } from '@gtd/api-platform';
import { get as httpGet, IncomingMessage } from 'node:http';
import request from 'supertest';
import { POLL_CACHE_CONTROL } from './products.controller';
import { ProductsModule } from './products.module';

const NOW = Date.parse('2026-12-01T12:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

const CATALOG: CatalogEntry[] = [
  { id: 2, name: 'Sneakers', description: 'Shoes', price: 18900, currency: 'EUR', stock: 10 },
  { id: 1, name: 'Golden Ticket', description: 'A tour', price: 5000, currency: 'EUR', stock: 3 },
  {
    id: 3,
    name: 'Opens soon',
    description: '',
    price: 100,
    currency: 'EUR',
    stock: 5,
    startsAt: iso(NOW + 1500),
  },
  {
    id: 4,
    name: 'Opens later',
    description: '',
    price: 100,
    currency: 'EUR',
    stock: 5,
    startsAt: iso(NOW + 3_600_000),
  },
  { id: 5, name: 'Gone', description: '', price: 100, currency: 'EUR', stock: 0 },
  { id: 6, name: 'Over', description: '', price: 100, currency: 'EUR', stock: 5, endsAt: iso(NOW - 1) },
];

describe('ProductsModule over HTTP', () => {
  let app: INestApplication;
  const http = () => request(app.getHttpServer());
  const buy = (productId: number) =>
    app.get(PurchaseService).purchase({ productId, quantity: 1, buyerId: null, idempotencyKey: null });

  beforeEach(async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        HttpPlatformModule,
        InventoryModule.forRoot({
          store: 'memory',
          catalogPath: writeTestCatalog(CATALOG),
          maxQuantityPerPurchase: 10,
        }),
        ProductsModule,
      ],
    })
      .overrideProvider(CLOCK)
      .useValue({ now: () => NOW })
      .compile();
    app = moduleRef.createNestApplication({ bodyParser: false, logger: false });
    await app.init();
  });

  afterEach(() => app.close());

  it('lists the catalogue by id with live counts, schedule, state and the purchase maximum', async () => {
    await buy(1);
    await buy(1);
    const res = await http().get('/products').expect(200);
    expect(res.body[0]).toEqual({
      id: 1,
      name: 'Golden Ticket',
      description: 'A tour',
      price: 5000,
      currency: 'EUR',
      stock: 3,
      available: 1,
      maxQuantityPerPurchase: 10,
      startsAt: null,
      endsAt: null,
      perBuyerLimit: null,
      state: 'live',
    });
    expect(res.body.map((p: { id: number; state: string }) => [p.id, p.state])).toEqual([
      [1, 'live'],
      [2, 'live'],
      [3, 'upcoming'],
      [4, 'upcoming'],
      [5, 'sold_out'],
      [6, 'ended'],
    ]);
  });

  it('reads one product and its inventory, with the base poll interval while idle', async () => {
    expect((await http().get('/products/2').expect(200)).body).toMatchObject({
      id: 2,
      name: 'Sneakers',
      state: 'live',
    });
    const res = await http().get('/products/2/inventory').expect(200);
    expect(res.body).toEqual({ productId: 2, available: 10, state: 'live', pollAfterMs: 1000 });
    expect(res.headers['cache-control']).toBe(POLL_CACHE_CONTROL);
    expect(res.headers['etag']).toMatch(/^"[^"]+"$/);
  });

  it.each([
    [5, 'sold_out', 5000],
    [6, 'ended', 10_000],
    [4, 'upcoming', 5000],
    [3, 'upcoming', 1500],
  ])('product %i (%s) suggests polling after %i ms', async (id, state, pollAfterMs) => {
    const res = await http().get(`/products/${id}/inventory`).expect(200);
    expect(res.body).toMatchObject({ state, pollAfterMs });
  });

  it('answers a repeat poll carrying the ETag with a bodiless 304 until the stock changes', async () => {
    const first = await http().get('/products/1/inventory').expect(200);
    const etag = first.headers['etag'];

    for (const ifNoneMatch of [etag, `W/${etag}`, `"other", ${etag}`, '*']) {
      const again = await http().get('/products/1/inventory').set('If-None-Match', ifNoneMatch).expect(304);
      expect(again.text).toBe('');
      expect(again.headers['etag']).toBe(etag);
      expect(again.headers['cache-control']).toBe(POLL_CACHE_CONTROL);
    }

    await buy(1);
    const changed = await http().get('/products/1/inventory').set('If-None-Match', etag).expect(200);
    expect(changed.body).toMatchObject({ productId: 1, available: 2 });
    expect(changed.headers['etag']).not.toBe(etag);
    await http().get('/products/1/inventory').set('If-None-Match', changed.headers['etag']).expect(304);
  });

  it.each(['/products/99', '/products/99/inventory', '/products/99/inventory/stream'])(
    '%s → 404 PRODUCT_NOT_FOUND',
    async (path) => {
      const res = await http().get(path).expect(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ code: ErrorCode.ProductNotFound, productId: 99 });
    },
  );

  it.each(['abc', '0', '-1', '1.5', '01', '1e3', '99999999999999999'])(
    '/products/%s/inventory (and its stream) → 400 VALIDATION_FAILED',
    async (id) => {
      for (const path of [`/products/${id}/inventory`, `/products/${id}/inventory/stream`]) {
        const res = await http().get(path).expect(400);
        expect(res.body).toMatchObject({ code: ErrorCode.ValidationFailed, errors: [{ field: 'id' }] });
      }
    },
  );

  it('streams the count as server-sent events: the current one at once, then each change', async () => {
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as { port: number };
    const events: Inventory[] = [];
    const response = await new Promise<IncomingMessage>((resolve) =>
      httpGet({ host: '127.0.0.1', port, path: '/products/1/inventory/stream' }, resolve),
    );
    let text = '';
    response.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
      for (let end = text.indexOf('\n\n'); end >= 0; end = text.indexOf('\n\n')) {
        const data = text
          .slice(0, end)
          .split('\n')
          .find((line) => line.startsWith('data: '));
        if (data) events.push(JSON.parse(data.slice(6)));
        text = text.slice(end + 2);
      }
    });
    /** Resolves once an event satisfies `predicate` (the test's timeout fails it otherwise). */
    const eventWhere = async (predicate: (event: Inventory) => boolean) => {
      while (!events.some(predicate)) await new Promise((resolve) => setTimeout(resolve, 10));
    };
    try {
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^text\/event-stream/);
      await eventWhere(() => true);
      expect(events[0]).toEqual({ productId: 1, available: 3, state: 'live', pollAfterMs: 1000 });
      await buy(1);
      await buy(1);
      await buy(1);
      await eventWhere((event) => event.available === 0);
      expect(events.at(-1)).toEqual({ productId: 1, available: 0, state: 'sold_out', pollAfterMs: 5000 });
      // Only changes are sent: each event has a count of its own, falling.
      const counts = events.map((e) => e.available);
      expect(new Set(counts).size).toBe(counts.length);
      expect([...counts].sort((a, b) => b - a)).toEqual(counts);
    } finally {
      response.destroy();
    }
  });
});
