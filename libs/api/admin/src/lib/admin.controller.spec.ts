import { INestApplication } from '@nestjs/common';
import { AdminProduct, AuditEntry, ErrorCode } from '@gtd/shared-contracts';
import { CatalogEntry, PurchaseService } from '@gtd/api-inventory';
import { createFeatureTestApp } from '@gtd/api-testing';
import { FakeClock } from '@gtd/testing';
import request from 'supertest';
import { AdminModule } from './admin.module';
import { DropAdministration } from './drop-administration';
import { waitingRoomModules } from '@gtd/api-queue/testing';
import { TicketsModule } from '@gtd/api-tickets';

const TOKEN = 'operator-token-0123456789';
const NOW = '2026-11-20T12:00:00.000Z';

const CATALOG: CatalogEntry[] = [
  { id: 1, name: 'Golden Ticket', description: 'A tour', price: 5000, currency: 'EUR', stock: 10 },
];

const DROP = {
  name: 'Winter Sneakers',
  description: 'Limited run',
  price: 18900,
  currency: 'EUR',
  stock: 50,
  startsAt: '2026-11-25T20:00:00Z',
  endsAt: '2026-11-26T20:00:00Z',
  perBuyerLimit: 2,
};

/**
 * Every operator route, with a body that is valid for it. Every row has all three cells: jest.each
 * would hand a test taking more parameters than its row has cells a `done` callback instead.
 */
const ROUTES: [method: 'get' | 'post' | 'patch', path: string, body: object | undefined][] = [
  ['post', '/admin/products', DROP],
  ['get', '/admin/products', undefined],
  ['get', '/admin/products/1', undefined],
  ['patch', '/admin/products/1', { name: 'Renamed' }],
  ['post', '/admin/products/1/restock', { mode: 'add', quantity: 1 }],
  ['post', '/admin/products/1/pause', undefined],
  ['post', '/admin/products/1/resume', undefined],
  ['get', '/admin/products/1/orders?limit=10', undefined],
  ['get', '/admin/products/1/summary', undefined],
  ['get', '/admin/audit?limit=10', undefined],
  ['get', '/admin/health', undefined],
];

function adminApp(adminToken: string | undefined, clock = new FakeClock(NOW)): Promise<INestApplication> {
  return createFeatureTestApp(
    [...waitingRoomModules(), TicketsModule.forRoot({}), AdminModule.forRoot({ adminToken })],
    CATALOG,
    {},
    { clock },
  );
}

function call(app: INestApplication, method: 'get' | 'post' | 'patch', path: string, body?: object) {
  const req = request(app.getHttpServer())[method](path);
  return body === undefined ? req : req.send(body);
}

describe('operator API access', () => {
  describe('with ADMIN_TOKEN configured', () => {
    let app: INestApplication;

    beforeEach(async () => {
      app = await adminApp(TOKEN);
    });

    afterEach(() => app.close());

    it.each(ROUTES)(
      '%s %s → 401 UNAUTHORIZED with a Bearer challenge without a token',
      async (method, path, body) => {
        const res = await call(app, method, path, body).expect(401);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.headers['www-authenticate']).toBe('Bearer');
        expect(res.body).toMatchObject({ code: ErrorCode.Unauthorized, status: 401 });
      },
    );

    it.each(ROUTES)('%s %s → 401 UNAUTHORIZED with a wrong token', async (method, path, body) => {
      for (const header of [
        `Bearer ${TOKEN}x`,
        `Bearer ${TOKEN.slice(0, -1)}`,
        `Basic ${TOKEN}`,
        TOKEN,
        'Bearer ',
      ]) {
        const res = await call(app, method, path, body).set('Authorization', header).expect(401);
        expect(res.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
        expect(res.body.code).toBe(ErrorCode.Unauthorized);
      }
    });

    it.each(ROUTES)('%s %s → 2xx with the right token', async (method, path, body) => {
      const res = await call(app, method, path, body).set('Authorization', `Bearer ${TOKEN}`);
      expect([200, 201]).toContain(res.status);
    });

    it('accepts the scheme name in any letter case', async () => {
      await request(app.getHttpServer())
        .get('/admin/products')
        .set('Authorization', `bearer ${TOKEN}`)
        .expect(200);
    });

    it('changes nothing and records nothing for a refused call', async () => {
      await call(app, 'post', '/admin/products/1/pause')
        .set('Authorization', 'Bearer wrong-token-123456789')
        .expect(401);
      const product = await app.get(DropAdministration).getProduct(1);
      expect(product.paused).toBe(false);
      const audit = await call(app, 'get', '/admin/audit')
        .set('Authorization', `Bearer ${TOKEN}`)
        .expect(200);
      expect(audit.body).toEqual([]);
    });
  });

  describe('without ADMIN_TOKEN', () => {
    let app: INestApplication;

    beforeAll(async () => {
      app = await adminApp(undefined);
    });

    afterAll(() => app.close());

    it.each(ROUTES)('%s %s → 403 ADMIN_DISABLED, with or without a token', async (method, path, body) => {
      for (const header of [undefined, `Bearer ${TOKEN}`, 'Bearer ']) {
        const req = call(app, method, path, body);
        const res = await (header === undefined ? req : req.set('Authorization', header)).expect(403);
        expect(res.body).toMatchObject({ code: ErrorCode.AdminDisabled, status: 403 });
      }
      expect((await app.get(DropAdministration).getProduct(1)).paused).toBe(false);
    });
  });
});

describe('operator API', () => {
  let app: INestApplication;
  let clock: FakeClock;
  const admin = (method: 'get' | 'post' | 'patch', path: string, body?: object) =>
    call(app, method, path, body).set('Authorization', `Bearer ${TOKEN}`);
  const auditLog = async (query = ''): Promise<AuditEntry[]> =>
    (await admin('get', `/admin/audit${query}`).expect(200)).body;

  beforeEach(async () => {
    clock = new FakeClock(NOW);
    app = await adminApp(TOKEN, clock);
  });

  afterEach(() => app.close());

  describe('POST /admin/products', () => {
    it('creates a drop with the next id, its schedule and limit, and audits it', async () => {
      const res = await admin('post', '/admin/products', DROP).expect(201);
      expect(res.body).toEqual({
        id: 2,
        name: 'Winter Sneakers',
        description: 'Limited run',
        price: 18900,
        currency: 'EUR',
        stock: 50,
        available: 50,
        maxQuantityPerPurchase: 10,
        startsAt: '2026-11-25T20:00:00.000Z',
        endsAt: '2026-11-26T20:00:00.000Z',
        perBuyerLimit: 2,
        state: 'upcoming',
        paused: false,
      });
      const [entry] = await auditLog();
      expect(entry).toEqual({
        id: expect.any(String),
        at: NOW,
        actor: 'admin@127.0.0.1',
        action: 'product.create',
        productId: 2,
        details: DROP,
      });
    });

    it('defaults what may be left out: no description, open at once, no end, no limit', async () => {
      const res = await admin('post', '/admin/products', {
        name: 'Plain',
        price: 0,
        currency: 'USD',
        stock: 0,
      }).expect(201);
      expect(res.body).toMatchObject({
        description: '',
        startsAt: null,
        endsAt: null,
        perBuyerLimit: null,
        state: 'sold_out',
      });
    });

    it.each<[string, object, string[]]>([
      ['a missing name', { name: undefined }, ['name']],
      ['a blank name', { name: '   ' }, ['name']],
      ['a name of 201 characters', { name: 'n'.repeat(201) }, ['name']],
      ['a null description', { description: null }, ['description']],
      ['a negative price', { price: -1 }, ['price']],
      ['a fractional price', { price: 1.5 }, ['price']],
      ['a price as text', { price: '100' }, ['price']],
      ['a lower-case currency', { currency: 'eur' }, ['currency']],
      ['a made-up currency', { currency: 'XYZ' }, ['currency']],
      ['a negative stock', { stock: -5 }, ['stock']],
      ['a stock above 2^31-1', { stock: 2_147_483_648 }, ['stock']],
      ['a date-only startsAt', { startsAt: '2026-11-25' }, ['startsAt']],
      ['a startsAt without a time zone', { startsAt: '2026-11-25T20:00:00' }, ['startsAt']],
      ['an impossible endsAt', { endsAt: '2026-02-30T20:00:00Z' }, ['endsAt']],
      ['a numeric startsAt', { startsAt: 1795636800000 }, ['startsAt']],
      ['a perBuyerLimit of 0', { perBuyerLimit: 0 }, ['perBuyerLimit']],
      ['a fractional perBuyerLimit', { perBuyerLimit: 1.5 }, ['perBuyerLimit']],
      ['an unknown field', { stockk: 5 }, ['stockk']],
      ['several bad fields', { price: -1, currency: 'euro', paused: true }, ['currency', 'paused', 'price']],
    ])('refuses %s with 400 VALIDATION_FAILED naming it', async (_case, change, fields) => {
      const res = await admin('post', '/admin/products', { ...DROP, ...change }).expect(400);
      expect(res.body.code).toBe(ErrorCode.ValidationFailed);
      expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(fields);
      expect(await auditLog()).toEqual([]);
    });

    it('refuses an end that is not after the start', async () => {
      const res = await admin('post', '/admin/products', { ...DROP, endsAt: DROP.startsAt }).expect(400);
      expect(res.body.errors).toEqual([{ field: 'endsAt', messages: expect.any(Array) }]);
    });
  });

  describe('reading', () => {
    it('lists every product with its pause flag, and reads one', async () => {
      const list = await admin('get', '/admin/products').expect(200);
      expect(list.body).toEqual([expect.objectContaining({ id: 1, paused: false, state: 'live' })]);
      const one = await admin('get', '/admin/products/1').expect(200);
      expect(one.body).toEqual(list.body[0]);
    });

    it.each(['/admin/products/2', '/admin/products/2/summary', '/admin/products/2/orders'])(
      '%s → 404 PRODUCT_NOT_FOUND',
      async (path) => {
        expect((await admin('get', path).expect(404)).body.code).toBe(ErrorCode.ProductNotFound);
      },
    );

    it.each(['/admin/products/abc', '/admin/products/0/summary', '/admin/products/01/orders'])(
      '%s → 400 VALIDATION_FAILED for the id',
      async (path) => {
        const res = await admin('get', path).expect(400);
        expect(res.body.errors).toEqual([{ field: 'id', messages: expect.any(Array) }]);
      },
    );
  });

  describe('PATCH /admin/products/:id', () => {
    it('changes only what is sent, clears with null, and audits the change', async () => {
      await admin('patch', '/admin/products/1', { perBuyerLimit: 3 }).expect(200);
      const res = await admin('patch', '/admin/products/1', {
        name: 'Golden Ticket II',
        perBuyerLimit: null,
        startsAt: '2026-11-21T00:00:00+01:00',
      }).expect(200);
      expect(res.body).toMatchObject({
        id: 1,
        name: 'Golden Ticket II',
        description: 'A tour',
        perBuyerLimit: null,
        startsAt: '2026-11-20T23:00:00.000Z',
        state: 'upcoming',
        stock: 10,
      });
      const [latest] = await auditLog();
      expect(latest).toMatchObject({
        action: 'product.update',
        productId: 1,
        details: { name: 'Golden Ticket II', perBuyerLimit: null, startsAt: '2026-11-21T00:00:00+01:00' },
      });
    });

    it.each<[string, object, string[]]>([
      ['an empty change', {}, ['(body)']],
      ['a null name', { name: null }, ['name']],
      ['a null price', { price: null }, ['price']],
      ['a stock change (restock instead)', { stock: 5 }, ['stock']],
      ['a paused flag (pause instead)', { paused: true }, ['paused']],
      ['a bad date', { endsAt: 'tomorrow' }, ['endsAt']],
    ])('refuses %s with 400 VALIDATION_FAILED', async (_case, body, fields) => {
      const res = await admin('patch', '/admin/products/1', body).expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(fields);
    });

    it('refuses an end before the stored start', async () => {
      await admin('patch', '/admin/products/1', { startsAt: '2026-12-01T00:00:00Z' }).expect(200);
      const res = await admin('patch', '/admin/products/1', { endsAt: '2026-11-30T00:00:00Z' }).expect(400);
      expect(res.body.errors[0].field).toBe('endsAt');
    });

    it('answers 404 for an unknown product', async () => {
      expect((await admin('patch', '/admin/products/7', { name: 'x' }).expect(404)).body.code).toBe(
        ErrorCode.ProductNotFound,
      );
      expect(await auditLog()).toEqual([]);
    });
  });

  describe('POST /admin/products/:id/restock', () => {
    it('adds units or sets what is available, recording the stock before and after', async () => {
      await app.get(PurchaseService).purchase({ productId: 1, quantity: 4 });
      const added = await admin('post', '/admin/products/1/restock', { mode: 'add', quantity: 5 }).expect(
        200,
      );
      expect(added.body).toMatchObject({ stock: 15, available: 11 });
      const set = await admin('post', '/admin/products/1/restock', { mode: 'set', quantity: 2 }).expect(200);
      expect(set.body).toMatchObject({ stock: 6, available: 2 });
      const [second, first] = await auditLog();
      expect(first).toMatchObject({
        action: 'product.restock',
        productId: 1,
        details: {
          mode: 'add',
          quantity: 5,
          before: { stock: 10, available: 6 },
          after: { stock: 15, available: 11 },
        },
      });
      expect(second.details).toEqual({
        mode: 'set',
        quantity: 2,
        before: { stock: 15, available: 11 },
        after: { stock: 6, available: 2 },
      });
    });

    it.each<[object, string[]]>([
      [{ mode: 'remove', quantity: 1 }, ['mode']],
      [{ mode: 'add', quantity: -1 }, ['quantity']],
      [{ mode: 'add', quantity: 0.5 }, ['quantity']],
      [{ mode: 'set' }, ['quantity']],
      [{ quantity: 1 }, ['mode']],
    ])('refuses %j', async (body, fields) => {
      const res = await admin('post', '/admin/products/1/restock', body).expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(fields);
    });

    it('refuses a restock that would overflow the stock column', async () => {
      const res = await admin('post', '/admin/products/1/restock', {
        mode: 'add',
        quantity: 2_147_483_647,
      }).expect(400);
      expect(res.body.errors[0].field).toBe('quantity');
    });
  });

  describe('pause and resume', () => {
    it('stops and restarts sales, and audits both', async () => {
      const inventory = app.get(PurchaseService);
      const paused = await admin('post', '/admin/products/1/pause').expect(200);
      expect(paused.body).toMatchObject({ paused: true, state: 'paused' });
      await expect(inventory.purchase({ productId: 1, quantity: 1 })).rejects.toMatchObject({
        code: ErrorCode.Paused,
      });
      const resumed = await admin('post', '/admin/products/1/resume').expect(200);
      expect(resumed.body).toMatchObject({ paused: false, state: 'live' });
      await inventory.purchase({ productId: 1, quantity: 1 });
      expect((await auditLog()).map((e) => e.action)).toEqual(['product.resume', 'product.pause']);
    });

    it('answers 404 for an unknown product', async () => {
      await admin('post', '/admin/products/9/pause').expect(404);
      await admin('post', '/admin/products/9/resume').expect(404);
    });
  });

  describe('orders and summary', () => {
    it('pages the orders oldest first with an opaque cursor', async () => {
      const inventory = app.get(PurchaseService);
      const sold = [];
      for (let i = 0; i < 5; i++) {
        clock.advance(1000);
        sold.push((await inventory.purchase({ productId: 1, quantity: 1 })).orderId);
      }
      const first = await admin('get', '/admin/products/1/orders?limit=2').expect(200);
      expect(first.body.items.map((o: { orderId: string }) => o.orderId)).toEqual(sold.slice(0, 2));
      expect(first.body.items[0]).toEqual({
        orderId: sold[0],
        productId: 1,
        quantity: 1,
        unitPrice: 5000,
        currency: 'EUR',
        total: 5000,
        buyerId: null,
        createdAt: expect.any(String),
        status: 'sold',
        cancelledAt: null,
      });
      const cursor = encodeURIComponent(first.body.nextCursor);
      const second = await admin('get', `/admin/products/1/orders?limit=2&after=${cursor}`).expect(200);
      expect(second.body.items.map((o: { orderId: string }) => o.orderId)).toEqual(sold.slice(2, 4));
      const rest = await admin(
        'get',
        `/admin/products/1/orders?after=${encodeURIComponent(second.body.nextCursor)}`,
      ).expect(200);
      expect(rest.body).toEqual({ items: [expect.objectContaining({ orderId: sold[4] })], nextCursor: null });
    });

    it('exports every order as CSV across pages, as the orders page shows them', async () => {
      const inventory = app.get(PurchaseService);
      await admin('post', '/admin/products/1/restock', { mode: 'add', quantity: 1200 }).expect(200);
      // 1,203 orders: three pages of the export's 500, sold in bursts at the same millisecond.
      for (let burst = 0; burst < 3; burst++) {
        clock.advance(1000);
        await Promise.all(
          Array.from({ length: 401 }, () => inventory.purchase({ productId: 1, quantity: 1 })),
        );
      }
      const res = await admin('get', '/admin/products/1/orders/export').expect(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toBe('attachment; filename="drop-1-orders.csv"');
      const lines = res.text.split('\r\n');
      expect(lines.pop()).toBe('');
      expect(lines[0]).toBe(
        'orderId,productId,quantity,unitPrice,currency,total,buyerId,createdAt,status,cancelledAt',
      );
      const rows = lines.slice(1).map((line) => line.split(','));
      expect(rows).toHaveLength(1203);
      expect(new Set(rows.map((row) => row[0])).size).toBe(1203);
      const page = await admin('get', '/admin/products/1/orders?limit=1').expect(200);
      const first = page.body.items[0];
      expect(rows[0]).toEqual([
        first.orderId,
        '1',
        '1',
        String(first.unitPrice),
        first.currency,
        String(first.total),
        '',
        first.createdAt,
        'sold',
        '',
      ]);
      expect(rows.map((row) => row[7])).toEqual([...rows.map((row) => row[7])].sort());
    });

    it('exports a drop without orders as its header alone, and refuses an unknown drop', async () => {
      const empty = await admin('get', '/admin/products/1/orders/export').expect(200);
      expect(empty.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(empty.text).toBe(
        'orderId,productId,quantity,unitPrice,currency,total,buyerId,createdAt,status,cancelledAt\r\n',
      );
      const unknown = await admin('get', '/admin/products/99/orders/export').expect(404);
      expect(unknown.body.code).toBe(ErrorCode.ProductNotFound);
    });

    it.each<[string, string[]]>([
      ['limit=0', ['limit']],
      ['limit=501', ['limit']],
      ['limit=abc', ['limit']],
      ['limit=1.5', ['limit']],
      ['limit=1&limit=2', ['limit']],
      ['after=not-a-cursor', ['after']],
      ['limt=5', ['limt']],
    ])('refuses ?%s naming %j', async (query, fields) => {
      const res = await admin('get', `/admin/products/1/orders?${query}`).expect(400);
      expect(res.body.code).toBe(ErrorCode.ValidationFailed);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(fields);
    });

    it('sums up the sell-through with rejects by reason', async () => {
      const inventory = app.get(PurchaseService);
      await inventory.purchase({ productId: 1, quantity: 6 });
      await inventory.purchase({
        productId: 1,
        quantity: 4,
        buyerId: 'a2f4a2de-8c55-4e07-9f0e-7f1c0b1a9c11',
      });
      await expect(inventory.purchase({ productId: 1, quantity: 1 })).rejects.toMatchObject({
        code: 'SOLD_OUT',
      });
      await expect(inventory.purchase({ productId: 1, quantity: 1 })).rejects.toMatchObject({
        code: 'SOLD_OUT',
      });
      const res = await admin('get', '/admin/products/1/summary').expect(200);
      expect(res.body).toEqual({
        productId: 1,
        state: 'sold_out',
        stock: 10,
        sold: 10,
        available: 0,
        orders: 2,
        buyers: 1,
        rejects: { SOLD_OUT: 2 },
      });
    });
  });

  describe('GET /admin/audit', () => {
    async function makeChanges(count: number): Promise<AdminProduct[]> {
      const created = [];
      for (let i = 0; i < count; i++) {
        clock.advance(1000);
        created.push(
          (await admin('post', '/admin/products', { ...DROP, name: `Drop ${i}` }).expect(201)).body,
        );
      }
      return created;
    }

    it('lists newest first, a page at a time', async () => {
      await makeChanges(5);
      const page = await auditLog('?limit=2');
      expect(page.map((e) => e.details['name'])).toEqual(['Drop 4', 'Drop 3']);
      expect(new Date(page[0].at).getTime()).toBeGreaterThan(new Date(page[1].at).getTime());
      const next = await auditLog(`?limit=2&before=${page[1].id}`);
      expect(next.map((e) => e.details['name'])).toEqual(['Drop 2', 'Drop 1']);
      const last = await auditLog(`?before=${next[1].id}`);
      expect(last.map((e) => e.details['name'])).toEqual(['Drop 0']);
    });

    it('filters by product and by action, and pages within the filter', async () => {
      const [first, second] = await makeChanges(2);
      await admin('post', `/admin/products/${first.id}/pause`).expect(200);
      await admin('post', `/admin/products/${second.id}/pause`).expect(200);
      await admin('post', `/admin/products/${first.id}/resume`).expect(200);
      const ofFirst = await auditLog(`?productId=${first.id}`);
      expect(ofFirst.map((e) => e.action)).toEqual(['product.resume', 'product.pause', 'product.create']);
      const pauses = await auditLog('?action=product.pause&limit=1');
      expect(pauses.map((e) => e.productId)).toEqual([second.id]);
      const nextPause = await auditLog(`?action=product.pause&before=${pauses[0].id}`);
      expect(nextPause.map((e) => e.productId)).toEqual([first.id]);
      expect(await auditLog(`?action=product.create&productId=${second.id}`)).toHaveLength(1);
    });

    it.each<[string, string[]]>([
      ['limit=0', ['limit']],
      ['limit=600', ['limit']],
      ['before=abc', ['before']],
      ['before=-1', ['before']],
      ['after=1', ['after']],
      ['productId=0', ['productId']],
      ['productId=x', ['productId']],
      ['action=product.delete', ['action']],
    ])('refuses ?%s', async (query, fields) => {
      const res = await admin('get', `/admin/audit?${query}`).expect(400);
      expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(fields);
    });
  });
});
